package calendar

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/locale"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// titles lists the event titles of a rendered list, in order.
func titles(page string) []string {
	re := regexp.MustCompile(`<h4 class="name" dir="auto"><a href="[^"]*"[^>]*>([^<]*)</a>`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestIndexPage(t *testing.T) {
	e := setup(t, Options{})
	r := e.get(t, "/?region=leipzig")
	page := string(mustStatus(t, r, http.StatusOK))
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	got := titles(page)
	want := []string{"Ausstellung „Ankommen in Sachsen“", "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen",
		"Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("titles %q, want %q", got, want)
	}
	for _, s := range []string{
		`<h2 id="results-h">3 Termine</h2>`,
		`<option value="leipzig" selected>Leipzig (3)</option>`,
		`<option value="dresden">Dresden (1)</option>`,                            // facet: what choosing Dresden would give
		`href="webcal://treffpunkt.example/calendar.ics?region=leipzig"`,          // subscribe for this filter
		`&lt;treffpunkt-calendar region=&#34;leipzig&#34; limit=&#34;10&#34;&gt;`, // the widget snippet
		`<time datetime="2026-03-01">Sonntag, 1. März 2026</time>`,                // the running exhibition is listed under today
		`<span class="lbl">Sprachen:</span> Deutsch, Arabisch, Persisch (Farsi/Dari)`,
		`href="https://saqsen.example/veranstaltungen/tp-mo-treffen"`,
		`<html lang="de" dir="ltr">`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	if n, ld := strings.Count(page, "<script"), strings.Count(page, `<script type="application/ld+json">`); n != ld || ld != 1 {
		t.Errorf("the page has %d scripts, %d of them JSON-LD; want only the JSON-LD", n, ld)
	}
	// In English, and paged: two per page would need a cursor link.
	en := string(mustStatus(t, e.get(t, "/?lang=en&q=Sprachcaf%C3%A9"), http.StatusOK))
	for _, s := range []string{`<html lang="en" dir="ltr">`, `2 events`, `Languages:`, `value="Sprachcafé"`} {
		if !strings.Contains(en, s) {
			t.Errorf("English page lacks %s", s)
		}
	}
}

func TestIndexPaging(t *testing.T) {
	e := setup(t, Options{})
	bulkInsert(t, e.pool, 30, berlin(2026, 4, 1, 8, 0))
	page := string(mustStatus(t, e.get(t, "/?region=goerlitz"), http.StatusOK))
	if n := len(titles(page)); n != 20 {
		t.Fatalf("%d events on the first page, want 20", n)
	}
	m := regexp.MustCompile(`<a href="(/\?after=[^"]+)" rel="next">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no next link")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(next, "region=goerlitz") {
		t.Errorf("next link %q loses the filter", next)
	}
	page2 := string(mustStatus(t, e.get(t, next), http.StatusOK))
	if n := len(titles(page2)); n != 12 { // 30 bulk + tp-lang + tp-anerkennung = 32
		t.Errorf("%d events on the second page, want 12", n)
	}
	if strings.Contains(page2, `rel="next"`) {
		t.Error("last page has a next link")
	}
}

func TestEventPage(t *testing.T) {
	e := setup(t, Options{})
	id := itoa(e.ids["tp-mo-treffen"])
	r := e.get(t, "/events/"+id)
	page := string(mustStatus(t, r, http.StatusOK))
	for _, s := range []string{
		`<h1 id="ev-title" dir="auto"><span lang="de">Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen</span></h1>`,
		`Dienstag, 10. März 2026, 17:00–19:30`,
		`<bdi>Werk 2</bdi><br><bdi>Kochstraße 132</bdi><br><bdi>04277 Leipzig</bdi></span>`, // the city once
		`<a href="https://saqsen.example/veranstaltungen/tp-mo-treffen" rel="nofollow">SAQsen! Werkstatt der Migrant*innenorganisationen</a>`,
		`Anmeldung erforderlich · Kostenfrei`,
		`href="/events/` + id + `/calendar.ics"`,
		`https://www.openstreetmap.org/?mlat=51.31270&amp;mlon=12.37560`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("event page lacks %s", s)
		}
	}
	for _, secret := range []string{"Haddad", "m.haddad@example.org", "1234567"} {
		if strings.Contains(page, secret) {
			t.Errorf("event page shows contact data %q", secret)
		}
	}
	// The duplicate merged into it redirects; unpublished events do not exist.
	r = e.get(t, "/events/"+itoa(e.ids["tp-dublette"]))
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/events/"+id {
		t.Errorf("merged event: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, path := range []string{"/events/" + itoa(e.ids["tp-entwurf"]), "/events/" + itoa(e.ids["tp-abgelehnt"]), "/events/999999", "/events/abc"} {
		if r := e.get(t, path); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}
	// One event as a file for "add to calendar".
	r = e.get(t, "/events/"+id+"/calendar.ics")
	b := mustStatus(t, r, http.StatusOK)
	checkLines(t, b)
	if evs := parse(t, b).Events(); len(evs) != 1 || evs[0].Props.Get("UID").Value != "tp-mo-treffen" {
		t.Errorf("event file has %d events", len(evs))
	}
	if r := e.get(t, "/events/"+id+"/calendar.ics", "If-None-Match", r.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("event file revalidation: %d", r.StatusCode)
	}
}

func TestEmbedPage(t *testing.T) {
	e := setup(t, Options{})
	r := e.get(t, "/embed?region=goerlitz&language=ar&limit=5")
	page := string(mustStatus(t, r, http.StatusOK))
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || r.Header.Get("X-Frame-Options") != "" {
		t.Errorf("embed page not framable: CSP %q, X-Frame-Options %q", csp, r.Header.Get("X-Frame-Options"))
	}
	got := titles(page)
	if len(got) != 2 || got[0] != longTitle || !strings.HasPrefix(got[1], "Beratungstag") {
		t.Errorf("titles %q", got)
	}
	for _, s := range []string{`<base target="_blank">`, `/static/widget.css?v=`, `<span class="badge">Abgesagt</span>`,
		`href="https://saqsen.example/veranstaltungen/tp-lang"`} {
		if !strings.Contains(page, s) {
			t.Errorf("embed page lacks %s", s)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	e := setup(t, Options{})
	r := e.get(t, "/static/site.css")
	mustStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("site.css Content-Type %q", ct)
	}
	if r := e.get(t, "/static/site.css", "If-None-Match", r.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.StatusCode)
	}
	if r := e.get(t, "/static/site.css?v=abc"); r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("versioned asset Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/nothing.css", "/static/templates/layout.html", "/nothing"} {
		if r := e.get(t, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	js := e.get(t, "/embed.js", "Accept-Encoding", "gzip")
	mustStatus(t, js, http.StatusOK)
	if js.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("embed.js headers %v", js.Header)
	}
}

// TestPagesInEveryLanguage: ?lang= and Accept-Language choose among the
// eight languages; Arabic and Farsi pages are right to left; counts take
// the language's plural form; the switcher names every language in itself.
func TestPagesInEveryLanguage(t *testing.T) {
	e := setup(t, Options{})
	id := itoa(e.ids["tp-mo-treffen"])
	cases := []struct {
		lang, accept, dir string
		want              []string
	}{
		{"ar", "", "rtl", []string{"3 فعاليات", "الثلاثاء، 10 مارس 2026", `lang="uk" hreflang="uk" dir="ltr">Українська</a>`}},
		{"fa", "", "rtl", []string{"3 رویداد", "سه‌شنبه 10 مارس 2026"}},
		{"uk", "", "ltr", []string{"3 заходи", "вівторок, 10 березня 2026 р.", `dir="rtl">العربية</a>`}},
		{"ru", "", "ltr", []string{"3 мероприятия"}},
		{"tr", "", "ltr", []string{"3 etkinlik"}},
		{"vi", "", "ltr", []string{"3 sự kiện"}},
		{"", "ar-SY,ar;q=0.9", "rtl", []string{"3 فعاليات"}},
		{"xx", "", "ltr", []string{"3 Termine"}},
	}
	for _, c := range cases {
		path := "/?region=leipzig"
		if c.lang != "" {
			path += "&lang=" + c.lang
		}
		page := string(mustStatus(t, e.get(t, path, "Accept-Language", c.accept), http.StatusOK))
		want := c.lang
		if want == "" {
			want = "ar"
		} else if want == "xx" {
			want = "de"
		}
		if !strings.Contains(page, `<html lang="`+want+`" dir="`+c.dir+`">`) {
			t.Errorf("%s: no <html lang=%q dir=%q>", path, want, c.dir)
		}
		for _, s := range c.want {
			if !strings.Contains(page, s) {
				t.Errorf("%s lacks %s", path, s)
			}
		}
		if want != "de" && !strings.Contains(page, `<input type="hidden" name="lang" value="`+want+`">`) {
			t.Errorf("%s: the filter form loses the language", path)
		}
		ev := string(mustStatus(t, e.get(t, "/events/"+id+"?lang="+want), http.StatusOK))
		if !strings.Contains(ev, `<html lang="`+want+`" dir="`+c.dir+`">`) {
			t.Errorf("event page in %s: wrong lang or dir", want)
		}
		// The announcement keeps the language it is written in.
		if !strings.Contains(ev, `<span lang="de">`) || !strings.Contains(page, `" lang="de">`) {
			t.Errorf("%s: the German announcement is not marked lang=\"de\"", want)
		}
	}
}

// TestNoEnglishInGerman: no English UI text on the German pages (every
// English message that differs from its German one is looked for).
func TestNoEnglishInGerman(t *testing.T) {
	e := setup(t, Options{})
	keys, err := locale.Keys("de")
	if err != nil {
		t.Fatal(err)
	}
	en, de := locale.Get("en"), locale.Get("de")
	var english []string
	for _, k := range keys {
		if s := en.T(k); s != de.T(k) && len(s) >= 5 && s != k {
			english = append(english, s)
		}
	}
	for _, path := range []string{"/", "/?region=leipzig", "/events/" + itoa(e.ids["tp-mo-treffen"]), "/embed?region=goerlitz", "/nothing/here"} {
		r := e.get(t, path)
		page := visibleText(string(body(t, r)))
		// The switcher names English in English, as it must.
		page = strings.ReplaceAll(page, ">English<", "")
		for _, s := range english {
			if strings.Contains(page, s) {
				t.Errorf("German page %s contains the English %q", path, s)
			}
		}
	}
}

var (
	scriptRe = regexp.MustCompile(`(?s)<script.*?</script>`)
	attrRe   = regexp.MustCompile(`\s(?:aria-label|alt|title|placeholder|content)="([^"]*)"`)
	tagRe    = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a page says to people: its text and the attributes
// read out or shown (labels, alt texts), without markup and scripts.
func visibleText(page string) string {
	page = scriptRe.ReplaceAllString(page, " ")
	var attrs []string
	for _, m := range attrRe.FindAllStringSubmatch(page, -1) {
		attrs = append(attrs, m[1])
	}
	return html.UnescapeString(tagRe.ReplaceAllString(page, " ") + " " + strings.Join(attrs, " "))
}

// TestEventActions: the event page's actions and what machines read: the
// original announcement, add-to-calendar links with the right times, share
// link, schema.org Event JSON-LD (parsed), OpenGraph, footer; past and
// cancelled states; a map tile only with MAP_TILES.
func TestEventActions(t *testing.T) {
	e := setup(t, Options{BaseURL: "https://treffpunkt.example", MapTiles: "https://tiles.example/{z}/{x}/{y}.png",
		ImpressumURL: "https://verein.example/impressum", PrivacyURL: "https://verein.example/datenschutz"})
	id := itoa(e.ids["tp-mo-treffen"])
	r := e.get(t, "/events/"+id)
	page := string(mustStatus(t, r, http.StatusOK))
	for _, s := range []string{
		`<a class="button" href="https://saqsen.example/veranstaltungen/tp-mo-treffen" rel="nofollow">Originale Ankündigung</a>`,
		`https://calendar.google.com/calendar/render?action=TEMPLATE&amp;dates=20260310T160000Z%2F20260310T183000Z`,
		`https://outlook.live.com/calendar/0/deeplink/compose?`,
		`enddt=2026-03-10T18%3A30%3A00Z`,
		`value="https://treffpunkt.example/events/` + id + `"`,
		`<meta property="og:title" content="Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen">`,
		`<meta property="og:url" content="https://treffpunkt.example/events/` + id + `">`,
		`<a href="https://verein.example/impressum">Impressum</a>`,
		`<a href="https://verein.example/datenschutz">Datenschutz</a>`,
		`<a href="/partners/saqsen" dir="auto">`,
		`<img class="map" src="https://tiles.example/16/`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("event page lacks %s", s)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://tiles.example") {
		t.Errorf("CSP does not allow the tile server: %q", csp)
	}
	if strings.Contains(page, "Dieser Termin hat bereits stattgefunden") {
		t.Error("an upcoming event is marked as past")
	}
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld struct {
		Context    string `json:"@context"`
		Type       string `json:"@type"`
		Name       string `json:"name"`
		StartDate  string `json:"startDate"`
		EndDate    string `json:"endDate"`
		Status     string `json:"eventStatus"`
		Attendance string `json:"eventAttendanceMode"`
		Location   struct {
			Type    string `json:"@type"`
			Name    string `json:"name"`
			Address struct {
				Locality string `json:"addressLocality"`
			} `json:"address"`
		} `json:"location"`
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	if ld.Context != "https://schema.org" || ld.Type != "Event" || ld.StartDate != "2026-03-10T17:00:00+01:00" ||
		ld.EndDate != "2026-03-10T19:30:00+01:00" || ld.Location.Name != "Werk 2" || ld.Location.Address.Locality != "Leipzig" ||
		ld.Status != "https://schema.org/EventScheduled" || ld.Attendance != "https://schema.org/OfflineEventAttendanceMode" {
		t.Errorf("JSON-LD %+v", ld)
	}

	// Cancelled, and passed (a later clock).
	cancelled := string(mustStatus(t, e.get(t, "/events/"+itoa(e.ids["tp-anerkennung"])), http.StatusOK))
	if !strings.Contains(cancelled, "Dieser Termin wurde abgesagt.") || !strings.Contains(cancelled, "EventCancelled") {
		t.Error("cancelled event not marked")
	}
	later := setup(t, Options{Now: func() time.Time { return now.AddDate(0, 1, 0) }})
	past := string(mustStatus(t, later.get(t, "/events/"+itoa(later.ids["tp-mo-treffen"])), http.StatusOK))
	if !strings.Contains(past, "Dieser Termin hat bereits stattgefunden.") {
		t.Error("past event not marked")
	}
	// Without MAP_TILES: the OpenStreetMap link, no image.
	if strings.Contains(past, `class="map"`) || !strings.Contains(past, "openstreetmap.org") {
		t.Error("without MAP_TILES the page should only link to OpenStreetMap")
	}
	// The calendar page carries its events as JSON-LD too.
	index := string(mustStatus(t, e.get(t, "/?region=leipzig"), http.StatusOK))
	m = regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(index)
	var list []map[string]any
	if m == nil || json.Unmarshal([]byte(m[1]), &list) != nil || len(list) != 3 || list[0]["@type"] != "Event" {
		t.Errorf("index JSON-LD: %v", m)
	}
}

// TestPartnerPage: the public layout, in the visitor's language; each page
// the last visit failed on with its URL and a reason a webmaster can act
// on; no English words on the German page.
func TestPartnerPage(t *testing.T) {
	e := setup(t, Options{})
	ctx := t.Context()
	run, err := store.StartRun(ctx, e.pool, "saqsen")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		url    string
		status int
		msg    string
	}{
		{"https://saqsen.example/alt/", 404, "HTTP 404 Not Found"},
		{"https://saqsen.example/intern/", 0, "disallowed by robots.txt"},
		{"https://saqsen.example/gross/", 0, "response too large: 3145976 bytes announced, cap is 1048576"},
		// A certificate failure met while fetching robots.txt was told as
		// "your robots.txt forbids us this page".
		{"https://saqsen.example/neu/", 0, `Get "https://saqsen.example/robots.txt": tls: failed to verify certificate: x509: certificate has expired or is not yet valid`},
	} {
		if err := store.AddRunError(ctx, e.pool, run.ID, f.url, f.status, f.msg); err != nil {
			t.Fatal(err)
		}
	}
	run.Status, run.Errors = "partial", 4
	if err := store.FinishRun(ctx, e.pool, run); err != nil {
		t.Fatal(err)
	}
	page := string(mustStatus(t, e.get(t, "/partners/saqsen"), http.StatusOK))
	for _, s := range []string{`<html lang="de" dir="ltr">`, `class="masthead"`, `class="sitefoot"`,
		`href="https://saqsen.example/alt/"`, "Diese Seite gibt es nicht (HTTP 404)",
		"Ihre robots.txt verbietet uns diese Seite", "Die Seite ist zu groß für uns", "teilweise gelesen",
		"Das HTTPS-Zertifikat Ihrer Website konnte nicht geprüft werden",
		`<textarea id="jsonld" readonly`} {
		if !strings.Contains(page, s) {
			t.Errorf("partner page lacks %s", s)
		}
	}
	if n := strings.Count(page, "Ihre robots.txt verbietet"); n != 1 {
		t.Errorf("robots.txt blamed for %d pages, want 1", n)
	}
	text := visibleText(page)
	for _, english := range []string{"robots.txt forbids", "HTTP 404 Not Found", "disallowed", "partial", "Pages we could not read"} {
		if strings.Contains(text, english) {
			t.Errorf("German partner page says %q", english)
		}
	}
	ar := string(mustStatus(t, e.get(t, "/partners/saqsen?lang=ar"), http.StatusOK))
	if !strings.Contains(ar, `dir="rtl"`) || !strings.Contains(ar, "هذه الصفحة غير موجودة (HTTP 404)") {
		t.Error("Arabic partner page")
	}
	if r := e.get(t, "/partners/nope"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown partner: %d", r.StatusCode)
	}
	if strings.Contains(page, `id="regression"`) {
		t.Error("partner page warns of a regression after one run")
	}
	// Discovery reads the site another way now: the partner sees it.
	for _, strategy := range []string{"html", "sitemap"} {
		r, err := store.StartRun(ctx, e.pool, "saqsen")
		if err != nil {
			t.Fatal(err)
		}
		r.Status, r.Strategy = "ok", strategy
		if err := store.FinishRun(ctx, e.pool, r); err != nil {
			t.Fatal(err)
		}
	}
	page = string(mustStatus(t, e.get(t, "/partners/saqsen"), http.StatusOK))
	if !strings.Contains(page, `id="regression"`) || !strings.Contains(page, `<strong dir="ltr">html</strong> → <strong dir="ltr">sitemap</strong>`) {
		t.Errorf("partner page shows no strategy change:\n%s", page)
	}
}

// TestFailReasonsHaveWords: every kind of crawl error has words for
// partners (every language has the same keys: internal/locale's test).
func TestFailReasonsHaveWords(t *testing.T) {
	keys, err := locale.Keys(locale.Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range store.RunErrorKinds {
		if key := failReason(k); !slices.Contains(keys, key) {
			t.Errorf("kind %s: no words (%s)", k, key)
		}
	}
}
