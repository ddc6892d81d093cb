package preview

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

func mirror(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(demosites.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPreview(t *testing.T) {
	base := mirror(t)
	tests := []struct {
		path      string
		strategy  string
		minEvents int
		pinned    bool // a selectors entry is offered
	}{
		{"/dsm/veranstaltungen/", "jsonld", 1, true},
		{"/kulturbuero-dresden/spot-on/termine.html", "list", 2, true},
		{"/adb-sachsen/termine/2021-03/", "items", 3, true},
		{"/ntsachsen/termine.ics", "ical", 8, true},
		{"/saqsen/veranstaltungen/", "sitemap", 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res, err := Run(context.Background(), base+tc.path, Options{MaxPages: 3, AllowPrivate: true, NoPoliteness: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Strategy != tc.strategy || res.Reason == "" {
				t.Errorf("strategy %q (%s), want %s", res.Strategy, res.Reason, tc.strategy)
			}
			if len(res.Events) < tc.minEvents || res.Fallback {
				t.Errorf("%d events (fallback %v), want at least %d", len(res.Events), res.Fallback, tc.minEvents)
			}
			if len(res.Pages) > 3 {
				t.Errorf("%d pages fetched, the sample is 3", len(res.Pages))
			}
			for _, e := range res.Events {
				if e.Title == "" || e.Start.IsZero() || len(e.Confidence) == 0 {
					t.Errorf("event without title, start or confidence: %+v", e)
				}
			}
			// Both entries are valid sources as they stand.
			for _, y := range []string{res.YAML, res.SelectorsYAML} {
				if y == "" {
					continue
				}
				srcs, err := source.Parse([]byte("sources:\n" + indent(y)))
				if err != nil || len(srcs) != 1 {
					t.Errorf("entry does not parse: %v\n%s", err, y)
				}
			}
			if !strings.Contains(res.YAML, "kind: auto") {
				t.Errorf("entry is not kind auto:\n%s", res.YAML)
			}
			if (res.SelectorsYAML != "") != tc.pinned {
				t.Errorf("selectors entry %q, want one: %v", res.SelectorsYAML, tc.pinned)
			}
		})
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

// TestPreviewRefusals: bad input and private addresses are refused with a
// message for the person, not the server's or network's words.
func TestPreviewRefusals(t *testing.T) {
	base := mirror(t)
	for _, tc := range []struct{ url, want string }{
		{"ftp://example.org/", "http:// or https://"},
		{"https://user:pw@example.org/", "http:// or https://"},
		{"https://" + strings.Repeat("a", maxURL) + ".de/", "longer than"},
		{base + "/dsm/veranstaltungen/", "private network"},
	} {
		_, err := Run(context.Background(), tc.url, Options{NoPoliteness: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60s: err %v, want %q", tc.url, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%.60s: the error names an address: %v", tc.url, err)
		}
	}
	// A page with nothing on it: the preview says selectors are the fallback.
	res, err := Run(context.Background(), base+"/kulturbuero-dresden/spot-on.html", Options{MaxPages: 2, AllowPrivate: true, NoPoliteness: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Fallback || res.SelectorsYAML != "" {
		t.Errorf("project page: fallback %v, selectors %q (strategy %s, %d events)", res.Fallback, res.SelectorsYAML, res.Strategy, len(res.Events))
	}
}
