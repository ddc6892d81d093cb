package ingest

import (
	"time"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
)

// recurrenceHorizon is how far an explicit recurrence is expanded from its
// first date: each occurrence becomes an event of its own (linked as a
// series), so date searches and feeds find the next meeting, not only the
// first one.
const recurrenceHorizon = 183 * 24 * time.Hour

// expandRecurrences replaces every draft that carries an RRULE by its
// occurrences within the horizon. The horizon counts from the series' own
// start, not from today, so a re-crawl yields the same occurrences (and the
// same occurrence numbers) and changes nothing. A rule that cannot be
// expanded keeps its single draft, with a warning for staff.
func expandRecurrences(drafts []event.Draft) []event.Draft {
	var out []event.Draft
	for _, d := range drafts {
		if d.Recurrence == "" {
			out = append(out, d)
			continue
		}
		starts, err := dedup.Occurrences(d.Recurrence, d.Start, recurrenceHorizon)
		if err != nil || len(starts) == 0 {
			d.Warnings = append(d.Warnings, "recurrence not expanded: "+errText(err))
			out = append(out, d)
			continue
		}
		var length time.Duration
		if !d.End.IsZero() {
			length = d.End.Sub(d.Start)
		}
		for _, st := range starts {
			o := d
			o.Warnings = append([]string(nil), d.Warnings...)
			o.Start = st
			if !d.End.IsZero() {
				o.End = st.Add(length)
			}
			// The occurrence is an event of its own; the rule lives on in
			// the series that links them (a feed must not repeat it).
			o.Recurrence = ""
			out = append(out, o)
		}
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return "no occurrence"
	}
	return err.Error()
}
