package calendar

import (
	"context"
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

// hostPage is a partner's page with aggressive CSS of its own — universal
// selectors with !important and rules for the very class names the widget
// uses — and the widget three times with three filters. The second sits
// in a right-to-left section.
const hostPage = `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verein Beispiel e.V. – Termine</title>
<style>
  * { color: #c00000 !important; font-family: "DejaVu Serif", serif !important; letter-spacing: 1px; }
  body { background: #fffbe6; margin: 16px; }
  h1, h2, h3, h4 { font-size: 34px; text-transform: uppercase; margin: 24px 0; }
  a { background: #222; text-decoration: none; }
  ul, ol, li { list-style: square; padding: 12px; }
  p { border: 3px dashed purple; }
  .tp, .ev, .date, .title, .days, .name { display: none !important; }
  treffpunkt-calendar { margin-block: 20px; --tp-accent: #6a1b9a; }
  #w3 { --tp-bg: #f3f7ff; --tp-font: Georgia, serif; }
  .cols { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); }
</style>
</head>
<body>
<h1 id="host-title">Verein Beispiel e.V.</h1>
<p id="host-text">Unsere Termine und die unserer Partner in Sachsen.</p>
<div class="cols">
  <treffpunkt-calendar id="w1" region="leipzig" limit="10"></treffpunkt-calendar>
  <section dir="rtl" lang="ar"><treffpunkt-calendar id="w2" region="goerlitz" language="ar"></treffpunkt-calendar></section>
  <treffpunkt-calendar id="w3" topic="antidiscrimination" heading="Gegen Rassismus"></treffpunkt-calendar>
</div>
<p><a id="host-link" href="#top">Nach oben</a></p>
%s
</body>
</html>`

// deepActive names the element that has focus, looking into shadow roots.
const deepActive = `(() => {
  let a = document.activeElement, host = '';
  while (a && a.shadowRoot && a.shadowRoot.activeElement) { host = a.id; a = a.shadowRoot.activeElement; }
  if (!a || a === document.body) return '';
  return (host ? host + ':' : '') + a.className + ':' + (a.getAttribute('href') || '');
})()`

// widgetState reads what each widget shows: its status and event titles.
const widgetState = `(() => {
  const out = {};
  for (const w of document.querySelectorAll('treffpunkt-calendar')) {
    const r = w.shadowRoot;
    if (!r) { out[w.id] = null; continue; }
    const links = [...r.querySelectorAll('.name a')].map(a => a.firstChild.textContent);
    out[w.id] = {
      status: (r.querySelector('.status') || {}).textContent || '',
      titles: links,
      days: [...r.querySelectorAll('.date time')].map(t => t.getAttribute('datetime')),
      heading: (r.querySelector('.title') || {}).textContent || '',
      subscribe: (r.querySelector('.sub') || {}).href || '',
      visible: r.querySelector('.tp') ? getComputedStyle(r.querySelector('.tp')).display : '',
      linkColor: r.querySelector('.name a') ? getComputedStyle(r.querySelector('.name a')).color : '',
      timeColor: r.querySelector('.time') ? getComputedStyle(r.querySelector('.time')).color : '',
      font: r.querySelector('.tp') ? getComputedStyle(r.querySelector('.tp')).fontFamily : '',
      bg: r.querySelector('.tp') ? getComputedStyle(r.querySelector('.tp')).backgroundColor : '',
      dateBorderRight: r.querySelector('.date') ? getComputedStyle(r.querySelector('.date')).borderRightWidth : '',
      dateBorderLeft: r.querySelector('.date') ? getComputedStyle(r.querySelector('.date')).borderLeftWidth : '',
      lang: r.querySelector('.tp') ? r.querySelector('.tp').lang : '',
      dir: r.querySelector('.tp') ? getComputedStyle(r.querySelector('.tp')).direction : '',
      subText: (r.querySelector('.sub') || {}).textContent || '',
      langs: (r.querySelector('.langs') || {}).textContent || '',
    };
  }
  return JSON.stringify(out);
})()`

// hostStyles is the computed style of host elements the widget must not touch.
const hostStyles = `JSON.stringify(['host-title', 'host-text', 'host-link'].map(id => {
  const s = getComputedStyle(document.getElementById(id));
  return [id, s.color, s.fontFamily, s.fontSize, s.textTransform, s.margin, s.border, s.background, s.letterSpacing, s.display].join('|');
}))`

type widgetView struct {
	Status          string
	Titles          []string
	Days            []string
	Heading         string
	Subscribe       string
	Visible         string
	LinkColor       string
	TimeColor       string
	Font            string
	Bg              string
	DateBorderRight string
	DateBorderLeft  string
	Lang            string
	Dir             string
	SubText         string
	Langs           string
}

// TestWidgetOnForeignPage embeds the widget three times, with three
// filters, in a page of another origin with hostile CSS, and checks in a
// real Chromium what it shows, that the keyboard reaches every link, and
// that the host page looks the same with and without it. Screenshots at
// 320 and 1280 px go to artifacts/screenshots/.
func TestWidgetOnForeignPage(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 900})
	cal, _ := served(t, setup)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		script := `<script src="` + cal.URL + `/embed.js" defer></script>`
		if r.URL.Query().Has("without") {
			script = ""
		}
		fmt.Fprintf(w, hostPage, script)
	}))
	defer host.Close()
	errs := browsertest.Console(ctx)

	// The host page's own look, before any widget script ran.
	if err := chromedp.Do(ctx, chromedp.Navigate(host.URL+"/?without")); err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](hostStyles))
	if err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(host.URL+"/")); err != nil {
		t.Fatal(err)
	}
	views := waitWidgets(t, ctx, 3)
	after, err := chromedp.Run(ctx, chromedp.Evaluate[string](hostStyles))
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("the widget changed the host page's styles:\nbefore %s\nafter  %s", before, after)
	}

	want := map[string][]string{
		"w1": {"Ausstellung „Ankommen in Sachsen“", "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen",
			"Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“"},
		"w2": {longTitle, "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse"},
		"w3": {"Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“", "Aktionstag „Sachsen ist bunt“"},
	}
	for id, titles := range want {
		v := views[id]
		if !slices.Equal(v.Titles, titles) {
			t.Errorf("%s shows %q, want %q", id, v.Titles, titles)
		}
		if v.Visible != "block" {
			t.Errorf("%s: host CSS hid the widget (display %q)", id, v.Visible)
		}
		if strings.Contains(v.TimeColor, "192, 0, 0") || strings.Contains(v.Font, "DejaVu Serif") {
			t.Errorf("%s: host CSS reached inside (time color %s, font %s)", id, v.TimeColor, v.Font)
		}
		if !strings.HasPrefix(v.Subscribe, "webcal://") {
			t.Errorf("%s: subscribe link %q", id, v.Subscribe)
		}
	}
	// Styling through custom properties, languages, headings.
	if views["w1"].LinkColor != "rgb(106, 27, 154)" {
		t.Errorf("--tp-accent not applied: link color %s", views["w1"].LinkColor)
	}
	if views["w3"].Bg != "rgb(243, 247, 255)" || !strings.HasPrefix(views["w3"].Font, "Georgia") || views["w3"].Heading != "Gegen Rassismus" {
		t.Errorf("w3: background %s, font %s, heading %q", views["w3"].Bg, views["w3"].Font, views["w3"].Heading)
	}
	if views["w1"].Lang != "de" || views["w2"].Lang != "ar" || views["w1"].Heading != "Treffpunkt – Leipzig" {
		t.Errorf("languages %q/%q, heading %q", views["w1"].Lang, views["w2"].Lang, views["w1"].Heading)
	}
	// The Arabic widget (from the section's lang) speaks Arabic, right to
	// left, and names the event's languages in Arabic; the German one stays
	// left to right.
	if v := views["w2"]; v.Dir != "rtl" || v.SubText != "اشتراك" || !strings.Contains(v.Langs, "العربية") {
		t.Errorf("Arabic widget: dir %q, subscribe %q, languages %q", v.Dir, v.SubText, v.Langs)
	}
	if views["w1"].Dir != "ltr" {
		t.Errorf("German widget: dir %q", views["w1"].Dir)
	}
	// In the right-to-left section the day's accent border is on the right.
	if views["w2"].DateBorderRight != "4px" || views["w2"].DateBorderLeft != "0px" || views["w1"].DateBorderLeft != "4px" {
		t.Errorf("logical border: w2 right %s left %s, w1 left %s", views["w2"].DateBorderRight, views["w2"].DateBorderLeft, views["w1"].DateBorderLeft)
	}
	// The exhibition that opened in February is listed under the feed's first day.
	if views["w1"].Days[0] != "2026-03-01" {
		t.Errorf("w1 days %v", views["w1"].Days)
	}

	checkKeyboard(t, ctx, views)

	dir := browsertest.ArtifactDir(t, "screenshots")
	for _, width := range []int{320, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		sw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if sw > width {
			t.Errorf("at %d px the page scrolls sideways (%d px wide)", width, sw)
		}
		p, err := browsertest.Screenshot(ctx, dir, fmt.Sprintf("widget-%d", width))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
	if msgs := errs(); len(msgs) > 0 {
		t.Errorf("console errors: %q", msgs)
	}
}

// waitWidgets waits until n widgets have rendered their data.
func waitWidgets(t *testing.T, ctx context.Context, n int) map[string]widgetView {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](widgetState))
		if err != nil {
			t.Fatal(err)
		}
		var views map[string]widgetView
		if err := json.Unmarshal([]byte(raw), &views); err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, v := range views {
			if len(v.Titles) > 0 || (v.Status != "" && !strings.Contains(v.Status, "…")) {
				done++
			}
		}
		if done >= n {
			return views
		}
		if time.Now().After(deadline) {
			t.Fatalf("widgets did not render: %s", raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkKeyboard tabs through the page from the top and checks that the
// subscribe link and every event link of each widget get focus, in order.
func checkKeyboard(t *testing.T, ctx context.Context, views map[string]widgetView) {
	t.Helper()
	c := ctx
	if err := chromedp.Do(c, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`)); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for range 40 {
		if err := chromedp.Do(c, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		a, err := chromedp.Run(c, chromedp.Evaluate[string](deepActive))
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, a)
		if strings.HasPrefix(a, ":") && strings.Contains(a, "#top") {
			break // the host's link after the widgets
		}
	}
	for _, id := range []string{"w1", "w2", "w3"} {
		var subs, links int
		for _, s := range seen {
			switch {
			case strings.HasPrefix(s, id+":sub:webcal://"):
				subs++
			case strings.HasPrefix(s, id+"::http"):
				links++
			}
		}
		// Each event link, the subscribe link, the iCal and the "all events" link.
		if subs != 1 || links != len(views[id].Titles)+2 {
			t.Errorf("%s: Tab reached %d subscribe and %d other links, want 1 and %d; sequence %q", id, subs, links, len(views[id].Titles)+2, seen)
		}
	}
	if last := seen[len(seen)-1]; !strings.Contains(last, "#top") {
		t.Errorf("Tab did not get past the widgets to the host's link: %q", seen)
	}
}

// TestPagesInBrowser renders the public pages and the iframe page in
// Chromium at phone and desktop width: no sideways scrolling, no script
// errors (there are no scripts: the CSP would report any), screenshots.
func TestPagesInBrowser(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 900})
	srv, e := served(t, setup)
	errs := browsertest.Console(ctx)
	dir := browsertest.ArtifactDir(t, "screenshots")
	pages := [][2]string{
		{"index", "/?language=ar"},
		{"event", "/events/" + itoa(e.ids["tp-lang"])},
		{"index-ar", "/?lang=ar"},
		{"event-ar", "/events/" + itoa(e.ids["tp-lang"]) + "?lang=ar"},
		{"index-uk", "/?lang=uk"},
		{"event-uk", "/events/" + itoa(e.ids["tp-lang"]) + "?lang=uk"},
		{"notfound-fa", "/nothing?lang=fa"},
		{"partner-de", "/partners/saqsen"},
		{"partner-ar", "/partners/saqsen?lang=ar"},
		{"embed-frame", "/embed?region=leipzig&limit=5"},
	}
	for _, pg := range pages {
		name, path := pg[0], pg[1]
		for _, width := range []int{320, 390, 1280} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900), chromedp.Navigate(srv.URL+path)); err != nil {
				t.Fatal(err)
			}
			sw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if sw > width {
				t.Errorf("%s at %d px scrolls sideways (%d px wide)", name, width, sw)
			}
			p, err := browsertest.Screenshot(ctx, dir, fmt.Sprintf("%s-%d", name, width))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s", p)
			if width == 390 {
				// WCAG 2.1 A and AA, as axe-core checks them.
				vs, err := browsertest.Axe(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					t.Errorf("%s: axe: %s", name, v)
				}
			}
		}
	}
	// The stylesheet loaded (a blocked or missing one leaves default fonts).
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.tp')).borderTopStyle`))
	if err != nil || bg != "solid" {
		t.Errorf("embed page unstyled: border %q %v", bg, err)
	}
	var msgs []string
	for _, m := range errs() {
		if !strings.Contains(m, "/nothing?lang=fa") { // the 404 page's own status
			msgs = append(msgs, m)
		}
	}
	if len(msgs) > 0 {
		t.Errorf("console errors: %q", msgs)
	}
}

// TestWidgetWhenTheCalendarIsDown: the widget says so and links to the
// calendar instead of breaking the host page.
func TestWidgetWhenTheCalendarIsDown(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 800, Height: 600})
	cal := httptest.NewUnstartedServer(nil)
	e := setup(t, Options{BaseURL: "http://" + cal.Listener.Addr().String()})
	cal.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/calendar.json" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		e.h.ServeHTTP(w, r)
	})
	cal.Start()
	defer cal.Close()
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="de"><body><p id="before">Vorher</p>
<treffpunkt-calendar id="w1" region="leipzig"></treffpunkt-calendar><p id="after">Nachher</p>
<script src="`+cal.URL+`/embed.js" defer></script></body></html>`)
	}))
	defer host.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(host.URL)); err != nil {
		t.Fatal(err)
	}
	views := waitWidgets(t, ctx, 1)
	if s := views["w1"].Status; s != "Die Termine konnten gerade nicht geladen werden." {
		t.Errorf("status %q", s)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('w1').shadowRoot.querySelector('.foot a').href`))
	if err != nil || href != cal.URL+"/?region=leipzig&lang=de" {
		t.Errorf("fallback link %q (%v)", href, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('before').textContent + document.getElementById('after').textContent`))
	if err != nil || text != "VorherNachher" {
		t.Errorf("host page text %q (%v)", text, err)
	}
}
