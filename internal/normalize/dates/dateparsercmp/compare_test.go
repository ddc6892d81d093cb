// Package dateparsercmp compares the German grammar of package dates with
// github.com/markusmobius/go-dateparser on single date expressions from the
// seeds and the normaliser issue: cases right, and time per expression.
//
//	cd internal/normalize/dates/dateparsercmp && go test -v -bench . -run Compare
//
// This module takes Treffpunkt's requirements through its replace directive:
// when the main go.mod moves, run "go mod tidy" here (only here).
//
// Result (go-dateparser v1.4.7, Go 1.26.8, AMD EPYC, shared 2-core machine):
//
//	                       right    ns per expression
//	dates.Parse            30/30    ~900
//	go-dateparser "de"     14/30    ~530,000
//	go-dateparser "auto"   15/30    ~8,100,000 (language detection)
//
// go-dateparser reads plain single dates well ("Montag, 13. September 2021",
// "19.3.2021", "12. Jan. 2022") but not what these pages write around them:
// no ranges ("24.11.2021 - 17:00-19:30 Uhr" gives the end time 19:30), no
// "von 16 bis 19 Uhr", "16-20h", "am 19. Mai", "Maerz", no lists or
// recurrences, "05.11." read as 05:11, "25:00 Uhr" read as 2000-05-02, and
// with a German-only setting not even "2021-05-21". It is also three orders
// of magnitude slower than the 10,000 announcements/s budget allows. So the
// grammar in package dates stands alone; go-dateparser is not a dependency.
package dateparsercmp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	dps "github.com/markusmobius/go-dateparser"
	"github.com/markusmobius/go-dateparser/date"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
)

var ref = time.Date(2021, 6, 1, 0, 0, 0, 0, event.Berlin)

// cases: the expression and the expected start, "2006-01-02" for a day
// without time, "2006-01-02 15:04" for a Berlin wall time, "" for no date.
var cases = []struct{ in, want string }{
	{"am 21. Mai 2021", "2021-05-21"},
	{"Montag, 13. September 2021", "2021-09-13"},
	{"19.3.2021", "2021-03-19"},
	{"07.07.21", "2021-07-07"},
	{"01.08.19 | Titel | Leipzig", "2019-08-01"},
	{"2021-05-21", "2021-05-21"},
	{"2021-05-21T10:00:00+02:00", "2021-05-21 10:00"},
	{"21.05.2021, 10:00 – 16:00 Uhr", "2021-05-21 10:00"},
	{"24.11.2021 - 17:00-19:30 Uhr", "2021-11-24 17:00"},
	{"Fr, 26.07.2019, 16-20h", "2019-07-26 16:00"},
	{"10.12.2021 von 16 bis 19 Uhr", "2021-12-10 16:00"},
	{"07.07.21 im Zeitraum 15 bis 17 Uhr", "2021-07-07 15:00"},
	{"Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr", "2021-09-03 13:00"},
	{"vom 22. Jul 2019 - 16:00 bis 1. Aug 2019 - 20:00", "2019-07-22 16:00"},
	{"15. – 28. März 2021", "2021-03-15"},
	{"am 27. und 28. März um 10:00 Uhr", "2021-03-27 10:00"},
	{"28.03.2021 10:00", "2021-03-28 10:00"},
	{"12. Jan. 2022", "2022-01-12"},
	{"1. Sept. 2021", "2021-09-01"},
	{"3. Maerz 2021", "2021-03-03"},
	{"am 19. Mai", "2021-05-19"},
	{"05.11.", "2021-11-05"},
	{"14.30 Uhr", "2021-06-01 14:30"},
	{"ab 18 Uhr", "2021-06-01 18:00"},
	{"jeden ersten Mittwoch im Monat", "2021-06-02"},
	{"31.02.2021", ""},
	{"25:00 Uhr", ""},
	{"01575 5520787", ""},
	{"0351 / 407 662 53", ""},
	{"04177 Leipzig", ""},
}

func ours(s string) (time.Time, bool, bool) {
	occs, err := dates.Parse(s, ref)
	for _, o := range occs {
		if err == nil && o.Kind == dates.KindEvent {
			return o.Start, o.AllDay, true
		}
	}
	return time.Time{}, false, false
}

// configs are the go-dateparser settings tried; the best-scoring one is
// reported, so the comparison is not lost to a poor choice of settings.
var configs = map[string]*dps.Configuration{
	"de+DMY": {Languages: []string{"de"}, CurrentTime: ref, DefaultTimezone: event.Berlin, ReturnTimeAsPeriod: true, DateOrder: dps.DMY},
	"de":     {Languages: []string{"de"}, CurrentTime: ref, DefaultTimezone: event.Berlin, ReturnTimeAsPeriod: true},
	"auto":   {CurrentTime: ref, DefaultTimezone: event.Berlin, ReturnTimeAsPeriod: true},
	"de+surrounding": {Languages: []string{"de"}, CurrentTime: ref, DefaultTimezone: event.Berlin, ReturnTimeAsPeriod: true,
		IgnoreSurroundingText: true},
}

var cfg = configs["de"]

func theirs(s string) (time.Time, bool, bool) {
	d, err := dps.Parse(cfg, s)
	if err != nil || d.Time.IsZero() {
		return time.Time{}, false, false
	}
	return d.Time.In(event.Berlin), d.Period == date.Day, true
}

func right(want string, t time.Time, allDay, ok bool) bool {
	switch {
	case want == "":
		return !ok
	case !ok:
		return false
	case len(want) == len("2006-01-02"):
		return allDay && t.Format("2006-01-02") == want
	}
	return !allDay && t.Format("2006-01-02 15:04") == want
}

func show(t time.Time, allDay, ok bool) string {
	switch {
	case !ok:
		return "-"
	case allDay:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// TestCompare prints the table and fails if the grammar is not better.
func TestCompare(t *testing.T) {
	best, bestN := "", -1
	for name, c := range configs {
		cfg = c
		n := 0
		for _, tc := range cases {
			tt, ta, tok := theirs(tc.in)
			if right(tc.want, tt, ta, tok) {
				n++
			}
		}
		t.Logf("go-dateparser config %-15s %d/%d right", name, n, len(cases))
		if n > bestN || (n == bestN && name < best) {
			best, bestN = name, n
		}
	}
	cfg = configs[best]
	t.Logf("table with go-dateparser config %q", best)
	var b strings.Builder
	nOurs, nTheirs := 0, 0
	for _, c := range cases {
		ot, oa, ook := ours(c.in)
		tt, ta, tok := theirs(c.in)
		ro, rt := right(c.want, ot, oa, ook), right(c.want, tt, ta, tok)
		if ro {
			nOurs++
		}
		if rt {
			nTheirs++
		}
		fmt.Fprintf(&b, "%-58q want %-17s dates %-17s %-5v dateparser %-17s %v\n", c.in, c.want,
			show(ot, oa, ook), ro, show(tt, ta, tok), rt)
	}
	t.Logf("\n%s\nright: dates %d/%d, go-dateparser %d/%d", b.String(), nOurs, len(cases), nTheirs, len(cases))
	if nOurs <= nTheirs {
		t.Errorf("the grammar (%d right) is not better than go-dateparser (%d right)", nOurs, nTheirs)
	}
}

func BenchmarkParseDates(b *testing.B) {
	for b.Loop() {
		for _, c := range cases {
			ours(c.in)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases)), "ns/expr")
}

func BenchmarkParseDateparser(b *testing.B) {
	for _, name := range []string{"de", "auto"} {
		b.Run(name, func(b *testing.B) {
			cfg = configs[name]
			for _, c := range cases {
				theirs(c.in) // first-use initialisation of the locale data is outside the timing
			}
			for b.Loop() {
				for _, c := range cases {
					theirs(c.in)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases)), "ns/expr")
		})
	}
}
