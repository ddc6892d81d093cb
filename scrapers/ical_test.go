package scrapers

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The Kulturbüro Dresden "Spot on!" feed: a weekly series with TZID, RRULE,
// EXDATE and one moved occurrence, an all-day workshop over two days, UTC
// and floating times, a cancelled event, an Outlook zone name with
// DURATION, and three broken events.
func TestICalFeed(t *testing.T) {
	s := newSite(t, "ical")
	src := testSource(s.URL+"/spot-on.ics", event.KindICal)
	res := crawlSite(t, src, testOptions())
	p := res.page(t, "/spot-on.ics")
	if p.Err != nil || p.Role != RoleFeed || !res.sum.Complete {
		t.Fatalf("err %v role %q summary %+v", p.Err, p.Role, res.sum)
	}
	feed := CanonicalURL(s.URL + "/spot-on.ics")
	want := []event.Item{
		{
			Key: "spot-on-beratung@kulturbuero-dresden.de", URL: "https://www.kulturbuero-dresden.de/spot-on/beratung/",
			Title: "Offene Beratung für Migrant*innen-Organisationen",
			Text:  "Professionalisierung durch Verweisberatungen zu Themen wie Vereinsführung, Projektfinanzierung, Ehrenamt und Vernetzung.\nBeratungen sind in folgenden Sprachen möglich: Sorbisch, Russisch, Englisch, Deutsch",
			Start: "2022-09-06T16:00:00+02:00", End: "2022-09-06T18:00:00+02:00",
			Recurrence: "FREQ=WEEKLY;BYDAY=TU;UNTIL=20221220T230000Z",
			Location:   &event.Location{Text: "Kulturbüro Dresden, Dresden", Lat: ptr(51.0615), Lon: ptr(13.7566)},
			Status:     "scheduled", Organizer: "Kulturbüro Dresden, Projekt Spot on!", Published: "2022-08-15",
		},
		{
			Key: "spot-on-beratung@kulturbuero-dresden.de#20220920T160000", URL: feed,
			Title: "Offene Beratung für Migrant*innen-Organisationen (später)",
			Start: "2022-09-20T17:00:00+02:00", End: "2022-09-20T19:00:00+02:00", Published: "2022-09-01",
		},
		{
			Key: "spot-on-engagement-workshop@kulturbuero-dresden.de", URL: feed,
			Title: "Engagement-Workshop: Arbeit mit Ehrenamtlichen",
			Text:  "Stärkung und Nachhaltigkeit durch Engagement-Workshops, u. a. zur Arbeit mit Ehrenamtlichen.",
			Start: "2022-10-14", End: "2022-10-15", // DTEND 16th is exclusive
			Location: &event.Location{Text: "Meißen"}, Published: "2022-09-01",
		},
		{
			Key: "spot-on-digitalisierung@kulturbuero-dresden.de", URL: feed, Title: "Digitalisierung im Ehrenamt",
			Text:  "Empowerment und Kompetenzstärkung durch bedarfsorientierte Weiterbildungen.\nMögliche Themen: Digitalisierung im Ehrenamt",
			HTML:  "<p>Empowerment und Kompetenzstärkung durch bedarfsorientierte Weiterbildungen.</p><p>Mögliche Themen: Digitalisierung im Ehrenamt</p>",
			Start: "2022-11-03T18:00:00+01:00", End: "2022-11-03T20:00:00+01:00", // 17:00Z in Berlin winter time
			Location: &event.Location{Text: "Online"}, Published: "2022-09-01",
		},
		{
			Key: "spot-on-hatespeech@kulturbuero-dresden.de", URL: feed, Title: "Hate-Speech im Netz",
			Start: "2022-11-24T18:00:00+01:00", End: "2022-11-24T20:00:00+01:00", // floating: Berlin
			Location: &event.Location{Text: "Mittelsachsen"}, Status: "cancelled", Published: "2022-09-01",
		},
		{
			Key: "spot-on-layout@kulturbuero-dresden.de", URL: feed, Title: "Layout für Vereine",
			Start: "2022-12-01", End: "2022-12-01", Published: "2022-09-01",
		},
		{
			Key: "spot-on-moderation@kulturbuero-dresden.de", URL: feed, Title: "Veranstaltungsmoderation",
			Start: "2022-12-08T10:00:00+01:00", End: "2022-12-08T12:30:00+01:00", Published: "2022-09-01",
		},
	}
	if len(p.Items) != len(want) {
		t.Fatalf("%d items, want %d: %s", len(p.Items), len(want), dump(p.Items))
	}
	for i, w := range want {
		got := p.Items[i]
		if i == 0 {
			extra := got.Extra["ical"].(map[string]any)
			if !reflect.DeepEqual(extra["categories"], []string{"Beratung", "Vereinsführung, Projektfinanzierung", "Spot on!"}) ||
				!reflect.DeepEqual(extra["exdate"], []string{"2022-10-11T16:00:00+02:00", "2022-10-18T16:00:00+02:00"}) {
				t.Errorf("extra %v", extra)
			}
		}
		got.Extra = nil
		w.Kind = event.KindICal
		if !reflect.DeepEqual(got, w) {
			t.Errorf("item %d\n got %s\nwant %s", i, dump(got), dump(w))
		}
	}
	wantWarn := []string{
		`event "spot-on-ohne-datum@kulturbuero-dresden.de" (line 90) skipped: no DTSTART`,
		`event "spot-on-kaputtes-datum@kulturbuero-dresden.de" (line 95) skipped: DTSTART: bad date-time "2022-12-01"`,
		`line 106: not a content line: "THIS LINE IS NOT A CONTENT LINE" (line skipped)`,
	}
	if strings.Join(p.Warnings, "\n") != strings.Join(wantWarn, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(p.Warnings, "\n"), strings.Join(wantWarn, "\n"))
	}
}

func TestICalNotAFeed(t *testing.T) {
	s := newSite(t, "drupal")
	src := testSource(s.URL+"/bildungsangebote", event.KindICal)
	res := crawlSite(t, src, testOptions())
	if p := res.page(t, "/bildungsangebote"); p.Err == nil || !strings.Contains(p.Err.Error(), "not an iCalendar feed") || res.sum.Complete {
		t.Errorf("err %v summary %+v", p.Err, res.sum)
	}
}

func TestICalContentLines(t *testing.T) {
	tests := []struct {
		line   string
		name   string
		params map[string]string
		value  string
		err    bool
	}{
		{"SUMMARY:Workshop: Vereinsrecht", "SUMMARY", nil, "Workshop: Vereinsrecht", false},
		{"dtstart;tzid=Europe/Berlin:20210521T100000", "DTSTART", map[string]string{"TZID": "Europe/Berlin"}, "20210521T100000", false},
		{`ORGANIZER;CN="Verein, e.V.";ROLE=CHAIR:mailto:a@example.org`, "ORGANIZER", map[string]string{"CN": "Verein, e.V.", "ROLE": "CHAIR"}, "mailto:a@example.org", false},
		{`ATTENDEE;MEMBER="mailto:a@x.org","mailto:b@x.org";CN=B:mailto:b@x.org`, "ATTENDEE", map[string]string{"MEMBER": "mailto:a@x.org", "CN": "B"}, "mailto:b@x.org", false},
		{"DESCRIPTION;LANGUAGE=de:", "DESCRIPTION", map[string]string{"LANGUAGE": "de"}, "", false},
		{"NO CONTENT LINE", "", nil, "", true},
		{`X-P;A="unterminated:value`, "", nil, "", true},
	}
	for _, tt := range tests {
		p, err := parseContentLine(tt.line, 1)
		if (err != nil) != tt.err {
			t.Errorf("%q: err %v", tt.line, err)
			continue
		}
		if err == nil && (p.name != tt.name || p.value != tt.value || !reflect.DeepEqual(p.params, tt.params)) {
			t.Errorf("%q: %q %v %q, want %q %v %q", tt.line, p.name, p.params, p.value, tt.name, tt.params, tt.value)
		}
	}
}

func TestICalTimes(t *testing.T) {
	f := &icalFeed{zones: map[string]*time.Location{}, floating: event.Berlin}
	tests := []struct {
		value, tzid string
		want        string
		allDay      bool
	}{
		{"20210521T100000", "Europe/Berlin", "2021-05-21T10:00:00+02:00", false},
		{"20210521T100000", "/mozilla.org/20050126_1/Europe/Berlin", "2021-05-21T10:00:00+02:00", false},
		{"20210521T100000", "(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien", "2021-05-21T10:00:00+02:00", false},
		{"20210521T100000", "Europe/London", "2021-05-21T10:00:00+01:00", false},
		{"20210521T080000Z", "", "2021-05-21T10:00:00+02:00", false},
		{"20211221T1800", "", "2021-12-21T18:00:00+01:00", false},
		{"20210521", "", "2021-05-21", true},
	}
	for _, tt := range tests {
		p := icalProp{value: tt.value}
		if tt.tzid != "" {
			p.params = map[string]string{"TZID": tt.tzid}
		}
		tm, allDay, err := f.time(p)
		if err != nil || formatICal(tm, allDay) != tt.want || allDay != tt.allDay {
			t.Errorf("%s %s: %s %v %v, want %s", tt.value, tt.tzid, formatICal(tm, allDay), allDay, err, tt.want)
		}
	}
}

// bigFeed builds a feed of n events of the size real ones have (~500 bytes
// per event, folded lines, escapes), from the SAQsen texts.
func bigFeed(n int) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SAQsen//Veranstaltungen//DE\r\n")
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:saqsen-%d@example.org\r\nDTSTAMP:20210301T100000Z\r\n"+
			"DTSTART;TZID=Europe/Berlin:20210%d%02dT150000\r\nDTEND;TZID=Europe/Berlin:20210%d%02dT170000\r\n"+
			"SUMMARY:Offener Treff der Werkstatt der Migrant*innenorganisationen Nr. %d\r\n"+
			"DESCRIPTION:Die \"Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig\" ist ein neuer Ort zum \r\n"+
			" Treffen\\, Austauschen\\, Kennenlernen und Unterstützen.\\nJeden ersten Mittwoch im Monat gibt es nac\r\n"+
			" hmittags einen Offenen Treff - als Treffpunkt der Migrant*innen-Organisationen - zum Austausch zu ak\r\n"+
			" tuellen Themen.\r\nLOCATION:WERK 2 – Kulturfabrik Leipzig e.V.\\, Kochstraße 132\\, 04277 Leipzig\r\n"+
			"URL:https://www.saqsen.de/veranstaltungen/%d/\r\nCATEGORIES:Werkstatt,Vernetzung\r\nEND:VEVENT\r\n",
			i, 1+i%9, 1+i%28, 1+i%9, 1+i%28, i, i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

func TestICalBigFeed(t *testing.T) {
	feed := bigFeed(10000)
	start := time.Now()
	items, warn, err := icalItems(feed, "https://www.saqsen.de/feed.ics")
	took := time.Since(start)
	if err != nil || len(items) != 10000 || len(warn) != 0 {
		t.Fatalf("err %v, %d items, warnings %q", err, len(items), warn)
	}
	// About 0.1 s of CPU; its speed is BenchmarkICal10000's to watch, not
	// a unit test's (a timed bound fails on a loaded machine).
	t.Logf("%d bytes, 10,000 events in %s", len(feed), took)
}

// BenchmarkICal10000: go test -run - -bench ICal ./scrapers
func BenchmarkICal10000(b *testing.B) {
	feed := bigFeed(10000)
	b.SetBytes(int64(len(feed)))
	for b.Loop() {
		items, _, err := icalItems(feed, "https://www.saqsen.de/feed.ics")
		if err != nil || len(items) != 10000 {
			b.Fatal(err, len(items))
		}
	}
}

// Differential test: the saved feed, minus its one line that is not a
// content line (which golang-ical rejects the whole feed for), read by
// arran4/golang-ical must give the same titles, texts and start times.
func TestICalAgreesWithGolangICal(t *testing.T) {
	b, err := os.ReadFile("testdata/ical/spot-on.ics")
	if err != nil {
		t.Fatal(err)
	}
	clean := strings.Replace(string(b), "THIS LINE IS NOT A CONTENT LINE\r\n", "", 1)
	cal, err := ics.ParseCalendar(strings.NewReader(clean))
	if err != nil {
		t.Fatalf("golang-ical: %v", err)
	}
	items, _, err := icalItems([]byte(clean), "https://www.kulturbuero-dresden.de/spot-on.ics")
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]event.Item{}
	for _, it := range items {
		byKey[it.Key] = it
	}
	compared := 0
	for _, ev := range cal.Events() {
		key := ev.Id()
		if rid := ev.GetProperty(ics.ComponentPropertyRecurrenceId); rid != nil {
			key += "#" + rid.Value
		}
		it, ok := byKey[key]
		if !ok {
			continue // one of the events we skip as malformed
		}
		compared++
		if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || collapse(s.Value) != it.Title {
			t.Errorf("%s: summary differs: %q", key, it.Title)
		}
		if d := ev.GetProperty(ics.ComponentPropertyDescription); d != nil && stripTags(d.Value) != it.Text {
			t.Errorf("%s: description %q, golang-ical %q", key, it.Text, d.Value)
		}
		if dt := ev.GetProperty(ics.ComponentPropertyDtStart); dt.ICalParameters["TZID"] == nil && !strings.HasSuffix(dt.Value, "Z") {
			continue // floating: golang-ical reads it in time.Local, we in Berlin
		}
		if st, err := ev.GetStartAt(); err == nil && len(it.Start) > 10 {
			ours, err := time.Parse(time.RFC3339, it.Start)
			if err != nil || !ours.Equal(st) {
				t.Errorf("%s: start %s, golang-ical %s", key, it.Start, st)
			}
		}
	}
	if compared != len(items) {
		t.Errorf("compared %d of %d items", compared, len(items))
	}
}

// Component nesting gone wrong: a VALARM never closed, a stray END, a
// VEVENT cut off by the next BEGIN:VEVENT.
func TestICalNesting(t *testing.T) {
	feed := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:a", "DTSTART:20221014T100000", "SUMMARY:Mit offenem Alarm",
		"BEGIN:VALARM", "TRIGGER:-PT15M", "END:VEVENT",
		"END:VTODO",
		"BEGIN:VEVENT", "UID:b", "DTSTART:20221015T100000", "SUMMARY:Abgeschnitten",
		"BEGIN:VEVENT", "UID:c", "DTSTART:20221016T100000", "SUMMARY:Vollständig", "END:VEVENT",
		"END:VCALENDAR",
	}, "\r\n")
	items, warn, err := icalItems([]byte(feed), "https://example.org/feed.ics")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Key)
	}
	if strings.Join(keys, ",") != "a,c" {
		t.Errorf("keys %v", keys)
	}
	wantWarn := []string{
		"line 8: END:VEVENT also ends VALARM, which was never closed",
		"line 9: END:VTODO without BEGIN",
		"line 14: event begun at line 10 has no END:VEVENT; skipped",
	}
	if strings.Join(warn, "\n") != strings.Join(wantWarn, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warn, "\n"), strings.Join(wantWarn, "\n"))
	}
}
