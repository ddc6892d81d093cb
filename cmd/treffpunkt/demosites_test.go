package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer lets the test read the log while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var loggedURL = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/)`)

func TestDemoSitesServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runDemoSites(ctx, []string{"--addr", "127.0.0.1:0", "--synthetic", "60"}, stdio{in: strings.NewReader(""), out: io.Discard, err: &logs})
	}()
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := loggedURL.FindStringSubmatch(logs.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no URL logged: %s", logs.String())
		}
	}
	for path, want := range map[string]int{
		"saqsen/veranstaltungen/":            200,
		"robots.txt":                         200,
		"ntsachsen/termine.ics":              200,
		"synthetic/seite/2/":                 200,
		"synthetic/veranstaltung/61/":        404,
		"kulturbuero-sachsen/gibt-es-nicht/": 404,
	} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
	}
	// A client stuck on the slow page must not hold up the shutdown.
	go func() {
		if res, err := http.Get(base + "buendnis-leipzig/mahnwache-livestream/"); err == nil {
			res.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo-sites did not stop after cancel")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

func TestDemoSitesFlags(t *testing.T) {
	tests := []struct {
		args []string
		ok   func(error) bool
	}{
		{[]string{"--help"}, func(err error) bool { return errors.Is(err, flag.ErrHelp) }},
		{[]string{"--synthetic", "-1"}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "--synthetic") }},
		{[]string{"extra"}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "unexpected") }},
		{[]string{"--addr", "256.0.0.1:99999"}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "--addr: invalid port") }},
	}
	for _, tt := range tests {
		err := runDemoSites(context.Background(), tt.args, stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
		if !tt.ok(err) {
			t.Errorf("%v: %v", tt.args, err)
		}
	}
}
