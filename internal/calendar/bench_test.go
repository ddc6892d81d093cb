package calendar

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestFeed10000Events: a feed of 10,000 events is complete, valid and
// parses back with every event.
func TestFeed10000Events(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 events: skipped with -short")
	}
	e := setup(t, Options{})
	bulkInsert(t, e.pool, 10000, berlin(2026, 3, 2, 8, 0))
	start := time.Now()
	b := mustStatus(t, e.get(t, "/calendar.ics?region=goerlitz&topic=training"), http.StatusOK)
	took := time.Since(start)
	checkLines(t, b)
	cal := parse(t, b)
	evs := cal.Events()
	// 10,000 bulk events match, plus tp-lang; the feed stops at 10,000.
	if len(evs) != 10000 {
		t.Fatalf("%d events in the feed, want 10000", len(evs))
	}
	uids := map[string]bool{}
	for _, ev := range evs {
		uids[ev.Props.Get(goical.PropUID).Value] = true
	}
	if len(uids) != 10000 {
		t.Errorf("%d distinct UIDs", len(uids))
	}
	t.Logf("10,000 events: %d bytes in %v", len(b), took)
}

// discard is a ResponseWriter that keeps nothing but the status and size.
type discard struct {
	h    http.Header
	code int
	n    int64
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// peakHeap samples the live heap while fn runs and returns the largest
// value seen above the heap before it.
func peakHeap(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// BenchmarkICSFeed10000 serves /calendar.ics with 10,000 matching events
// from Postgres: search, source links, writing. Run with
// go test ./internal/calendar -run '^$' -bench ICSFeed10000 -benchmem
func BenchmarkICSFeed10000(b *testing.B) {
	// sql: the events are found in SQL; memory: as `treffpunkt serve` runs
	// with Postgres alone, from the search's in-memory index (built before
	// the first request).
	for _, backend := range []string{"sql", "memory"} {
		for _, gz := range []bool{false, true} {
			name := backend + "/identity"
			if gz {
				name = backend + "/gzip"
			}
			b.Run(name, func(b *testing.B) {
				var mem *search.Postgres
				e := setupWith(b, Options{}, func(pool *pgxpool.Pool) search.Searcher {
					if backend == "sql" {
						return search.NewPostgres(pool)
					}
					mem = search.NewPostgres(pool).WithMemoryIndex(b.Context(), pool, nil, time.Hour)
					return mem
				})
				bulkInsert(b, e.pool, 10000, berlin(2026, 3, 2, 8, 0))
				if mem != nil {
					if err := mem.WarmUp(b.Context()); err != nil {
						b.Fatal(err)
					}
				}
				benchFeed(b, e.h, "/calendar.ics?region=goerlitz&topic=training", gz)
			})
		}
	}
}

// BenchmarkICSWriter10000 is the writer alone: 10,000 events from memory.
func BenchmarkICSWriter10000(b *testing.B) {
	base := writerEvents()
	evs := make([]store.Event, 10000)
	for i := range evs {
		evs[i] = base[i%len(base)]
		evs[i].ID = int64(i + 1)
	}
	src := sourceLink{SourceID: "saqsen", Name: "SAQsen!", URL: "https://saqsen.example/veranstaltungen/x"}
	var n int64
	for b.Loop() {
		cw := &countingWriter{w: io.Discard}
		bw := bufio.NewWriterSize(cw, 32<<10)
		iw := &icsWriter{w: bw, eventBase: testBase + "/events/", meta: feedMeta{Name: "Treffpunkt", Lang: "de"}}
		iw.begin()
		for _, e := range evs {
			iw.event(e, src)
		}
		iw.end()
		bw.Flush()
		n = cw.n
	}
	b.ReportMetric(float64(n), "body-B")
}

// widgetBudget is the most embed.js may weigh gzipped: it loads on every
// partner page.
const widgetBudget = 15 * 1024

func TestWidgetSize(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(a.embedJS.body)
	zw.Close()
	t.Logf("embed.js: %d bytes, %d gzipped (budget %d)", len(a.embedJS.body), gz.Len(), widgetBudget)
	if gz.Len() > widgetBudget {
		t.Errorf("embed.js is %d bytes gzipped, over the %d budget", gz.Len(), widgetBudget)
	}
	if bytes.Contains(a.embedJS.body, []byte(widgetCSSMarker)) {
		t.Error("the CSS marker was not replaced")
	}
	if !bytes.Contains(a.embedJS.body, []byte("container-type")) {
		t.Error("the widget CSS is not in embed.js")
	}
}

// idFinder streams known events by id in batches, loading them as the
// Postgres search does (store.EventsByID). It stands for a search backend
// that can stream (see Finder): BenchmarkICSFeed10000Streamed measures
// the feed's own cost — loading, source links, writing — without the
// page-by-page facet counting of search.Searcher.
type idFinder struct {
	db    store.DB
	ids   []int64
	batch int
}

func (f idFinder) Each(ctx context.Context, _ search.Filter, limit int, fn func([]store.Event) error) error {
	ids := f.ids[:min(limit, len(f.ids))]
	for len(ids) > 0 {
		n := min(f.batch, len(ids))
		evs, err := store.EventsByID(ctx, f.db, ids[:n])
		if err != nil {
			return err
		}
		if err := fn(evs); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func BenchmarkICSFeed10000Streamed(b *testing.B) {
	e := setup(b, Options{})
	bulkInsert(b, e.pool, 10000, berlin(2026, 3, 2, 8, 0))
	rows, err := e.pool.Query(context.Background(), `SELECT id FROM events WHERE uid LIKE 'tp-bulk-%' ORDER BY start_at, id`)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		b.Fatal(err)
	}
	e.h.find = idFinder{db: e.pool, ids: ids, batch: 500}
	benchFeed(b, e.h, "/calendar.ics?region=goerlitz", false)
}

// benchFeed requests target from h once per iteration and reports the
// peak heap and the body size.
func benchFeed(b *testing.B, h http.Handler, target string, gz bool) {
	var peak uint64
	var size int64
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = "192.0.2.10:4711"
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		w := &discard{h: http.Header{}}
		p := peakHeap(func() { h.ServeHTTP(w, req) })
		if w.code != 0 && w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
		peak, size = max(peak, p), w.n
	}
	b.ReportMetric(float64(peak), "peak-heap-B")
	b.ReportMetric(float64(size), "body-B")
}

// BenchmarkFacetFeeds10000 serves the iCal and JSON feeds of 10,000 events
// from the in-memory index, a third of them with facet values (free,
// access with interpreting): the facet values' query per batch, the
// X-TREFFPUNKT properties, badges and the JSON's facet fields. Run with
// go test ./internal/calendar -run '^$' -bench FacetFeeds10000 -benchtime 5x
func BenchmarkFacetFeeds10000(b *testing.B) {
	var mem *search.Postgres
	e := setupWith(b, Options{}, func(pool *pgxpool.Pool) search.Searcher {
		mem = search.NewPostgres(pool).WithMemoryIndex(b.Context(), pool, nil, time.Hour)
		return mem
	})
	bulkInsert(b, e.pool, 10000, berlin(2026, 3, 2, 8, 0))
	if _, err := e.pool.Exec(b.Context(), `UPDATE events SET cost_free = true,
		draft = draft || '{"audience": ["women"], "accessibility": ["interpreting", "childcare"]}' WHERE id % 3 = 0`); err != nil {
		b.Fatal(err)
	}
	if err := mem.WarmUp(b.Context()); err != nil {
		b.Fatal(err)
	}
	for _, target := range []string{"/calendar.ics?region=goerlitz&topic=training", "/calendar.json?region=goerlitz&topic=training&limit=10000"} {
		b.Run(target[1:strings.Index(target, "?")], func(b *testing.B) { benchFeed(b, e.h, target, false) })
	}
}
