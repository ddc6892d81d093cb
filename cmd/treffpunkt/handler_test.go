package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

// serveHandler is the handler of a running `serve` process, built by app
// from the environment (the test's Setenv) on pool's database. The process
// runs (session sweeper, outbox drainer, its listener) until the test ends.
func serveHandler(t *testing.T, pool *pgxpool.Pool) http.Handler {
	t.Helper()
	cfg, err := app.Env(app.Serve, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = pool.Config().ConnString()
	cfg.Addr, cfg.MetricsAddr = "127.0.0.1:0", ""
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return a.Handler()
}

// TestGraphQLRateLimited goes through the assembled handler: /graphql is
// limited per address by API_RATE/API_BURST, the public pages are not
// (they have the calendar's own, separate limit).
func TestGraphQLRateLimited(t *testing.T) {
	t.Setenv("API_RATE", "0.01")
	t.Setenv("API_BURST", "2")
	t.Setenv("MEILI_URL", "")
	pool, _ := migratedDB(t)
	h := serveHandler(t, pool)
	do := func(method, path, body, ip string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = ip + ":40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	const query = `{"query":"{ __typename }"}`
	for i := range 2 {
		if w := do("POST", "/graphql", query, "203.0.113.7"); w.Code != http.StatusOK {
			t.Fatalf("query %d: %d %s", i+1, w.Code, w.Body)
		}
	}
	w := do("POST", "/graphql", query, "203.0.113.7")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("3rd query: %d, Retry-After %q; want 429 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if w := do("POST", "/graphql", query, "198.51.100.1"); w.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", w.Code)
	}
	if w := do("GET", "/healthz", "", "203.0.113.7"); w.Code != http.StatusOK {
		t.Errorf("/healthz from the limited address: %d, want 200", w.Code)
	}
}
