package dedup

import (
	"errors"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

func TestSeriesKey(t *testing.T) {
	treff := rec("wmo", wmo, "Offener Treff der Werkstatt der Migrant*innenorganisationen", at(9, 1, 15, 0))
	tests := []struct {
		name string
		a, b Record
		same bool
	}{
		{"Offener Treff, other month, other spelling", treff,
			rec("nts", wmo, "Offener Treff – Werkstatt der Migrant:innenorganisationen Leipzig", at(10, 6, 15, 0)), true},
		{"organiser name with legal form", treff,
			rec("wmo", "Werkstatt der Migrant*innenorganisationen Leipzig e.V.", "Offener Treff der Werkstatt der Migrant*innenorganisationen", at(11, 3, 15, 0)), true},
		{"same title, other organiser", treff,
			rec("nts", "Netzwerk Tolerantes Sachsen", "Offener Treff der Werkstatt der Migrant*innenorganisationen", at(9, 1, 15, 0)), false},
		{"ordinal words", rec("wmo", wmo, "Erste Lernwerkstatt: Finanzierung", at(6, 16, 17, 0)),
			rec("wmo", wmo, "Zweite Lernwerkstatt: Finanzierung", at(7, 14, 17, 0)), true},
		{"town of one occurrence", rec("dsm", dsm, "Digitales Werkstattgespräch Förderrichtlinie – Region Leipzig", at(11, 24, 17, 0)),
			rec("dsm", dsm, "Digitales Werkstattgespräch Förderrichtlinie – Region Dresden", at(12, 8, 17, 0)), true},
		{"other topic", rec("wmo", wmo, "Workshop: Ehrenamtliche gewinnen", at(11, 3, 17, 0)),
			rec("wmo", wmo, "Workshop: Abrechnung und Sachberichte", at(12, 1, 17, 0)), false},
		{"no organiser: same source", rec("wmo", "", "Offener Treff", at(9, 1, 15, 0)),
			rec("wmo", "", "Offener Treff", at(10, 6, 15, 0)), true},
		{"no organiser: other source", rec("wmo", "", "Offener Treff", at(9, 1, 15, 0)),
			rec("nts", "", "Offener Treff", at(10, 6, 15, 0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := SeriesKey(tt.a), SeriesKey(tt.b)
			if (ka == kb) != tt.same {
				t.Errorf("keys equal = %v, want %v (%q / %q)", ka == kb, tt.same, seriesBasis(tt.a), seriesBasis(tt.b))
			}
			if len(ka) != 24 || SeriesKey(tt.a) != ka {
				t.Errorf("key %q is not a stable 24-hex key", ka)
			}
		})
	}
}

// TestOccurrencesFirstWednesday: the monthly Offener Treff ("jeden ersten
// Mittwoch im Monat", seed 003) over six months across the change to
// summer time stays at 15:00 Berlin.
func TestOccurrencesFirstWednesday(t *testing.T) {
	tests := []struct {
		name  string
		rule  string
		start time.Time
		want  []string
	}{
		{"spring, into summer time", "FREQ=MONTHLY;BYDAY=1WE", at(3, 3, 15, 0), []string{
			"2021-03-03T15:00:00+01:00", "2021-04-07T15:00:00+02:00", "2021-05-05T15:00:00+02:00",
			"2021-06-02T15:00:00+02:00", "2021-07-07T15:00:00+02:00", "2021-08-04T15:00:00+02:00",
			"2021-09-01T15:00:00+02:00",
		}},
		{"autumn, out of and back into summer time", "RRULE:FREQ=MONTHLY;BYDAY=1WE", at(10, 6, 15, 0), []string{
			"2021-10-06T15:00:00+02:00", "2021-11-03T15:00:00+01:00", "2021-12-01T15:00:00+01:00",
			"2022-01-05T15:00:00+01:00", "2022-02-02T15:00:00+01:00", "2022-03-02T15:00:00+01:00",
			"2022-04-06T15:00:00+02:00",
		}},
		{"start not on the rule counts as the first occurrence", "FREQ=MONTHLY;BYDAY=1WE;COUNT=3", at(5, 19, 16, 0), []string{
			"2021-05-19T16:00:00+02:00", "2021-06-02T16:00:00+02:00", "2021-07-07T16:00:00+02:00",
		}},
		{"local UNTIL", "FREQ=WEEKLY;UNTIL=20210324T235959", at(3, 10, 18, 0), []string{
			"2021-03-10T18:00:00+01:00", "2021-03-17T18:00:00+01:00", "2021-03-24T18:00:00+01:00",
		}},
		{"start in UTC is read in Berlin", "FREQ=WEEKLY;COUNT=2", time.Date(2021, 3, 24, 17, 0, 0, 0, time.UTC), []string{
			"2021-03-24T18:00:00+01:00", "2021-03-31T18:00:00+02:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Occurrences(tt.rule, tt.start, 183*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var gs []string
			for _, o := range got {
				gs = append(gs, o.Format(time.RFC3339))
			}
			if len(gs) != len(tt.want) {
				t.Fatalf("got %d occurrences %v, want %v", len(gs), gs, tt.want)
			}
			for i := range gs {
				if gs[i] != tt.want[i] {
					t.Errorf("occurrence %d = %s, want %s", i, gs[i], tt.want[i])
				}
			}
		})
	}
}

func TestOccurrencesErrors(t *testing.T) {
	start := at(3, 3, 15, 0)
	tests := []struct {
		name    string
		rule    string
		horizon time.Duration
	}{
		{"not a rule", "jeden ersten Mittwoch", 24 * time.Hour},
		{"unknown frequency", "FREQ=FORTNIGHTLY", 24 * time.Hour},
		{"too dense for the horizon", "FREQ=MINUTELY", 183 * 24 * time.Hour},
		{"no horizon", "FREQ=WEEKLY", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Occurrences(tt.rule, start, tt.horizon)
			if !errors.Is(err, event.ErrInvalid) {
				t.Errorf("err = %v (%d occurrences), want ErrInvalid", err, len(got))
			}
		})
	}
}
