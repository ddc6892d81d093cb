package scrapers

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The iCalendar reader is our own small RFC 5545 content-line parser rather
// than arran4/golang-ical: that library rejects a whole feed for one bad line
// (we must keep the good events and report the bad ones) and unescapes
// CATEGORIES before they can be split. It still checks ours: see
// TestICalAgreesWithGolangICal.

// maxWarnings bounds the warnings one feed can produce.
const maxWarnings = 50

// icalProp is one content line: NAME;PARAM=value:value.
type icalProp struct {
	name   string
	params map[string]string // upper-cased names; the first value of each
	value  string            // raw, still escaped
	line   int
}

func (p icalProp) text() string { return unescapeText(p.value) }

// icalItems parses an iCalendar feed. Malformed events are skipped and
// reported in the warnings; a body that is not a calendar is an error.
func icalItems(body []byte, feedURL string) ([]event.Item, []string, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !bytes.Contains(body[:min(len(body), 4096)], []byte("BEGIN:VCALENDAR")) {
		return nil, nil, errors.New("not an iCalendar feed (no BEGIN:VCALENDAR)")
	}
	f := &icalFeed{url: CanonicalURL(feedURL), zones: map[string]*time.Location{}, floating: event.Berlin}
	var stack []string
	var ev []icalProp
	evLine := 0
	forEachLine(body, func(line string, n int) {
		p, err := parseContentLine(line, n)
		if err != nil {
			if len(stack) > 0 && stack[len(stack)-1] == "VEVENT" {
				f.warn("line %d: %v (line skipped)", n, err)
			} else {
				f.warn("line %d: %v", n, err)
			}
			return
		}
		switch p.name {
		case "BEGIN":
			comp := strings.ToUpper(p.value)
			if comp == "VEVENT" {
				if len(stack) > 0 && stack[len(stack)-1] == "VEVENT" {
					f.warn("line %d: event begun at line %d has no END:VEVENT; skipped", n, evLine)
					stack = stack[:len(stack)-1]
				}
				ev, evLine = ev[:0], n
			}
			stack = append(stack, comp)
			return
		case "END":
			comp := strings.ToUpper(p.value)
			open := -1
			for i := len(stack) - 1; i >= 0 && open < 0; i-- {
				if stack[i] == comp {
					open = i
				}
			}
			if open < 0 {
				f.warn("line %d: END:%s without BEGIN", n, comp)
				return
			}
			for _, unclosed := range stack[open+1:] { // END:VEVENT after a VALARM left open
				f.warn("line %d: END:%s also ends %s, which was never closed", n, comp, unclosed)
			}
			stack = stack[:open]
			if comp == "VEVENT" {
				f.event(ev, evLine)
			}
			return
		}
		switch {
		case len(stack) == 0:
		case stack[len(stack)-1] == "VEVENT":
			ev = append(ev, p)
		case stack[len(stack)-1] == "VCALENDAR" && p.name == "X-WR-TIMEZONE":
			if loc := f.zone(p.text()); loc != nil {
				f.floating = loc
			}
		}
	})
	if len(stack) > 0 && stack[len(stack)-1] == "VEVENT" {
		f.warn("event begun at line %d has no END:VEVENT (feed truncated?); skipped", evLine)
	}
	if f.dropped > 0 {
		f.warnings = append(f.warnings, fmt.Sprintf("… and %d more warnings", f.dropped))
	}
	return f.items, f.warnings, nil
}

// icalFeed is the state of parsing one feed.
type icalFeed struct {
	url      string
	items    []event.Item
	warnings []string
	dropped  int
	zones    map[string]*time.Location
	floating *time.Location // zone of times without TZID or Z
}

func (f *icalFeed) warn(format string, args ...any) {
	if len(f.warnings) >= maxWarnings {
		f.dropped++
		return
	}
	f.warnings = append(f.warnings, fmt.Sprintf(format, args...))
}

// forEachLine calls fn with every unfolded content line and the number of
// its first physical line.
func forEachLine(body []byte, fn func(line string, n int)) {
	var cur strings.Builder
	start, n := 0, 0
	for len(body) > 0 {
		n++
		i := bytes.IndexByte(body, '\n')
		var raw []byte
		if i < 0 {
			raw, body = body, nil
		} else {
			raw, body = body[:i], body[i+1:]
		}
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			cur.Write(raw[1:]) // folded continuation
			continue
		}
		if cur.Len() > 0 {
			fn(cur.String(), start)
		}
		cur.Reset()
		cur.Write(raw)
		start = n
	}
	if cur.Len() > 0 {
		fn(cur.String(), start)
	}
}

// parseContentLine splits NAME;P1=a,b;P2="x:y":value.
func parseContentLine(line string, n int) (icalProp, error) {
	p := icalProp{line: n}
	i := strings.IndexAny(line, ";:")
	if i <= 0 {
		return p, fmt.Errorf("not a content line: %.40q", line)
	}
	p.name = strings.ToUpper(line[:i])
	for line[i] == ';' {
		line = line[i+1:]
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			return p, fmt.Errorf("%s: malformed parameter", p.name)
		}
		key := strings.ToUpper(line[:eq])
		line = line[eq+1:]
		var vals []string
		for {
			var val string
			var err error
			if val, line, err = paramValue(line); err != nil {
				return p, fmt.Errorf("%s: %w", p.name, err)
			}
			vals = append(vals, val)
			if !strings.HasPrefix(line, ",") {
				break
			}
			line = line[1:]
		}
		if p.params == nil {
			p.params = map[string]string{}
		}
		if _, dup := p.params[key]; !dup {
			p.params[key] = vals[0]
		}
		i = 0
		if line == "" {
			return p, fmt.Errorf("%s: no value", p.name)
		}
	}
	p.value = line[i+1:]
	return p, nil
}

// paramValue reads one parameter value, quoted or not, and returns the rest
// of the line from the character after it (";", ":" or ",").
func paramValue(line string) (val, rest string, err error) {
	if strings.HasPrefix(line, `"`) {
		end := strings.IndexByte(line[1:], '"')
		if end < 0 {
			return "", "", errors.New("unterminated quoted parameter")
		}
		return line[1 : end+1], line[end+2:], nil
	}
	end := strings.IndexAny(line, ";:,")
	if end < 0 {
		return "", "", errors.New("no value")
	}
	return line[:end], line[end:], nil
}

// unescapeText decodes TEXT values: \\ \; \, \n \N.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitText splits a TEXT list (CATEGORIES) on unescaped commas.
func splitText(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			if v := strings.TrimSpace(unescapeText(s[start:i])); v != "" {
				out = append(out, v)
			}
			start = i + 1
		}
	}
	if v := strings.TrimSpace(unescapeText(s[start:])); v != "" {
		out = append(out, v)
	}
	return out
}

// event maps one VEVENT, or reports why it was skipped.
func (f *icalFeed) event(props []icalProp, line int) {
	byName := make(map[string]icalProp, len(props))
	extra := map[string]any{}
	for _, p := range props {
		if _, dup := byName[p.name]; !dup {
			byName[p.name] = p
		}
	}
	uid := strings.TrimSpace(byName["UID"].text())
	what := fmt.Sprintf("event at line %d", line)
	if uid != "" {
		what = fmt.Sprintf("event %q (line %d)", uid, line)
	}
	start, ok := byName["DTSTART"]
	if !ok {
		f.warn("%s skipped: no DTSTART", what)
		return
	}
	st, allDay, err := f.time(start)
	if err != nil {
		f.warn("%s skipped: DTSTART: %v", what, err)
		return
	}
	it := event.Item{Kind: event.KindICal, Title: collapse(byName["SUMMARY"].text())}
	if it.Title == "" {
		f.warn("%s skipped: no SUMMARY", what)
		return
	}
	it.Start = formatICal(st, allDay)
	if end, ok := byName["DTEND"]; ok {
		et, endAllDay, err := f.time(end)
		switch {
		case err != nil:
			f.warn("%s: DTEND ignored: %v", what, err)
		case endAllDay != allDay:
			f.warn("%s: DTEND ignored: DTSTART and DTEND differ in type", what)
		case allDay:
			// DTEND of an all-day event is exclusive: the day after.
			it.End = formatICal(maxTime(st, et.AddDate(0, 0, -1)), true)
		default:
			it.End = formatICal(et, false)
		}
	} else if dur, ok := byName["DURATION"]; ok {
		if d, err := parseDuration(dur.value); err != nil {
			f.warn("%s: DURATION ignored: %v", what, err)
		} else if allDay {
			it.End = formatICal(maxTime(st, st.Add(d).AddDate(0, 0, -1)), true)
		} else {
			it.End = formatICal(st.Add(d), false)
		}
	} else if allDay {
		it.End = it.Start
	}
	it.Key = uid
	if uid == "" {
		it.Key = f.url + "#" + start.value
		f.warn("%s has no UID; keyed by its start", what)
	}
	if rid, ok := byName["RECURRENCE-ID"]; ok { // one changed occurrence of a series
		it.Key += "#" + strings.TrimSpace(rid.value)
	}
	desc := strings.TrimSpace(byName["DESCRIPTION"].text())
	it.Text = stripTags(desc)
	if strings.Contains(desc, "</") || strings.Contains(desc, "<br") {
		it.HTML = desc
	}
	if alt, ok := byName["X-ALT-DESC"]; ok && strings.EqualFold(alt.params["FMTTYPE"], "text/html") {
		it.HTML = alt.text()
	}
	if raw := strings.TrimSpace(byName["URL"].value); raw != "" {
		// URL: goes to feeds and the widget as a link: javascript: or
		// data: must not (issue 12); relative links are read against the feed.
		if it.URL = webURL(f.url, raw); it.URL == "" {
			f.warn("%s: URL ignored: not an http(s) link", what)
		}
	}
	if it.URL == "" {
		it.URL = f.url
	}
	if loc := collapse(byName["LOCATION"].text()); loc != "" {
		it.Location = &event.Location{Text: loc}
	}
	if geo, ok := byName["GEO"]; ok {
		if lat, lon, ok := parseGeo(geo.value); ok {
			if it.Location == nil {
				it.Location = &event.Location{}
			}
			it.Location.Lat, it.Location.Lon = &lat, &lon
		} else {
			f.warn("%s: GEO %q ignored", what, geo.value)
		}
	}
	if rr, ok := byName["RRULE"]; ok {
		it.Recurrence = strings.TrimSpace(rr.value)
	}
	switch strings.ToUpper(strings.TrimSpace(byName["STATUS"].value)) {
	case "CANCELLED":
		it.Status = "cancelled"
	case "CONFIRMED":
		it.Status = "scheduled"
	}
	if org, ok := byName["ORGANIZER"]; ok {
		it.Organizer = collapse(org.params["CN"])
	}
	for _, name := range []string{"CREATED", "LAST-MODIFIED", "DTSTAMP"} {
		if p, ok := byName[name]; ok {
			if t, _, err := f.time(p); err == nil {
				it.Published = t.In(event.Berlin).Format(time.DateOnly)
				break
			}
		}
	}
	for _, p := range props {
		switch p.name {
		case "UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "DESCRIPTION", "X-ALT-DESC", "URL",
			"LOCATION", "GEO", "RRULE":
		case "CATEGORIES":
			cats, _ := extra["categories"].([]string)
			extra["categories"] = append(cats, splitText(p.value)...)
		case "EXDATE", "RDATE":
			key := strings.ToLower(p.name)
			list, _ := extra[key].([]string)
			for _, v := range strings.Split(p.value, ",") {
				if t, allDay, err := f.time(icalProp{value: v, params: p.params}); err == nil {
					list = append(list, formatICal(t, allDay))
				}
			}
			extra[key] = list
		default:
			key := strings.ToLower(p.name)
			if _, dup := extra[key]; !dup {
				extra[key] = p.text()
			}
		}
	}
	it.Extra = map[string]any{"ical": extra}
	f.items = append(f.items, it)
}

// time reads a DATE or DATE-TIME value: UTC ("Z"), with TZID, or floating
// (in the feed's X-WR-TIMEZONE, else Europe/Berlin).
func (f *icalFeed) time(p icalProp) (t time.Time, allDay bool, err error) {
	v := strings.TrimSpace(p.value)
	if len(v) == 8 || strings.EqualFold(p.params["VALUE"], "DATE") {
		t, err := time.ParseInLocation("20060102", v, event.Berlin)
		if err != nil {
			return t, true, fmt.Errorf("bad date %q", v)
		}
		return t, true, nil
	}
	loc := f.floating
	if strings.HasSuffix(v, "Z") {
		loc = time.UTC
		v = v[:len(v)-1]
	} else if tzid := p.params["TZID"]; tzid != "" {
		if loc = f.zone(tzid); loc == nil {
			f.warn("line %d: unknown TZID %q, read as %s", p.line, tzid, f.floating)
			f.zones[tzid] = f.floating
			loc = f.floating
		}
	}
	layout := "20060102T150405"
	if len(v) == 13 { // no seconds: seen in the wild
		layout = "20060102T1504"
	}
	t, err = time.ParseInLocation(layout, v, loc)
	if err != nil {
		return t, false, fmt.Errorf("bad date-time %q", p.value)
	}
	return t, false, nil
}

// windowsZones maps the zone names Outlook and Exchange write into TZID.
var windowsZones = map[string]string{
	"W. Europe Standard Time": "Europe/Berlin", "Central Europe Standard Time": "Europe/Prague",
	"Central European Standard Time": "Europe/Warsaw", "Romance Standard Time": "Europe/Paris",
	"GMT Standard Time": "Europe/London", "UTC": "UTC", "Coordinated Universal Time": "UTC",
}

// zone resolves a TZID: IANA names, vendor-prefixed ones
// ("/mozilla.org/20050126_1/Europe/Berlin"), Windows names.
func (f *icalFeed) zone(tzid string) *time.Location {
	if loc, ok := f.zones[tzid]; ok {
		return loc
	}
	name := strings.Trim(strings.TrimSpace(tzid), `"`)
	if w, ok := windowsZones[name]; ok {
		name = w
	}
	var loc *time.Location
	for rest := strings.TrimPrefix(name, "/"); rest != ""; {
		if l, err := time.LoadLocation(rest); err == nil && rest != "Local" {
			loc = l
			break
		}
		_, next, ok := strings.Cut(rest, "/")
		if !ok {
			break
		}
		rest = next
	}
	if loc == nil && strings.Contains(name, "Berlin") {
		loc = event.Berlin
	}
	if loc != nil {
		f.zones[tzid] = loc
	}
	return loc
}

// formatICal writes a start or end the way event.Item wants it: a day for
// all-day events, else RFC 3339 with offset (UTC converted to Berlin).
func formatICal(t time.Time, allDay bool) string {
	if allDay {
		return t.Format(time.DateOnly)
	}
	if t.Location() == time.UTC {
		t = t.In(event.Berlin)
	}
	return t.Format(time.RFC3339)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

var durationRE = regexp.MustCompile(`^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseDuration reads an RFC 5545 DURATION such as P1D or PT1H30M.
func parseDuration(s string) (time.Duration, error) {
	m := durationRE.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || s == "P" || s == "PT" {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+2] != "" {
			n, _ := strconv.Atoi(m[i+2])
			d += time.Duration(n) * unit
		}
	}
	if m[1] == "-" {
		d = -d
	}
	return d, nil
}

func parseGeo(v string) (lat, lon float64, ok bool) {
	a, b, found := strings.Cut(v, ";")
	if !found {
		a, b, found = strings.Cut(v, ",")
	}
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, false
	}
	return lat, lon, true
}
