package ingest_test

import (
	"context"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/config"
	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// BenchmarkPipelineCrawl2000 crawls 2,000 synthetic detail pages on loopback
// end to end (fetch, extract, normalise, dedup, upsert into Postgres) with
// politeness off, then crawls them again unchanged. It reports pages/s of
// both crawls and their ratio (the targets: ≥ 300 pages/s, and the
// unchanged crawl ≥ 5× faster).
func BenchmarkPipelineCrawl2000(b *testing.B) {
	srv := httptest.NewServer(demosites.Synthetic(2000))
	defer srv.Close()
	srcs, err := config.Parse([]byte(`
sources:
  - id: synthetic
    name: Synthetische Partnerseite
    url: ` + srv.URL + `/synthetic/
    kind: html
    follow: ".news-list-item h3 a"
    next: ".f3-widget-paginator li.next a"
    fields: {title: ".news-single h1", body: ".news-text-wrap", date: ".event-date", place: ".event-place"}
    publish: auto
    parallelism: 8
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
