package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
)

// TestTryCommand previews a mirror site from the command line: the URL
// before or after the flags, text and JSON output; it needs no database.
func TestTryCommand(t *testing.T) {
	srv := httptest.NewServer(demosites.Handler())
	defer srv.Close()
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none") // never used
	var out, errOut bytes.Buffer
	err := runTry(context.Background(), []string{srv.URL + "/pokubi/veranstaltungen", "--max-pages", "3", "--allow-private"},
		stdio{out: &out, err: &errOut})
	if err != nil {
		t.Fatalf("try: %v (%s)", err, errOut.String())
	}
	for _, want := range []string{"Strategy: list", "Events (", "kind: auto", "follow: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := runTry(context.Background(), []string{"--json", "--allow-private", srv.URL + "/ntsachsen/termine.ics"},
		stdio{out: &out, err: &errOut}); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Strategy string
		Events   []json.RawMessage
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Strategy != "ical" || len(res.Events) == 0 {
		t.Errorf("json: %v %+v", err, res)
	}
	for _, args := range [][]string{{}, {"a", "b"}, {"--max-pages", "99", "https://example.org/"}} {
		if err := runTry(context.Background(), args, stdio{out: &out, err: &errOut}); err == nil {
			t.Errorf("try %v: no error", args)
		}
	}
}
