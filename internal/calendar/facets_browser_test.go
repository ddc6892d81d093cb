package calendar

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/treffpunkt/treffpunkt/internal/browsertest"
)

// widgetOffers reads each widget's events: title, the title's lang
// attribute and the badges.
const widgetOffers = `(() => {
  const out = {};
  for (const w of document.querySelectorAll('treffpunkt-calendar')) {
    const r = w.shadowRoot;
    if (!r || !r.querySelector('.days, .status:not([hidden])') || (r.querySelector('.status') || {}).textContent.includes('…')) continue;
    out[w.id] = [...r.querySelectorAll('.ev')].map(ev => ({
      title: ev.querySelector('.name a span').textContent,
      lang: ev.querySelector('.name a span').getAttribute('lang') || '',
      badges: [...ev.querySelectorAll('.offers li')].map(li => li.textContent),
      label: ev.querySelector('.offers') ? ev.querySelector('.offers').getAttribute('aria-label') : '',
    }));
  }
  return JSON.stringify(out);
})()`

// served starts the calendar on a database made by mk, on a loopback
// server whose address is the calendar's base URL.
func served(t *testing.T, mk func(testing.TB, Options) *env) (*httptest.Server, *env) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	e := mk(t, Options{BaseURL: "http://" + srv.Listener.Addr().String()})
	srv.Config.Handler = e.h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, e
}

type widgetEvent struct {
	Title, Lang, Label string
	Badges             []string
}

// TestWidgetFacets: the widget's facet attributes (free, registration,
// audience, access) select the events, and each event shows its badges in
// the widget's language, its title marked with the announcement's
// language.
func TestWidgetFacets(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 1000, Height: 900})
	cal, _ := served(t, setupFacets)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="de"><head><title>Partner</title></head><body>
<treffpunkt-calendar id="free" free="1" access="childcare"></treffpunkt-calendar>
<treffpunkt-calendar id="reg" registration="1"></treffpunkt-calendar>
<treffpunkt-calendar id="youth" audience="youth,women"></treffpunkt-calendar>
<section dir="rtl" lang="ar"><treffpunkt-calendar id="ar" access="interpreting"></treffpunkt-calendar></section>
<treffpunkt-calendar id="en" lang="en" access="barrier_free,sign_language"></treffpunkt-calendar>
<script src="`+cal.URL+`/embed.js" defer></script></body></html>`)
	}))
	defer host.Close()
	errs := browsertest.Console(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(host.URL)); err != nil {
		t.Fatal(err)
	}
	var got map[string][]widgetEvent
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("widgets did not render: %v", got)
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](widgetOffers))
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := map[string][]widgetEvent{
		"free": {{Title: "Sprachcafé", Lang: "de", Label: "Angebote", Badges: []string{"kostenfrei", "Kinderbetreuung"}}},
		"reg": {{Title: "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen", Lang: "de", Label: "Angebote",
			Badges: []string{"kostenfrei", "Anmeldung nötig", "barrierefrei"}}},
		"youth": {{Title: "Sprachcafé", Lang: "de", Label: "Angebote", Badges: []string{"kostenfrei", "Kinderbetreuung"}}},
		// The browser names the interpreted languages (CLDR), in Arabic.
		"ar": {{Title: "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse", Lang: "de", Label: "الخدمات",
			Badges: []string{"ترجمة فورية: العربية, الفارسية", "لغة الإشارة"}}},
		"en": {
			{Title: "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen", Lang: "de", Label: "Offers",
				Badges: []string{"free of charge", "registration required", "step-free access"}},
			{Title: "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse", Lang: "de", Label: "Offers",
				Badges: []string{"interpreting: Arabic, Persian", "sign language"}},
		},
	}
	for id, evs := range want {
		if !slices.EqualFunc(got[id], evs, func(a, b widgetEvent) bool {
			return a.Title == b.Title && a.Lang == b.Lang && a.Label == b.Label && slices.Equal(a.Badges, b.Badges)
		}) {
			t.Errorf("%s shows %+v, want %+v", id, got[id], evs)
		}
	}
	if msgs := errs(); len(msgs) > 0 {
		t.Errorf("console errors: %q", msgs)
	}
}

// TestFilterFormByKeyboard: the front page's facet controls work with the
// keyboard alone and without script (a GET form), have no accessibility
// violations, and keep their labels beside their boxes right to left.
func TestFilterFormByKeyboard(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 900})
	srv, _ := served(t, setupFacets)
	errs := browsertest.Console(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe: %s", v)
	}
	// Tab to "kostenfrei", choose it with the arrow key (radio group),
	// tab on to the access checkboxes, tick "Kinderbetreuung" with the
	// space bar, submit with Enter.
	focusName := `(() => { const a = document.activeElement; return a ? a.name + '=' + a.value + ':' + a.checked : ''; })()`
	press := func(key string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
			t.Fatal(err)
		}
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](focusName))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	reached := func(want string) {
		t.Helper()
		for range 60 {
			if press(kb.Tab) == want {
				return
			}
		}
		t.Fatalf("Tab never reached %s", want)
	}
	reached("free=:true")
	if s := press(kb.ArrowDown); s != "free=1:true" {
		t.Fatalf("arrow down in the free group: %s", s)
	}
	reached("access=childcare:false")
	if s := press(" "); s != "access=childcare:true" {
		t.Fatalf("space on childcare: %s", s)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var search string
	for !strings.Contains(search, "free=1") {
		if time.Now().After(deadline) {
			t.Fatalf("the form did not submit: %q", search)
		}
		time.Sleep(100 * time.Millisecond)
		search, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	}
	if !strings.Contains(search, "access=childcare") {
		t.Errorf("submitted %s", search)
	}
	titles, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.ev .name a')].map(a => a.textContent).join('|')`))
	if err != nil || titles != "Sprachcafé" {
		t.Errorf("results %q (%v)", titles, err)
	}

	// Right to left: each box stays before (right of) its label.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?lang=ar")); err != nil {
		t.Fatal(err)
	}
	order, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
	  const l = document.querySelector('#f-access label'), box = l.querySelector('input').getBoundingClientRect(), text = l.querySelector('bdi').getBoundingClientRect();
	  return box.left > text.right;
	})()`))
	if err != nil || !order {
		t.Errorf("in Arabic the checkbox is not right of its label (%v)", err)
	}
	p, err := browsertest.Screenshot(ctx, browsertest.ArtifactDir(t, "screenshots"), "facets-ar")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
	if msgs := errs(); len(msgs) > 0 {
		t.Errorf("console errors: %q", msgs)
	}
}
