package demosites

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// TestDiscoverableFeeds checks what kind: auto finds on the mirror: the
// DSM site's Events Calendar REST API and iCal export with the same events
// as its pages, and the SAQsen sitemap named in robots.txt, all with
// absolute URLs at the mirror's own address.
func TestDiscoverableFeeds(t *testing.T) {
	srv, _ := setup(t)
	c := client()

	r := get(t, c, srv.URL+TribeRESTPath)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("REST: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var rest struct {
		Events []struct {
			StartDate string `json:"start_date"`
		} `json:"events"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(r.body, &rest); err != nil {
		t.Fatalf("REST: %v", err)
	}
	if len(rest.Events) != 11 || rest.Total != 11 {
		t.Errorf("REST: %d events (total %d), want the DSM site's 11", len(rest.Events), rest.Total)
	}
	if bytes.Contains(r.body, basePlaceholder) || !bytes.Contains(r.body, []byte(srv.URL+"/dsm/veranstaltung/")) {
		t.Errorf("REST: event URLs not at the mirror's origin")
	}

	r = get(t, c, srv.URL+TribeICalPath+"?ical=1")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("?ical=1: %d %s", r.status, r.header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("?ical=1: %v", err)
	}
	if n := len(cal.Events()); n != 11 {
		t.Errorf("?ical=1: %d events, want 11", n)
	}
	if r := get(t, c, srv.URL+TribeICalPath); !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("the events page without ?ical=1 is %s, want HTML", r.header.Get("Content-Type"))
	}

	r = get(t, c, srv.URL+"/robots.txt")
	if !bytes.Contains(r.body, []byte("Sitemap: "+srv.URL+SitemapPath)) {
		t.Errorf("robots.txt names no sitemap at the mirror's origin:\n%s", r.body)
	}
	r = get(t, c, srv.URL+SitemapPath)
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(r.body, &sm); err != nil {
		t.Fatalf("sitemap: %v", err)
	}
	details := 0
	for _, u := range sm.URLs {
		if !strings.HasPrefix(u.Loc, srv.URL+"/saqsen/") {
			t.Errorf("sitemap: %s not at the mirror's origin", u.Loc)
		}
		if strings.Contains(u.Loc, "/detail/") {
			details++
			if r := get(t, c, u.Loc); r.status != http.StatusOK {
				t.Errorf("sitemap: %s answers %d", u.Loc, r.status)
			}
		}
	}
	if details != 53 {
		t.Errorf("sitemap: %d detail pages, want SAQsen's 53", details)
	}
}
