package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelpShowsNoSecrets: --help names the variables a connection URL or
// key comes from, never their values (it printed DATABASE_URL's password
// and the Meilisearch master key as flag defaults).
func TestHelpShowsNoSecrets(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://tp:s3cret-db@db/treffpunkt")
	t.Setenv("MEILI_KEY", "s3cret-key")
	t.Setenv("MEILI_MASTER_KEY", "s3cret-master")
	for _, cmd := range []string{"migrate", "reindex", "crawl", "renormalize", "users", "serve", "worker", "all"} {
		var out bytes.Buffer
		args := []string{cmd, "--help"}
		if cmd == "users" {
			args = []string{cmd, "add", "--help"}
		}
		runMain(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &out})
		if strings.Contains(out.String(), "s3cret") {
			t.Errorf("treffpunkt %s --help shows a secret:\n%s", cmd, out.String())
		}
		if !strings.Contains(out.String(), "$DATABASE_URL") {
			t.Errorf("treffpunkt %s --help does not name $DATABASE_URL:\n%s", cmd, out.String())
		}
	}
}

// TestDatabaseURLFlag: the flag wins over the variable, which is the default.
func TestDatabaseURLFlag(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://env/x")
	fs := newFlagSet("t", "", &bytes.Buffer{})
	u := dbFlag(fs)
	if err := fs.Parse(nil); err != nil || *u != "postgres://env/x" {
		t.Errorf("default = %q, %v", *u, err)
	}
	fs = newFlagSet("t", "", &bytes.Buffer{})
	u = dbFlag(fs)
	if err := fs.Parse([]string{"--database-url", "postgres://flag/x"}); err != nil || *u != "postgres://flag/x" {
		t.Errorf("flag = %q, %v", *u, err)
	}
}
