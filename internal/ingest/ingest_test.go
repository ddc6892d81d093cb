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

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// site is a small WordPress-like partner site whose pages tests can change.
type site struct {
	mu    sync.Mutex
	pages map[string]string // path → detail HTML body text
	down  bool              // every request answers 500
}

func newSite() *site {
	return &site{pages: map[string]string{
		"/veranstaltungen/ag-mo/": `<h1>AG Migrant*innenorganisationen</h1><div class="entry-content">
			<p>Datum: Montag, 13. September 2021, 17:00 - 19:00 Uhr</p>
			<p>Ort: Werk 2, Kochstraße 132, 04277 Leipzig</p>
			<p>Das Ziel ist wieder der Austausch über Aktuelles, Herausforderungen, Projekte, Erfolge etc.</p></div>`,
		"/veranstaltungen/bfd/": `<h1>Informationsveranstaltung zum Bundesfreiwilligendienst</h1><div class="entry-content">
			<p>Datum: 21.10.2021, 16 bis 18 Uhr</p>
			<p>Ort: DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig)</p>
			<p>Wer Fragen zu dem Thema hat ist herzlich eingeladen.</p></div>`,
		"/veranstaltungen/selbstfuersorge/": `<h1>Selbstfürsorge im Ehrenamt</h1><div class="entry-content">
			<p>Datum: 10.11.2021, 17:00 Uhr</p><p>Ort: ONLINE (Link erhalten Sie nach Anmeldung)</p>
			<p>Dieser Kurs soll ein geschützterer Rahmen sein.</p></div>`,
	}}
}

func (s *site) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == "" {
		delete(s.pages, path)
		return
	}
	s.pages[path] = body
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	var page string
	switch {
	case r.URL.Path == "/robots.txt":
		http.NotFound(w, r)
		return
	case r.URL.Path == "/veranstaltungen/":
		var b strings.Builder
		for p := range s.pages {
			fmt.Fprintf(&b, `<article><h2 class="entry-title"><a href="%s">x</a></h2></article>`, p)
		}
		page = b.String()
	default:
		body, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		page = body
	}
	html := `<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>` + page + `</body></html>`
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader(html))
}

func testSource(t *testing.T, id, url string) source.Source {
	t.Helper()
	srcs, err := source.Parse([]byte(fmt.Sprintf(`
sources:
  - id: %s
    name: Testverein
    url: %s/veranstaltungen/
    kind: html
    follow: "h2.entry-title a"
    fields: {title: h1, body: .entry-content}
    region: leipzig
    publish: auto
    allow_private: true
    delay: 1ms
    retries: 0
`, id, url)))
	if err != nil {
		t.Fatal(err)
	}
	return srcs[0]
}

func setup(t *testing.T) (*ingest.Pipeline, *site, *httptest.Server) {
	t.Helper()
	pool := pgtest.New(t)
	s := newSite()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ref := time.Date(2021, 8, 1, 12, 0, 0, 0, time.UTC)
	return &ingest.Pipeline{Pool: pool, Now: func() time.Time { return ref }}, s, srv
}

func TestCrawlTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	p, _, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	first := p.CrawlSource(context.Background(), src)
	if first.Status != "ok" || first.EventsNew != 3 || first.Errors != 0 {
		t.Fatalf("first crawl: %+v", first)
	}
	second := p.CrawlSource(context.Background(), src)
	if second.EventsNew != 0 || second.EventsUpdated != 0 || second.Errors != 0 || second.Unchanged < 3 {
		t.Fatalf("second crawl should change nothing: %+v", second)
	}
}

func TestChangedPageUpdatesInPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, s, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	p.CrawlSource(ctx, src)
	before := eventsByTitle(t, p, "Informationsveranstaltung zum Bundesfreiwilligendienst")

	s.set("/veranstaltungen/bfd/", `<h1>Informationsveranstaltung zum Bundesfreiwilligendienst</h1>
		<div class="entry-content"><p>Datum: 28.10.2021, 16 bis 18 Uhr</p><p>Ort: DP4, Deutscher Platz 4, 04103 Leipzig</p></div>`)
	rep := p.CrawlSource(ctx, src)
	if rep.EventsNew != 0 || rep.EventsUpdated != 1 {
		t.Fatalf("moved event: %+v", rep)
	}
	after := eventsByTitle(t, p, "Informationsveranstaltung zum Bundesfreiwilligendienst")
	if after.ID != before.ID || after.Sequence != before.Sequence+1 {
		t.Errorf("event not updated in place: before id %d seq %d, after id %d seq %d", before.ID, before.Sequence, after.ID, after.Sequence)
	}
	if got := after.Draft.Start.Format("2006-01-02 15:04"); got != "2021-10-28 16:00" {
		t.Errorf("start after move = %s", got)
	}
}

func TestVanishedPageIsMarkedNotDeleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, s, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	p.CrawlSource(ctx, src)
	s.set("/veranstaltungen/selbstfuersorge/", "")
	rep := p.CrawlSource(ctx, src)
	if rep.Vanished != 1 {
		t.Fatalf("want 1 vanished item: %+v", rep)
	}
	e := eventsByTitle(t, p, "Selbstfürsorge im Ehrenamt")
	if e.VanishedAt == nil {
		t.Errorf("event of the vanished page should be flagged vanished, is %+v", e)
	}
}

func TestFailedCrawlLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, s, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	p.CrawlSource(ctx, src)
	s.mu.Lock()
	s.down = true
	s.mu.Unlock()
	rep := p.CrawlSource(ctx, src)
	if rep.Status != "failed" || rep.Errors == 0 || rep.Vanished != 0 {
		t.Fatalf("a crawl of a site that is down must fail without vanishing anything: %+v", rep)
	}
	var live int
	if err := p.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE vanished_at IS NULL`).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if live != 3 {
		t.Errorf("live events after failed crawl = %d, want 3", live)
	}
	runs, err := store.RecentRuns(ctx, p.Pool, "testverein", 1)
	if err != nil || len(runs) != 1 || runs[0].Status == "ok" || runs[0].FinishedAt == nil {
		t.Errorf("run record of the failed crawl: %+v %v", runs, err)
	}
	errs, err := store.RunErrors(ctx, p.Pool, runs[0].ID)
	if err != nil || len(errs) == 0 || errs[0].Status != 500 {
		t.Errorf("per-URL errors of the failed crawl: %+v %v", errs, err)
	}
}

func TestOneFailingSourceDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	p, _, srv := setup(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // nothing listens there any more
	reps := p.CrawlAll(context.Background(), []source.Source{testSource(t, "gone", deadURL), testSource(t, "testverein", srv.URL)}, 2)
	if reps[0].Errors == 0 || reps[0].Status == "ok" {
		t.Errorf("unreachable source should report errors: %+v", reps[0])
	}
	if reps[1].EventsNew != 3 || reps[1].Status != "ok" {
		t.Errorf("healthy source should be crawled: %+v", reps[1])
	}
}

func TestPrivateAddressRefusedUnlessAllowed(t *testing.T) {
	t.Parallel()
	p, _, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	src.AllowPrivate = false
	rep := p.CrawlSource(context.Background(), src)
	if rep.Status != "failed" || !strings.Contains(rep.Error, "non-public address") {
		t.Errorf("crawl of a loopback source without allow_private: %+v", rep)
	}
}

func eventsByTitle(t *testing.T, p *ingest.Pipeline, title string) store.Event {
	t.Helper()
	var id int64
	if err := p.Pool.QueryRow(context.Background(), `SELECT id FROM events WHERE title = $1`, title).Scan(&id); err != nil {
		t.Fatalf("event %q: %v", title, err)
	}
	e, err := store.GetEvent(context.Background(), p.Pool, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
