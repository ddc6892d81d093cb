package jobs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// startWorker runs a worker until the test ends; stop ends it early and
// returns Run's error.
func startWorker(t *testing.T, cfg Config) (w *Worker, stop func() error) {
	t.Helper()
	cfg.Logger = quietLogger()
	cfg.Pipeline = ingest.Pipeline{AllowPrivate: true, NoPoliteness: true}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := NewWorker(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var stopped atomic.Bool
	stop = func() error {
		if stopped.Swap(true) {
			return nil
		}
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(90 * time.Second):
			return fmt.Errorf("worker did not stop")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return w, stop
}

type runRow struct {
	source, status, err string
	started             time.Time
	finished            *time.Time
	new                 int
}

func runs(t *testing.T, pool *pgxpool.Pool, sourceID string) []runRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT source_id, status, coalesce(error, ''), started_at, finished_at, events_new
		FROM crawl_runs WHERE source_id = $1 ORDER BY started_at, id`, sourceID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (runRow, error) {
		var x runRow
		return x, r.Scan(&x.source, &x.status, &x.err, &x.started, &x.finished, &x.new)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jobStates(t *testing.T, pool *pgxpool.Pool, kind string) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(state::text, ',' ORDER BY id), '')
		FROM river_job WHERE kind = $1`, kind).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWorkerCrawlsOnSchedule(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	ids := []string{"pokubi", "ntsachsen", "dsm-sachsen"}
	for _, id := range ids {
		upsert(t, pool, srcs[id])
	}
	before := testutil.ToFloat64(metrics.JobsWorked.WithLabelValues("crawl_source", "ok"))
	_, stop := startWorker(t, Config{Pool: pool, ScheduleEvery: time.Second, Concurrency: 2})

	finished := func() bool {
		for _, id := range ids {
			rs := runs(t, pool, id)
			if len(rs) == 0 || rs[0].finished == nil {
				return false
			}
		}
		return true
	}
	if !pgtest.Wait(t, 90*time.Second, finished) {
		t.Fatalf("sources not crawled by the scheduler within 90 s; jobs: %s", jobStates(t, pool, "crawl_source"))
	}
	// Several ticks later, with an interval of an hour, nothing is crawled again.
	time.Sleep(3 * time.Second)
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for _, id := range ids {
		rs := runs(t, pool, id)
		if len(rs) != 1 {
			t.Errorf("%s: %d runs, want exactly 1 (interval 1h)", id, len(rs))
			continue
		}
		if rs[0].status != "ok" && rs[0].status != "partial" || rs[0].new == 0 {
			t.Errorf("%s: run %+v, want ok with new events", id, rs[0])
		}
	}
	var events int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&events)
	if events < 10 {
		t.Errorf("events after the scheduled crawls: %d", events)
	}
	if got := jobStates(t, pool, "crawl_source"); got != "completed,completed,completed" {
		t.Errorf("crawl jobs: %s, want three completed", got)
	}
	if got := testutil.ToFloat64(metrics.JobsWorked.WithLabelValues("crawl_source", "ok")) - before; got < 3 {
		t.Errorf("jobs_worked_total{crawl_source,ok} rose by %v, want ≥ 3", got)
	}
	if got := testutil.ToFloat64(metrics.PagesFetched.WithLabelValues("ntsachsen", "200", "changed")); got < 1 {
		t.Errorf("pages_fetched_total for the iCal feed: %v", got)
	}

	// The collector reads the queue and the sources' health.
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewCollector(pool, quietLogger()))
	if n, err := testutil.GatherAndCount(reg, "treffpunkt_job_queue_jobs"); err != nil || n < 2 {
		t.Errorf("job queue series: %d, %v; want crawl_source and schedule_crawls", n, err)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP treffpunkt_source_stale 1 when a source is stale: no success for 3× its interval, or no events any more after having some.
# TYPE treffpunkt_source_stale gauge
treffpunkt_source_stale{source="dsm-sachsen"} 0
treffpunkt_source_stale{source="ntsachsen"} 0
treffpunkt_source_stale{source="pokubi"} 0
`), "treffpunkt_source_stale"); err != nil {
		t.Error(err)
	}
}

// hangingSite answers the list page and hangs on the detail page until
// release is closed or the client goes away.
type hangingSite struct {
	release chan struct{}
	hit     chan struct{}
}

func (s *hangingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/termine/":
		fmt.Fprint(w, `<html><body><h2><a href="/termine/fachtag/">Fachtag</a></h2></body></html>`)
	case "/termine/fachtag/":
		select {
		case s.hit <- struct{}{}:
		default:
		}
		select {
		case <-s.release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `<html lang="de"><body><h1>Fachtag Migration und Teilhabe</h1>
			<div class="text"><p>Datum: 21.10.2021, 16 bis 18 Uhr</p><p>Ort: Werk 2, Kochstraße 132, 04277 Leipzig</p></div></body></html>`)
	default:
		http.NotFound(w, r)
	}
}

func hangingSource(t *testing.T, url string) source.Source {
	t.Helper()
	srcs, err := source.Parse(fmt.Appendf(nil, `
sources:
  - id: haengt
    name: Verein mit langsamem Server
    url: %s/termine/
    kind: html
    follow: "h2 a"
    fields: {title: h1, body: .text}
    publish: auto
    allow_private: true
    timeout: 2m
    retries: 0
`, url))
	if err != nil {
		t.Fatal(err)
	}
	return srcs[0]
}

func TestStopLetsRunningCrawlFinish(t *testing.T) {
	t.Parallel()
	pool, _ := setup(t)
	site := &hangingSite{release: make(chan struct{}), hit: make(chan struct{}, 1)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	upsert(t, pool, hangingSource(t, srv.URL))
	_, stop := startWorker(t, Config{Pool: pool, ScheduleEvery: time.Second, SoftStop: 20 * time.Second})
	select {
	case <-site.hit:
	case <-time.After(60 * time.Second):
		t.Fatal("crawl did not start")
	}
	// SIGTERM while the detail page is loading; it answers a moment later.
	go func() { time.Sleep(500 * time.Millisecond); close(site.release) }()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	rs := runs(t, pool, "haengt")
	if len(rs) != 1 || rs[0].status != "ok" || rs[0].new != 1 {
		t.Errorf("runs = %+v, want one ok run with the event", rs)
	}
	if got := jobStates(t, pool, "crawl_source"); got != "completed" {
		t.Errorf("crawl job %s, want completed", got)
	}
}

func TestStopCancelsAndRequeuesLongCrawl(t *testing.T) {
	t.Parallel()
	pool, _ := setup(t)
	site := &hangingSite{release: make(chan struct{}), hit: make(chan struct{}, 1)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	defer close(site.release)
	upsert(t, pool, hangingSource(t, srv.URL))
	_, stop := startWorker(t, Config{Pool: pool, ScheduleEvery: time.Second, SoftStop: 300 * time.Millisecond})
	select {
	case <-site.hit:
	case <-time.After(60 * time.Second):
		t.Fatal("crawl did not start")
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("stop took %s with a 300ms soft stop", took)
	}
	rs := runs(t, pool, "haengt")
	if len(rs) != 1 || rs[0].status != "failed" || rs[0].finished == nil || !strings.Contains(rs[0].err, "canceled") {
		t.Errorf("runs = %+v, want one failed, finished run (cancelled)", rs)
	}
	// Back in the queue for the next worker.
	if got := jobStates(t, pool, "crawl_source"); got != "retryable" {
		t.Errorf("crawl job %s, want retryable", got)
	}
}

func TestOrphanedCrawlHandedBack(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["pokubi"], srcs["saqsen"], srcs["ntsachsen"])
	locks, err := pgxpool.NewWithConfig(ctx, pool.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Close()
	// Three crawl jobs "running" on workers that no longer exist…
	for _, id := range []string{"pokubi", "saqsen", "ntsachsen"} {
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { _, err := EnqueueCrawl(ctx, tx, id); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute',
		attempted_by = '{dead-worker}'`); err != nil {
		t.Fatal(err)
	}
	// …except saqsen's, whose worker is alive (holds the lock), and
	// ntsachsen's, which has used its last attempt.
	lock, _, ok, err := lockSource(ctx, locks, "saqsen")
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	defer lock.release()
	if _, err := pool.Exec(ctx, `UPDATE river_job SET attempt = max_attempts WHERE args->>'source_id' = 'ntsachsen'`); err != nil {
		t.Fatal(err)
	}
	n, err := rescueOrphans(ctx, pool, locks, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("handed back %d jobs, want 2", n)
	}
	rows, _ := pool.Query(ctx, `SELECT args->>'source_id', state::text, coalesce(errors[array_length(errors, 1)]->>'error', '')
		FROM river_job ORDER BY args->>'source_id'`)
	got := map[string]string{}
	for rows.Next() {
		var id, state, msg string
		_ = rows.Scan(&id, &state, &msg)
		got[id] = state
		if state != "running" && !strings.Contains(msg, "worker gone") {
			t.Errorf("%s: error message %q", id, msg)
		}
	}
	want := map[string]string{"pokubi": "retryable", "saqsen": "running", "ntsachsen": "discarded"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: state %s, want %s", id, got[id], w)
		}
	}
	// A job that only just started is left alone: its worker may not hold
	// the lock yet.
	if _, err := pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempted_at = now() WHERE args->>'source_id' = 'pokubi'`); err != nil {
		t.Fatal(err)
	}
	if n, _ := rescueOrphans(ctx, pool, locks, 10*time.Second); n != 0 {
		t.Errorf("handed back %d fresh jobs, want 0", n)
	}
}

func TestLockLostCancelsCrawl(t *testing.T) {
	t.Parallel()
	pool, _ := setup(t)
	ctx := context.Background()
	locks, err := pgxpool.NewWithConfig(ctx, pool.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Close()
	lock, crawlCtx, ok, err := lockSource(ctx, locks, "pokubi")
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	if _, ok2, _ := func() (*sourceLock, bool, error) {
		l, _, ok, err := lockSource(ctx, locks, "pokubi")
		if ok {
			l.release()
		}
		return l, ok, err
	}(); ok2 {
		t.Fatal("second lock of the same source granted")
	}
	// The lock's connection dies (a Postgres restart, a network cut).
	pid := lock.conn.Conn().PgConn().PID()
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	select {
	case <-crawlCtx.Done():
		if cause := context.Cause(crawlCtx); cause != errLockLost {
			t.Errorf("cause = %v, want errLockLost", cause)
		}
	case <-time.After(3 * lockPing):
		t.Fatal("crawl not cancelled after its lock connection died")
	}
	if lock.release() {
		t.Error("release says the lock was held to the end; its connection died")
	}
	// And the lock is free for the next crawl.
	if free, err := lockFree(ctx, locks, "pokubi"); err != nil || !free {
		t.Errorf("lock free after the connection died: %v %v", free, err)
	}
}

func TestTickLeftRunningDoesNotBlockScheduling(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["ntsachsen"])
	// A scheduler tick that a killed worker left "running".
	client, err := inserter()
	if err != nil {
		t.Fatal(err)
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := client.InsertTx(ctx, tx, ScheduleArgs{}, scheduleOpts(time.Second))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '1 minute', attempted_by = '{dead-worker}' WHERE kind = 'schedule_crawls'`); err != nil {
		t.Fatal(err)
	}
	startWorker(t, Config{Pool: pool, ScheduleEvery: time.Second})
	crawled := func() bool { rs := runs(t, pool, "ntsachsen"); return len(rs) == 1 && rs[0].finished != nil }
	if !pgtest.Wait(t, 60*time.Second, crawled) {
		t.Fatalf("no crawl while an old tick is stuck; ticks: %s", jobStates(t, pool, "schedule_crawls"))
	}
}
