package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestPruneRawRetention crawls a partner-site mirror, then checks the
// retention cut-off (nothing older than the oldest event: nothing pruned)
// and that a worker started with RawRetention prunes what is past it.
func TestPruneRawRetention(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["pokubi"])
	p := ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Logger: quietLogger()}
	if rep := p.CrawlSource(ctx, srcs["pokubi"]); rep.EventsNew == 0 {
		t.Fatalf("crawl: %+v", rep)
	}
	var first, last time.Time
	var linked int
	if err := pool.QueryRow(ctx, `SELECT min(coalesce(e.end_at, e.start_at)), max(coalesce(e.end_at, e.start_at)), count(DISTINCT ei.item_id)
		FROM events e JOIN event_items ei ON ei.event_id = e.id`).Scan(&first, &last, &linked); err != nil {
		t.Fatal(err)
	}
	pruned := func() int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE raw ? 'pruned' AND NOT raw ? 'html'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	const retention = 180 * 24 * time.Hour
	w := &pruneRawWorker{pool: pool, retention: retention, log: quietLogger(),
		now: func() time.Time { return first.Add(retention) }}
	if err := w.Work(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := pruned(); n != 0 {
		t.Fatalf("cut-off at the oldest event pruned %d items, want 0", n)
	}

	later := last.Add(retention + time.Hour)
	startWorker(t, Config{Pool: pool, ScheduleEvery: time.Hour, RawRetention: retention, Now: func() time.Time { return later }})
	if !pgtest.Wait(t, 60*time.Second, func() bool { return pruned() == linked }) {
		t.Fatalf("worker pruned %d of %d items within 60 s; jobs: %s", pruned(), linked, jobStates(t, pool, "prune_raw"))
	}
}
