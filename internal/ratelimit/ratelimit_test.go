package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestClientIP(t *testing.T) {
	tests := []struct {
		name       string
		remote     string
		xff        string
		trustProxy bool
		want       string
	}{
		{"ipv4", "203.0.113.7:51234", "", false, "203.0.113.7"},
		{"forwarded header ignored without proxy", "203.0.113.7:51234", "198.51.100.1", false, "203.0.113.7"},
		{"behind proxy: last hop", "10.0.0.2:8080", "1.2.3.4, 198.51.100.1", true, "198.51.100.1"},
		{"ipv6 grouped by /64", "[2001:db8:1:2:aaaa::1]:443", "", false, "2001:db8:1:2::"},
		{"no port", "203.0.113.7", "", false, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/graphql", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := ClientIP(r, tt.trustProxy); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAPIKeyPrefix(t *testing.T) {
	tests := []struct{ auth, want string }{
		{"Bearer tpk_3f9a1c0b2d4e_0123456789abcdef", "3f9a1c0b2d4e"},
		{"Bearer tpk_3f9a1c0b2d4e", ""},                         // no secret: not a key
		{"Bearer tpk_3f9a1c_0123456789abcdef", ""},              // too short
		{"Bearer tpk_3F9A1C0B2D4E_0123456789abcdef", ""},        // not lower-case hex
		{"Bearer tpk_" + strings.Repeat("a", 4096) + "_00", ""}, // invented, long
		{"Bearer tpk__secret", ""},
		{"Bearer eyJhbGciOi", ""},
		{"Basic dXNlcjpwdw==", ""},
		{"", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/graphql", nil)
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		if got := APIKeyPrefix(r); got != tt.want {
			t.Errorf("APIKeyPrefix(%q) = %q, want %q", tt.auth, got, tt.want)
		}
	}
}

func TestLimiterBurstThenRefill(t *testing.T) {
	l := New(2, 3) // 2/s, burst 3
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a", now)
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("4th request: ok=%v wait=%v; want refused, wait ≤ 0.5 s", ok, wait)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Error("another key shares a's bucket")
	}
	// A refused request takes no token: after the announced wait one is there.
	if ok, _ := l.Allow("a", now.Add(wait)); !ok {
		t.Errorf("refused again after the announced wait %v", wait)
	}
	// Idle buckets are dropped, and a dropped bucket was full anyway.
	later := now.Add(time.Hour)
	l.Allow("c", later)
	if _, kept := l.buckets["a"]; kept {
		t.Error("idle bucket not dropped after an hour")
	}
}

func TestHandler(t *testing.T) {
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := Handler(ok, Options{Rate: 1, Burst: 2, Now: clock})
	call := func(ip, auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/graphql", nil)
		r.RemoteAddr = ip + ":40000"
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	const key = "Bearer tpk_3f9a1c0b2d4e_0123456789abcdef"

	// Per address: the burst, then 429 with Retry-After.
	for i := range 2 {
		if w := call("203.0.113.7", ""); w.Code != http.StatusNoContent {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}
	w := call("203.0.113.7", "")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("over the limit: %d, Retry-After %q; want 429, 1", w.Code, w.Header().Get("Retry-After"))
	}
	// An invented key does not get round the address limit.
	if w := call("203.0.113.7", "Bearer tpk_aaaa_bbbb"); w.Code != http.StatusTooManyRequests {
		t.Errorf("fresh key from a limited address: %d, want 429", w.Code)
	}

	// Per key: one key used from many addresses is limited as one.
	for i, ip := range []string{"198.51.100.1", "198.51.100.2"} {
		if w := call(ip, key); w.Code != http.StatusNoContent {
			t.Fatalf("key request %d: %d", i+1, w.Code)
		}
	}
	if w := call("198.51.100.3", key); w.Code != http.StatusTooManyRequests {
		t.Errorf("key over its limit from a new address: %d, want 429", w.Code)
	}
	if w := call("198.51.100.3", ""); w.Code != http.StatusNoContent {
		t.Errorf("same address without the key: %d, want 204", w.Code)
	}

	// Time refills the buckets.
	now = now.Add(2 * time.Second)
	if w := call("203.0.113.7", ""); w.Code != http.StatusNoContent {
		t.Errorf("after 2 s: %d, want 204", w.Code)
	}

	// Rate <= 0 turns limiting off.
	off := Handler(ok, Options{Rate: 0, Burst: 1, Now: clock})
	for range 5 {
		r := httptest.NewRequest("POST", "/graphql", nil)
		w := httptest.NewRecorder()
		off.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			t.Fatalf("limit off: %d", w.Code)
		}
	}
}

// TestLimiterMemoryBounded: invented keys beyond the cap share one bucket,
// so a client choosing keys can neither grow the map nor buy a burst each.
func TestLimiterMemoryBounded(t *testing.T) {
	l := NewWithCap(1, 2, 100)
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	allowed := 0
	for i := range 1000 {
		if ok, _ := l.Allow(strings.Repeat("k", 10)+string(rune('A'+i%26))+time.Duration(i).String(), now); ok {
			allowed++
		}
	}
	if n := l.Len(); n != 100 {
		t.Errorf("buckets = %d, want the cap 100", n)
	}
	if allowed != 100+2 {
		t.Errorf("allowed %d requests, want %d (one each under the cap, one shared burst beyond)", allowed, 100+2)
	}
	// Idle buckets make room again.
	later := now.Add(time.Hour)
	if ok, _ := l.Allow("new", later); !ok || l.Len() != 1 {
		t.Errorf("after an hour: allowed %v, %d buckets; want true, 1", ok, l.Len())
	}
}
