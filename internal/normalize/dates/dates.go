// Package dates finds the dates and times in German announcement text and
// resolves them in Europe/Berlin: single dates in every common spelling
// ("am 21. Mai 2021", "19.3.2021", "Fr, 26.07.2019", ISO 8601), their times
// ("14 Uhr", "17:00-19:30 Uhr", "von 13 bis 19 Uhr", "ab 18 Uhr"), ranges
// and lists ("15. – 28. März 2021", "am 27. und 28. März"), recurrences as
// RFC 5545 RRULEs ("jeden ersten Mittwoch im Monat"), and what a date is for:
// the event, a registration deadline, the doors opening, or a mere mention
// ("läuft bis zum 31.12.2023", "seit Januar 2016").
//
// The grammar runs over tokens made in one pass; every rule looks a bounded
// number of tokens ahead, so the cost is linear in the text.
package dates

import (
	"fmt"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

var berlin = event.Berlin

// Kind says what a date in a text is for.
type Kind int

const (
	KindEvent     Kind = iota // the event's own date/time
	KindDeadline              // "Anmeldeschluss: 30. April 2021", "Anmeldung bis 12.3."
	KindDoorsOpen             // "Einlass 18 Uhr"
	KindMention               // a date that is not the event ("läuft bis zum 31.12.2023", "seit Januar 2016", "ab 2024")
)

func (k Kind) String() string {
	switch k {
	case KindEvent:
		return "event"
	case KindDeadline:
		return "deadline"
	case KindDoorsOpen:
		return "doors"
	case KindMention:
		return "mention"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Occurrence is one date expression found in a text, resolved in Europe/Berlin (event.Berlin).
type Occurrence struct {
	// Start is the first day at local midnight when AllDay, else the start
	// instant. End is zero when unknown. For a multi-day all-day occurrence End
	// is local midnight of the last day (inclusive); otherwise it is the end
	// instant. When only an end time was written ("3. Mai, bis 17 Uhr") the
	// occurrence is AllDay and End carries that clock time.
	Start, End time.Time
	AllDay     bool   // no start time of day known
	Recurrence string // RFC 5545 RRULE value (no "RRULE:" prefix); Start is then the first occurrence
	Kind       Kind
	// Span holds the byte offsets [start,end) of the expression in the input:
	// the date with its weekday and the times written with it. Occurrences of
	// one list expression ("am 27. und 28. März um 10 Uhr") share one Span.
	Span       [2]int
	Confidence float64 // 0..1
	// YearGuessed: the year was not written and was inferred from ref.
	YearGuessed bool
	// DayGuessed: no day was written; Start is derived from ref (the first
	// occurrence of a recurrence on or after ref, or ref's day for a bare time
	// given to Parse).
	DayGuessed bool
}

// Extract finds every date expression in text. ref is the reference date
// (page publication date, else crawl date): a date without a year takes the
// year that puts it nearest to ref; with a zero ref such dates, and
// recurrences without a written start, are left out. Occurrences come in
// text order. A time written without any date yields nothing. Extract is
// deterministic given ref, never panics and runs in time linear in len(text).
func Extract(text string, ref time.Time) []Occurrence {
	return extract(text, ref, false)
}

// Parse parses one short expression (a "Datum:" field or a JSON-LD-ish
// value such as "2021-05-21T10:00:00+02:00") and returns the occurrences in
// it, in text order. All kinds are returned ("Einlass: 18 Uhr, Beginn 18:30"
// gives a KindDoorsOpen and a KindEvent occurrence): callers pick by Kind.
// Unlike Extract, a time written without a date is placed on ref's day, with
// DayGuessed set. The error wraps event.ErrNoDate when nothing was found.
func Parse(s string, ref time.Time) ([]Occurrence, error) {
	occs := extract(s, ref, true)
	if len(occs) == 0 {
		return nil, fmt.Errorf("dates: parse %q: %w", clip(s, 80), event.ErrNoDate)
	}
	return occs, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
