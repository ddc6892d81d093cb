package faults

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// restartable is a throwaway cluster of our own that the test can stop and
// start again on the same port (the shared test cluster must stay up for
// the other tests).
type restartable struct {
	*pgtest.Cluster
	bin, port string
	asPG      bool
}

func startRestartable(t *testing.T) *restartable {
	t.Helper()
	c, err := pgtest.StartCluster()
	if err != nil {
		t.Skipf("no PostgreSQL cluster of our own: %v", err)
	}
	t.Cleanup(c.Stop)
	u, err := url.Parse(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := &restartable{Cluster: c, port: u.Port(), bin: pgBinDir(t)}
	if u, _ := user.Current(); u != nil && u.Uid == "0" {
		r.asPG = true
	}
	return r
}

// pgBinDir finds pg_ctl the way pgtest does.
func pgBinDir(t *testing.T) string {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d
		}
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Strings(m)
	if len(m) == 0 {
		t.Skip("pg_ctl not found")
	}
	return filepath.Dir(m[len(m)-1])
}

func (r *restartable) pgctl(args ...string) error {
	prog := filepath.Join(r.bin, "pg_ctl")
	cmd := exec.Command(prog, args...)
	if r.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	}
	cmd.Dir = r.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl %s: %v: %s", args[len(args)-1], err, out)
	}
	return nil
}

// restart stops the server the way an operator's restart or a crash
// recovery does (fast: connections are cut, transactions rolled back),
// keeps it down for down, and starts it again.
func (r *restartable) restart(down time.Duration) error {
	data := filepath.Join(r.Dir, "data")
	if err := r.pgctl("-D", data, "-m", "fast", "-w", "stop"); err != nil {
		return err
	}
	time.Sleep(down)
	opts := fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200", r.port, r.Dir)
	return r.pgctl("-D", data, "-l", filepath.Join(r.Dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// database creates a migrated database on the cluster.
func (r *restartable) database(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, r.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(r.URL)
	u.Path = "/" + name
	pool, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return u.String()
}

// syntheticEntry turns the benchmark site's entry of sources.demo.yaml
// into a source the scheduler crawls: enabled, polite enough that a crawl
// of its pages takes a few seconds.
func syntheticEntry(entry string) string {
	if !strings.HasPrefix(entry, "synthetic\n") {
		return entry
	}
	entry = strings.Replace(entry, "    disabled: true\n", "", 1)
	entry = strings.Replace(entry, "    delay: 1ms\n", "    delay: 25ms\n", 1)
	entry = strings.Replace(entry, "    parallelism: 8\n", "    parallelism: 2\n", 1)
	return entry
}

// TestPostgresRestartMidCrawl restarts PostgreSQL while the worker is in
// the middle of a crawl. The crawl stops (its lock connection is gone),
// its run is recorded as failed, River retries it, and the retry
// completes; the store then holds exactly what an undisturbed crawl
// stores: no event lost, none twice.
func TestPostgresRestartMidCrawl(t *testing.T) {
	skipShort(t)
	t.Parallel()
	ctx := context.Background()
	site := mirror(t, 300)
	srcs := parseSources(t, demoYAML(t, site.URL, syntheticEntry, "synthetic", "pokubi"))
	want := cleanCrawl(t, srcs)

	cluster := startRestartable(t)
	dbURL := cluster.database(t, "treffpunkt")
	pool, err := store.Open(ctx, dbURL+"&pool_max_conns=12")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close) // after the worker has stopped
	upsert(t, pool, srcs)
	stop := startWorker(t, jobs.Config{Pool: pool, Concurrency: 2, ScheduleEvery: time.Second,
		RetryBase: 500 * time.Millisecond, Pipeline: ingest.Pipeline{AllowPrivate: true}})

	// Wait until the synthetic crawl has committed some of its pages.
	committed := func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM fetches WHERE source_id = 'synthetic'`).Scan(&n)
		return n >= 40
	}
	if !pgtest.Wait(t, 60*time.Second, committed) {
		t.Fatal("synthetic crawl did not start")
	}
	var before int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE source_id = 'synthetic'`).Scan(&before)
	restarted := time.Now()
	if err := cluster.restart(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL restarted (down 3 s) with %d synthetic items committed", before)

	done := func() bool {
		for _, s := range srcs {
			var ok bool
			err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM crawl_runs WHERE source_id = $1
				AND status = 'ok' AND complete)`, s.ID).Scan(&ok)
			if err != nil || !ok {
				return false
			}
		}
		return true
	}
	if !pgtest.Wait(t, 3*time.Minute, done) {
		for _, s := range srcs {
			t.Logf("%s runs: %+v", s.ID, runs(t, pool, s.ID))
		}
		t.Fatal("no complete run after the restart")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	rs := runs(t, pool, "synthetic")
	for _, r := range rs {
		t.Logf("synthetic run %d: %s pages=%d new=%d errors=%d complete=%v %s", r.ID, r.Status, r.Pages, r.New, r.Errors, r.Complete, r.Err)
	}
	if len(rs) < 2 || rs[0].Status != "failed" || rs[0].Finished == nil {
		t.Errorf("first synthetic run: want failed and finished (interrupted by the restart)")
	}
	if last := rs[len(rs)-1]; last.Started.Before(restarted) {
		t.Errorf("the completing run started before the restart")
	}
	if diff := sameContent(want, takeSnapshot(t, pool)); diff != "" {
		t.Errorf("store after the restart differs from an undisturbed crawl:\n%s", diff)
	}
	var running int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'crawl_source' AND state <> 'completed'`).Scan(&running)
	if running != 0 {
		t.Errorf("%d crawl jobs not completed", running)
	}
}
