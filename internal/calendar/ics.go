package calendar

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/locale"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The iCalendar feed (RFC 5545) streams through a small buffer, one
// component at a time. The calendar's header and VTIMEZONE are written
// with arran4/golang-ical; the VEVENTs, thousands per feed, by
// propEncoder, which produces the library's bytes without its
// allocations (a test compares the two). Either way:
//   - folding at 75 octets, never inside a UTF-8 sequence, preferring to
//     fold at a space (the folding space is the continuation marker, so
//     the text is unchanged when unfolded);
//   - CRLF: the library's default on Unix is a bare LF, so every call
//     passes WithNewLineWindows;
//   - TEXT escaping of \ ; , and LF; CR and other control characters
//     would break the line structure, so icsText normalises line ends and
//     drops controls first;
//   - CATEGORIES is a list whose commas would be escaped as text, so each
//     topic gets a CATEGORIES property of its own (allowed to repeat); the
//     facets' slugs go into X-TREFFPUNKT-FREE, -REGISTRATION, -AUDIENCE,
//     -ACCESS (one per value), the access offers into the description.

const tzid = "Europe/Berlin"

// icsConfig is the serialisation the library must use for RFC 5545.
var icsConfig = &ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: string(ics.WithNewLineWindows)}

// feedMeta describes a feed as a whole.
type feedMeta struct {
	Name        string    // calendar name: X-WR-CALNAME and NAME
	Description string    // X-WR-CALDESC and DESCRIPTION
	URL         string    // the public page showing the same events
	Lang        string    // "de" or "en" for the labels in descriptions
	Updated     time.Time // newest change of the data behind the feed
	Refresh     time.Duration
}

// icsWriter writes one VCALENDAR. Call begin, event for each event, end.
type icsWriter struct {
	w    *bufio.Writer
	meta feedMeta
	// eventBase is the URL of the event pages: with the event's id
	// appended, its public page.
	eventBase string
	// pe holds the buffers reused for every event.
	pe propEncoder
}

func (iw *icsWriter) begin() error {
	cal := ics.NewCalendarFor("Treffpunkt")
	cal.SetProductId("-//Treffpunkt//Veranstaltungskalender Sachsen//" + strings.ToUpper(iw.meta.Lang))
	cal.SetCalscale("GREGORIAN")
	cal.SetName(iw.meta.Name) // NAME (RFC 7986) and X-WR-CALNAME
	if iw.meta.Description != "" {
		cal.SetDescription(iw.meta.Description)
		cal.SetXWRCalDesc(iw.meta.Description)
	}
	if iw.meta.URL != "" {
		cal.SetUrl(iw.meta.URL)
	}
	cal.SetXWRTimezone(tzid)
	if !iw.meta.Updated.IsZero() {
		cal.SetLastModified(iw.meta.Updated) // RFC 7986 5.4
	}
	// REFRESH-INTERVAL (RFC 7986) and the older X-PUBLISHED-TTL, which
	// Outlook and Apple Calendar read.
	d := isoDuration(iw.meta.Refresh)
	cal.SetRefreshInterval(d)
	cal.SetXPublishedTTL(d)
	if _, err := iw.w.WriteString("BEGIN:VCALENDAR\r\n"); err != nil {
		return err
	}
	for _, p := range cal.CalendarProperties {
		if err := p.SerializeTo(iw.w, icsConfig); err != nil {
			return fmt.Errorf("calendar header: %w", err)
		}
	}
	tz, err := berlinTimezoneICS()
	if err != nil {
		return err
	}
	_, err = iw.w.WriteString(tz)
	return err
}

func (iw *icsWriter) end() error {
	_, err := iw.w.WriteString("END:VCALENDAR\r\n")
	return err
}

// event writes one VEVENT. src is the announcement the event was first
// seen in (zero when unknown).
func (iw *icsWriter) event(e store.Event, src sourceLink) error {
	pe := &iw.pe
	pe.out = append(pe.out[:0], "BEGIN:VEVENT\r\n"...)
	encodeVEvent(pe, &e, src, iw.meta.Lang, iw.eventBase)
	pe.out = append(pe.out, "END:VEVENT\r\n"...)
	_, err := iw.w.Write(pe.out)
	return err
}

// berlinTimezoneICS is the serialised VTIMEZONE, the same in every feed.
var berlinTimezoneICS = sync.OnceValues(func() (string, error) {
	var b strings.Builder
	if err := berlinTimezone().SerializeTo(&b, icsConfig); err != nil {
		return "", fmt.Errorf("calendar: VTIMEZONE: %w", err)
	}
	return b.String(), nil
})

// encodeVEvent encodes the properties of a stored event into pe.out. The
// contact data of a draft is never read here: it is kept for staff only.
// eventBase + the event's id is its public page (none if eventBase is
// empty).
func encodeVEvent(pe *propEncoder, e *store.Event, src sourceLink, lang, eventBase string) {
	d := &e.Draft
	pe.text("UID", e.UID)
	// No METHOD is set, so DTSTAMP is the time the event was last revised
	// (RFC 5545 3.8.7.2), which also keeps the output stable for ETags.
	pe.stamp("DTSTAMP", e.UpdatedAt)
	pe.stamp("CREATED", e.CreatedAt)
	pe.stamp("LAST-MODIFIED", e.UpdatedAt)
	pe.int("SEQUENCE", e.Sequence)
	start := d.Start.In(event.Berlin)
	if d.AllDay {
		// DTEND of a date is exclusive; the draft's End is the last day.
		last := start
		if !d.End.IsZero() && d.End.After(start) {
			last = d.End.In(event.Berlin)
		}
		y, m, dd := last.Date()
		pe.date("DTSTART;VALUE=DATE", start, false)
		pe.date("DTEND;VALUE=DATE", time.Date(y, m, dd+1, 0, 0, 0, 0, event.Berlin), false)
	} else {
		pe.date("DTSTART;TZID="+tzid, start, true)
		if !d.End.IsZero() && d.End.After(d.Start) {
			pe.date("DTEND;TZID="+tzid, d.End.In(event.Berlin), true)
		}
	}
	if r, ok := rruleFor(d.Recurrence, d.AllDay); ok {
		pe.raw("RRULE", r)
	}
	pe.val = append(append(pe.val[:0], statusPrefix(d.Status, lang)...), d.Title...)
	pe.textVal("SUMMARY", false)
	pe.val = appendDescription(pe.val[:0], e, src, lang)
	pe.textVal("DESCRIPTION", true)
	pe.val = appendLocation(pe.val[:0], d, lang)
	pe.textVal("LOCATION", true)
	if d.Place.Lat != nil && d.Place.Lon != nil {
		pe.geo(*d.Place.Lat, *d.Place.Lon)
	}
	if eventBase != "" {
		pe.eventURL(eventBase, e.ID)
	}
	for _, t := range d.Topics {
		pe.text("CATEGORIES", topicName(t, lang))
	}
	appendFacetProps(pe, src.Facets)
	switch d.Status {
	case event.StatusCancelled:
		pe.raw("STATUS", string(ics.ObjectStatusCancelled))
	case event.StatusPostponed:
		// RFC 5545 has no "postponed": the date is not certain.
		pe.raw("STATUS", string(ics.ObjectStatusTentative))
	default:
		pe.raw("STATUS", string(ics.ObjectStatusConfirmed))
	}
}

func utcStamp(t time.Time) string { return string(appendStamp(nil, t)) }

// icsDate renders t's wall clock as an iCalendar DATE (20060102) or, with
// clock, a DATE-TIME without zone (20060102T150405).
func icsDate(t time.Time, clock bool) string {
	var b [15]byte
	return string(appendDate(b[:0], t, clock))
}

// statusPrefix marks cancelled and postponed events in the title too: not
// every calendar app shows STATUS.
func statusPrefix(s event.Status, lang string) string {
	switch s {
	case event.StatusCancelled:
		return pick(lang, "ABGESAGT: ", "CANCELLED: ")
	case event.StatusPostponed:
		return pick(lang, "VERSCHOBEN: ", "POSTPONED: ")
	}
	return ""
}

// description is the plain-text body of an event in a feed: the
// announcement's text and the facts a calendar entry has no field for.
func description(e store.Event, src sourceLink, lang string) string {
	return string(appendDescription(nil, &e, src, lang))
}

// appendDescription appends the description of e to b.
func appendDescription(b []byte, e *store.Event, src sourceLink, lang string) []byte {
	d := &e.Draft
	start := len(b)
	b = append(b, strings.TrimSpace(d.Description)...)
	text := len(b) > start
	facts := 0
	// fact starts the next fact: after a blank line below the text, each
	// on its own line.
	fact := func(b []byte) []byte {
		facts++
		switch {
		case facts > 1:
			return append(b, '\n')
		case text:
			return append(b, "\n\n"...)
		}
		return b
	}
	if len(d.Languages) > 0 {
		b = append(fact(b), pick(lang, "Sprachen: ", "Languages: ")...)
		for i, l := range d.Languages {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, languageName(l, lang)...)
		}
	}
	if d.Organizer != "" {
		b = append(append(fact(b), pick(lang, "Veranstalter: ", "Organiser: ")...), d.Organizer...)
	}
	if d.RegistrationRequired != nil && *d.RegistrationRequired {
		b = append(fact(b), pick(lang, "Anmeldung erforderlich", "Registration required")...)
	}
	if d.CostFree != nil && *d.CostFree {
		b = append(fact(b), pick(lang, "Kostenfrei", "Free of charge")...)
	}
	if hasFacet(src.Facets, accessFacet) {
		b = append(append(fact(b), locale.Get(lang).T("f.access")...), ": "...)
		b = appendAccess(b, src.Facets, d, lang)
	}
	if src.URL != "" {
		b = append(append(fact(b), pick(lang, "Quelle: ", "Source: ")...), src.URL...)
	}
	return b
}

// location is the one-line place of an event.
func location(d event.Draft, lang string) string {
	return string(appendLocation(nil, &d, lang))
}

// appendLocation appends the place of an event to b.
func appendLocation(b []byte, d *event.Draft, lang string) []byte {
	p := &d.Place
	city := p.City
	if p.PostalCode != "" {
		city = p.PostalCode + " " + p.City
	}
	var parts [3]string
	n := 0
	for _, s := range [3]string{p.Venue, p.Street, city} {
		if s = strings.TrimSpace(s); s != "" && !containsFold(parts[:n], s) {
			parts[n] = s
			n++
		}
	}
	switch d.Online {
	case event.OnlineYes:
		if n == 0 {
			return append(b, "Online"...)
		}
		b = append(b, "Online ("...)
	case event.OnlineHybrid:
		if n == 0 {
			return append(b, pick(lang, "Online und vor Ort", "Online and on site")...)
		}
	}
	for i, s := range parts[:n] {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	switch d.Online {
	case event.OnlineYes:
		b = append(b, ')')
	case event.OnlineHybrid:
		b = append(b, pick(lang, " und online", " and online")...)
	}
	return b
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// icsText prepares text for a TEXT property: valid UTF-8, line ends as LF
// (which the library escapes as \n), no other control characters (a bare
// CR would end the content line).
func icsText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Fast path: no byte that can start a control character (C0, DEL, or
	// 0xC2 which leads the C1 controls U+0080–U+009F).
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c == 0x7f || c == 0xc2 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case r != '\n' && unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// rruleFor checks a recurrence rule and makes its UNTIL agree with the
// value type of DTSTART, as RFC 5545 requires: a date for all-day events,
// a UTC date-time for events with a time zone. Rules the RRULE parser
// rejects are left out rather than published broken.
func rruleFor(rule string, allDay bool) (string, bool) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if rule == "" {
		return "", false
	}
	parts := strings.Split(rule, ";")
	for i, p := range parts {
		name, val, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(name, "UNTIL") {
			continue
		}
		until, err := parseUntil(val)
		if err != nil {
			return "", false
		}
		if allDay {
			parts[i] = "UNTIL=" + until.In(event.Berlin).Format("20060102")
		} else {
			parts[i] = "UNTIL=" + until.UTC().Format("20060102T150405Z")
		}
	}
	rule = strings.Join(parts, ";")
	if _, err := rrule.StrToROption(rule); err != nil {
		return "", false
	}
	return rule, true
}

// parseUntil reads an UNTIL value: a date (its whole day in Berlin counts),
// a UTC date-time or a floating date-time (read in Berlin).
func parseUntil(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("20060102", s, event.Berlin); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	if t, err := time.Parse("20060102T150405Z", s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("20060102T150405", s, event.Berlin)
}

// isoDuration renders a whole number of minutes as an RFC 5545 duration.
func isoDuration(d time.Duration) string {
	if d <= 0 {
		d = time.Hour
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case m == 0:
		return "PT" + strconv.Itoa(h) + "H"
	case h == 0:
		return "PT" + strconv.Itoa(m) + "M"
	}
	return "PT" + strconv.Itoa(h) + "H" + strconv.Itoa(m) + "M"
}

// berlinTimezone is the VTIMEZONE of Europe/Berlin: CET/CEST with the EU
// rule in force since 1996 (last Sunday of March 02:00 → CEST, last Sunday
// of October 03:00 → CET). A test checks it against Go's tz database.
func berlinTimezone() *ics.VTimezone {
	tz := ics.NewTimezone(tzid)
	tz.AddProperty("X-LIC-LOCATION", tzid)
	daylight := &ics.Daylight{}
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0100")
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0200")
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CEST")
	daylight.AddProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	daylight.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	standard := ics.NewStandard()
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0200")
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0100")
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CET")
	standard.AddProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	standard.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	tz.Components = append(tz.Components, daylight, standard)
	return tz
}
