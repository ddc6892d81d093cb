package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestUsersCommand adds accounts (generated and piped passwords), lists,
// disables, and creates and revokes an API key; the passwords and key work
// until disabled or revoked, and every step is in the audit log.
func TestUsersCommand(t *testing.T) {
	pool, dbURL := pgtest.NewWithURL(t)
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		args = append(append(args[:2:2], "--database-url", dbURL), args[2:]...)
		code := runMain(ctx, args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
		return out.String() + errb.String(), code
	}
	// Help needs no database and exits 0 (it once said "unknown subcommand").
	for _, args := range [][]string{{"users", "--help"}, {"users", "-h"}, {"apikeys", "--help"}, {"users", "add", "--help"}} {
		var out bytes.Buffer
		if code := runMain(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &out}); code != 0 || !strings.Contains(out.String(), "Usage") {
			t.Errorf("%v: exit %d\n%s", args, code, out.String())
		}
	}
	out, code := run("", "users", "add", "--email", "Admin@Example.org", "--role", "admin")
	pw := regexp.MustCompile(`one-time password: (\S+)`).FindStringSubmatch(out)
	if code != 0 || pw == nil {
		t.Fatalf("users add: %d %s", code, out)
	}
	if _, err := auth.Authenticate(ctx, pool, "admin@example.org", pw[1], time.Now()); err != nil {
		t.Errorf("generated password does not log in: %v", err)
	}
	if out, code := run("ein langes Passwort 123\n", "users", "add", "--email", "r@example.org", "--password-stdin"); code != 0 || strings.Contains(out, "one-time") {
		t.Fatalf("users add --password-stdin: %d %s", code, out)
	}
	if _, err := auth.Authenticate(ctx, pool, "r@example.org", "ein langes Passwort 123", time.Now()); err != nil {
		t.Errorf("piped password does not log in: %v", err)
	}
	if out, code := run("kurz\n", "users", "add", "--email", "x@example.org", "--password-stdin"); code == 0 {
		t.Errorf("a short password was accepted: %s", out)
	}
	if out, code := run("", "users", "add", "--email", "r@example.org"); code == 0 {
		t.Errorf("a second account with the same e-mail: %s", out)
	}
	if out, _ := run("", "users", "list"); !strings.Contains(out, "admin@example.org") || !strings.Contains(out, "reviewer") {
		t.Errorf("users list: %s", out)
	}

	out, code = run("", "apikeys", "create", "--name", "import", "--role", "reviewer", "--owner", "r@example.org")
	token := regexp.MustCompile(`tpk_\w+`).FindString(out)
	if code != 0 || token == "" {
		t.Fatalf("apikeys create: %d %s", code, out)
	}
	if out, code := run("", "apikeys", "create", "--name", "too-much", "--role", "admin", "--owner", "r@example.org"); code == 0 {
		t.Errorf("a reviewer's key got the admin role: %s", out)
	}
	if _, err := auth.ResolveKey(ctx, pool, token); err != nil {
		t.Errorf("new key: %v", err)
	}
	prefix := strings.Split(token, "_")[1]
	if out, code := run("", "apikeys", "revoke", prefix); code != 0 {
		t.Fatalf("apikeys revoke: %s", out)
	}
	if _, err := auth.ResolveKey(ctx, pool, token); err == nil {
		t.Error("revoked key still works")
	}
	if out, code := run("", "users", "disable", "--email", "admin@example.org"); code != 0 {
		t.Fatalf("users disable: %s", out)
	}
	if _, err := auth.Authenticate(ctx, pool, "admin@example.org", pw[1], time.Now()); err == nil {
		t.Error("disabled account logs in")
	}
	var actions string
	if err := pool.QueryRow(ctx, `SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE actor = 'cli'`).Scan(&actions); err != nil {
		t.Fatal(err)
	}
	if want := "user.add,user.add,apikey.create,apikey.revoke,user.disable"; actions != want {
		t.Errorf("audit log: %s, want %s", actions, want)
	}
}
