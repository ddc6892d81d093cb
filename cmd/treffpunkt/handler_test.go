package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/app/apptest"
)

// TestGraphQLRateLimited goes through the assembled handler: /graphql is
// limited per address by API_RATE/API_BURST, the public pages are not
// (they have the calendar's own, separate limit).
func TestGraphQLRateLimited(t *testing.T) {
	pool, _ := migratedDB(t)
	h := apptest.Start(t, pool, app.Serve, map[string]string{"API_RATE": "0.01", "API_BURST": "2"}).Handler()
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
