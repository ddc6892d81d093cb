package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("Sprachcafé am Donnerstag")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"Sprachcafé am Donnerstag", true},
		{"Sprachcafe am Donnerstag", false},
		{"", false},
	} {
		if ok, err := CheckPassword(h, tc.pw); ok != tc.want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v", tc.pw, ok, err)
		}
	}
	if _, err := HashPassword("kurz"); err == nil {
		t.Error("short password hashed")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("foreign hash accepted")
	}
	if a, b := NewPassword(), NewPassword(); a == b || len(a) != 20 {
		t.Errorf("NewPassword: %q %q", a, b)
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		have, need Role
		ok         bool
	}{
		{RoleAdmin, RoleAdmin, true}, {RoleAdmin, RoleReviewer, true},
		{RoleReviewer, RoleReviewer, true}, {RoleReviewer, RoleAdmin, false}, {"", RoleReviewer, false},
	} {
		if got := tc.have.Allows(tc.need); got != tc.ok {
			t.Errorf("%q.Allows(%q) = %v", tc.have, tc.need, got)
		}
	}
	ctx := WithPrincipal(context.Background(), Principal{Email: "r@example.org", Role: RoleReviewer})
	if _, err := Require(ctx, RoleAdmin); !errors.Is(err, ErrForbidden) {
		t.Errorf("reviewer as admin: %v", err)
	}
	if _, err := Require(context.Background(), RoleReviewer); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("nobody as reviewer: %v", err)
	}
}

// TestKeys: a key resolves to its role, stops with revocation and with its
// owner's account, and cannot exceed its creator's role.
func TestKeys(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	u, err := AddUser(ctx, pool, "Owner@Example.org", RoleReviewer, "ein langes Passwort")
	if err != nil {
		t.Fatal(err)
	}
	owner := Principal{UserID: u.ID, Email: u.Email, Role: RoleReviewer}
	if _, _, err := CreateKey(ctx, pool, owner, "x", RoleAdmin); !errors.Is(err, ErrForbidden) {
		t.Errorf("reviewer made an admin key: %v", err)
	}
	token, k, err := CreateKey(ctx, pool, owner, "import", RoleReviewer)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ResolveKey(ctx, pool, token)
	if err != nil || p.Role != RoleReviewer || p.Actor() != "key:import" || p.Email != "owner@example.org" {
		t.Fatalf("resolve: %+v %v", p, err)
	}
	for _, bad := range []string{token[:len(token)-1] + "0", "tpk_" + k.Prefix, "Bearer " + token, ""} {
		if _, err := ResolveKey(ctx, pool, bad); !errors.Is(err, ErrBadKey) {
			t.Errorf("ResolveKey(%q): %v", bad, err)
		}
	}
	if err := store.SetStaffDisabled(ctx, pool, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveKey(ctx, pool, token); !errors.Is(err, ErrBadKey) {
		t.Errorf("key of a disabled owner: %v", err)
	}
	if _, err := Authenticate(ctx, pool, "owner@example.org", "ein langes Passwort", time.Now()); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("disabled account: %v", err)
	}
}
