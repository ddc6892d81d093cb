package normalize

import (
	"sort"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
)

// found holds the dates of an item, sorted by kind.
type found struct {
	events    []dates.Occurrence
	deadlines []dates.Occurrence
	doors     []dates.Occurrence
	// inText is set when the events come from the body text, so their
	// Spans index j.text and can split it per event.
	inText bool
}

// occurrences finds the event dates in order of trust: the structured
// start (JSON-LD, iCal), the "Datum" field, the title, the body text.
// Deadlines and door times always come from the date field and the body.
func (j *job) occurrences() found {
	var f found
	body := dates.Extract(j.text, j.ref)
	f.deadlines, f.doors = ofKind(body, dates.KindDeadline), ofKind(body, dates.KindDoorsOpen)
	bodyEvents := ofKind(body, dates.KindEvent)

	if o, ok := j.structuredStart(); ok {
		f.events = []dates.Occurrence{o}
		return f
	}
	if strings.TrimSpace(j.it.Date) != "" {
		if occ, err := dates.Parse(j.it.Date, j.ref); err == nil {
			f.deadlines = append(f.deadlines, ofKind(occ, dates.KindDeadline)...)
			f.doors = append(f.doors, ofKind(occ, dates.KindDoorsOpen)...)
			if ev := ofKind(occ, dates.KindEvent); len(ev) > 0 {
				f.events = refineTimes(ev, bodyEvents)
				f.events = j.filter(f.events)
				return f
			}
		} else {
			j.warnings = append(j.warnings, "start: the date field could not be read: "+clipString(j.it.Date, 60))
		}
	}
	if j.it.Title != "" {
		if ev := ofKind(dates.Extract(j.it.Title, j.ref), dates.KindEvent); len(ev) > 0 && !subsetDays(ev, bodyEvents) {
			f.events = j.filter(refineTimes(ev, bodyEvents))
			return f
		}
	}
	f.events = j.filter(bodyEvents)
	f.inText = true
	return f
}

func clipString(s string, n int) string { return clip(strings.Join(strings.Fields(s), " "), n) }

func ofKind(occ []dates.Occurrence, k dates.Kind) []dates.Occurrence {
	var out []dates.Occurrence
	for _, o := range occ {
		if o.Kind == k {
			out = append(out, o)
		}
	}
	return out
}

// subsetDays reports whether every day of a is also a day of b (the title
// repeats a date the body gives in full) and b has dates.
func subsetDays(a, b []dates.Occurrence) bool {
	if len(b) == 0 {
		return false
	}
	for _, x := range a {
		ok := false
		for _, y := range b {
			ok = ok || sameDay(x.Start, y.Start)
		}
		if !ok {
			return false
		}
	}
	return true
}

// refineTimes gives an all-day date from the date field or title the time
// the body writes for the same day ("Datum: 12.11.2021" + "ab 18 Uhr").
func refineTimes(ev, body []dates.Occurrence) []dates.Occurrence {
	out := append([]dates.Occurrence(nil), ev...)
	for i, o := range out {
		if !o.AllDay {
			continue
		}
		for _, b := range body {
			if !b.AllDay && sameDay(b.Start, o.Start) {
				out[i].Start, out[i].End, out[i].AllDay = b.Start, b.End, false
				break
			}
		}
	}
	return out
}

// filter drops duplicates, an all-day date of a day that also has a timed
// entry ("startet am 27. März" + "am 27. März um 10 Uhr"), and dates
// before the page's publication that sit beside later ones (a report of a
// past event in an announcement of the next one).
func (j *job) filter(ev []dates.Occurrence) []dates.Occurrence {
	var out []dates.Occurrence
	for i, o := range ev {
		dup := false
		for k, p := range ev {
			if k == i {
				continue
			}
			if o.AllDay && !p.AllDay && sameDay(o.Start, p.Start) && o.Recurrence == "" && o.End.IsZero() {
				dup = true
			}
			if k < i && p.Start.Equal(o.Start) && p.End.Equal(o.End) && p.Recurrence == o.Recurrence && p.AllDay == o.AllDay {
				dup = true
			}
		}
		if !dup {
			out = append(out, o)
		}
	}
	if !j.published || len(out) < 2 {
		return out
	}
	cut := j.ref.AddDate(0, 0, -1)
	var later []dates.Occurrence
	for _, o := range out {
		end := o.End
		if end.IsZero() {
			end = o.Start
		}
		if !end.Before(cut) {
			later = append(later, o)
		}
	}
	if len(later) > 0 && len(later) < len(out) {
		j.warnings = append(j.warnings, "start: dates before the publication date were taken as past events and dropped")
		return later
	}
	return out
}

// group is one date expression (one Span) with the text that belongs to it.
type group struct {
	occs   []dates.Occurrence
	own    string // the text from after the date to the next date expression
	common string // the text outside every group's own part
}

// segment splits the text by date expression. One announcement listing
// several dates, each with its place ("05.11.: online - 06.11.: im riesa efau
// Dresden", "24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom)
// 08.12.2021 …"), gives each date the text up to the next date; the last
// date's part ends with its line. With a single expression the whole text
// belongs to it.
func (j *job) segment(f found) []group {
	byspan := map[[2]int]int{}
	var gs []group
	var spans [][2]int
	for _, o := range f.events {
		k := o.Span
		if !f.inText {
			k = [2]int{-1, -1}
		}
		i, ok := byspan[k]
		if !ok {
			i = len(gs)
			byspan[k] = i
			gs = append(gs, group{})
			spans = append(spans, k)
		}
		gs[i].occs = append(gs[i].occs, o)
	}
	if len(gs) == 1 || !f.inText {
		for i := range gs {
			gs[i].own, gs[i].common = j.text, j.text
		}
		return gs
	}
	order := make([]int, len(gs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return spans[order[a]][0] < spans[order[b]][0] })
	var common strings.Builder
	prevEnd := 0
	for n, gi := range order {
		sp := spans[gi]
		end := len(j.text)
		if n+1 < len(order) {
			end = spans[order[n+1]][0]
		} else if nl := strings.IndexByte(j.text[sp[1]:], '\n'); nl >= 0 {
			end = sp[1] + nl
		}
		if sp[0] > prevEnd {
			common.WriteString(j.text[prevEnd:sp[0]])
			common.WriteByte('\n')
		}
		gs[gi].own = j.text[sp[1]:max(end, sp[1])]
		prevEnd = max(end, prevEnd)
	}
	common.WriteString(j.text[prevEnd:])
	c := common.String()
	out := make([]group, 0, len(gs))
	for _, gi := range order {
		gs[gi].common = c
		out = append(out, gs[gi])
	}
	return out
}

// structuredStart reads item.Start/End as a structured source gave them:
// RFC 3339 with offset, local Berlin date-time, or a date for all-day.
func (j *job) structuredStart() (dates.Occurrence, bool) {
	if strings.TrimSpace(j.it.Start) == "" {
		return dates.Occurrence{}, false
	}
	start, allDay, ok := parseISO(j.it.Start)
	if !ok {
		j.warnings = append(j.warnings, "start: the structured start could not be read: "+clipString(j.it.Start, 40))
		return dates.Occurrence{}, false
	}
	o := dates.Occurrence{Start: start, AllDay: allDay, Recurrence: strings.TrimPrefix(j.it.Recurrence, "RRULE:"),
		Kind: dates.KindEvent, Confidence: 1, Span: [2]int{-1, -1}}
	if end, _, ok := parseISO(j.it.End); ok && !end.Before(start) {
		o.End = end
		if allDay && j.it.Kind == event.KindICal && end.After(start) {
			// iCal's DTEND of an all-day event is exclusive; a Draft's
			// all-day End is the last day, inclusive (as JSON-LD writes it).
			o.End = end.AddDate(0, 0, -1)
			if o.End.Equal(start) {
				o.End = time.Time{}
			}
		}
	}
	return o, true
}

func parseISO(s string) (t time.Time, allDay, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, event.Berlin); err == nil {
			return t.In(event.Berlin), false, true
		}
	}
	for _, layout := range []string{"2006-01-02", "20060102"} {
		if t, err := time.ParseInLocation(layout, s, event.Berlin); err == nil {
			return t, true, true
		}
	}
	return time.Time{}, false, false
}
