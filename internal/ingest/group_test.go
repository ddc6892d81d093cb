package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// TestGroupFailureStaysWithItsPage writes four small pages in one group,
// one of which the database refuses (a NUL character, which jsonb cannot
// hold): the group is written again page by page, so only that page is
// recorded as failed and the other three are stored with their fetches.
func TestGroupFailureStaysWithItsPage(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &Pipeline{Pool: pool, Logger: log, Now: func() time.Time { return time.Date(2027, 3, 1, 9, 0, 0, 0, event.Berlin) }}
	c, err := p.begin(ctx, source.Source{ID: "grp", Name: "Gruppe", URL: "http://grp.test/", Kind: "html", Publish: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	url := func(i int) string { return fmt.Sprintf("http://grp.test/veranstaltung/%d/", i) }
	var group []*prepared
	for i := range 4 {
		text := fmt.Sprintf("Datum: %d.03.2027, 18:00 Uhr\nOrt: Leipzig\nWir laden herzlich zum Sprachcafé ein.", 10+i)
		if i == 2 {
			text += "\x00"
		}
		pg := scrapers.Page{URL: url(i), Status: 200, FetchedAt: time.Now(), Items: []event.Item{
			{Key: url(i), URL: url(i), Kind: "html", Title: fmt.Sprintf("Sprachcafé %d", i), Text: text}}}
		group = append(group, c.prepare(ctx, pg))
	}
	c.storeSmall(ctx, log, group)

	if want := map[string]bool{url(2): true}; len(c.failed) != 1 || !c.failed[url(2)] {
		t.Errorf("failed pages %v, want %v", c.failed, want)
	}
	if c.run.Errors != 1 || c.run.EventsNew != 3 {
		t.Errorf("run counted %d errors and %d new events, want 1 and 3", c.run.Errors, c.run.EventsNew)
	}
	fetches, err := store.Fetches(ctx, pool, "grp")
	if err != nil {
		t.Fatal(err)
	}
	items, err := store.SourceItems(ctx, pool, "grp")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		_, fetched := fetches[url(i)]
		_, stored := items[url(i)]
		if want := i != 2; fetched != want || stored != want {
			t.Errorf("page %d: fetch recorded %v, item stored %v; want %v", i, fetched, stored, want)
		}
	}
	if len(c.known) != 3 {
		t.Errorf("crawl knows %d items, want the three stored", len(c.known))
	}
}

// TestFirstCrawlWritesBoilerplateFreeOnce crawls a new site whose pages
// all end with the same radio-show blurb: the first crawl learns it from
// its first pages before writing, so every event is written once, without
// it (sequence 0), instead of once with it and again after the crawl.
func TestFirstCrawlWritesBoilerplateFreeOnce(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	const blurb = "Hören Sie uns auch im Radio: jeden Mittwoch um 18 Uhr auf Radio Blau 99,2 MHz."
	mux := http.NewServeMux()
	var list strings.Builder
	for i := range 6 {
		path := fmt.Sprintf("/veranstaltungen/%d/", i)
		fmt.Fprintf(&list, `<article><h2 class="entry-title"><a href="%s">x</a></h2></article>`, path)
		body := fmt.Sprintf(`<h1>Sprachcafé Nummer %d</h1><div class="entry-content"><p>Datum: %d.10.2021, 17:00 Uhr</p>
			<p>Ort: Werk 2, Kochstraße 132, 04277 Leipzig</p><p>Wir sprechen über Thema %d und lernen gemeinsam.</p><p>%s</p></div>`, i, 10+i, i, blurb)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { page(w, body) })
	}
	mux.HandleFunc("/veranstaltungen/", func(w http.ResponseWriter, r *http.Request) { page(w, list.String()) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srcs, err := source.Parse([]byte(`
sources:
  - id: radio
    name: Radioverein
    url: ` + srv.URL + `/veranstaltungen/
    kind: html
    follow: "h2.entry-title a"
    fields: {title: h1, body: .entry-content}
    region: leipzig
    publish: auto
    allow_private: true
    delay: 1ms
`))
	if err != nil {
		t.Fatal(err)
	}
	p := &Pipeline{Pool: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2021, 8, 1, 12, 0, 0, 0, time.UTC) }}
	if rep := p.CrawlSource(ctx, srcs[0]); rep.Status != "ok" || rep.EventsNew != 6 {
		t.Fatalf("first crawl: %+v", rep)
	}
	rows, err := pool.Query(ctx, `SELECT title, description, sequence FROM events ORDER BY title`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var title, desc string
		var seq int
		if err := rows.Scan(&title, &desc, &seq); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(desc, "Radio Blau") || seq != 0 {
			t.Errorf("%s: sequence %d, description %q; want written once, without the blurb", title, seq, desc)
		}
	}
}

func page(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>`+body+`</body></html>`)
}
