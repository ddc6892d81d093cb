package scrapers

import (
	"errors"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The WordPress site of the Leipzig MO workshop: two list pages, detail
// pages with "Datum:"/"Ort:" blocks, a pagination link that loops back to
// page 1 (with a tracking parameter), a detail link repeated with utm_*
// and a fragment, and a link to Facebook.
func TestHTMLWordPressSite(t *testing.T) {
	s := newSite(t, "wordpress")
	src := testSource(s.URL+"/veranstaltungen/", event.KindHTML)
	src.Follow = "h2.entry-title a"
	src.Next = "a.next"
	src.Fields.Title = "h1.entry-title"
	src.Fields.Body = ".entry-content"
	src.Fields.Date = ".event-date"
	src.Fields.Place = ".event-place"
	src.Parallelism = 4
	res := crawlSite(t, src, testOptions())

	if got, want := res.sum, (Summary{Pages: 7, Complete: true}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	for uri, want := range map[string]int{
		"/veranstaltungen/": 1, "/veranstaltungen/page/2/": 1, "/veranstaltungen/?utm_campaign=archiv": 0,
		"/2021/05/12/werkstatt-der-migrantinnenorganisationen/":                                        1,
		"/2021/05/12/werkstatt-der-migrantinnenorganisationen/?utm_source=newsletter&utm_medium=email": 0,
	} {
		if got := s.hitsOf(uri); got != want {
			t.Errorf("requests for %s = %d, want %d", uri, got, want)
		}
	}
	if p := res.page(t, "/veranstaltungen/page/2/"); p.Role != RoleList || len(p.Items) != 0 ||
		len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "facebook.com") {
		t.Errorf("list page 2: role %q, %d items, warnings %q", p.Role, len(p.Items), p.Warnings)
	}

	tests := []struct {
		uri                 string
		title, date, place  string
		published           string
		textHas, textHasNot string
		warnings            []string
	}{
		{
			uri:   "/2021/05/12/werkstatt-der-migrantinnenorganisationen/",
			title: "Werkstatt der Migrant*innenorganisationen: Erstes Treffen",
			date:  "Datum: 19. Mai, 15:00 – 17:00 Uhr", place: "Ort: Online",
			published:  "2021-05-12", // article:published_time
			textHas:    "Unser Programm für das erste Treffen am 19. Mai:\nVorstellung der „Werkstatt der Migrant*innen-Organisationen“",
			textHasNot: "Zwischenraum ist eine Radiosendung", // site footer
		},
		{
			uri:   "/2021/05/14/beteiligungskonferenz-migrantisches-leben-in-sachsen/",
			title: "Beteiligungskonferenz: Migrantisches Leben in Sachsen",
			date:  "Datum: 21. Mai 2021", place: "Ort: Online",
			published: "2021-05-13", // <time class="entry-date published">, not the URL's 14th
			textHas:   `Die erste Fachkonferenz "Migrantisches Leben in Sachsen" am 21. Mai 2021`,
		},
		{
			uri:       "/2021/05/20/runder-tisch-migration-und-gender-pay-gap/",
			title:     "Runder Tisch: Migration und Gender Pay Gap",
			published: "2021-05-20", // only the permalink tells
			textHas:   "Das Thema des Runden Tisches am 27. Mai 2021 ist",
		},
		{
			uri:       "/2021/10/05/informationsveranstaltung-bundesfreiwilligendienst/",
			title:     "Informationsveranstaltung zum Bundesfreiwilligendienst",
			date:      "Datum: 21.10.2021, 16:00 Uhr",
			place:     "Ort: DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig) - UND ONLINE MÖGLICH ÜBER ZOOM",
			published: "2021-10-05",
			textHas:   "am 21.10.2021 findet unsere Informationsveranstaltung",
		},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			p := res.page(t, tt.uri)
			if p.Err != nil || p.Role != RoleDetail || p.Status != 200 || len(p.Items) != 1 {
				t.Fatalf("page: err %v, role %q, status %d, %d items", p.Err, p.Role, p.Status, len(p.Items))
			}
			it := p.Items[0]
			if it.Key != CanonicalURL(s.URL+tt.uri) || it.URL != s.URL+tt.uri || it.Kind != event.KindHTML {
				t.Errorf("key %q url %q kind %q", it.Key, it.URL, it.Kind)
			}
			if it.Title != tt.title || it.Date != tt.date || it.Place != tt.place {
				t.Errorf("title %q date %q place %q,\nwant %q %q %q", it.Title, it.Date, it.Place, tt.title, tt.date, tt.place)
			}
			if it.Published != tt.published || it.Lang != "de" {
				t.Errorf("published %q lang %q, want %q de", it.Published, it.Lang, tt.published)
			}
			if !strings.Contains(it.Text, tt.textHas) {
				t.Errorf("text lacks %q:\n%s", tt.textHas, it.Text)
			}
			if tt.textHasNot != "" && strings.Contains(it.Text, tt.textHasNot) {
				t.Errorf("text has %q", tt.textHasNot)
			}
			if !strings.Contains(it.HTML, "<p>") {
				t.Errorf("html %q", it.HTML)
			}
			if strings.Join(p.Warnings, "|") != strings.Join(tt.warnings, "|") {
				t.Errorf("warnings %q, want %q", p.Warnings, tt.warnings)
			}
			if len(p.Validators.Hash) != 64 {
				t.Errorf("hash %q", p.Validators.Hash)
			}
		})
	}
}

// A TYPO3 news list that carries each event in full: fields.item splits
// it. The page is ISO-8859-1, declared only in <meta http-equiv>.
func TestHTMLItemSplitting(t *testing.T) {
	s := newSite(t, "typo3")
	s.types["/termine.html"] = "text/html"
	src := testSource(s.URL+"/termine.html", event.KindHTML)
	src.Fields = configFields(".news-list-item", "h3", ".teaser-text", ".news-list-date", ".news-list-place")
	res := crawlSite(t, src, testOptions())
	p := res.page(t, "/termine.html")
	if p.Err != nil || p.Role != RoleList || !res.sum.Complete {
		t.Fatalf("err %v role %q summary %+v", p.Err, p.Role, res.sum)
	}
	page := CanonicalURL(s.URL + "/termine.html")
	want := []event.Item{
		{Key: page + "#news-17", Title: "Fachaustausch: Diversitätsorientierte Öffnung im Landkreis Bautzen",
			Date: "10.11.2021 | Bautzen", Place: "Ort: Steinhaus Bautzen, Steinstraße 37, 02625 Bautzen"},
		{Key: page + "#2", Title: "Systemische Prozessbegleitung: Informationsabend für Einrichtungen",
			Date: "24.11.2021 | Dresden"},
	}
	if len(p.Items) != len(want) {
		t.Fatalf("%d items, want %d: %+v", len(p.Items), len(want), p.Items)
	}
	for i, w := range want {
		it := p.Items[i]
		if it.Key != w.Key || it.Title != w.Title || it.Date != w.Date || it.Place != w.Place {
			t.Errorf("item %d: %q %q %q %q,\nwant %q %q %q %q", i, it.Key, it.Title, it.Date, it.Place, w.Key, w.Title, w.Date, w.Place)
		}
		if it.Published != "2021-09-15" || it.Lang != "de" || !strings.Contains(it.Text, "Öffnung") {
			t.Errorf("item %d: published %q lang %q text %q", i, it.Published, it.Lang, it.Text)
		}
	}
	wantWarn := []string{"item 3 skipped: no title (selector h3)"}
	if strings.Join(p.Warnings, "|") != strings.Join(wantWarn, "|") {
		t.Errorf("warnings %q,\nwant %q", p.Warnings, wantWarn)
	}
}

// Broken markup: unclosed and mismatched tags, a bare "&amp", no </body>.
// The parser repairs what a browser would; we still get the announcement.
func TestHTMLMalformed(t *testing.T) {
	s := newSite(t, "broken")
	src := testSource(s.URL+"/veranstaltung.html", event.KindHTML)
	src.Fields = configFields("", "h1", ".entry", ".datum", ".ort")
	res := crawlSite(t, src, testOptions())
	p := res.page(t, "/veranstaltung.html")
	if p.Err != nil || len(p.Items) != 1 {
		t.Fatalf("err %v, %d items", p.Err, len(p.Items))
	}
	it := p.Items[0]
	if it.Title != "11. Fachtag Ehrenamt in Schneeberg" {
		t.Errorf("title %q", it.Title)
	}
	if !strings.HasPrefix(it.Place, "Ort: Kulturzentrum „Goldne Sonne“, Fürstenplatz 5, 08289 Schneeberg") {
		t.Errorf("place %q", it.Place)
	}
	if it.Date != "Datum: 3. September 2021 & 13–19 Uhr" {
		t.Errorf("date %q", it.Date)
	}
	for _, want := range []string{"Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr", "Anmeldeschluss: 30. August 2021\nEintritt frei"} {
		if !strings.Contains(it.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, it.Text)
		}
	}
	if strings.Contains(it.Text, "document.write") {
		t.Errorf("script in text:\n%s", it.Text)
	}
}

func TestHTMLMissingTitle(t *testing.T) {
	s := newSite(t, "drupal")
	src := testSource(s.URL+"/veranstaltung/leitziel", event.KindHTML)
	src.Fields.Title = "h1.node__title"
	res := crawlSite(t, src, testOptions())
	p := res.page(t, "/veranstaltung/leitziel")
	if !errors.Is(p.Err, ErrNoTitle) || p.Err.Error() != "no title (selector h1.node__title)" || len(p.Items) != 0 {
		t.Fatalf("err %v, %d items", p.Err, len(p.Items))
	}
	if res.sum.Errors != 1 || res.sum.Complete {
		t.Errorf("summary %+v", res.sum)
	}
}

// An html source whose pages carry JSON-LD events gets those (JSON-LD first).
func TestHTMLPrefersJSONLD(t *testing.T) {
	s := newSite(t, "drupal")
	src := testSource(s.URL+"/veranstaltung/unterstuetzerinnenschulung-pirna", event.KindHTML)
	res := crawlSite(t, src, testOptions())
	p := res.page(t, "/veranstaltung/unterstuetzerinnenschulung-pirna")
	if p.Err != nil || len(p.Items) != 1 || p.Items[0].Start != "2021-10-09T10:00:00+02:00" || p.Items[0].Kind != event.KindHTML {
		t.Fatalf("err %v items %+v", p.Err, p.Items)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ html, want string }{
		{"<p>Datum:<br>19. Mai</p><p>Ort:   <b>Online</b></p>", "Datum:\n19. Mai\nOrt: Online"},
		{"<ul><li>Fortbildungen</li><li>Hospitationen</li></ul>", "Fortbildungen\nHospitationen"},
		{"<div>Werk<span>statt</span> der <em>MOs</em></div><style>p{}</style>", "Werkstatt der MOs"},
		{"<p>\n  Kochstraße\n  132,\t04277 Leipzig </p>", "Kochstraße 132, 04277 Leipzig"},
		{"<p>sichtbar</p><p hidden>versteckt</p><noscript>nojs</noscript>", "sichtbar"},
		{"<table><tr><td>10.11.2021</td><td>Bautzen</td></tr></table>", "10.11.2021\nBautzen"},
	}
	for _, tt := range tests {
		if got := stripTags(tt.html); got != tt.want {
			t.Errorf("stripTags(%q) = %q, want %q", tt.html, got, tt.want)
		}
	}
}

// A body selector that no longer matches (the site's theme changed) falls
// back to the article, without the page's navigation and footer, and says so.
func TestHTMLBodyFallback(t *testing.T) {
	const page = `<html lang="de"><body><nav><a href="/">Start</a></nav>
		<article><h1>Spot on! Engagement sehen. Strukturen stärken.</h1>
		<p>Qualifizierung und Professionalisierung migrantischer Strukturen in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge</p>
		<aside>Newsletter abonnieren</aside></article><footer>Impressum</footer></body></html>`
	hp, err := parseHTML([]byte(page), "https://www.kulturbuero-dresden.de/spot-on/")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := compileSelectors(testSource("https://www.kulturbuero-dresden.de/", event.KindHTML))
	if err != nil {
		t.Fatal(err)
	}
	f := configFields("", "h1", ".field--name-body", "", "")
	sel.body = mustMatcher(t, f.Body)
	items, warn, err := hp.selectorItems(sel, f)
	if err != nil || len(items) != 1 {
		t.Fatalf("err %v items %d", err, len(items))
	}
	wantText := "Spot on! Engagement sehen. Strukturen stärken.\nQualifizierung und Professionalisierung migrantischer Strukturen in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge"
	if items[0].Text != wantText {
		t.Errorf("text %q", items[0].Text)
	}
	if len(warn) != 1 || warn[0] != `body selector ".field--name-body" matched nothing; using the page text` {
		t.Errorf("warnings %q", warn)
	}
}

func mustMatcher(t *testing.T, sel string) goquery.Matcher {
	t.Helper()
	m, err := cascadia.Compile(sel)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
