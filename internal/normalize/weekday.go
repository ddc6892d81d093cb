package normalize

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
)

// weekdayNames are the day names an announcement on a dated page uses
// instead of a date ("Am Sonnabend und Sonntag …").
var weekdayNames = map[string]time.Weekday{
	"montag": time.Monday, "dienstag": time.Tuesday, "mittwoch": time.Wednesday, "donnerstag": time.Thursday,
	"freitag": time.Friday, "samstag": time.Saturday, "sonnabend": time.Saturday, "sonntag": time.Sunday,
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

// weekdayLeads are the words that make a day name point at one coming
// day ("am Freitag", "diesen Samstag", "this Sunday"), unlike "freitags"
// or "Freitag ist Markttag".
var weekdayLeads = map[string]bool{"am": true, "diesen": true, "kommenden": true, "nächsten": true,
	"this": true, "on": true, "next": true, "coming": true}

// weekdayWindow bounds where the announcement's own weekday must stand: the
// lead of the page, not the teasers and reports that follow it.
const weekdayWindow = 1200

// weekdayEvent reads an event a dated page gives by weekday only ("Am
// Sonnabend und Sonntag … jeweils von 10 bis 22 Uhr", written on a Friday):
// the first such day name in the lead is the next day of that name on or
// after the publication day, with the times of its sentence; a second day
// name joined by "und"/"bis" ends the event. Only for pages without any
// written date, as news write "am Samstag" for days past as well.
func (j *job) weekdayEvent() (dates.Occurrence, bool) {
	low := j.low[:min(len(j.low), weekdayWindow)]
	for i := 0; i < len(low); {
		if !letterAt(low, i) {
			i++
			continue
		}
		k := i
		for k < len(low) && letterAt(low, k) {
			_, size := utf8.DecodeRuneInString(low[k:])
			k += size
		}
		wd, ok := weekdayNames[low[i:k]]
		if !ok || !weekdayLeads[prevWord(low, i)] {
			i = k
			continue
		}
		return j.onWeekday(i, k, wd), true
	}
	return dates.Occurrence{}, false
}

// onWeekday makes the occurrence of the day name at low[from:to].
func (j *job) onWeekday(from, to int, wd time.Weekday) dates.Occurrence {
	ref := j.ref.In(event.Berlin)
	day := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, event.Berlin)
	day = day.AddDate(0, 0, int(wd-day.Weekday()+7)%7)
	end := len(j.low)
	if k := strings.IndexAny(j.low[from:min(len(j.low), from+300)], ".!?\n"); k >= 0 {
		end = from + k
	} else {
		end = min(end, from+300)
	}
	o := dates.Occurrence{Start: day, AllDay: true, Kind: dates.KindEvent, Span: [2]int{from, end},
		Confidence: 0.4, YearGuessed: true}
	if occ, err := dates.Parse(j.text[from:end], day); err == nil {
		for _, p := range occ {
			if p.Kind == dates.KindEvent && sameDay(p.Start, day) {
				o.Start, o.End, o.AllDay = p.Start, p.End, p.AllDay
				break
			}
		}
	}
	// "Sonnabend und Sonntag", "Freitag bis Sonntag": the event ends on the second day
	if next := nextWords(j.low, to, 2); len(next) == 2 && (next[0] == "und" || next[0] == "bis" || next[0] == "and") {
		if wd2, ok := weekdayNames[next[1]]; ok && wd2 != wd {
			last := day.AddDate(0, 0, int(wd2-wd+7)%7)
			switch {
			case o.AllDay:
				o.End = last
			case !o.End.IsZero():
				e := o.End.In(event.Berlin)
				o.End = time.Date(last.Year(), last.Month(), last.Day(), e.Hour(), e.Minute(), 0, 0, event.Berlin)
			}
		}
	}
	j.warnings = append(j.warnings, "start: only a weekday was written; the date is the next such day after the publication date")
	return o
}
