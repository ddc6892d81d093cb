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

// TestCommandsRefuseBadSettings: every command reads its variables and
// flags through internal/app, so a bad value stops it before it connects
// anywhere, with an error naming the variable and never the value. (The
// one-shot commands read them with a silent default, or not at all, before.)
func TestCommandsRefuseBadSettings(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{env: map[string]string{"DATABASE_URL": "postgres://u:s3cret@db:notaport/x"}, args: []string{"migrate"}, want: "DATABASE_URL: invalid connection string"},
		{env: map[string]string{"DATABASE_URL": "postgres://u:s3cret@db:notaport/x"}, args: []string{"users", "list"}, want: "DATABASE_URL: invalid connection string"},
		{env: map[string]string{"DATABASE_URL": "postgres://u:s3cret@db:notaport/x"}, args: []string{"apikeys", "list"}, want: "DATABASE_URL: invalid connection string"},
		{args: []string{"renormalize", "--database-url", "host=db password=s3cret port=x"}, want: "--database-url: invalid connection string"},
		{args: []string{"crawl", "--database-url", "postgres://u:s3cret@db:notaport/x"}, want: "--database-url: invalid connection string"},
		{env: map[string]string{"MEILI_URL": "s3cret.example"}, args: []string{"reindex"}, want: "MEILI_URL: invalid URL"},
		{env: map[string]string{"MEILI_INDEX": "s3cret index"}, args: []string{"reindex"}, want: "MEILI_INDEX: invalid index uid"},
		{args: []string{"reindex", "--meili-url", "ftp://s3cret"}, want: "--meili-url: invalid URL"},
		{env: map[string]string{"DEMO_ADDR": "s3cret"}, args: []string{"demo-sites"}, want: "DEMO_ADDR: invalid listen address"},
		{args: []string{"migrate", "stray"}, want: `unexpected argument "stray"`},
		{args: []string{"apikeys", "list", "stray"}, want: `unexpected argument "stray"`},
		{args: []string{"apikeys", "revoke"}, want: "give the key's prefix"},
	} {
		for _, k := range []string{"DATABASE_URL", "MEILI_URL", "MEILI_INDEX", "DEMO_ADDR"} {
			t.Setenv(k, tt.env[k])
		}
		var out bytes.Buffer
		code := runMain(context.Background(), tt.args, stdio{in: strings.NewReader(""), out: &out, err: &out})
		if code != 1 || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%v %v: exit %d, want 1 and %q:\n%s", tt.env, tt.args, code, tt.want, out.String())
		}
		if strings.Contains(out.String(), "s3cret") {
			t.Errorf("%v %v: the error repeats the value:\n%s", tt.env, tt.args, out.String())
		}
	}
}
