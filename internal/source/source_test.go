package source

import (
	"strings"
	"testing"
	"time"
)

func TestParseValid(t *testing.T) {
	t.Setenv("DEMO_BASE", "")
	srcs, err := Parse([]byte(`
sources:
  - id: dsm-sachsen
    name: Dachverband sächsischer Migrantenorganisationen
    url: ${DEMO_BASE:-http://127.0.0.1:8081}/dsm/veranstaltungen/
    kind: html
    follow: "h2.entry-title a"
    next: "a.next"
    fields:
      title: "h1"
      body: ".entry-content"
      date: ".event-date"
      place: ".event-place"
    region: leipzig
    languages: [de]
    interval: 6h
    publish: auto
  - id: ntsachsen
    name: Netzwerk Tolerantes Sachsen
    url: http://127.0.0.1:8081/ntsachsen/termine.ics
    kind: ical
    max_bytes: 5242880
`))
	if err != nil {
		t.Fatal(err)
	}
	dsm, nt := srcs[0], srcs[1]
	if dsm.URL != "http://127.0.0.1:8081/dsm/veranstaltungen/" {
		t.Errorf("env default not expanded: %q", dsm.URL)
	}
	if dsm.Interval.Duration != 6*time.Hour || dsm.Fields.Date != ".event-date" || dsm.Publish != "auto" {
		t.Errorf("fields lost: %+v", dsm)
	}
	// Defaults for what the entry leaves out.
	if nt.Publish != "review" || nt.MaxBytes != 5<<20 || nt.MaxPages != DefaultMaxPages || *nt.Retries != DefaultRetries ||
		nt.Timeout.Duration != DefaultTimeout || nt.Interval.Duration != DefaultInterval {
		t.Errorf("defaults not applied: %+v", nt)
	}
}

func TestExpandEnv(t *testing.T) {
	t.Setenv("SET", "http://mirror:9000")
	t.Setenv("EMPTY", "")
	for in, want := range map[string]string{
		"${SET}/a":                   "http://mirror:9000/a",
		"${SET:-http://x}/a":         "http://mirror:9000/a",
		"${UNSET_VAR:-http://x}/a":   "http://x/a",
		"${EMPTY:-http://fallback}/": "http://fallback/",
		"${UNSET_VAR}/a":             "/a",
		"https://plain.example/":     "https://plain.example/",
	} {
		if got := ExpandEnv(in); got != want {
			t.Errorf("ExpandEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	const base = `
sources:
  - id: x
    name: X
    url: https://example.org/
`
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown key", base + "    folow: a\n", "field folow not found"},
		{"bad selector", base + "    follow: \"h2 >> a[\"\n", "bad CSS selector"},
		{"bad kind", base + "    kind: rss\n", "kind \"rss\""},
		{"auto with selectors", base + "    kind: auto\n    follow: a\n", "leave follow"},
		{"bad region", base + "    region: berlin\n", "region \"berlin\""},
		{"bad publish", base + "    publish: sometimes\n", "publish \"sometimes\""},
		{"bad duration", base + "    interval: often\n", "bad duration"},
		{"bad scheme", "sources:\n  - id: x\n    name: X\n    url: ftp://example.org/\n", "scheme must be http or https"},
		{"no url", "sources:\n  - id: x\n    name: X\n", "url is required"},
		{"bad id", "sources:\n  - id: Not A Slug\n    name: X\n    url: https://e.org/\n", "want a slug"},
		{"duplicate id", base + "  - id: x\n    name: Y\n    url: https://example.org/y\n", "duplicate id"},
		{"empty", "", "empty sources file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestKindDefault: a source given by its URL alone is discovered (kind
// auto); one with selectors and no kind is html, as before.
func TestKindDefault(t *testing.T) {
	srcs, err := Parse([]byte(`
sources:
  - id: url-only
    name: URL only
    url: https://example.org/termine/
  - id: selectors
    name: Selectors
    url: https://example.org/blog/
    follow: "h2 a"
`))
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].Kind != "auto" || srcs[0].Fields.Title != "" {
		t.Errorf("URL only: kind %q, title %q; want auto and no selectors", srcs[0].Kind, srcs[0].Fields.Title)
	}
	if srcs[1].Kind != "html" || srcs[1].Fields.Title != "h1" {
		t.Errorf("with selectors: kind %q, title %q; want html and h1", srcs[1].Kind, srcs[1].Fields.Title)
	}
}
