package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster the database tests of
// this package may start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// demoSourcesFile writes sources.demo.yaml, pointed at a fresh mirror and
// cut to the given sources, and returns its path.
func demoSourcesFile(t *testing.T, ids ...string) string {
	t.Helper()
	srv := httptest.NewServer(demosites.Handler())
	t.Cleanup(srv.Close)
	b, err := os.ReadFile("../../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "${DEMO_BASE:-http://127.0.0.1:8081}", srv.URL)
	var keep []string
	for _, entry := range strings.Split(text, "\n  - id: ")[1:] {
		for _, id := range ids {
			if strings.HasPrefix(entry, id+"\n") {
				keep = append(keep, "  - id: "+entry)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(path, []byte("sources:\n"+strings.Join(keep, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func migratedDB(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	pool, url := pgtest.NewWithURL(t)
	if _, err := jobs.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return pool, url
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

var listening = regexp.MustCompile(`listening on http://(localhost|127\.0\.0\.1)(:\d+)/`)

func TestAllServesAndCrawlsOnSchedule(t *testing.T) {
	pool, dbURL := migratedDB(t)
	file := demoSourcesFile(t, "pokubi", "ntsachsen")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	metricsAddr := freeAddr(t)
	done := make(chan error, 1)
	go func() {
		done <- runAllRoles(ctx, []string{"--database-url", dbURL, "--sources", file, "--addr", "127.0.0.1:0", "--metrics-addr", metricsAddr,
			"--schedule-every", "1s", "--concurrency", "2"}, stdio{in: strings.NewReader(""), out: io.Discard, err: &logs})
	}()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			base = "http://127.0.0.1" + m[2]
		} else if time.Now().After(deadline) {
			t.Fatalf("not listening: %s", logs.String())
		}
	}
	crawled := func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(DISTINCT source_id) FROM crawl_runs WHERE status IN ('ok', 'partial')`).Scan(&n)
		return n == 2
	}
	if !pgtest.Wait(t, 90*time.Second, crawled) {
		t.Fatalf("the sources file's sources were not crawled on schedule")
	}
	for path, want := range map[string]string{
		"/healthz": `"ok"`,
		"/readyz":  `"database":"ok"`,
		"/metrics": `treffpunkt_pages_fetched_total{result="changed",source="ntsachsen",status="200"}`,
	} {
		at := base
		if path == "/metrics" {
			// Only on the metrics listener: the public port answers 404.
			if resp, err := http.Get(base + path); err != nil || resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s on the public port: %v %v, want 404", path, resp, err)
			} else {
				resp.Body.Close()
			}
			at = "http://" + metricsAddr
		}
		resp, err := http.Get(at + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, body lacks %s", path, resp.StatusCode, want)
		}
		if path == "/metrics" {
			for _, series := range []string{"treffpunkt_job_queue_jobs{", "treffpunkt_source_stale{", "treffpunkt_crawl_duration_seconds_bucket{",
				"treffpunkt_jobs_worked_total{"} {
				if !strings.Contains(string(body), series) {
					t.Errorf("/metrics lacks %s", series)
				}
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("all: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("all did not stop")
	}
}

func TestWorkerRefusesUnmigratedQueue(t *testing.T) {
	_, dbURL := pgtest.NewWithURL(t) // store migrated, River not
	err := runWorker(context.Background(), []string{"--database-url", dbURL, "--metrics-addr", ""},
		stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "treffpunkt migrate") {
		t.Errorf("err = %v, want a pointer to 'treffpunkt migrate'", err)
	}
}
