package normalize

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
)

// maxEvents bounds the drafts made from one item (and the pairwise work on
// its dates).
const maxEvents = 100

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
	body := j.reclassify(dates.Extract(j.text, j.ref))
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
	if len(f.events) == 0 && j.published {
		if o, ok := j.weekdayEvent(); ok {
			f.events = []dates.Occurrence{o}
		}
	}
	return f
}

// Words around a date that change what it is for. The date grammar knows
// the German deadline cues ("Anmeldeschluss", "Anmeldung bis"); these catch
// the English ones and the phrasings it leaves as events. A closure notice
// ("Unser Büro bleibt … geschlossen") is no event at all.
var (
	deadlineCues = []string{"register", "registration", "deadline", "apply by", "sign up by", "anmeld", "melden sie sich",
		"meldet euch", "bewerbung bis", "bewerben bis", "einsendeschluss", "frist"}
	bylineCues = []string{"geschrieben am", "veröffentlicht am", "erstellt am", "aktualisiert am", "zuletzt geändert",
		"posted on", "published on", "last updated"}
	closureCues = []string{"geschlossen", "schließzeit", "schliesszeit", "betriebsferien", "urlaubsbedingt",
		"nicht erreichbar", "nicht besetzt", "bleibt zu", "closed", "закрыт", "зачинен"}
)

// reclassify turns event dates of the body into deadlines or drops them,
// from the words just before the date (deadline) or in its line (closure).
func (j *job) reclassify(occ []dates.Occurrence) []dates.Occurrence {
	out := occ[:0:0]
	for _, o := range occ {
		if o.Kind != dates.KindEvent || o.Span[0] < 0 || o.Span[1] > len(j.low) {
			out = append(out, o)
			continue
		}
		lo, hi := max(0, o.Span[0]-100), min(len(j.low), o.Span[1]+100)
		ls := lo + strings.LastIndexByte(j.low[lo:o.Span[0]], '\n') + 1
		le := strings.IndexByte(j.low[o.Span[1]:hi], '\n')
		if le < 0 {
			le = hi
		} else {
			le += o.Span[1]
		}
		before := j.low[max(ls, o.Span[0]-40):o.Span[0]]
		for _, end := range []string{". ", "! ", "? ", "; "} {
			if k := strings.LastIndex(before, end); k >= 0 {
				before = before[k+len(end):] // the cue must be in the date's own sentence
			}
		}
		line := j.low[max(ls, o.Span[0]-100):min(le, o.Span[1]+100)]
		switch {
		case j.hits.any(listClosure) && containsAny(line, closureCues): // most texts have no cue at all
			continue
		case containsAny(before, bylineCues): // the page's own date, not the event's
			continue
		case containsAny(before, deadlineCues):
			o.Kind = dates.KindDeadline
		}
		out = append(out, o)
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
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
	if len(ev) > maxEvents {
		// a calendar dump, not an announcement: keep the first ones and say so
		j.warnings = append(j.warnings, fmt.Sprintf("start: %d dates in one text; only the first %d were kept", len(ev), maxEvents))
		ev = ev[:maxEvents]
	}
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
			// the same start written twice, once with its end ("Mittwoch 10. Nov, 19:00 Uhr" in
			// the header, "10.11.2021 / 19:00 bis 21:00 Uhr" in the details): keep the fuller one
			if !o.AllDay && !p.AllDay && p.Start.Equal(o.Start) && o.End.IsZero() && !p.End.IsZero() &&
				p.Recurrence == o.Recurrence {
				dup = true
			}
		}
		if !dup {
			out = append(out, o)
		}
	}
	out = j.startRecurrences(out)
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

// startRecurrences joins a recurrence whose first day the grammar had to
// compute with the start date the text gives for it ("wöchentlich dienstags,
// 18:00–19:30 Uhr, ab 5. Oktober 2021"; "Ab dem 13. September 2021 … immer
// montags und mittwochs"): an all-day date introduced by "ab", on a weekday
// of the rule, near the recurrence.
func (j *job) startRecurrences(ev []dates.Occurrence) []dates.Occurrence {
	drop := map[int]bool{}
	for i := range ev {
		o := &ev[i]
		if o.Recurrence == "" || !o.DayGuessed {
			continue
		}
		for k, p := range ev {
			if k == i || drop[k] || p.Recurrence != "" || !p.AllDay || !p.End.IsZero() && !sameDay(p.Start, p.End) ||
				!j.introducesStart(p) || !near(o.Span, p.Span, 160) || !onRuleDay(o.Recurrence, p.Start) {
				continue
			}
			y, m, d := p.Start.In(event.Berlin).Date()
			shift := func(t time.Time) time.Time {
				t = t.In(event.Berlin)
				return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, event.Berlin)
			}
			o.Start = shift(o.Start)
			if !o.End.IsZero() {
				o.End = shift(o.End)
			}
			o.DayGuessed, o.YearGuessed = false, p.YearGuessed
			drop[k] = true
			break
		}
	}
	if len(drop) == 0 {
		return ev
	}
	out := ev[:0:0]
	for i, o := range ev {
		if !drop[i] {
			out = append(out, o)
		}
	}
	return out
}

// introducesStart reports whether the date is written as a start: "ab 5.
// Oktober", "Ab dem 13. September", "beginnend am", "from", "starting".
func (j *job) introducesStart(o dates.Occurrence) bool {
	if o.Span[0] < 0 || o.Span[0] > len(j.low) {
		return false
	}
	before := strings.TrimSpace(j.low[max(0, o.Span[0]-16):o.Span[0]])
	for _, cue := range []string{"ab", "ab dem", "ab den", "beginnend am", "beginnend", "startet am", "from",
		"starting", "начиная с", "с"} {
		if strings.HasSuffix(before, cue) && (len(before) == len(cue) || !letterAt(before, len(before)-len(cue)-1)) {
			return true
		}
	}
	return false
}

func near(a, b [2]int, d int) bool {
	if a[0] < 0 || b[0] < 0 {
		return false
	}
	return b[0]-a[1] <= d && a[0]-b[1] <= d
}

// onRuleDay reports whether t falls on a weekday of the RRULE's BYDAY (any
// day when the rule has none).
func onRuleDay(rule string, t time.Time) bool {
	i := strings.Index(rule, "BYDAY=")
	if i < 0 {
		return true
	}
	days := rule[i+len("BYDAY="):]
	if k := strings.IndexByte(days, ';'); k >= 0 {
		days = days[:k]
	}
	code := [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}[t.In(event.Berlin).Weekday()]
	for _, d := range strings.Split(days, ",") {
		if strings.HasSuffix(d, code) {
			return true
		}
	}
	return false
}

// group is one date expression (one Span) with the text that belongs to it.
type group struct {
	occs              []dates.Occurrence
	own, ownLow       string // the text from after the date to the next date expression
	common, commonLow string // the text outside every group's own part
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
			gs[i].ownLow, gs[i].commonLow = j.low, j.low
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
		gs[gi].ownLow = j.low[sp[1]:max(end, sp[1])]
		prevEnd = max(end, prevEnd)
	}
	common.WriteString(j.text[prevEnd:])
	c := common.String()
	cl := lower(c)
	out := make([]group, 0, len(gs))
	for _, gi := range order {
		gs[gi].common, gs[gi].commonLow = c, cl
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
		// Items carry an all-day End as the last day, inclusive: the iCal
		// scraper already turned DTEND's exclusive day into it.
		o.End = end
		if allDay && o.End.Equal(start) {
			o.End = time.Time{}
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
