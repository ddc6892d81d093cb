package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestWorkerRenormalizesAfterUpgrade: items read by an older normaliser
// (stamped below normalize.Version, as after an upgrade) are read again by
// a worker when it starts, without a crawl, and their events stay theirs.
func TestWorkerRenormalizesAfterUpgrade(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["pokubi"])
	p := ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Logger: quietLogger()}
	if rep := p.CrawlSource(ctx, srcs["pokubi"]); rep.EventsNew == 0 {
		t.Fatalf("crawl: %+v", rep)
	}
	var events int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&events)
	if _, err := pool.Exec(ctx, `UPDATE items SET normalizer_version = $1`, normalize.Version-1); err != nil {
		t.Fatal(err)
	}
	stale := func() int {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE normalizer_version < $1`, normalize.Version).Scan(&n)
		return n
	}
	// Scheduling hourly: only the start-up run can do it.
	startWorker(t, Config{Pool: pool, ScheduleEvery: time.Hour})
	if !pgtest.Wait(t, 60*time.Second, func() bool { return stale() == 0 }) {
		t.Fatalf("%d items still stale after 60 s; jobs: %s", stale(), jobStates(t, pool, "renormalize"))
	}
	var after, runs int
	_ = pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM crawl_runs)`).Scan(&after, &runs)
	if after != events || runs != 1 {
		t.Errorf("%d events (was %d), %d crawl runs (want the one before): re-reading must not crawl or create", after, events, runs)
	}
}
