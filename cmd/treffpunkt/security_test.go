package main

// Regression tests for issue 12 (security, web and API side), each against
// the assembled handler the serve command runs. Their names carry the
// finding's number; BENCHMARKS.md ("Security: resources under attack")
// records the figures they log.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/app/apptest"
	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/server"
)

// secService is the service's handler on a fresh database.
type secService struct {
	t    *testing.T
	pool *pgxpool.Pool
	h    http.Handler
}

func newSecService(t *testing.T, env map[string]string) *secService {
	return newSecServiceSeeded(t, env, nil)
}

// newSecServiceSeeded runs seed on the database before the service starts.
func newSecServiceSeeded(t *testing.T, env map[string]string, seed func(*pgxpool.Pool)) *secService {
	t.Helper()
	pool, _ := migratedDB(t)
	if seed != nil {
		seed(pool)
	}
	// No API_RATE: the limit has its own test; these send many requests.
	return &secService{t: t, pool: pool, h: apptest.Start(t, pool, app.Serve, env).Handler()}
}

// do serves one request in process from the client address ip.
func (s *secService) do(method, path, body, ip string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	if ip != "" {
		r.RemoteAddr = ip
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

// gql posts a GraphQL request and decodes the answer.
func (s *secService) gql(query string, vars map[string]any, hdr map[string]string) (int, gqlAnswer, string) {
	s.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	w := s.do("POST", "/graphql", string(b), "", hdr)
	var a gqlAnswer
	_ = json.Unmarshal(w.Body.Bytes(), &a)
	return w.Code, a, w.Body.String()
}

type gqlAnswer struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

func (s *secService) key(role auth.Role) map[string]string {
	s.t.Helper()
	token, _, err := auth.CreateKey(context.Background(), s.pool, auth.CLI, "test "+string(role), role)
	if err != nil {
		s.t.Fatal(err)
	}
	return map[string]string{"Authorization": "Bearer " + token}
}

// TestF1NoEnvironmentInErrors: an anonymous createSource or updateSource
// with "${NAME}" in its URL once answered with the expanded value (the
// database password, any secret) and resolved host names for anyone. Now
// an anonymous caller learns "unauthenticated" and nothing else, and even
// an admin's input is taken literally.
func TestF1NoEnvironmentInErrors(t *testing.T) {
	const secret = "pw-7f3a9c-do-not-leak"
	t.Setenv("TREFFPUNKT_TEST_SECRET", "postgres://u:"+secret+"@db/x") // what a ${VAR} in a source could reach
	s := newSecService(t, nil)
	const create = `mutation($in: SourceInput!) { createSource(input: $in) { id url } }`
	const update = `mutation($in: SourceInput!) { updateSource(input: $in) { id url } }`
	inputs := []map[string]any{
		{"id": "leak", "name": "x", "url": "${TREFFPUNKT_TEST_SECRET}"},
		{"id": "leak", "name": "x", "url": "http://${TREFFPUNKT_TEST_SECRET}/"},
		{"id": "leak", "name": "x", "url": "ftp://${TREFFPUNKT_TEST_SECRET:-x}/"},
		{"id": "leak", "name": "x", "url": "http://intranet.invalid/"},         // no DNS answer for strangers
		{"id": "leak", "name": "x", "url": "http://x/", "interval": "${HOME}"}, // no validation before the role
	}
	for _, q := range []string{create, update} {
		for _, in := range inputs {
			_, a, body := s.gql(q, map[string]any{"in": in}, nil)
			if strings.Contains(body, secret) {
				t.Fatalf("anonymous %v: the answer carries the secret: %s", in, body)
			}
			if len(a.Errors) != 1 || a.Errors[0].Message != "unauthenticated" || a.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
				t.Errorf("anonymous %v: %s, want only \"unauthenticated\"", in, body)
			}
		}
	}
	admin := s.key(auth.RoleAdmin)
	for _, in := range inputs[:3] {
		_, a, body := s.gql(create, map[string]any{"in": in}, admin)
		if strings.Contains(body, secret) {
			t.Fatalf("admin %v: the answer carries the secret: %s", in, body)
		}
		if len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
			t.Errorf("admin %v: %s, want BAD_USER_INPUT (taken literally, not a URL)", in, body)
		}
	}
	var n int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM sources WHERE url LIKE '%' || $1 || '%'`, secret).Scan(&n); err != nil || n != 0 {
		t.Errorf("sources with the secret: %d (%v)", n, err)
	}
}

// zeros is an endless body that costs the client nothing.
type zeros struct{ n, limit int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n >= z.limit {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.limit-z.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	z.n += k
	return int(k), nil
}

// allocated is the bytes allocated in this process so far.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// TestF2BodyLimit: a 200 MB POST was read whole (the server grew by
// ~700 MB). Now a body over 1 MB is 413, with a Content-Length or without.
func TestF2BodyLimit(t *testing.T) {
	s := newSecService(t, nil)
	srv := httptest.NewServer(s.h)
	t.Cleanup(srv.Close)
	const size = 64 << 20
	for _, chunked := range []bool{false, true} {
		before := allocated()
		start := time.Now()
		req, _ := http.NewRequest("POST", srv.URL+"/graphql", &zeros{limit: size})
		req.Header.Set("Content-Type", "application/json")
		if !chunked {
			req.ContentLength = size
		}
		resp, err := http.DefaultClient.Do(req)
		took := time.Since(start)
		grew := allocated() - before
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("chunked=%v: %d, want 413", chunked, resp.StatusCode)
			}
		}
		t.Logf("F2: 64 MB POST (chunked=%v): %v, allocated %.1f MB in the process", chunked, took.Round(time.Millisecond), float64(grew)/(1<<20))
		if grew > 16<<20 {
			t.Errorf("chunked=%v: a 64 MB body allocated %d MB", chunked, grew>>20)
		}
	}
	// A body under the limit still works.
	if code, a, body := s.gql(`{ __typename }`, nil, nil); code != 200 || len(a.Errors) > 0 {
		t.Errorf("small query: %d %s", code, body)
	}
}

// fragmentBomb is a query of n fragments each spreading the next twice:
// 2^n fields when expanded, under 1 KB for n=20.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("query Q { ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { health ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { health }\n", n)
	return b.String()
}

// TestF3FragmentBomb: a 906-byte query whose fragments each spread the
// next twice took 3.3 s of CPU (doubling with each fragment). Now its
// expansion is measured once per fragment and refused.
func TestF3FragmentBomb(t *testing.T) {
	s := newSecService(t, nil)
	for _, n := range []int{20, 40} {
		q := fragmentBomb(n)
		start := time.Now()
		_, a, body := s.gql(q, nil, nil)
		t.Logf("F3: %d fragments, %d bytes: refused in %v", n, len(q), time.Since(start).Round(time.Microsecond))
		if len(a.Errors) != 1 || a.Errors[0].Extensions.Code != "DEPTH_LIMIT_EXCEEDED" || !strings.Contains(a.Errors[0].Message, "fields") {
			t.Errorf("%d fragments: %.300s, want the field cap's DEPTH_LIMIT_EXCEEDED", n, body)
		}
	}
}

// TestF5LimiterKeys: invented API keys in ~1 MB headers were rate-limit
// buckets for ten minutes, each pinning its header (160 requests held
// 141 MB). Now only well-formed key prefixes are keys, copied out.
func TestF5LimiterKeys(t *testing.T) {
	s := newSecService(t, map[string]string{"API_RATE": "20", "TRUST_PROXY": "1"})
	held := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := held()
	pad := strings.Repeat("a", 1<<20)
	for i := range 160 {
		hdr := map[string]string{
			"Authorization":   fmt.Sprintf("Bearer tpk_%d%s_%d", i, pad, i),
			"X-Forwarded-For": fmt.Sprintf("%d%s", i, pad[:64<<10]),
		}
		s.do("POST", "/graphql", `{"query":"{ __typename }"}`, fmt.Sprintf("198.51.100.%d:4000", i%250), hdr)
	}
	grew := int64(held()) - int64(before)
	t.Logf("F5: 160 requests with 1 MB invented keys: heap held afterwards %+.1f MB", float64(grew)/(1<<20))
	if grew > 16<<20 {
		t.Errorf("the limiter holds %d MB after 160 requests with invented keys", grew>>20)
	}
	// The server refuses oversized headers outright.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	go server.Serve(ctx, "127.0.0.1:0", s.h, func(a string) { addr <- a })
	req, _ := http.NewRequest("GET", "http://"+<-addr+"/healthz", nil)
	req.Header.Set("Authorization", "Bearer tpk_"+pad)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("1 MB header: %d, want 431", resp.StatusCode)
		}
	}
}

// TestF6Bounds: series { events } had no bound (499,500 events in one
// answer) and 800 aliased text searches fit under the complexity limit.
func TestF6Bounds(t *testing.T) {
	s := newSecService(t, nil)
	ctx := context.Background()
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO events (uid, title, start_at, fingerprint, series_id, review)
		SELECT 'series-' || i, 'Sprachcafé', now() + i * interval '1 day', 'fp' || i, 'weekly', 'published'
		FROM generate_series(1, 300) i`); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT min(id) FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Event struct {
			Series struct{ Events []struct{ ID string } }
		}
	}
	q := `query($id: ID!) { event(id: $id) { series { events { id } } } }`
	_, a, body := s.gql(q, map[string]any{"id": fmt.Sprint(id)}, nil)
	if err := json.Unmarshal(a.Data, &d); err != nil || len(a.Errors) > 0 {
		t.Fatalf("series: %.300s", body)
	}
	if n := len(d.Event.Series.Events); n != 50 {
		t.Errorf("series { events } of a 300-date series: %d, want the default bound 50", n)
	}
	q = `query($id: ID!) { event(id: $id) { series { events(first: 100000) { id } } } }`
	if _, a, body := s.gql(q, map[string]any{"id": fmt.Sprint(id)}, nil); len(a.Errors) == 0 {
		t.Errorf("series { events(first: 100000) }: %.200s, want an error", body)
	}
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 800 {
		fmt.Fprintf(&aliases, " a%d: events(filter: {query: \"sprach%d\"}, first: 1) { totalCount }", i, i)
	}
	aliases.WriteString(" }")
	start := time.Now()
	_, a, body = s.gql(aliases.String(), nil, nil)
	t.Logf("F6: 800 aliased text searches refused in %v", time.Since(start).Round(time.Microsecond))
	if len(a.Errors) != 1 || a.Errors[0].Extensions.Code != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("800 text searches: %.300s, want COMPLEXITY_LIMIT_EXCEEDED", body)
	}
}

// peakHeap samples the heap until stop is closed and returns its peak.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return out
}

// TestF8ParallelLogins: 60 parallel logins took +877 MB (one 19 MiB hash
// each, all at once), and IPv6 clients were not grouped. Now a few hashes
// run at once, and one /64 is one client for the login throttle.
func TestF8ParallelLogins(t *testing.T) {
	s := newSecService(t, nil)
	if _, err := review.AddUser(context.Background(), s.pool, auth.CLI, "r@example.org", auth.RoleReviewer, auth.NewPassword()); err != nil {
		t.Fatal(err)
	}
	s.do("GET", "/healthz", "", "", nil) // warm up
	login := func(ip string) int {
		w := s.do("GET", "/login", "", ip, nil)
		cookie := w.Result().Cookies()
		token := ""
		if m := regexpCSRF.FindStringSubmatch(w.Body.String()); m != nil {
			token = m[1]
		}
		r := httptest.NewRequest("POST", "/login", strings.NewReader("email=r%40example.org&password=wrong-password-123&csrf="+token))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = ip
		for _, c := range cookie {
			r.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, r)
		return rec.Code
	}
	run := func(addr func(i int) string) (codes map[int]int, peak uint64, took time.Duration) {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := make(chan struct{})
		peakc := peakHeap(stop)
		codes = map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for i := range 60 {
			wg.Go(func() {
				c := login(addr(i))
				mu.Lock()
				codes[c]++
				mu.Unlock()
			})
		}
		wg.Wait()
		took = time.Since(start)
		close(stop)
		if p := <-peakc; p > base.HeapInuse {
			peak = p - base.HeapInuse
		}
		return codes, peak, took
	}
	codes, peak, took := run(func(i int) string { return fmt.Sprintf("198.51.100.%d:4000", i+1) })
	t.Logf("F8: 60 parallel logins from 60 addresses: %v, heap peak +%d MB, answers %v", took.Round(time.Millisecond), peak>>20, codes)
	if peak > 300<<20 {
		t.Errorf("60 parallel logins: heap peak +%d MB, want a bounded number of hashes at once", peak>>20)
	}
	codes, _, _ = run(func(i int) string { return fmt.Sprintf("[2001:db8:1:2::%x]:4000", i+1) })
	if codes[http.StatusUnauthorized] > 10 || codes[http.StatusTooManyRequests] < 50 {
		t.Errorf("60 logins from one IPv6 /64: %v, want at most the burst of 10 tried, the rest 429", codes)
	}
}

var regexpCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestIssue12Web: the low findings of issue 12 on the web side.
func TestIssue12Web(t *testing.T) {
	ctx := context.Background()
	// An expired session, left from before: the sweep, on a timer from
	// the start, removes it (it used to wait for someone to log in).
	s := newSecServiceSeeded(t, nil, func(pool *pgxpool.Pool) {
		if _, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('old', '\x00', now() - interval '1 hour')`); err != nil {
			t.Fatal(err)
		}
	})
	if !pgtest.Wait(t, 10*time.Second, func() bool {
		var n int
		_ = s.pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
		return n == 0
	}) {
		t.Error("expired session not swept")
	}

	t.Run("anonymous GETs write no session", func(t *testing.T) {
		for i := range 50 {
			for _, p := range []string{"/login", "/partners/nope", "/login?next=/admin/"} {
				w := s.do("GET", p, "", fmt.Sprintf("203.0.113.%d:4000", i), nil)
				for _, c := range w.Result().Cookies() {
					if c.Name == auth.CookieName {
						t.Fatalf("GET %s set the session cookie", p)
					}
				}
			}
		}
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
			t.Errorf("150 anonymous GETs left %d session rows (%v)", n, err)
		}
	})

	t.Run("recurrence is an RRULE", func(t *testing.T) {
		var id int64
		if err := s.pool.QueryRow(ctx, `INSERT INTO events (uid, title, start_at, fingerprint, review)
			VALUES ('rr', 'Sprachcafé', now() + interval '1 day', 'fp', 'published') RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		key := s.key(auth.RoleReviewer)
		q := `mutation($id: ID!, $r: String) { updateEvent(id: $id, input: {recurrence: $r}) { event { id } } }`
		for _, bad := range []string{"FREQ=WEEKLY\nX-EVIL:1", "FREQ=WEEKLY\r\nBEGIN:VALARM", "FREQ=WEEKLY;BYDAY=TH\n", "every thursday", "FREQ=SOMETIMES"} {
			_, a, body := s.gql(q, map[string]any{"id": fmt.Sprint(id), "r": bad}, key)
			if len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Errorf("recurrence %q: %.200s, want BAD_USER_INPUT", bad, body)
			}
		}
		if _, a, body := s.gql(q, map[string]any{"id": fmt.Sprint(id), "r": "FREQ=WEEKLY;BYDAY=TH;COUNT=4"}, key); len(a.Errors) > 0 {
			t.Errorf("a valid RRULE: %.200s", body)
		}
		if w := s.do("GET", "/calendar.ics", "", "", nil); bytes.Contains(w.Body.Bytes(), []byte("X-EVIL")) || bytes.Contains(w.Body.Bytes(), []byte("VALARM")) {
			t.Errorf("the feed carries the injected lines")
		}
	})

	t.Run("metrics only on the metrics listener", func(t *testing.T) {
		if w := s.do("GET", "/metrics", "", "", nil); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "go_goroutines") {
			t.Errorf("GET /metrics on the public handler: %d", w.Code)
		}
	})

	t.Run("feeds vary by Host without BASE_URL", func(t *testing.T) {
		for _, p := range []string{"/calendar.ics", "/calendar.json", "/calendar.atom"} {
			w := s.do("GET", p, "", "", nil)
			if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Host") {
				t.Errorf("GET %s: Vary %q, want Host", p, w.Header().Values("Vary"))
			}
		}
	})

	t.Run("GraphiQL: CSP, no framing, assets from the binary", func(t *testing.T) {
		w := s.do("GET", "/graphql", "", "", map[string]string{"Accept": "text/html"})
		csp := w.Header().Get("Content-Security-Policy")
		if w.Code != 200 || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GraphiQL page: %d, CSP %q, X-Frame-Options %q", w.Code, csp, w.Header().Get("X-Frame-Options"))
		}
		page := w.Body.String()
		if strings.Contains(page, "https://") || strings.Contains(page, "<script>") {
			t.Errorf("GraphiQL page loads from elsewhere or inline: %s", page)
		}
		for _, f := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js"} {
			w := s.do("GET", "/graphql/static/"+f, "", "", nil)
			if w.Code != 200 || w.Body.Len() < 100 || !strings.Contains(page, "/graphql/static/"+f) {
				t.Errorf("%s: %d, %d bytes", f, w.Code, w.Body.Len())
			}
		}
	})
}
