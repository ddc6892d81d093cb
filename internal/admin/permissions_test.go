package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/review"
)

// refused reports whether a response refuses the request: a redirect to
// the login page, 401 or 403.
func refused(res *http.Response) bool {
	switch res.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusSeeOther:
		return strings.HasPrefix(res.Header.Get("Location"), "/login")
	}
	return false
}

// TestPermissions walks the route table: every staff route is refused
// without login, with too small a role, with a bad CSRF token or from
// another origin, and with a revoked API key; and nothing refused leaves a
// trace in the audit log.
func TestPermissions(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	adminPW := f.user(t, "admin@example.org", auth.RoleAdmin)
	reviewerPW := f.user(t, "reviewer@example.org", auth.RoleReviewer)
	revoked, _, err := review.CreateKey(ctx, f.pool, auth.CLI, "old-ci", auth.RoleAdmin, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := review.RevokeKey(ctx, f.pool, auth.CLI, revoked); err != nil {
		t.Fatal(err)
	}
	reviewerKey, _, err := review.CreateKey(ctx, f.pool, auth.CLI, "bot", auth.RoleReviewer, "")
	if err != nil {
		t.Fatal(err)
	}
	auditBefore := auditCount(t, f)

	anon := f.browser(t)
	anon.get("/login") // an anonymous session with a valid CSRF token
	reviewer := f.browser(t)
	reviewer.login("reviewer@example.org", reviewerPW)
	admin := f.browser(t)
	admin.login("admin@example.org", adminPW)

	do := func(b *browser, rt Route, form url.Values, hdr map[string]string) *http.Response {
		t.Helper()
		if rt.Method == http.MethodGet {
			req, _ := http.NewRequest(http.MethodGet, b.base+rt.Example, nil)
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		res, _ := b.post(rt.Example, form, hdr)
		return res
	}
	staff := 0
	for _, rt := range Routes() {
		if rt.Role == "" {
			continue
		}
		staff++
		name := rt.Method + " " + rt.Pattern
		if res := do(anon, rt, nil, nil); !refused(res) {
			t.Errorf("%s without login: %d", name, res.StatusCode)
		}
		if res := do(anon, rt, nil, map[string]string{"Authorization": "Bearer " + revoked}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a revoked key: %d", name, res.StatusCode)
		}
		if res := do(anon, rt, nil, map[string]string{"Authorization": "Bearer tpk_000000000000_00"}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a made-up key: %d", name, res.StatusCode)
		}
		if rt.Role == auth.RoleAdmin {
			if res := do(reviewer, rt, nil, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s as reviewer: %d", name, res.StatusCode)
			}
			if res := do(anon, rt, nil, map[string]string{"Authorization": "Bearer " + reviewerKey}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s with a reviewer key: %d", name, res.StatusCode)
			}
		}
		if rt.Method == http.MethodPost {
			if res := do(admin, rt, url.Values{"csrf": {"forged"}}, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s with a bad CSRF token: %d", name, res.StatusCode)
			}
			if res := do(admin, rt, nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s cross-site: %d", name, res.StatusCode)
			}
			if res := do(admin, rt, nil, map[string]string{"Origin": "https://evil.example"}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s from another origin: %d", name, res.StatusCode)
			}
		}
		// The right role gets past the guard (the example ids may not
		// exist: 404 and 422 are answers, not refusals).
		if res := do(admin, rt, nil, nil); refused(res) {
			t.Errorf("%s as admin: refused with %d", name, res.StatusCode)
		}
	}
	if staff < 20 {
		t.Errorf("only %d staff routes in the table", staff)
	}
	if n := auditCount(t, f); n != auditBefore {
		// Only the admin's allowed requests may have acted; none of them
		// has a real target, so nothing is logged at all.
		t.Errorf("audit log grew from %d to %d entries", auditBefore, n)
	}

	// Public routes stay public.
	for _, p := range []string{"/login", "/admin/static/admin.css"} {
		res, _ := anon.get(p)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
}

func auditCount(t *testing.T, f *fixture) int {
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoginThrottle (issue 12, finding 9): wrong passwords are answered
// the same for a real and an invented account, guessing is throttled per
// client address (behind a proxy: the address the proxy saw), and a
// stranger's guessing does not lock the staff member out.
func TestLoginThrottle(t *testing.T) {
	f := setup(t)
	pw := f.user(t, "r@example.org", auth.RoleReviewer)
	behindProxy, err := NewHandler(f.pool, Options{Review: f.svc, InsecureCookies: true, TrustProxy: true})
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(behindProxy)
	t.Cleanup(proxy.Close)
	from := func(addr string) *browser {
		b := f.browser(t)
		b.base = proxy.URL
		b.hdr = map[string]string{"X-Forwarded-For": addr}
		b.get("/login")
		return b
	}
	answers := func(b *browser, email string) []int {
		var codes []int
		for i := range 7 {
			res, _ := b.post("/login", url.Values{"email": {email}, "password": {"wrong password " + string(rune('a'+i))}}, nil)
			codes = append(codes, res.StatusCode)
		}
		return codes
	}
	known := answers(from("198.51.100.1"), "r@example.org")
	unknown := answers(from("198.51.100.2"), "nobody@example.org")
	if fmt.Sprint(known) != fmt.Sprint(unknown) {
		t.Errorf("a real account answers %v, an invented one %v", known, unknown)
	}
	if known[0] != http.StatusUnauthorized || known[len(known)-1] != http.StatusTooManyRequests {
		t.Errorf("answers to wrong passwords %v: want 401 first, then 429 (throttled)", known)
	}
	// The staff member, from their own address, is not locked out.
	b := from("203.0.113.9")
	res, _ := b.post("/login", url.Values{"email": {"r@example.org"}, "password": {pw}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login by the staff member while a stranger guessed: %d", res.StatusCode)
	}

	b = f.browser(t)
	b.get("/login")
	res, _ = b.post("/login", url.Values{"email": {"r@example.org"}, "password": {pw}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if c := res.Header.Get("Set-Cookie"); !strings.Contains(c, auth.CookieName+"=") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("session cookie %q", c)
	}
	if res, _ := b.get("/admin/"); res.StatusCode != http.StatusOK {
		t.Fatalf("after login: %d", res.StatusCode)
	}
	if !f.h.Gate().Sessions.Cookie.HttpOnly {
		t.Error("session cookie not HttpOnly")
	}
	prod, err := NewHandler(f.pool, Options{Review: f.svc})
	if err != nil {
		t.Fatal(err)
	}
	if !prod.Gate().Sessions.Cookie.Secure {
		t.Error("session cookie not Secure by default")
	}
	b.post("/logout", nil, nil)
	if res, _ := b.get("/admin/"); !refused(res) {
		t.Errorf("after logout: %d", res.StatusCode)
	}
}
