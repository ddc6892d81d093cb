package dedup

import "testing"

func TestEventDay(t *testing.T) {
	tests := []struct {
		title string
		want  int
	}{
		{"Kongress „Zukunft der Arbeit“ (2. Tag)", 2},
		{"14.10. | Tag 2: Workshops und Abschlussplenum", 2},
		{"Zweiter Konferenztag: Podien zur Teilhabe", 2},
		{"Day 3 – Closing Session", 3},
		{"Fachtagung Stadt für alle, 3ter Tag", 3},
		{"Kongress „Zukunft der Arbeit“ (1. Tag)", 0}, // the first day spans nothing back
		{"11. Fachtag Ehrenamt", 0},                   // an edition, not a day
		{"2. Aktionstag gegen Rassismus", 0},
		{"2. Tag der offenen Tür im Stadtteilzentrum", 0},
		{"Tag 12 der Aktionswochen", 0}, // longer than MaxSpanDays
		{"Zweite Lernwerkstatt: Projektanträge schreiben", 0},
		{"Samstag, 2. Oktober: Tag der Vereine", 0},
		{"01.02. Tag und Nacht der Wissenschaft", 0}, // a date's month
		{"14.02. | Tag 1: Eröffnung", 0},
	}
	for _, tt := range tests {
		if got := eventDay(words(tt.title)); got != tt.want {
			t.Errorf("eventDay(%q) = %d, want %d", tt.title, got, tt.want)
		}
	}
}

// TestLaterDayOfEvent: a calendar that lists a congress per day marks the
// second day in its title, another site announces the congress by its
// first day only; the day rule lets the marked day meet the day before.
func TestLaterDayOfEvent(t *testing.T) {
	const org = "Netzwerk für Demokratie Chemnitz"
	rathaus := place("Neues Rathaus", "09111", "Chemnitz", "chemnitz")
	intro := desc("Zwei Tage lang diskutieren Initiativen, Verwaltung und Wissenschaft, wie Städte für alle offen bleiben.")
	day1 := rec("nts", org, "Wem gehört die Stadt? – Fachtagung im Neuen Rathaus", at(10, 12, 9, 30), rathaus, intro)
	tests := []struct {
		name string
		b    Record
		want Verdict
	}{
		{"second day marked, the day after",
			rec("adb", org, "13.10. | Fachtagung „Wem gehört die Stadt?“ (2. Tag)", at(10, 13, 9, 0), rathaus,
				desc("Zweiter Tagungstag mit Foren zu Wohnen, Arbeit und Teilhabe.")),
			Same},
		{"third day marked, two days after",
			rec("adb", org, "Tag 3: Fachtagung „Wem gehört die Stadt?“", at(10, 14, 9, 0), rathaus),
			Same},
		{"second day marked, two days after: another event",
			rec("adb", org, "Fachtagung „Wem gehört die Stadt?“ (2. Tag)", at(10, 14, 9, 0), rathaus),
			Different},
		{"an edition's number is no day",
			rec("adb", org, "2. Fachtag „Wem gehört die Stadt?“", at(10, 13, 9, 30), rathaus),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantVerdict(t, day1, tt.b, tt.want)
			// Index files the marked day back to the first, in either order.
			for _, order := range [][2]Record{{day1, tt.b}, {tt.b, day1}} {
				ix := NewIndex()
				first := order[0]
				first.ID = 1
				ix.Add(first)
				if _, _, ok := ix.Match(order[1]); ok != (tt.want == Same) {
					t.Errorf("Index.Match(%q) after %q: ok = %v, want %v", order[1].Draft.Title, first.Draft.Title, ok, tt.want == Same)
				}
			}
		})
	}
}
