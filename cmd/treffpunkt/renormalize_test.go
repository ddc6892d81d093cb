package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestRenormalizeCommand: one JSON line per source of the database; an
// unknown --source is an error.
func TestRenormalizeCommand(t *testing.T) {
	pool, dbURL := pgtest.NewWithURL(t)
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := store.UpsertSource(ctx, pool, source.Source{ID: id, Name: id, URL: "https://example.org/", Kind: "html",
			Publish: "auto"}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := runRenormalize(ctx, []string{"--database-url", dbURL}, stdio{in: strings.NewReader(""), out: &out, err: io.Discard}); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var rep struct{ Source, Status string }
		if err := json.Unmarshal([]byte(line), &rep); err != nil || rep.Status != "ok" {
			t.Fatalf("line %q: %v", line, err)
		}
		sources = append(sources, rep.Source)
	}
	if strings.Join(sources, ",") != "a,b" {
		t.Errorf("sources %v, want a,b", sources)
	}
	err := runRenormalize(ctx, []string{"--database-url", dbURL, "--source", "nosuch"}, stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown source: err %v", err)
	}
}
