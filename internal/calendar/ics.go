package calendar

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The iCalendar feed (RFC 5545) is written with arran4/golang-ical, one
// component at a time, so a feed of any size streams through a small
// buffer. What the library does and what is done here:
//   - folding at 75 octets, never inside a UTF-8 sequence: the library
//     (it prefers to fold at a space; the folding space is the continuation
//     marker, so the text is unchanged when unfolded);
//   - CRLF: only when asked for (its default on Unix is a bare LF), so every
//     call passes WithNewLineWindows;
//   - TEXT escaping of \ ; , and LF: the library; but it leaves CR and other
//     control characters alone, which would break the line structure, so
//     icsText normalises line ends and drops controls first;
//   - CATEGORIES is a list whose commas the library escapes as text, so
//     each topic gets a CATEGORIES property of its own (allowed to repeat).

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
	// eventURL is the public page of an event.
	eventURL func(id int64) string
	// ev is reused for every event: a feed of 10,000 events would otherwise
	// allocate 10,000 components with a map per property.
	ev ics.VEvent
	pw propWriter
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
	return berlinTimezone().SerializeTo(iw.w, icsConfig)
}

func (iw *icsWriter) end() error {
	_, err := iw.w.WriteString("END:VCALENDAR\r\n")
	return err
}

// event writes one VEVENT. src is the announcement the event was first
// seen in (zero when unknown).
func (iw *icsWriter) event(e store.Event, src sourceLink) error {
	fillVEvent(&iw.ev, e, src, iw.meta.Lang, iw.eventURL(e.ID))
	return iw.pw.vevent(iw.w, iw.ev.Properties)
}

// Parameter sets shared by all properties that carry them. The library
// only reads parameter maps when serialising, so one map serves every
// property and no event allocates its own.
var (
	paramsTZID = map[string][]string{string(ics.ParameterTzid): {tzid}}
	paramsDate = map[string][]string{string(ics.ParameterValue): {string(ics.ValueDataTypeDate)}}
)

// fillVEvent sets v to the VEVENT of a stored event, reusing v's property
// slice. The contact data of a draft is never read here: it is kept for
// staff only.
func fillVEvent(v *ics.VEvent, e store.Event, src sourceLink, lang, pageURL string) {
	props := v.Properties[:0]
	add := func(name ics.ComponentProperty, value string, params map[string][]string) {
		props = append(props, ics.IANAProperty{BaseProperty: ics.BaseProperty{IANAToken: string(name), Value: value, ICalParameters: params}})
	}
	d := e.Draft
	add(ics.ComponentPropertyUniqueId, e.UID, nil)
	// No METHOD is set, so DTSTAMP is the time the event was last revised
	// (RFC 5545 3.8.7.2), which also keeps the output stable for ETags.
	updated := utcStamp(e.UpdatedAt)
	add(ics.ComponentPropertyDtstamp, updated, nil)
	add(ics.ComponentPropertyCreated, utcStamp(e.CreatedAt), nil)
	add(ics.ComponentPropertyLastModified, updated, nil)
	add(ics.ComponentPropertySequence, strconv.Itoa(e.Sequence), nil)
	start := d.Start.In(event.Berlin)
	if d.AllDay {
		// DTEND of a date is exclusive; the draft's End is the last day.
		last := start
		if !d.End.IsZero() && d.End.After(start) {
			last = d.End.In(event.Berlin)
		}
		y, m, dd := last.Date()
		add(ics.ComponentPropertyDtStart, icsDate(start, false), paramsDate)
		add(ics.ComponentPropertyDtEnd, icsDate(time.Date(y, m, dd+1, 0, 0, 0, 0, event.Berlin), false), paramsDate)
	} else {
		add(ics.ComponentPropertyDtStart, icsDate(start, true), paramsTZID)
		if !d.End.IsZero() && d.End.After(d.Start) {
			add(ics.ComponentPropertyDtEnd, icsDate(d.End.In(event.Berlin), true), paramsTZID)
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
		// RFC 5545 has no "postponed": the date is not certain.
		add(ics.ComponentPropertyStatus, string(ics.ObjectStatusTentative), nil)
	default:
		add(ics.ComponentPropertyStatus, string(ics.ObjectStatusConfirmed), nil)
	}
	v.Properties = props
}

func utcStamp(t time.Time) string { return icsDate(t.UTC(), true) + "Z" }

// icsDate renders t's wall clock as an iCalendar DATE (20060102) or, with
// clock, a DATE-TIME without zone (20060102T150405). It does what
// t.Format does for these layouts at a fraction of the cost, which counts
// 30,000 times in a feed of 10,000 events.
func icsDate(t time.Time, clock bool) string {
	var b [15]byte
	y, m, d := t.Date()
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	put(4, int(m), 2)
	put(6, d, 2)
	if !clock {
		return string(b[:8])
	}
	hh, mm, ss := t.Clock()
	b[8] = 'T'
	put(9, hh, 2)
	put(11, mm, 2)
	put(13, ss, 2)
	return string(b[:])
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
	d := e.Draft
	var b strings.Builder
	b.WriteString(strings.TrimSpace(d.Description))
	var facts []string
	if len(d.Languages) > 0 {
		names := make([]string, len(d.Languages))
		for i, l := range d.Languages {
			names[i] = languageName(l, lang)
		}
		facts = append(facts, pick(lang, "Sprachen: ", "Languages: ")+strings.Join(names, ", "))
	}
	if d.Organizer != "" {
		facts = append(facts, pick(lang, "Veranstalter: ", "Organiser: ")+d.Organizer)
	}
	if d.RegistrationRequired != nil && *d.RegistrationRequired {
		facts = append(facts, pick(lang, "Anmeldung erforderlich", "Registration required"))
	}
	if d.CostFree != nil && *d.CostFree {
		facts = append(facts, pick(lang, "Kostenfrei", "Free of charge"))
	}
	if src.URL != "" {
		facts = append(facts, pick(lang, "Quelle: ", "Source: ")+src.URL)
	}
	if len(facts) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(facts, "\n"))
	}
	return b.String()
}

// location is the one-line place of an event.
func location(d event.Draft, lang string) string {
	p := d.Place
	var parts []string
	for _, s := range []string{p.Venue, p.Street, strings.TrimSpace(p.PostalCode + " " + p.City)} {
		if s = strings.TrimSpace(s); s != "" && !containsFold(parts, s) {
			parts = append(parts, s)
		}
	}
	place := strings.Join(parts, ", ")
	switch d.Online {
	case event.OnlineYes:
		if place == "" {
			return "Online"
		}
		return "Online (" + place + ")"
	case event.OnlineHybrid:
		if place == "" {
			return pick(lang, "Online und vor Ort", "Online and on site")
		}
		return place + pick(lang, " und online", " and online")
	}
	return place
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
