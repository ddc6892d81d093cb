package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// scsCleanup is the one goroutine left on purpose: scs.New (auth.NewGate)
// starts an in-memory store's cleanup loop that cannot be stopped reliably
// (its stop channel is made inside the goroutine); the store is replaced at
// once, and the loop only ticks every minute on an empty map.
var scsCleanup = goleak.IgnoreTopFunction("github.com/alexedwards/scs/v2/memstore.(*MemStore).startCleanup")

// testConfig is an `all` process on a fresh, fully migrated database, with
// every listener on a free loopback port.
func testConfig(t *testing.T, role Role) Config {
	t.Helper()
	pool, url := pgtest.NewWithURL(t)
	if _, err := jobs.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	cfg, err := Env(role, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = url
	cfg.Addr, cfg.MetricsAddr, cfg.PprofAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.ShutdownTimeout = time.Second
	return cfg
}

// get fetches a URL without keeping the connection, so no client goroutine
// outlives the request.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRunServesAndStopsCleanly: an `all` process serves its listeners, and
// on cancel Run returns nil and, after Close, no goroutine of it is left.
func TestRunServesAndStopsCleanly(t *testing.T) {
	cfg := testConfig(t, All)
	leaks := goleak.IgnoreCurrent() // pgtest's pool and cluster
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	for _, tt := range []struct{ url, want string }{
		{"http://" + a.Addr() + "/healthz", `"ok"`},
		{"http://" + a.Addr() + "/readyz", `"migrations":"ok"`},
		{"http://" + a.MetricsAddr() + "/metrics", "go_goroutines"},
		{"http://" + a.addr("pprof") + "/debug/pprof/cmdline", ""},
	} {
		if code, body := get(t, tt.url); code != 200 || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: %d, body lacks %s", tt.url, code, tt.want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	a.Close()
	for _, addr := range []string{a.Addr(), a.MetricsAddr()} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts after shutdown", addr)
		}
	}
	goleak.VerifyNone(t, leaks, scsCleanup)
}

// TestNewFailsCleanly: a start that fails halfway (an address in use, a
// queue not migrated) says why and leaves nothing running.
func TestNewFailsCleanly(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := testConfig(t, All)
	cfg.MetricsAddr = busy.Addr().String()
	_, url := pgtest.NewWithURL(t) // the store's migrations only
	leaks := goleak.IgnoreCurrent()
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"metrics address in use", cfg, "metrics listener"},
		{"job queue not migrated", func() Config { c := cfg; c.DatabaseURL = url; return c }(), "treffpunkt migrate"},
		{"no database", func() Config {
			c := cfg
			c.DatabaseURL = "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"
			return c
		}(), "127.0.0.1"},
	} {
		a, err := New(context.Background(), tt.cfg)
		if err == nil {
			a.Close()
			t.Errorf("%s: New succeeded", tt.name)
		} else if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	goleak.VerifyNone(t, leaks, scsCleanup)
}

func TestWithPoolSize(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://tp@db:5432/treffpunkt?sslmode=disable", "postgres://tp@db:5432/treffpunkt?pool_max_conns=14&sslmode=disable"},
		{"postgres://tp@db/treffpunkt?pool_max_conns=40", "postgres://tp@db/treffpunkt?pool_max_conns=40"},
		{"host=/run/postgresql dbname=treffpunkt", "host=/run/postgresql dbname=treffpunkt pool_max_conns=14"},
		{"", ""},
	} {
		if got := withPoolSize(tt.in, 14); got != tt.want {
			t.Errorf("withPoolSize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
