package calendar

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// libraryVEvent builds the VEVENT of a stored event with the library's
// types, property by property as the feed had it before propEncoder: the
// reference the encoder is compared with.
func libraryVEvent(e store.Event, src sourceLink, lang, pageURL string) *ics.VEvent {
	v := &ics.VEvent{}
	add := func(name ics.ComponentProperty, value string, params map[string][]string) {
		v.Properties = append(v.Properties, ics.IANAProperty{BaseProperty: ics.BaseProperty{IANAToken: string(name), Value: value, ICalParameters: params}})
	}
	tz := map[string][]string{string(ics.ParameterTzid): {tzid}}
	date := map[string][]string{string(ics.ParameterValue): {string(ics.ValueDataTypeDate)}}
	d := e.Draft
	add(ics.ComponentPropertyUniqueId, icsText(e.UID), nil)
	add(ics.ComponentPropertyDtstamp, e.UpdatedAt.UTC().Format("20060102T150405Z"), nil)
	add(ics.ComponentPropertyCreated, e.CreatedAt.UTC().Format("20060102T150405Z"), nil)
	add(ics.ComponentPropertyLastModified, e.UpdatedAt.UTC().Format("20060102T150405Z"), nil)
	add(ics.ComponentPropertySequence, strconv.Itoa(e.Sequence), nil)
	start := d.Start.In(event.Berlin)
	if d.AllDay {
		last := start
		if !d.End.IsZero() && d.End.After(start) {
			last = d.End.In(event.Berlin)
		}
		add(ics.ComponentPropertyDtStart, start.Format("20060102"), date)
		add(ics.ComponentPropertyDtEnd, last.AddDate(0, 0, 1).Format("20060102"), date)
	} else {
		add(ics.ComponentPropertyDtStart, start.Format("20060102T150405"), tz)
		if !d.End.IsZero() && d.End.After(d.Start) {
			add(ics.ComponentPropertyDtEnd, d.End.In(event.Berlin).Format("20060102T150405"), tz)
		}
	}
	if r, ok := rruleFor(d.Recurrence, d.AllDay); ok {
		add(ics.ComponentPropertyRrule, r, nil)
	}
	add(ics.ComponentPropertySummary, icsText(statusPrefix(d.Status, lang)+d.Title), nil)
	if desc := icsText(description(e, src, lang)); desc != "" {
		add(ics.ComponentPropertyDescription, desc, nil)
	}
	if loc := icsText(location(d, lang)); loc != "" {
		add(ics.ComponentPropertyLocation, loc, nil)
	}
	if d.Place.Lat != nil && d.Place.Lon != nil {
		add(ics.ComponentPropertyGeo, strconv.FormatFloat(*d.Place.Lat, 'f', 6, 64)+";"+strconv.FormatFloat(*d.Place.Lon, 'f', 6, 64), nil)
	}
	if pageURL != "" {
		add(ics.ComponentPropertyUrl, pageURL, nil)
	}
	for _, t := range d.Topics {
		add(ics.ComponentPropertyCategories, icsText(topicName(t, lang)), nil)
	}
	switch d.Status {
	case event.StatusCancelled:
		add(ics.ComponentPropertyStatus, string(ics.ObjectStatusCancelled), nil)
	case event.StatusPostponed:
		add(ics.ComponentPropertyStatus, string(ics.ObjectStatusTentative), nil)
	default:
		add(ics.ComponentPropertyStatus, string(ics.ObjectStatusConfirmed), nil)
	}
	return v
}

// awkward are events whose text tests the encoder's edges: controls, CR,
// invalid UTF-8, C1 controls next to Latin-1 letters, a description that
// is nothing but a control character, online and hybrid places.
func awkward() []store.Event {
	base := time.Date(2026, 3, 14, 10, 0, 0, 0, event.Berlin)
	yes := true
	mk := func(uid string, d event.Draft) store.Event {
		if d.Start.IsZero() {
			d.Start = base
		}
		return store.Event{ID: 7, UID: uid, Draft: d, Sequence: 3, CreatedAt: base.Add(-time.Hour), UpdatedAt: base.Add(-time.Minute)}
	}
	return []store.Event{
		mk("tp-ctl", event.Draft{Title: "Tab\there\r\nCRLF\rCR\x01drop\u0085nel «Zitat» ·", Description: "\x02",
			Organizer: "Verein e.V.\r", Place: event.Place{Venue: "  ", City: "Leipzig", PostalCode: "04109"}, Online: event.OnlineHybrid}),
		mk("tp-bad\xff", event.Draft{Title: "ung\xfcltig \xc3", Description: strings.Repeat("lang; mit, Komma\\ ", 20),
			Place: event.Place{Street: "Hauptstraße 1", City: "hauptstraße 1"}, Online: event.OnlineYes, RegistrationRequired: &yes}),
		mk("tp-online", event.Draft{Title: "Nur online", Online: event.OnlineYes, AllDay: true, End: base.AddDate(0, 0, 2)}),
		mk("tp-hybrid", event.Draft{Title: "Hybrid", Online: event.OnlineHybrid, Status: event.StatusPostponed, End: base.Add(-time.Hour)}),
	}
}

// TestEncoderMatchesLibrary: the feed's VEVENTs are the library's bytes
// for every event of the writer fixtures and the awkward ones, in both
// languages.
func TestEncoderMatchesLibrary(t *testing.T) {
	src := sourceLink{SourceID: "saqsen", Name: "SAQsen!", URL: "https://saqsen.example/veranstaltungen/x"}
	evs := append(writerEvents(), awkward()...)
	var pe propEncoder
	n := 0
	for _, lang := range []string{"de", "en"} {
		for _, s := range []sourceLink{src, {}} {
			for _, e := range evs {
				var want bytes.Buffer
				if err := libraryVEvent(e, s, lang, testBase+"/events/"+strconv.FormatInt(e.ID, 10)).SerializeTo(&want, icsConfig); err != nil {
					t.Fatal(err)
				}
				pe.out = append(pe.out[:0], "BEGIN:VEVENT\r\n"...)
				encodeVEvent(&pe, &e, s, lang, testBase+"/events/")
				pe.out = append(pe.out, "END:VEVENT\r\n"...)
				if got := string(pe.out); got != want.String() {
					t.Errorf("%s (%s):\n got %q\nwant %q", e.UID, lang, got, want.String())
				}
				n++
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d events compared", n)
	}
}

// TestFoldingMatchesLibrary: long lines of the seed texts (folding inside
// multi-byte characters, at spaces and after '>') are folded and escaped
// as the library does, as TEXT and as URI values.
func TestFoldingMatchesLibrary(t *testing.T) {
	var lines []string
	seeds, _ := filepath.Glob("/work/shared/seeds/*.txt")
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) >= 60 {
				lines = append(lines, line)
			}
		}
	}
	if len(lines) < 100 {
		t.Fatalf("only %d seed lines", len(lines))
	}
	lines = append(lines,
		strings.Repeat("ä", 80)+"<b>x</b>"+strings.Repeat("ö", 60),
		strings.Repeat("x", 50)+" "+strings.Repeat("y", 10)+"<"+strings.Repeat("z", 40),
		strings.Repeat("x", 50)+">"+strings.Repeat("y", 60)+"\xff\xfe"+strings.Repeat("z", 80),
		strings.Repeat("x", 74)+">"+strings.Repeat("y", 74)+" "+strings.Repeat("z", 200),
		"a;b,c\\d\ne",
	)
	var pe propEncoder
	for _, line := range lines {
		for _, p := range []ics.BaseProperty{
			{IANAToken: "DESCRIPTION", Value: icsText(line)},
			{IANAToken: "URL", Value: line},
		} {
			var want bytes.Buffer
			if err := p.SerializeTo(&want, icsConfig); err != nil {
				t.Fatal(err)
			}
			pe.out = pe.out[:0]
			if p.IANAToken == "URL" {
				pe.raw(p.IANAToken, line)
			} else {
				pe.text(p.IANAToken, line)
			}
			if got := string(pe.out); got != want.String() {
				t.Errorf("%s:\n got %q\nwant %q", p.IANAToken, got, want.String())
			}
		}
	}
}
