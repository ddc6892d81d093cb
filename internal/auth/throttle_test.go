package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	req := func(remote, xff string) *http.Request {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		return r
	}
	tests := []struct {
		name       string
		trustProxy bool
		a, b       *http.Request
		shared     bool // a's guessing slows b
	}{
		{"other address", false, req("198.51.100.1:1", ""), req("198.51.100.2:1", ""), false},
		{"same IPv6 /64", false, req("[2001:db8::1]:1", ""), req("[2001:db8::2]:1", ""), true},
		{"behind a proxy, other clients", true, req("10.0.0.1:1", "198.51.100.1"), req("10.0.0.1:1", "198.51.100.2"), false},
		{"proxy not trusted: one client", false, req("10.0.0.1:1", "198.51.100.1"), req("10.0.0.1:1", "198.51.100.2"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := NewThrottle(tt.trustProxy)
			allowed := 0
			for i := range 20 {
				email := "someone@example.org"
				if i%2 == 1 {
					email = "nobody@example.org" // known or not: the same budget
				}
				if th.Allow(tt.a, email, now) {
					allowed++
				}
			}
			if allowed != 10 {
				t.Errorf("a: %d of 20 tries allowed, want the burst of 10", allowed)
			}
			if got := th.Allow(tt.b, "someone@example.org", now); got == tt.shared {
				t.Errorf("b allowed = %v, want %v", got, !tt.shared)
			}
		})
	}
}

func TestHashSlots(t *testing.T) {
	// Fill every slot; the next hash waits, then is told to come back.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran := false
	err := withHashSlot(ctx, func() { ran = true })
	for range cap(hashSlots) {
		<-hashSlots
	}
	if ran || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("with every slot taken: ran %v, err %v", ran, err)
	}
	if err := withHashSlot(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Errorf("with a free slot: ran %v, err %v", ran, err)
	}
}
