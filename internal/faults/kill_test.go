package faults

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// workerProc is `treffpunkt worker` running as a child process.
type workerProc struct {
	cmd *exec.Cmd
	log string
}

func startWorkerProc(t *testing.T, bin, dbURL, sources string, extra ...string) *workerProc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "worker.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"worker", "--database-url", dbURL, "--sources", sources, "--schedule-every", "1s",
		"--metrics-addr", "", "--concurrency", "2"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "LOG_FORMAT=json", "MEILI_URL=")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	w := &workerProc{cmd: cmd, log: logPath}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return w
}

func (w *workerProc) logs() string {
	b, _ := os.ReadFile(w.log)
	return string(b)
}

// signal sends sig and waits for the process to exit.
func (w *workerProc) signal(t *testing.T, sig syscall.Signal, within time.Duration) (exitCode int, took time.Duration) {
	t.Helper()
	start := time.Now()
	if err := w.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(within):
		t.Fatalf("worker still running %s after %s\n%s", within, sig, w.logs())
	}
	return w.cmd.ProcessState.ExitCode(), time.Since(start)
}

func committedFetches(pool *pgxpool.Pool, source string, n int) func() bool {
	return func() bool {
		var got int
		_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM fetches WHERE source_id = $1`, source).Scan(&got)
		return got >= n
	}
}

func completeRun(pool *pgxpool.Pool, source string, after time.Time) func() bool {
	return func() bool {
		var ok bool
		_ = pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM crawl_runs WHERE source_id = $1
			AND status = 'ok' AND complete AND started_at > $2)`, source, after).Scan(&ok)
		return ok
	}
}

// TestWorkerKilledMidCrawl kills the worker process with SIGKILL in the
// middle of a crawl and starts it again: the killed run is marked failed,
// the orphaned job goes back to the queue without waiting for River's
// hour-long rescue, the next run completes, and the store holds exactly
// what an undisturbed crawl stores.
func TestWorkerKilledMidCrawl(t *testing.T) {
	skipShort(t)
	t.Parallel()
	ctx := context.Background()
	site := mirror(t, 300)
	yaml := demoYAML(t, site.URL, syntheticEntry, "synthetic", "ntsachsen")
	want := cleanCrawl(t, parseSources(t, yaml))
	sources := writeFile(t, "sources.yaml", yaml)
	pool, dbURL := newDB(t)
	bin := treffpunktBinary(t)

	w := startWorkerProc(t, bin, dbURL, sources)
	if !pgtest.Wait(t, 60*time.Second, committedFetches(pool, "synthetic", 60)) {
		t.Fatalf("crawl did not get going\n%s", w.logs())
	}
	w.signal(t, syscall.SIGKILL, 10*time.Second)
	killed := time.Now()
	var items, jobState, runStatus string
	_ = pool.QueryRow(ctx, `SELECT count(*)::text FROM items WHERE source_id = 'synthetic'`).Scan(&items)
	_ = pool.QueryRow(ctx, `SELECT state::text FROM river_job WHERE kind = 'crawl_source' AND args->>'source_id' = 'synthetic'`).Scan(&jobState)
	_ = pool.QueryRow(ctx, `SELECT status FROM crawl_runs WHERE source_id = 'synthetic'`).Scan(&runStatus)
	t.Logf("killed with %s synthetic items committed; job %s, run %s", items, jobState, runStatus)
	if jobState != "running" || runStatus != "running" {
		t.Fatalf("after SIGKILL: job %s, run %s; want both still running (the test killed too late?)", jobState, runStatus)
	}

	w2 := startWorkerProc(t, bin, dbURL, sources)
	if !pgtest.Wait(t, 90*time.Second, completeRun(pool, "synthetic", killed)) {
		t.Fatalf("no complete run after the restart\n%s", w2.logs())
	}
	rs := runs(t, pool, "synthetic")
	recovered := rs[len(rs)-1].Started.Sub(killed)
	t.Logf("restarted worker began the next run %s after the kill", recovered.Round(100*time.Millisecond))
	if len(rs) != 2 || rs[0].Status != "failed" || !strings.Contains(rs[0].Err, "interrupted") || rs[0].Finished == nil {
		t.Errorf("runs %+v: want the killed run failed (interrupted), then one complete run", rs)
	}
	if !strings.Contains(w2.logs(), "handed back to the queue") {
		t.Errorf("restarted worker did not log the hand-back of the orphaned job")
	}
	code, took := w2.signal(t, syscall.SIGTERM, 40*time.Second)
	if code != 0 {
		t.Errorf("SIGTERM: exit code %d\n%s", code, w2.logs())
	}
	t.Logf("idle worker stopped %s after SIGTERM", took.Round(10*time.Millisecond))
	if diff := sameContent(want, takeSnapshot(t, pool)); diff != "" {
		t.Errorf("store after kill and restart differs from an undisturbed crawl:\n%s", diff)
	}
	var jobs string
	_ = pool.QueryRow(ctx, `SELECT string_agg(state::text || '/' || attempt, ',' ORDER BY id) FROM river_job
		WHERE kind = 'crawl_source' AND args->>'source_id' = 'synthetic'`).Scan(&jobs)
	if jobs != "completed/2" {
		t.Errorf("synthetic crawl jobs %s, want one, completed on its second attempt", jobs)
	}
}

// TestWorkerSIGTERMMidCrawl stops the worker with SIGTERM while a crawl
// runs longer than --shutdown-timeout: the process exits promptly with
// status 0, the crawl's run is recorded as failed, its job waits for a
// retry, and the next worker completes it.
func TestWorkerSIGTERMMidCrawl(t *testing.T) {
	skipShort(t)
	t.Parallel()
	ctx := context.Background()
	site := mirror(t, 300)
	yaml := demoYAML(t, site.URL, syntheticEntry, "synthetic")
	want := cleanCrawl(t, parseSources(t, yaml))
	sources := writeFile(t, "sources.yaml", yaml)
	pool, dbURL := newDB(t)
	bin := treffpunktBinary(t)

	w := startWorkerProc(t, bin, dbURL, sources, "--shutdown-timeout", "500ms")
	if !pgtest.Wait(t, 60*time.Second, committedFetches(pool, "synthetic", 60)) {
		t.Fatalf("crawl did not get going\n%s", w.logs())
	}
	code, took := w.signal(t, syscall.SIGTERM, 20*time.Second)
	stopped := time.Now()
	t.Logf("worker exited %d, %s after SIGTERM", code, took.Round(10*time.Millisecond))
	if code != 0 || took > 10*time.Second {
		t.Errorf("SIGTERM mid-crawl: exit %d after %s, want 0 within 10 s\n%s", code, took, w.logs())
	}
	var jobState string
	_ = pool.QueryRow(ctx, `SELECT state::text FROM river_job WHERE kind = 'crawl_source'`).Scan(&jobState)
	rs := runs(t, pool, "synthetic")
	if jobState != "retryable" || len(rs) != 1 || rs[0].Status != "failed" || rs[0].Finished == nil {
		t.Errorf("after SIGTERM: job %s, runs %+v; want retryable, one failed finished run", jobState, rs)
	}
	// The retry waits RetryBase (30 s by default); make it due now, as the
	// clock would.
	if _, err := pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() WHERE state = 'retryable'`); err != nil {
		t.Fatal(err)
	}
	w2 := startWorkerProc(t, bin, dbURL, sources)
	if !pgtest.Wait(t, 90*time.Second, completeRun(pool, "synthetic", stopped)) {
		t.Fatalf("retry did not complete\n%s", w2.logs())
	}
	w2.signal(t, syscall.SIGTERM, 40*time.Second)
	if diff := sameContent(want, takeSnapshot(t, pool)); diff != "" {
		t.Errorf("store after SIGTERM and retry differs from an undisturbed crawl:\n%s", diff)
	}
}
