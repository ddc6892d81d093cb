package ingest

import (
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

func TestExpandRecurrences(t *testing.T) {
	start := time.Date(2021, 6, 2, 15, 0, 0, 0, event.Berlin)
	// The Werkstatt's "Offener Treff", first Wednesday of the month, as the
	// NTS iCal feed publishes it.
	treff := event.Draft{Title: "Offener Treff", Start: start, End: start.Add(2 * time.Hour),
		Recurrence: "FREQ=MONTHLY;BYDAY=1WE;COUNT=12"}
	single := event.Draft{Title: "Fachtag", Start: start}
	got := expandRecurrences([]event.Draft{single, treff})
	want := []string{"2021-06-02 15:00", "2021-06-02 15:00", "2021-07-07 15:00", "2021-08-04 15:00", "2021-09-01 15:00",
		"2021-10-06 15:00", "2021-11-03 15:00", "2021-12-01 15:00"}
	if len(got) != len(want) {
		t.Fatalf("got %d drafts, want %d", len(got), len(want))
	}
	for i, d := range got {
		if s := d.Start.Format("2006-01-02 15:04"); s != want[i] {
			t.Errorf("draft %d starts %s, want %s", i, s, want[i])
		}
		if i > 0 && (d.Recurrence != "" || d.End.Sub(d.Start) != 2*time.Hour) {
			t.Errorf("occurrence %d: recurrence %q, length %v", i, d.Recurrence, d.End.Sub(d.Start))
		}
	}
	// Across the change to winter time the meeting stays at 15:00 local.
	if _, off := got[6].Start.Zone(); off != 3600 {
		t.Errorf("November occurrence offset %d, want +01:00", off)
	}
	bad := expandRecurrences([]event.Draft{{Title: "x", Start: start, Recurrence: "FREQ=SOMETIMES"}})
	if len(bad) != 1 || bad[0].Recurrence == "" || len(bad[0].Warnings) == 0 {
		t.Errorf("a bad rule keeps its draft with a warning: %+v", bad)
	}
}
