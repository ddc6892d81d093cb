package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// feedSite serves one body as an iCal feed (or an HTML page) on loopback.
func feedSite(t *testing.T, contentType, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func kindSource(t *testing.T, kind, url string) source.Source {
	t.Helper()
	srcs, err := source.Parse([]byte(fmt.Sprintf(`
sources:
  - id: flood
    name: Flutverein
    url: %s
    kind: %s
    region: leipzig
    publish: auto
    allow_private: true
    delay: 1ms
    retries: 0
`, url, kind)))
	if err != nil {
		t.Fatal(err)
	}
	return srcs[0]
}

func limitsPipeline(t *testing.T, lim ingest.Limits) *ingest.Pipeline {
	t.Helper()
	ref := time.Date(2021, 8, 1, 12, 0, 0, 0, time.UTC)
	return &ingest.Pipeline{Pool: pgtest.New(t), Now: func() time.Time { return ref }, NoPoliteness: true, Limits: lim}
}

func count(t *testing.T, p *ingest.Pipeline, query string, args ...any) int {
	t.Helper()
	var n int
	if err := p.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// runProblems returns the crawl_errors messages of a run.
func runProblems(t *testing.T, p *ingest.Pipeline, runID int64) []string {
	t.Helper()
	errs, err := store.RunErrors(context.Background(), p.Pool, runID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Message)
	}
	return out
}

// floodFeed is the reviewer's reproduction: a 648-byte feed of five hourly
// rules, 999 occurrences each.
func floodFeed(n int) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//DE\r\n")
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:f%d@x\r\nDTSTART:20210901T%02d0000Z\r\nSUMMARY:Flut %d\r\n"+
			"RRULE:FREQ=HOURLY;COUNT=999\r\nEND:VEVENT\r\n", i, 8+i, i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// Finding 10 of issue 12: RRULE expansion was capped per rule only, so a
// 648-byte feed made 4,995 events. Now the caps per announcement, per page
// and per source hold, staff see a crawl warning, the run is partial and
// incomplete (nothing vanishes for what was cut), and the cut page is read
// in full again next time.
func TestOccurrenceCaps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		lim       ingest.Limits
		items     int
		want      int    // events stored
		wantLimit string // in the run's problems
	}{
		{"per announcement", ingest.Limits{EventsPerItem: 7}, 3, 3 * 7, "limit per announcement"},
		{"per page", ingest.Limits{EventsPerItem: 7, RepeatsPerPage: 7}, 3, 10, "limit per page"},
		{"per source", ingest.Limits{EventsPerItem: 7, EventsPerSource: 9}, 3, 9, "limit per source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p := limitsPipeline(t, tt.lim)
			srv := feedSite(t, "text/calendar", floodFeed(tt.items))
			src := kindSource(t, event.KindICal, srv.URL+"/feed.ics")
			rep := p.CrawlSource(ctx, src)
			if got := count(t, p, `SELECT count(*) FROM events`); got != tt.want {
				t.Errorf("%d events stored, want %d (report %+v)", got, tt.want, rep)
			}
			if rep.Status != "partial" {
				t.Errorf("status %q, want partial", rep.Status)
			}
			probs := runProblems(t, p, rep.RunID)
			if len(probs) != 1 || !strings.Contains(probs[0], tt.wantLimit) || !strings.HasPrefix(probs[0], "limit: ") {
				t.Errorf("run problems %q, want one naming %q", probs, tt.wantLimit)
			}
			if n := count(t, p, `SELECT count(*) FROM crawl_runs WHERE id = $1 AND NOT complete`, rep.RunID); n != 1 {
				t.Error("a cut crawl must not be complete")
			}
			if n := count(t, p, `SELECT count(*) FROM fetches WHERE content_hash = ''`); n != 1 {
				t.Error("the cut feed's hash was kept: the next crawl would skip it")
			}
			warned := count(t, p, `SELECT count(*) FROM event_items ei, jsonb_array_elements_text(ei.draft->'warnings') w
				WHERE w LIKE '%(' || $1 || ')'`, tt.wantLimit)
			if warned == 0 {
				t.Error("no draft carries the cut as a warning for staff")
			}
			// Nothing changed on the site: the second crawl cuts the same way
			// and changes nothing.
			again := p.CrawlSource(ctx, src)
			if again.EventsNew != 0 || again.EventsUpdated != 0 || count(t, p, `SELECT count(*) FROM events`) != tt.want {
				t.Errorf("second crawl %+v", again)
			}
		})
	}
}

// The reviewer's feed with the default limits: 1,000 events, not 4,995.
func TestFloodFeedDefaultLimits(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("stores 1,000 events")
	}
	p := limitsPipeline(t, ingest.Limits{})
	feed := floodFeed(5)
	srv := feedSite(t, "text/calendar", feed)
	rep := p.CrawlSource(context.Background(), kindSource(t, event.KindICal, srv.URL+"/feed.ics"))
	want := min(5*ingest.DefaultLimits.EventsPerItem, 5+ingest.DefaultLimits.RepeatsPerPage)
	if got := count(t, p, `SELECT count(*) FROM events`); got != want || rep.Status != "partial" {
		t.Errorf("%d-byte feed: %d events, status %s; want %d, partial", len(feed), got, rep.Status, want)
	}
}

// Announcement caps: per page and per source, reported once.
func TestItemCaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
	for i := range 12 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:i%d@x\r\nDTSTART:20210901T100000Z\r\nSUMMARY:Treff Nummer %d\r\nEND:VEVENT\r\n", i, i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	srv := feedSite(t, "text/calendar", b.String())
	p := limitsPipeline(t, ingest.Limits{ItemsPerPage: 5})
	rep := p.CrawlSource(ctx, kindSource(t, event.KindICal, srv.URL+"/feed.ics"))
	if got := count(t, p, `SELECT count(*) FROM items`); got != 5 || rep.Status != "partial" {
		t.Errorf("%d items stored, status %s; want 5, partial", got, rep.Status)
	}
	if probs := runProblems(t, p, rep.RunID); len(probs) != 1 || !strings.Contains(probs[0], "limit per page") {
		t.Errorf("problems %q", probs)
	}

	// Per source, over an HTML site of three detail pages: two are stored,
	// nothing vanishes, and with room again the third comes in.
	pool, _, site := setup(t)
	pool.Limits = ingest.Limits{ItemsPerSource: 2}
	src := testSource(t, "testverein", site.URL)
	rep = pool.CrawlSource(ctx, src)
	if got := count(t, pool, `SELECT count(*) FROM items`); got != 2 || rep.Status != "partial" {
		t.Errorf("%d items stored, status %s; want 2, partial", got, rep.Status)
	}
	if probs := runProblems(t, pool, rep.RunID); len(probs) != 1 || !strings.Contains(probs[0], "limit per source") {
		t.Errorf("problems %q", probs)
	}
	pool.Limits = ingest.Limits{}
	rep = pool.CrawlSource(ctx, src)
	if got := count(t, pool, `SELECT count(*) FROM items WHERE vanished_at IS NULL`); got != 3 || rep.Status != "ok" {
		t.Errorf("with room again: %d live items, report %+v", got, rep)
	}
}

// Findings 10 and 11 of issue 12: a 300 KB title, a 2 MB description and a
// javascript: URL were stored and served. Whatever the strategy, fields are
// cut and only http(s) URLs are stored; staff see a warning.
func TestFieldLimits(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("Lange Beschreibung des Treffens. ", 64<<10) // 2 MB
	title := strings.Repeat("Titel ", 50<<10)                           // 300 KB
	venue := strings.Repeat("Kulturfabrik ", 10<<10)
	ical := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:big@x\r\nDTSTART:20210901T100000Z\r\n" +
		"SUMMARY:" + title + "\r\nDESCRIPTION:" + huge + "\r\nLOCATION:" + venue + "\r\n" +
		"URL:javascript:alert(document.cookie)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	ld := `<!doctype html><html lang="de"><head><script type="application/ld+json">{"@type":"Event","name":"` + title +
		`","description":"` + huge + `","startDate":"2021-09-01T10:00","url":"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",` +
		`"location":{"@type":"Place","name":"` + venue + `"}}</script></head><body></body></html>`
	html := `<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body><h1>` + title +
		`</h1><div class="entry-content"><p>Datum: 01.09.2021, 10 Uhr</p><p>` + huge + `</p></div></body></html>`
	tests := []struct{ kind, contentType, body string }{
		{event.KindICal, "text/calendar", ical},
		{event.KindJSONLD, "text/html; charset=utf-8", ld},
		{event.KindHTML, "text/html; charset=utf-8", html},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p := limitsPipeline(t, ingest.Limits{})
			srv := feedSite(t, tt.contentType, tt.body)
			src := kindSource(t, tt.kind, srv.URL+"/page")
			src.Fields = source.Fields{Title: "h1", Body: ".entry-content"}
			rep := p.CrawlSource(ctx, src)
			if rep.EventsNew != 1 {
				t.Fatalf("report %+v", rep)
			}
			var e struct{ title, desc, html, venue, url, rawTitle string }
			var rawLen int
			err := p.Pool.QueryRow(ctx, `SELECT e.title, e.description, e.description_html, e.venue, i.raw->>'url',
					i.raw->>'title', length(i.raw::text)
				FROM events e JOIN event_items ei ON ei.event_id = e.id JOIN items i ON i.id = ei.item_id`).
				Scan(&e.title, &e.desc, &e.html, &e.venue, &e.url, &e.rawTitle, &rawLen)
			if err != nil {
				t.Fatal(err)
			}
			for name, f := range map[string]struct {
				s   string
				max int
			}{"title": {e.title, event.MaxTitle}, "raw title": {e.rawTitle, event.MaxTitle},
				"description": {e.desc, event.MaxText}, "venue": {e.venue, event.MaxName}} {
				if n := utf8.RuneCountInString(f.s); n > f.max {
					t.Errorf("%s: %d characters stored, limit %d", name, n, f.max)
				}
			}
			if len(e.html) > event.MaxHTML || rawLen > 300<<10 {
				t.Errorf("description_html %d bytes, raw item %d bytes", len(e.html), rawLen)
			}
			if e.url != srv.URL+"/page" {
				t.Errorf("stored url %q, want the page's", e.url)
			}
			probs := runProblems(t, p, rep.RunID)
			if len(probs) != 1 || !strings.HasPrefix(probs[0], "warning: ") || !strings.Contains(probs[0], "title cut") {
				t.Errorf("problems %q", probs)
			}
			if rep.Status != "ok" {
				t.Errorf("cut fields are a warning, not an error: status %q", rep.Status)
			}
		})
	}
}

// The per-source caps bound what the source has in the store, not what one
// crawl writes: a feed that grows by new announcements on every crawl
// stays within them, and the crawls say so.
func TestSourceCapsAcrossCrawls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var mu sync.Mutex
	feed := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, feed)
	}))
	t.Cleanup(srv.Close)
	p := limitsPipeline(t, ingest.Limits{EventsPerItem: 3, ItemsPerSource: 5, EventsPerSource: 11})
	src := kindSource(t, event.KindICal, srv.URL+"/feed.ics")
	for round := 1; round <= 3; round++ {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
		for i := range 3 * round {
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:g%d@x\r\nDTSTART:2021090%dT100000Z\r\nSUMMARY:Treff %d\r\n"+
				"RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n", i, 1+i%9, i)
		}
		b.WriteString("END:VCALENDAR\r\n")
		mu.Lock()
		feed = b.String()
		mu.Unlock()
		rep := p.CrawlSource(ctx, src)
		items := count(t, p, `SELECT count(*) FROM items WHERE vanished_at IS NULL`)
		links := count(t, p, `SELECT count(*) FROM event_items`)
		wantItems, wantLinks := min(3*round, 5), min(9*round, 11)
		if items != wantItems || links != wantLinks {
			t.Errorf("round %d: %d items, %d occurrences; want %d, %d (report %+v)", round, items, links, wantItems, wantLinks, rep)
		}
		if cut := round > 1; cut != (rep.Status == "partial") {
			t.Errorf("round %d: status %s", round, rep.Status)
		}
	}
}
