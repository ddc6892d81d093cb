package demosites

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	ics "github.com/arran4/golang-ical"
	"golang.org/x/text/encoding/charmap"
)

func TestToLatin1(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"Öffnung", []byte{0xd6, 'f', 'f', 'n', 'u', 'n', 'g'}},
		{"Maßnahmen", []byte{'M', 'a', 0xdf, 'n', 'a', 'h', 'm', 'e', 'n'}},
		{"„Integrative“", []byte("&#8222;Integrative&#8220;")},
		{"2021 – 2023", []byte("2021 &#8211; 2023")},
	}
	for _, tt := range tests {
		if got := toLatin1([]byte(tt.in)); !bytes.Equal(got, tt.want) {
			t.Errorf("toLatin1(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPokubiIsLatin1(t *testing.T) {
	srv, _ := setup(t)
	for _, p := range []string{"/pokubi/veranstaltungen", "/pokubi/veranstaltung/fachtag-diversitaetsorientierte-oeffnung-im-laendlichen-raum"} {
		r := get(t, client(), srv.URL+p)
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=iso-8859-1" {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
		if utf8.Valid(r.body) {
			t.Errorf("%s: body is valid UTF-8, want Latin-1 bytes", p)
		}
		dec, err := charmap.ISO8859_1.NewDecoder().Bytes(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(dec, []byte("Diversitätsorientierte Öffnung")) {
			t.Errorf("%s: decoded body lacks the title", p)
		}
		// charset.NewReader, as a crawler uses it, gets the same text.
		if title := text(parse(t, r).Find("h1 .field--name-title, .views-row h2").First()); !strings.HasPrefix(title, "Fachtag: Diversitätsorientierte") {
			t.Errorf("%s: parsed title %q", p, title)
		}
	}
}

// TestConditionalGET: every kind of response carries an ETag and
// Last-Modified, and either validator gives 304.
func TestConditionalGET(t *testing.T) {
	srv, _ := setup(t)
	c := client()
	for _, p := range []string{"/saqsen/veranstaltungen/", "/pokubi/veranstaltungen?page=1", "/ntsachsen/termine.ics",
		"/robots.txt", OversizePath, "/synthetic/", "/synthetic/veranstaltung/7/"} {
		r := get(t, c, srv.URL+p)
		etag, lm := r.header.Get("ETag"), r.header.Get("Last-Modified")
		if r.status != http.StatusOK || etag == "" || lm == "" {
			t.Errorf("%s: %d, ETag %q, Last-Modified %q", p, r.status, etag, lm)
			continue
		}
		if r2 := get(t, c, srv.URL+p); r2.header.Get("ETag") != etag || !bytes.Equal(r2.body, r.body) {
			t.Errorf("%s: second GET differs", p)
		}
		for _, h := range [][2]string{{"If-None-Match", etag}, {"If-Modified-Since", lm}} {
			if r := get(t, c, srv.URL+p, h[0], h[1]); r.status != http.StatusNotModified || len(r.body) != 0 {
				t.Errorf("%s with %s: %d (%d bytes), want 304", p, h[0], r.status, len(r.body))
			}
		}
		if r := get(t, c, srv.URL+p, "If-None-Match", `"anders"`); r.status != http.StatusOK {
			t.Errorf("%s with a stale ETag: %d, want 200", p, r.status)
		}
	}
	// A fresh mirror gives the same validators: nothing depends on start time.
	m, err := loadMirror(siteFS)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/saqsen/veranstaltungen/", nil))
	if want := get(t, c, srv.URL+"/saqsen/veranstaltungen/").header.Get("ETag"); rec.Header().Get("ETag") != want {
		t.Errorf("ETag %q after reload, want %q", rec.Header().Get("ETag"), want)
	}
}

// TestJSONLD: every JSON-LD block of the mirror is valid JSON, and the DSM
// site has Event data in each of the forms the jsonld strategy must read.
func TestJSONLD(t *testing.T) {
	m, err := load()
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string]int{}
	for name, pg := range m.pages {
		if !strings.HasSuffix(name, ".html") || name == strings.TrimPrefix(BrokenPath, "/") {
			continue
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(pg.body))
		if err != nil {
			t.Fatal(err)
		}
		events := 0
		doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
			var v any
			if err := json.Unmarshal([]byte(s.Text()), &v); err != nil {
				t.Errorf("%s: JSON-LD: %v", name, err)
				return
			}
			switch v := v.(type) {
			case []any:
				forms["array"]++
				for _, e := range v {
					events += countEvent(e, forms)
				}
			case map[string]any:
				if g, ok := v["@graph"].([]any); ok {
					forms["graph"]++
					for _, e := range g {
						events += countEvent(e, forms)
					}
				} else {
					forms["object"]++
					events += countEvent(v, forms)
				}
			}
		})
		if doc.Find(`[itemtype="https://schema.org/Event"]`).Length() > 0 {
			forms["microdata"]++
			events++
		}
		if strings.HasPrefix(name, "dsm/veranstaltung/") && events == 0 {
			t.Errorf("%s: no schema.org Event", name)
		}
	}
	for form, min := range map[string]int{"array": 3, "graph": 3, "object": 2, "microdata": 1, "cancelled": 1} {
		if forms[form] < min {
			t.Errorf("%d pages with JSON-LD %s, want at least %d (%v)", forms[form], form, min, forms)
		}
	}
}

func countEvent(v any, forms map[string]int) int {
	o, ok := v.(map[string]any)
	if !ok || o["@type"] != "Event" {
		return 0
	}
	if o["eventStatus"] == "https://schema.org/EventCancelled" {
		forms["cancelled"]++
	}
	return 1
}

func TestICalFeed(t *testing.T) {
	srv, _ := setup(t)
	r := get(t, client(), srv.URL+"/ntsachsen/termine.ics")
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type %q", ct)
	}
	if n, crlf := bytes.Count(r.body, []byte("\n")), bytes.Count(r.body, []byte("\r\n")); n != crlf || n == 0 {
		t.Errorf("%d line ends, %d of them CRLF", n, crlf)
	}
	for i, line := range bytes.Split(r.body, []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, want at most 75 (RFC 5545 folding)", i+1, len(line))
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	byUID := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		byUID[strings.TrimSuffix(e.Id(), "@tolerantes-sachsen.de")] = e
	}
	if len(byUID) != 8 {
		t.Errorf("%d events, want 8", len(byUID))
	}
	prop := func(uid string, p ics.ComponentProperty) (string, map[string][]string) {
		e := byUID[uid]
		if e == nil {
			t.Fatalf("no event %s", uid)
		}
		v := e.GetProperty(p)
		if v == nil {
			return "", nil
		}
		return v.Value, v.ICalParameters
	}
	if v, params := prop("offener-treff-wmo", ics.ComponentPropertyDtStart); v != "20210602T150000" || params["TZID"][0] != "Europe/Berlin" {
		t.Errorf("Offener Treff DTSTART %q %v", v, params)
	}
	if v, _ := prop("offener-treff-wmo", ics.ComponentPropertyRrule); v != "FREQ=MONTHLY;BYDAY=1WE;COUNT=12" {
		t.Errorf("Offener Treff RRULE %q", v)
	}
	if v, params := prop("iwgr-2021", ics.ComponentPropertyDtStart); v != "20210315" || params["VALUE"][0] != "DATE" {
		t.Errorf("IWgR DTSTART %q %v", v, params)
	}
	if v, _ := prop("iwgr-2021", ics.ComponentPropertyDtEnd); v != "20210329" {
		t.Errorf("IWgR DTEND %q, want the exclusive end 20210329", v)
	}
	start, err := byUID["online-seminar-rechte-parolen"].GetStartAt()
	if err != nil || !start.Equal(time.Date(2021, 10, 20, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("UTC event starts %v (%v)", start, err)
	}
	if v, _ := prop("netzwerktreffen-ostsachsen-2021", ics.ComponentPropertyStatus); v != "CANCELLED" {
		t.Errorf("cancelled event STATUS %q", v)
	}
	// Folded and escaped text comes back whole.
	if v, _ := prop("fachtag-ehrenamt-2021", ics.ComponentPropertyLocation); v != "Kulturzentrum „Goldne Sonne“, Fürstenplatz 5, 08289 Schneeberg" {
		t.Errorf("LOCATION %q", v)
	}
}

func TestIndexLinksResolve(t *testing.T) {
	srv, _ := setup(t)
	doc := parse(t, get(t, client(), srv.URL+"/"))
	ls := links(t, doc, srv.URL+"/", "li a")
	if len(ls) != len(sites) {
		t.Errorf("index links %d sites, want %d", len(ls), len(sites))
	}
	for _, l := range ls {
		if r := get(t, client(), l); r.status != http.StatusOK {
			t.Errorf("%s: %d", l, r.status)
		}
	}
}
