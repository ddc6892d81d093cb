package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestOneTimePasswordMustChange: an account on the one-time password that
// `users add` printed can do nothing until it sets its own password (it
// once could keep the printed one for ever).
func TestOneTimePasswordMustChange(t *testing.T) {
	f := setup(t)
	pw := f.user(t, "neu@example.org", auth.RoleReviewer)
	u, err := store.StaffUserByEmail(t.Context(), f.pool, "neu@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RequirePasswordChange(t.Context(), f.pool, u.ID); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.get("/login")
	if res, body := b.post("/login", url.Values{"email": {"neu@example.org"}, "password": {pw}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	if res, _ := b.get("/admin/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/password" {
		t.Fatalf("queue before the change: %d → %q, want the password page", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get("/admin/password")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Einmal-Passwort") {
		t.Fatalf("password page: %d", res.StatusCode)
	}
	if res, _ := b.post("/admin/bulk", url.Values{"ids": {"1"}, "action": {"approve"}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("an action before the change: %d, want 403", res.StatusCode)
	}
	const mine = "ein eigenes langes Passwort"
	for _, c := range []struct{ current, next, confirm, want string }{
		{"falsch-falsch-falsch", mine, mine, "Das bisherige Passwort stimmt nicht."},
		{pw, mine, mine + "x", "nicht gleich"},
		{pw, "kurz", "kurz", "zu kurz"},
		{pw, pw, pw, "unterscheiden"},
	} {
		res, body := b.post("/admin/password", url.Values{"current": {c.current}, "new": {c.next}, "confirm": {c.confirm}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
			t.Errorf("change %+v: %d, want %q", c, res.StatusCode, c.want)
		}
	}
	if res, _ := b.post("/admin/password", url.Values{"current": {pw}, "new": {mine}, "confirm": {mine}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, _ := b.get("/admin/"); res.StatusCode != http.StatusOK {
		t.Errorf("queue after the change: %d", res.StatusCode)
	}
	if _, err := auth.Authenticate(t.Context(), f.pool, "neu@example.org", mine, clock); err != nil {
		t.Errorf("new password does not log in: %v", err)
	}
}
