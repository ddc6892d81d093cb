package calendar

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// writeICS renders events as a feed the way the handler does.
func writeICS(t testing.TB, evs []store.Event, srcs map[int64]sourceLink) []byte {
	t.Helper()
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	iw := &icsWriter{w: bw, eventBase: "https://treffpunkt.example/events/",
		meta: feedMeta{Name: "Treffpunkt – Leipzig · Arabisch", Description: "Veranstaltungen in Sachsen", URL: "https://treffpunkt.example/?region=leipzig",
			Lang: "de", Refresh: time.Hour, Updated: time.Date(2026, 2, 1, 12, 30, 0, 0, time.UTC)}}
	if err := iw.begin(); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := iw.event(e, srcs[e.ID]); err != nil {
			t.Fatal(err)
		}
	}
	if err := iw.end(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkLines asserts the physical form RFC 5545 3.1 demands: CRLF line
// ends only, at most 75 octets per line, and no line that ends or starts
// inside a UTF-8 sequence (each physical line is valid UTF-8 by itself).
func checkLines(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("feed does not end with CRLF")
	}
	lines := bytes.Split(b[:len(b)-2], []byte("\r\n"))
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets (max 75): %q", i+1, len(l), l)
		}
		if !utf8.Valid(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if len(l) == 0 {
			t.Errorf("line %d is empty", i+1)
		}
	}
}

// parse reads a feed back with emersion/go-ical, a different parser than
// the one that wrote it.
func parse(t *testing.T, b []byte) *goical.Calendar {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the feed: %v\n%s", err, b)
	}
	return cal
}

func eventsByUID(cal *goical.Calendar) map[string]goical.Event {
	out := map[string]goical.Event{}
	for _, e := range cal.Events() {
		out[e.Props.Get(goical.PropUID).Value] = e
	}
	return out
}

func text(t *testing.T, e goical.Event, name string) string {
	t.Helper()
	p := e.Props.Get(name)
	if p == nil {
		return ""
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func TestFeedParsesBack(t *testing.T) {
	all := writerEvents()
	byUID := map[string]store.Event{}
	for _, e := range all {
		byUID[e.UID] = e
	}
	cases := []struct {
		name string
		uids []string
	}{
		{"empty", nil},
		{"one event", []string{"tp-mo-treffen"}},
		{"cancelled", []string{"tp-anerkennung"}},
		{"all-day", []string{"tp-aktionstag"}},
		{"multi-day all-day and timed", []string{"tp-wochen", "tp-wochenende"}},
		{"series", []string{"tp-sprachcafe"}},
		{"umlauts, emoji, long lines", []string{"tp-lang"}},
		{"all", []string{"tp-mo-treffen", "tp-anerkennung", "tp-aktionstag", "tp-wochen", "tp-wochenende", "tp-sprachcafe", "tp-lang", "tp-radio"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var evs []store.Event
			for _, u := range tc.uids {
				evs = append(evs, byUID[u])
			}
			b := writeICS(t, evs, map[int64]sourceLink{1: {SourceID: "saqsen", Name: "SAQsen!", URL: "https://saqsen.example/veranstaltungen/mo-treffen"}})
			checkLines(t, b)
			cal := parse(t, b)
			if got := cal.Props.Get(goical.PropVersion).Value; got != "2.0" {
				t.Errorf("VERSION = %q", got)
			}
			if cal.Props.Get(goical.PropProductID) == nil {
				t.Error("no PRODID")
			}
			for _, name := range []string{"X-WR-CALNAME", "NAME"} {
				if p := cal.Props.Get(name); p == nil || p.Value != "Treffpunkt – Leipzig · Arabisch" {
					t.Errorf("%s = %v", name, p)
				}
			}
			if p := cal.Props.Get("REFRESH-INTERVAL"); p == nil || p.Value != "PT1H" || p.Params.Get("VALUE") != "DURATION" {
				t.Errorf("REFRESH-INTERVAL = %+v", p)
			}
			if p := cal.Props.Get("X-PUBLISHED-TTL"); p == nil || p.Value != "PT1H" {
				t.Errorf("X-PUBLISHED-TTL = %+v", p)
			}
			var tz int
			for _, c := range cal.Children {
				if c.Name == goical.CompTimezone && c.Props.Get(goical.PropTimezoneID).Value == "Europe/Berlin" {
					tz++
				}
			}
			if tz != 1 {
				t.Errorf("%d VTIMEZONE for Europe/Berlin, want 1", tz)
			}
			got := eventsByUID(cal)
			if len(got) != len(evs) || len(cal.Events()) != len(evs) {
				t.Fatalf("parsed %d events (%d UIDs), wrote %d", len(cal.Events()), len(got), len(evs))
			}
			for _, want := range evs {
				checkEvent(t, want, got[want.UID])
			}
		})
	}
}

// checkEvent compares a parsed VEVENT with the event it was written from.
func checkEvent(t *testing.T, want store.Event, e goical.Event) {
	t.Helper()
	d := want.Draft
	if e.Props == nil {
		t.Fatalf("%s: missing", want.UID)
	}
	wantTitle := d.Title
	if d.Status == event.StatusCancelled {
		wantTitle = "ABGESAGT: " + wantTitle
	}
	if got := text(t, e, goical.PropSummary); got != wantTitle {
		t.Errorf("%s: SUMMARY = %q, want %q", want.UID, got, wantTitle)
	}
	if got, want := text(t, e, goical.PropDescription), icsText(description(want, sourceLink{}, "de")); want != "" && !strings.HasPrefix(got, strings.ReplaceAll(strings.TrimSpace(d.Description), "\r\n", "\n")) {
		t.Errorf("%s: DESCRIPTION = %q\nwant it to start with the description", want, got)
	}
	start := e.Props.Get(goical.PropDateTimeStart)
	if d.AllDay {
		if start.Params.Get(goical.ParamValue) != "DATE" || start.Value != d.Start.Format("20060102") {
			t.Errorf("%s: all-day DTSTART = %s %v", want.UID, start.Value, start.Params)
		}
		last := d.Start
		if !d.End.IsZero() {
			last = d.End
		}
		end := e.Props.Get(goical.PropDateTimeEnd)
		if end == nil || end.Params.Get(goical.ParamValue) != "DATE" || end.Value != last.AddDate(0, 0, 1).Format("20060102") {
			t.Errorf("%s: all-day DTEND = %+v, want the day after %s (exclusive)", want.UID, end, last.Format(time.DateOnly))
		}
	} else {
		if start.Params.Get(goical.ParamTimezoneID) != "Europe/Berlin" {
			t.Errorf("%s: DTSTART has TZID %q", want.UID, start.Params.Get(goical.ParamTimezoneID))
		}
		got, err := e.DateTimeStart(nil)
		if err != nil || !got.Equal(d.Start) {
			t.Errorf("%s: DTSTART = %v (%v), want %v", want.UID, got, err, d.Start)
		}
		if !d.End.IsZero() {
			got, err := e.DateTimeEnd(nil)
			if err != nil || !got.Equal(d.End) {
				t.Errorf("%s: DTEND = %v (%v), want %v", want.UID, got, err, d.End)
			}
		} else if e.Props.Get(goical.PropDateTimeEnd) != nil {
			t.Errorf("%s: DTEND for an event without end", want.UID)
		}
	}
	if got, _ := e.Props.Get(goical.PropSequence).Int(); got != want.Sequence {
		t.Errorf("%s: SEQUENCE = %d, want %d", want.UID, got, want.Sequence)
	}
	stamp, err := e.Props.Get(goical.PropDateTimeStamp).DateTime(time.UTC)
	if err != nil || !stamp.Equal(want.UpdatedAt.Truncate(time.Second)) {
		t.Errorf("%s: DTSTAMP = %v (%v), want %v", want.UID, stamp, err, want.UpdatedAt)
	}
	status, _ := e.Status()
	wantStatus := goical.EventConfirmed
	if d.Status == event.StatusCancelled {
		wantStatus = goical.EventCancelled
	}
	if status != wantStatus {
		t.Errorf("%s: STATUS = %q, want %q", want.UID, status, wantStatus)
	}
	if u := e.Props.Get(goical.PropURL); u == nil || u.Value != "https://treffpunkt.example/events/"+strconv.FormatInt(want.ID, 10) {
		t.Errorf("%s: URL = %+v", want.UID, u)
	}
	var cats []string
	for _, p := range e.Props.Values(goical.PropCategories) {
		l, _ := p.TextList()
		cats = append(cats, l...)
	}
	if len(cats) != len(d.Topics) {
		t.Errorf("%s: CATEGORIES = %q for topics %q", want.UID, cats, d.Topics)
	}
	if loc := text(t, e, goical.PropLocation); loc != location(d, "de") {
		t.Errorf("%s: LOCATION = %q, want %q", want.UID, loc, location(d, "de"))
	}
	if d.Place.Lat != nil {
		g := e.Props.Get(goical.PropGeo)
		lat, lon, _ := strings.Cut(g.Value, ";")
		la, _ := strconv.ParseFloat(lat, 64)
		lo, _ := strconv.ParseFloat(lon, 64)
		if la != *d.Place.Lat || lo != *d.Place.Lon {
			t.Errorf("%s: GEO = %s", want.UID, g.Value)
		}
	}
	if d.Recurrence != "" {
		set, err := e.RecurrenceSet(event.Berlin)
		if err != nil || set == nil {
			t.Fatalf("%s: RRULE does not parse back: %v", want.UID, err)
		}
		occ := set.Between(d.Start.Add(-time.Minute), d.Start.AddDate(1, 0, 0), true)
		if len(occ) == 0 || !occ[0].Equal(d.Start) || occ[1].Sub(occ[0]) != 7*24*time.Hour {
			t.Errorf("%s: occurrences %v", want.UID, occ[:min(3, len(occ))])
		}
	}
}

// TestFeedHidesContactData: the contact people, e-mail addresses and phone
// numbers normalisation found are for staff, never for a feed.
func TestFeedHidesContactData(t *testing.T) {
	evs := writerEvents()[:1]
	b := writeICS(t, evs, nil)
	for _, secret := range []string{"Mariam", "Haddad", "m.haddad@example.org", "1234567"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("feed contains contact data %q", secret)
		}
	}
}

// TestSeriesOccurrences is the calendar-app view of a series: the weekly
// Sprachcafé from 2 March until 29 June (UNTIL given as a date, rewritten
// as a UTC time because DTSTART has a time zone) has 18 Mondays.
func TestSeriesOccurrences(t *testing.T) {
	b := writeICS(t, writerEvents()[5:6], nil)
	if !bytes.Contains(b, []byte("RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260629T215959Z\r\n")) {
		t.Errorf("RRULE not rewritten to a UTC UNTIL:\n%s", b)
	}
	e := parse(t, b).Events()[0]
	set, err := e.RecurrenceSet(event.Berlin)
	if err != nil {
		t.Fatal(err)
	}
	occ := set.All()
	if len(occ) != 18 {
		t.Fatalf("%d occurrences, want 18: %v", len(occ), occ)
	}
	// 16:00 Berlin on both sides of the change to summer time (29 March).
	for _, o := range occ {
		if o.In(event.Berlin).Hour() != 16 {
			t.Errorf("occurrence %v is not at 16:00 Berlin time", o)
		}
	}
}

func TestRRuleFor(t *testing.T) {
	cases := []struct {
		rule   string
		allDay bool
		want   string
		ok     bool
	}{
		{"FREQ=MONTHLY;BYDAY=1WE", false, "FREQ=MONTHLY;BYDAY=1WE", true},
		{"RRULE:FREQ=WEEKLY;BYDAY=MO", false, "FREQ=WEEKLY;BYDAY=MO", true},
		{"FREQ=WEEKLY;UNTIL=20260629", false, "FREQ=WEEKLY;UNTIL=20260629T215959Z", true},
		{"FREQ=WEEKLY;UNTIL=20261215", false, "FREQ=WEEKLY;UNTIL=20261215T225959Z", true}, // winter time: UTC+1
		{"FREQ=WEEKLY;UNTIL=20260629T180000", false, "FREQ=WEEKLY;UNTIL=20260629T160000Z", true},
		{"FREQ=WEEKLY;UNTIL=20260629T160000Z", true, "FREQ=WEEKLY;UNTIL=20260629", true},
		{"FREQ=YEARLY;COUNT=3", true, "FREQ=YEARLY;COUNT=3", true},
		{"jeden zweiten Dienstag", false, "", false},
		{"FREQ=WEEKLY;UNTIL=morgen", false, "", false},
		{"", false, "", false},
	}
	for _, c := range cases {
		got, ok := rruleFor(c.rule, c.allDay)
		if got != c.want || ok != c.ok {
			t.Errorf("rruleFor(%q, %v) = %q, %v; want %q, %v", c.rule, c.allDay, got, ok, c.want, c.ok)
		}
	}
}

func TestICSText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Zeile eins\r\nZeile zwei", "Zeile eins\nZeile zwei"},
		{"alter Mac\rZeilenende", "alter Mac\nZeilenende"},
		{"Tab\tund\x00Null\x1b", "Tab undNull"},
		{"kaputt \xff UTF-8", "kaputt \uFFFD UTF-8"},
		{"C1\u0085Steuerzeichen, aber Ä bleibt", "C1Steuerzeichen, aber Ä bleibt"},
		{"Çay, Tee; Kaffee \\ Kakao", "Çay, Tee; Kaffee \\ Kakao"},
	}
	for _, c := range cases {
		if got := icsText(c.in); got != c.want {
			t.Errorf("icsText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// The escaping itself is the library's: check it on the written line.
	b := writeICS(t, []store.Event{{ID: 9, UID: "tp-x", Draft: event.Draft{Title: "a,b;c\\d\r\ne", Start: berlin(2026, 3, 1, 10, 0)}}}, nil)
	if !bytes.Contains(b, []byte(`SUMMARY:a\,b\;c\\d\ne`+"\r\n")) {
		t.Errorf("SUMMARY not escaped as RFC 5545 3.3.11 says:\n%s", b)
	}
}

// TestVTimezoneMatchesTZDatabase checks the written VTIMEZONE against Go's
// tz database for every transition from 1997 to 2037.
func TestVTimezoneMatchesTZDatabase(t *testing.T) {
	var buf bytes.Buffer
	if err := berlinTimezone().SerializeTo(&buf, icsConfig); err != nil {
		t.Fatal(err)
	}
	cal := parse(t, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"+buf.String()+"END:VCALENDAR\r\n"))
	var tz *goical.Component
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			tz = c
		}
	}
	if tz == nil {
		t.Fatal("no VTIMEZONE")
	}
	for _, obs := range tz.Children {
		from := obs.Props.Get("TZOFFSETFROM").Value
		to := obs.Props.Get("TZOFFSETTO").Value
		// DTSTART is local time in the offset before the change.
		off := offsetSeconds(t, from)
		start, err := time.ParseInLocation("20060102T150405", obs.Props.Get(goical.PropDateTimeStart).Value, time.FixedZone("", off))
		if err != nil {
			t.Fatal(err)
		}
		rule, err := rrule.StrToROption(obs.Props.Get(goical.PropRecurrenceRule).Value)
		if err != nil {
			t.Fatal(err)
		}
		rule.Dtstart = start
		r, err := rrule.NewRRule(*rule)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, at := range r.Between(time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC), true) {
			// at is wall time in the old offset; as an instant it is when the change happens.
			before := at.Add(-time.Second).In(event.Berlin)
			after := at.In(event.Berlin)
			_, ob := before.Zone()
			_, oa := after.Zone()
			if ob != off || oa != offsetSeconds(t, to) {
				t.Errorf("%s at %v: tz database has %d → %d seconds, VTIMEZONE says %s → %s", obs.Name, at, ob, oa, from, to)
			}
			n++
		}
		if n != 41 {
			t.Errorf("%s: %d transitions 1997–2037, want 41", obs.Name, n)
		}
	}
}

func offsetSeconds(t *testing.T, s string) int {
	t.Helper()
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil {
		t.Fatalf("offset %q", s)
	}
	sec := h*3600 + m*60
	if s[0] == '-' {
		sec = -sec
	}
	return sec
}

// TestGolden pins the whole feed. Regenerate with
// go test ./internal/calendar -run TestGolden -update after a deliberate change.
func TestGolden(t *testing.T) {
	b := writeICS(t, writerEvents(), map[int64]sourceLink{
		1: {SourceID: "saqsen", Name: "SAQsen! Werkstatt der Migrant*innenorganisationen", URL: "https://saqsen.example/veranstaltungen/mo-treffen"},
		2: {SourceID: "kulturbuero", Name: "Kulturbüro Sachsen", URL: "https://kulturbuero.example/termine/anerkennung"},
	})
	golden := filepath.Join("testdata", "feed.golden.ics")
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		gl, wl := strings.Split(string(b), "\r\n"), strings.Split(string(want), "\r\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("feed differs from %s at line %d:\n got %q\nwant %q\n(run with -update if the change is deliberate)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("feed differs from %s in length: %d lines, want %d", golden, len(gl), len(wl))
	}
	checkLines(t, want)
}

func TestICSDate(t *testing.T) {
	for _, tt := range []time.Time{berlin(2026, 3, 29, 2, 30), time.Date(987, 1, 2, 3, 4, 5, 0, time.UTC), berlin(2026, 12, 31, 23, 59)} {
		if got, want := icsDate(tt, true), tt.Format("20060102T150405"); got != want {
			t.Errorf("icsDate(%v, true) = %q, want %q", tt, got, want)
		}
		if got, want := icsDate(tt, false), tt.Format("20060102"); got != want {
			t.Errorf("icsDate(%v, false) = %q, want %q", tt, got, want)
		}
	}
}
