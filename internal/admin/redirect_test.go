package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

// TestNoOpenRedirect (issue 12, finding 7): a "next" that a browser would
// follow off-site — tab or newline inside, backslash, scheme, protocol-
// relative — is replaced by the default on /lang, after login and on forms
// that redirect back; local paths pass.
func TestNoOpenRedirect(t *testing.T) {
	f := setup(t)
	pw := f.user(t, "r@example.org", auth.RoleReviewer)
	hostile := []string{"/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "//evil.example",
		"/\\evil.example", "/%5Cevil.example", "https://evil.example/", "/%09%09/evil.example/x?y=1",
		"%2F%2Fevil.example", "javascript:alert(1)", "/%00/evil.example"}
	offSite := func(loc string) bool {
		u, err := url.Parse(loc)
		clean := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, loc)
		return err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(clean, "//") || strings.Contains(clean, "\\")
	}
	b := f.browser(t)
	for _, next := range hostile {
		res, _ := b.get("/lang?l=en&next=" + next)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || offSite(loc) || loc != "/admin/" {
			t.Errorf("/lang next=%s: %d to %q, want /admin/", next, res.StatusCode, loc)
		}
	}
	for _, next := range hostile[:4] { // the login throttle allows 5 tries per address and account
		nb := f.browser(t)
		nb.get("/login")
		raw, _ := url.QueryUnescape(next)
		res, _ := nb.post("/login", url.Values{"email": {"r@example.org"}, "password": {pw}, "next": {raw}}, nil)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || offSite(loc) || loc != "/admin/" {
			t.Errorf("login next=%q: %d to %q, want /admin/", raw, res.StatusCode, loc)
		}
	}
	b.login("r@example.org", pw)
	for _, next := range hostile {
		raw, _ := url.QueryUnescape(next)
		res, _ := b.post("/admin/duplicates/distinct", url.Values{"next": {raw}}, nil)
		if loc := res.Header.Get("Location"); offSite(loc) {
			t.Errorf("form next=%q: %d to %q", raw, res.StatusCode, loc)
		}
	}
	// Local paths, with their query, still work.
	if res, _ := b.get("/lang?l=de&next=" + url.QueryEscape("/admin/sources?flash=saved")); res.Header.Get("Location") != "/admin/sources?flash=saved" {
		t.Errorf("local next: %q", res.Header.Get("Location"))
	}
}
