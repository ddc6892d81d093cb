package ingest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// BenchmarkPipelineCrawl2000 crawls 2,000 synthetic detail pages on loopback
// end to end (fetch, extract, normalise, dedup, upsert into Postgres) with
// politeness off, then crawls them again unchanged. It reports pages/s of
// both crawls and their ratio (the targets: ≥ 300 pages/s, and the
// unchanged crawl ≥ 5× faster), with the source's parallelism 1 and 8
// (the fetching; pages are written by the pipeline's writers either way).
func BenchmarkPipelineCrawl2000(b *testing.B) {
	srv := httptest.NewServer(demosites.Synthetic(2000))
	defer srv.Close()
	for _, par := range []int{1, 8} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) { benchCrawl2000(b, srv.URL, par) })
	}
}

func benchCrawl2000(b *testing.B, base string, parallelism int) {
	srcs, err := source.Parse([]byte(`
sources:
  - id: synthetic
    name: Synthetische Partnerseite
    url: ` + base + `/synthetic/
    kind: html
    follow: ".news-list-item h3 a"
    next: ".f3-widget-paginator li.next a"
    fields: {title: ".news-single h1", body: ".news-text-wrap", date: ".event-date", place: ".event-place"}
    publish: auto
    parallelism: ` + fmt.Sprint(parallelism) + `
    max_pages: 3000
    allow_private: true
`))
	if err != nil {
		b.Fatal(err)
	}
	src := srcs[0]
	var first, second, cpu time.Duration
	var pages int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		pool := pgtest.New(b)
		p := &ingest.Pipeline{Pool: pool, NoPoliteness: true}
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		rep := p.CrawlSource(context.Background(), src)
		first += time.Since(t0)
		cpu += cpuTime() - c0
		if rep.Errors != 0 || rep.EventsNew < 1900 {
			b.Fatalf("first crawl: %+v", rep)
		}
		t1 := time.Now()
		again := p.CrawlSource(context.Background(), src)
		second += time.Since(t1)
		if again.EventsNew != 0 || again.EventsUpdated != 0 {
			b.Fatalf("second crawl changed things: %+v", again)
		}
		pages = rep.Pages
		b.StopTimer()
		pool.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(pages)*n/first.Seconds(), "pages/s")
	b.ReportMetric(float64(pages)*n/second.Seconds(), "unchanged-pages/s")
	b.ReportMetric(first.Seconds()/second.Seconds(), "speedup")
	// CPU of this process (crawler, test server, pipeline; not PostgreSQL)
	// per page of the first crawl: stable on a shared machine.
	b.ReportMetric(float64(cpu.Microseconds())/(float64(pages)*n), "cpu-µs/page")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRenormalize stores n gen-style items (TREFFPUNKT_RENORM_ITEMS,
// default 100,000) with their events as a crawl leaves them, stamped as read
// by an older normaliser, and reads them all again with Renormalize. It
// reports items/s; the set-up is not timed.
//
//	go test ./internal/ingest -run '^$' -bench Renormalize -benchtime 1x
func BenchmarkRenormalize(b *testing.B) {
	n := 100_000
	if v := os.Getenv("TREFFPUNKT_RENORM_ITEMS"); v != "" {
		fmt.Sscan(v, &n)
	}
	ctx := context.Background()
	var items int
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		pool := pgtest.New(b)
		loadStored(b, pool, n)
		p := &ingest.Pipeline{Pool: pool, Logger: quietLogger()}
		b.StartTimer()
		t0 := time.Now()
		reps, err := p.Renormalize(ctx, "", false)
		took += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		items = 0
		for _, r := range reps {
			if r.Status != "ok" || r.EventsNew != 0 {
				b.Fatalf("renormalize: %+v", r)
			}
			items += r.Items
		}
		if items != n {
			b.Fatalf("read %d items again, want %d", items, n)
		}
		b.StopTimer()
		pool.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(items)*float64(b.N)/took.Seconds(), "items/s")
}

// loadStored writes n generated feed items (20 sources) with one event each
// as a crawl stores them, in bulk, stamped with version 0.
func loadStored(b *testing.B, pool *pgxpool.Pool, n int) {
	b.Helper()
	ctx := context.Background()
	const feeds = 20
	ref := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for f := range feeds {
		src := source.Source{ID: fmt.Sprintf("feed-%d", f), Name: "Generierter Kalender", URL: "http://feeds.test/",
			Kind: "ical", Publish: "auto", Organizer: demosites.GenFeedOrganizer(f)}
		if err := store.UpsertSource(ctx, pool, src); err != nil {
			b.Fatal(err)
		}
		size := n / feeds
		if f < n%feeds {
			size++
		}
		its, err := scrapers.ParseICal(demosites.ICal("x", demosites.GenFeed(f, size)), "http://feeds.test/")
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < len(its); start += 1000 {
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				for k, it := range its[start:min(start+1000, len(its))] {
					raw, hash, err := store.HashItem(it)
					if err != nil {
						return err
					}
					id, _, err := store.UpsertItem(ctx, tx, src.ID, "http://feeds.test/", raw, hash, it.Key, 0)
					if err != nil {
						return err
					}
					ds, err := normalize.Normalize(it, normalize.Options{Ref: ref, Organizer: src.Organizer})
					if err != nil {
						return err
					}
					ev, err := store.InsertEvent(ctx, tx, store.NewEvent{UID: fmt.Sprintf("bench-%d-%d", f, start+k),
						Draft: ds[0], Review: "published"})
					if err != nil {
						return err
					}
					if err := store.Link(ctx, tx, id, 0, ev, ds[0]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFeedsSequential crawls ten generated iCal feeds of
// TREFFPUNKT_FEED_EVENTS events each (default 1,000; the figure is
// 10,000) one after another into one database, as a regional calendar's
// feeds arrive, and reports events/s over all of them, events/s of the
// first and of the last feed (a store that slows as it grows shows it),
// the share of the distinct generated events that were merged, and the
// peak Go heap sampled during the crawls.
//
//	TREFFPUNKT_FEED_EVENTS=10000 go test ./internal/ingest -run '^$' -bench FeedsSequential -benchtime 1x -timeout 2h
func BenchmarkFeedsSequential(b *testing.B) {
	const feeds = 10
	size := feedSize(b, 1000)
	srv := httptest.NewServer(demosites.Feeds(feeds, size))
	defer srv.Close()
	srcs := feedSources(b, srv.URL, feeds)
	var took, first, last time.Duration
	var merged float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		pool := pgtest.New(b)
		p := &ingest.Pipeline{Pool: pool, NoPoliteness: true, Logger: quietLogger()}
		stop := samplePeakHeap()
		b.StartTimer()
		for f, src := range srcs {
			t0 := time.Now()
			rep := p.CrawlSource(context.Background(), src)
			d := time.Since(t0)
			took += d
			if f == 0 {
				first += d
			}
			if f == feeds-1 {
				last += d
			}
			if rep.Status != "ok" || rep.Items != size {
				b.Fatalf("%s: %+v; want ok with %d items", src.ID, rep, size)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(stop())/(1<<20), "MB-peak-heap")
		got := countFeeds(b, pool)
		if got.Items != feeds*size || got.UnlinkedItems != 0 || got.Links != feeds*size {
			b.Fatalf("store holds %+v; want %d items, each linked once", got, feeds*size)
		}
		merged += 1 - float64(got.Events)/float64(feeds*size)
		pool.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(feeds*size)*n/took.Seconds(), "events/s")
	b.ReportMetric(float64(size)*n/first.Seconds(), "first-feed-events/s")
	b.ReportMetric(float64(size)*n/last.Seconds(), "last-feed-events/s")
	b.ReportMetric(100*merged/n, "%merged")
}

// samplePeakHeap samples the Go heap in use every 20 ms until the
// returned function is called, which reports the peak in bytes.
func samplePeakHeap() func() uint64 {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		var ms runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapInuse)
			select {
			case <-done:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-peak }
}
