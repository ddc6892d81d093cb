package demosites

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestUpcoming: the demo site lists at least 20 events, all after today,
// each marked as demo data, with JSON-LD; the same pages all day long.
func TestUpcoming(t *testing.T) {
	srv := httptest.NewServer(Handler())
	t.Cleanup(srv.Close)
	c := client()
	list := get(t, c, srv.URL+UpcomingPrefix)
	if list.status != 200 {
		t.Fatalf("list: %d", list.status)
	}
	links := regexp.MustCompile(`<a href="(/demo-aktuell/termin-\d+\.html)">Demo: `).FindAllStringSubmatch(string(list.body), -1)
	if len(links) < 20 {
		t.Fatalf("%d events listed, want at least 20", len(links))
	}
	now := time.Now()
	ldRe := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)
	for _, l := range links {
		p := get(t, c, srv.URL+l[1])
		m := ldRe.FindSubmatch(p.body)
		if p.status != 200 || m == nil {
			t.Fatalf("%s: %d, JSON-LD %v", l[1], p.status, m != nil)
		}
		var ev struct{ Name, StartDate, Description string }
		if err := json.Unmarshal(m[1], &ev); err != nil {
			t.Fatal(err)
		}
		start, err := time.Parse(time.RFC3339, ev.StartDate)
		if err != nil || !start.After(now) {
			t.Errorf("%s starts %s, want after now", l[1], ev.StartDate)
		}
		if !strings.HasPrefix(ev.Name, "Demo: ") || !strings.Contains(ev.Description, "erfundene Daten") {
			t.Errorf("%s is not marked as demo data: %q", l[1], ev.Name)
		}
	}
	again := get(t, c, srv.URL+UpcomingPrefix, "If-None-Match", list.header.Get("ETag"))
	if again.status != 304 {
		t.Errorf("second request the same day: %d, want 304", again.status)
	}
}
