package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestLargeFeedsRestartAndKill crawls six large generated iCal feeds at
// once with `treffpunkt crawl`, restarts PostgreSQL in the middle of one
// crawl and kills the next one with SIGKILL in the middle; one more crawl
// must then store every generated event exactly once, with no page lost
// to a deadlock. TREFFPUNKT_FEED_EVENTS sets the events per feed (default
// 600 for `make test`; the figure is 5,000).
func TestLargeFeedsRestartAndKill(t *testing.T) {
	skipShort(t)
	t.Parallel()
	const feeds = 6
	size := 600
	if v := os.Getenv("TREFFPUNKT_FEED_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			t.Fatalf("TREFFPUNKT_FEED_EVENTS=%q: want a number ≥ 10", v)
		}
		size = n
	}
	total := feeds * size
	// Writing runs at some tens of events a second on a busy 2-core CI
	// machine: each stage may take that long.
	stage := max(3*time.Minute, time.Duration(total)*50*time.Millisecond)
	ctx := context.Background()
	mux := http.NewServeMux()
	mux.Handle(demosites.FeedPrefix, demosites.Feeds(feeds, size))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sources := writeFile(t, "sources.yaml", demosites.FeedSources(srv.URL, feeds))
	bin := treffpunktBinary(t)
	cluster := startRestartable(t)
	dbURL := cluster.database(t, "feeds")
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	items := func() int {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM items`).Scan(&n)
		return n
	}

	// 1. PostgreSQL restarts while the feeds are being written.
	c1 := startCrawl(t, bin, dbURL, sources)
	if !pgtest.Wait(t, stage, func() bool { return items() >= total/5 }) {
		t.Fatalf("first crawl did not get going\n%s", c1.stderr.String())
	}
	before := items()
	if err := cluster.restart(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c1.wait(stage); err != nil {
		t.Logf("crawl across the restart: %v", err)
	}
	after := items()
	t.Logf("restart with %d items committed; the crawl ended with %d", before, after)

	// 2. The next crawl is killed half way through what is left.
	c2 := startCrawl(t, bin, dbURL, sources)
	target := after + (total-after)/3
	if !pgtest.Wait(t, stage, func() bool { return items() >= target }) {
		t.Fatalf("second crawl did not get going\n%s", c2.stderr.String())
	}
	_ = c2.cmd.Process.Signal(syscall.SIGKILL)
	_ = c2.wait(time.Minute)
	killedAt := items()
	t.Logf("SIGKILL with %d of %d items committed", killedAt, total)
	if killedAt >= total {
		t.Errorf("the kill came too late: every item was already stored")
	}

	// 3. One more crawl completes the store.
	c3 := startCrawl(t, bin, dbURL, sources)
	t0 := time.Now()
	if err := c3.wait(2 * stage); err != nil {
		t.Fatalf("re-crawl: %v\n%s", err, c3.stderr.String())
	}
	var reps []ingest.Report
	dec := json.NewDecoder(bytes.NewReader(c3.stdout.Bytes()))
	retries := 0
	for {
		var rep ingest.Report
		if err := dec.Decode(&rep); err != nil {
			break
		}
		reps = append(reps, rep)
		retries += rep.Retries
		if rep.Status != "ok" || rep.Errors != 0 {
			t.Errorf("re-crawl of %s: %+v; want ok", rep.Source, rep)
		}
	}
	if len(reps) != feeds {
		t.Errorf("re-crawl reported %d sources, want %d\n%s", len(reps), feeds, c3.stdout.String())
	}
	t.Logf("re-crawl took %s, %d transactions retried", time.Since(t0).Round(time.Millisecond), retries)

	got := feedCounts(t, pool)
	t.Logf("store: %+v", got)
	if got.items != total || got.keys != total || got.links != total || got.unlinked != 0 {
		t.Errorf("store holds %+v; want %d items, each linked exactly once", got, total)
	}
	if got.uids != got.events {
		t.Errorf("%d events but %d distinct uids: an event was stored twice", got.events, got.uids)
	}
	if got.events < total-total/200 {
		t.Errorf("%d events for %d distinct generated events: more than 0.5 %% falsely merged", got.events, total)
	}
	var deadlocks int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM crawl_errors WHERE message LIKE '%40P01%'`).Scan(&deadlocks)
	if deadlocks != 0 {
		t.Errorf("%d pages lost to deadlocks", deadlocks)
	}
}

type feedStore struct{ items, keys, links, unlinked, events, uids int }

func feedCounts(t *testing.T, pool *pgxpool.Pool) feedStore {
	t.Helper()
	var c feedStore
	err := pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM items), (SELECT count(DISTINCT (source_id, key)) FROM items),
		(SELECT count(*) FROM event_items),
		(SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM event_items ei WHERE ei.item_id = i.id)),
		(SELECT count(*) FROM events), (SELECT count(DISTINCT uid) FROM events)`).
		Scan(&c.items, &c.keys, &c.links, &c.unlinked, &c.events, &c.uids)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// crawlProc is `treffpunkt crawl` running as a child process.
type crawlProc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func startCrawl(t *testing.T, bin, dbURL, sources string) *crawlProc {
	t.Helper()
	c := &crawlProc{done: make(chan error, 1)}
	c.cmd = exec.Command(bin, "crawl", "--database-url", dbURL, "--sources", sources, "--allow-private",
		"--no-politeness", "--parallel", "6")
	c.cmd.Env = append(os.Environ(), "LOG_FORMAT=json", "MEILI_URL=")
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

func (c *crawlProc) wait(within time.Duration) error {
	select {
	case err := <-c.done:
		c.done <- err // later waits see it too
		return err
	case <-time.After(within):
		return fmt.Errorf("crawl still running after %s", within)
	}
}
