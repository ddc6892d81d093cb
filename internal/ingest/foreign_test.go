package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// A site the repo has never seen — Joomla markup, a JSON-LD calendar and an
// iCal feed of a fictional Chemnitz association — is crawled from nothing but
// a sources file written for it.
func TestForeignSiteFromSourcesFileAlone(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"/index.php/termine": `<div class="blog"><div class="items-row"><h2 itemprop="name"><a href="/index.php/termine/12-sprachcafe">Sprachcafé</a></h2></div>
			<div class="items-row"><h2 itemprop="name"><a href="/index.php/termine/13-beratung">Beratung</a></h2></div></div>
			<ul class="pagination"><li><a title="Weiter" href="/index.php/termine?start=2">Weiter</a></li></ul>`,
		"/index.php/termine?start=2": `<div class="blog"><div class="items-row"><h2 itemprop="name"><a href="/index.php/termine/14-fest">Fest</a></h2></div></div>`,
		"/index.php/termine/12-sprachcafe": `<div class="item-page"><div class="page-header"><h2>Sprachcafé Deutsch–Arabisch</h2></div>
			<div itemprop="articleBody"><p><strong>Wann:</strong> Dienstag, 12.10.2021, 16:00 – 18:00 Uhr</p>
			<p><strong>Wo:</strong> Bürgerzentrum, Zietenstraße 40, 09130 Chemnitz</p><p>Auf Deutsch und Arabisch, kostenlos.</p></div></div>`,
		"/index.php/termine/13-beratung": `<div class="item-page"><div class="page-header"><h2>Offene Beratung zur Anerkennung</h2></div>
			<div itemprop="articleBody"><p><strong>Wann:</strong> 19.10.2021 ab 10 Uhr</p><p><strong>Wo:</strong> online via Zoom</p></div></div>`,
		"/index.php/termine/14-fest": `<div class="item-page"><div class="page-header"><h2>Interkulturelles Fest</h2></div>
			<div itemprop="articleBody"><p><strong>Wann:</strong> Sa, 23.10.2021, 14-20 Uhr</p><p><strong>Wo:</strong> Stadthallenpark, 09111 Chemnitz</p></div></div>`,
		"/kalender/": `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
			{"@type":"EducationEvent","@id":"https://verein.example/kalender/#e1","name":"Workshop Vereinsrecht",
			 "startDate":"2021-11-06T10:00:00+01:00","endDate":"2021-11-06T15:00:00+01:00",
			 "location":{"@type":"Place","name":"Kulturhaus","address":{"@type":"PostalAddress","streetAddress":"Hauptstraße 1","postalCode":"09366","addressLocality":"Stollberg"}},
			 "description":"Grundlagen des Vereinsrechts für Migrantenorganisationen."}]}</script>`,
		"/feed.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//DE\r\nBEGIN:VEVENT\r\nUID:abc-1@verein.example\r\n" +
			"DTSTAMP:20210901T000000Z\r\nDTSTART;TZID=Europe/Berlin:20211110T180000\r\nDTEND;TZID=Europe/Berlin:20211110T200000\r\n" +
			"SUMMARY:Stammtisch Ehrenamt\r\nLOCATION:Café Kaffeesatz\\, Chemnitz\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".ics") {
			w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
			fmt.Fprint(w, body)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="de-de"><body>%s</body></html>`, body)
	}))
	defer srv.Close()

	srcs, err := source.Parse([]byte(strings.ReplaceAll(`
sources:
  - id: verein-chemnitz
    name: Interkultureller Verein Chemnitz
    url: BASE/index.php/termine
    kind: html
    follow: ".items-row h2 a"
    next: ".pagination a[title=Weiter]"
    fields:
      title: ".item-page .page-header h2"
      body: "[itemprop=articleBody]"
    region: chemnitz
    allow_private: true
    publish: auto
  - id: verein-kalender
    name: Verein Kalender
    url: BASE/kalender/
    kind: jsonld
    allow_private: true
    publish: auto
  - id: verein-ical
    name: Verein iCal
    url: BASE/feed.ics
    kind: ical
    region: chemnitz
    allow_private: true
    publish: auto
`, "BASE", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)
	p := &ingest.Pipeline{Pool: pgtest.New(t), Now: func() time.Time { return ref }}
	want := map[string]int{"verein-chemnitz": 3, "verein-kalender": 1, "verein-ical": 1}
	for _, rep := range p.CrawlAll(context.Background(), srcs, 3) {
		if rep.Errors != 0 || rep.EventsNew != want[rep.Source] {
			t.Errorf("%s: %+v, want %d new events and no errors", rep.Source, rep, want[rep.Source])
		}
	}
	for title, wantStart := range map[string]string{
		"Sprachcafé Deutsch–Arabisch": "2021-10-12 16:00 chemnitz",
		"Workshop Vereinsrecht":       "2021-11-06 10:00 erzgebirgskreis",
		"Stammtisch Ehrenamt":         "2021-11-10 18:00 chemnitz",
		"Interkulturelles Fest":       "2021-10-23 14:00 chemnitz",
	} {
		e := eventsByTitle(t, p, title)
		got := e.Draft.Start.Format("2006-01-02 15:04") + " " + e.Draft.Place.Region
		if got != wantStart {
			t.Errorf("%s: got %s, want %s", title, got, wantStart)
		}
	}
	if e := eventsByTitle(t, p, "Sprachcafé Deutsch–Arabisch"); !strings.Contains(strings.Join(e.Draft.Languages, ","), "ar") {
		t.Errorf("Sprachcafé languages = %v, want Arabic among them", e.Draft.Languages)
	}
}
