package jobs

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// TestCrawlAllSkipsLockedSource: `treffpunkt crawl` takes the workers'
// crawl lock, so a source a worker is crawling is skipped, not crawled
// twice at once.
func TestCrawlAllSkipsLockedSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	released := make(chan struct{})
	close(released) // the site answers at once
	site := httptest.NewServer(&hangingSite{release: released, hit: make(chan struct{})})
	defer site.Close()
	src := hangingSource(t, site.URL)
	p := &ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Lock: CrawlLock(pool)}

	// A worker's lock, on a connection of its own.
	lock, _, ok, err := lockSource(ctx, pool, src.ID)
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	rep := p.CrawlAll(ctx, []source.Source{src}, 1)[0]
	if rep.Status != "skipped" || rep.Error == "" {
		t.Errorf("while a worker holds the lock: %+v, want skipped", rep)
	}
	if n := len(runs(t, pool, src.ID)); n != 0 {
		t.Errorf("%d crawl runs recorded for a skipped source", n)
	}
	lock.release()

	rep = p.CrawlAll(ctx, []source.Source{src}, 1)[0]
	if rep.Status != "ok" || rep.EventsNew == 0 {
		t.Errorf("after the worker let go: %+v, want an ok crawl", rep)
	}
	if free, err := lockFree(ctx, pool, src.ID); err != nil || !free {
		t.Errorf("lock still held after the crawl: free %v, %v", free, err)
	}
}
