package dates

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// fuzzSeeds are the test-table inputs plus a few hostile ones.
var fuzzSeeds = []string{
	"am 21. Mai 2021", "24.11.2021 - 17:00-19:30 Uhr", "vom 22. Jul 2019 - 16:00 bis 1. Aug 2019 - 20:00",
	"Fr, 26.07.2019, 16-20h", "07.07.21 im Zeitraum 15 bis 17 Uhr", "15. – 28. März 2021", "vom 15.-28. März",
	"Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr", "05.11.: online - 06.11.: im riesa efau Dresden",
	"01.08.19 | Titel | Leipzig", "Anmeldeschluss: 30. April 2021", "10.12.2021 von 16 bis 19 Uhr",
	"14 Uhr", "14.30 Uhr", "14:30h", "ab 18 Uhr", "bis 17 Uhr", "Uhrzeit: 18:00", "10 - 16 Uhr",
	"am 27. und 28. März um 10:00 Uhr", "2021-05-21T10:00:00+02:00", "2021-12-01T10:00:00.000+0100",
	"jeden ersten Mittwoch im Monat", "jeden letzten Freitag", "wöchentlich dienstags", "alle zwei Wochen donnerstags",
	"Mo-Fr 10-16 Uhr", "14-tägig mittwochs 17 Uhr", "Einlass: 18 Uhr, Beginn 18:30", "läuft bis zum 31.12.2023",
	"seit Januar 2016", "2015/16", "ab 2024", "01575 5520787", "31.02.2021", "25:00 Uhr", "24:00 Uhr",
	"vom 30.12. bis 2.1.2022", "12.-16.04.2021", "1., 2., 3., 4., 5., 6., 7., 8., 9., 10. Mai",
	"99999999999999999999.1.2021", "\xff\xfe31.\xc3.2021", "am 3.\u00a0Mai\u202f2021 um 14\u2009Uhr",
}

// checkInvariants is what every result must satisfy, whatever the input.
func checkInvariants(t *testing.T, s string, occs []Occurrence) {
	t.Helper()
	for _, o := range occs {
		if o.Span[0] < 0 || o.Span[0] > o.Span[1] || o.Span[1] > len(s) {
			t.Fatalf("%q: span %v out of bounds", s, o.Span)
		}
		if o.Start.IsZero() || o.Start.Location() != event.Berlin {
			t.Fatalf("%q: start %v not in Berlin", s, o.Start)
		}
		if !o.End.IsZero() && (o.End.Location() != event.Berlin || o.End.Before(o.Start)) {
			t.Fatalf("%q: end %v (start %v)", s, o.End, o.Start)
		}
		if o.Confidence < 0 || o.Confidence > 1 || o.Kind < KindEvent || o.Kind > KindMention {
			t.Fatalf("%q: confidence %v kind %v", s, o.Confidence, o.Kind)
		}
		if o.AllDay && (o.Start.Hour() != 0 || o.Start.Minute() != 0) {
			t.Fatalf("%q: all-day start %v not midnight", s, o.Start)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if b, err := os.ReadFile("testdata/announcement.txt"); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		occs := Extract(s, ref)
		checkInvariants(t, s, occs)
		// Determinism: the same input gives the same output.
		again := Extract(s, ref)
		if len(again) != len(occs) {
			t.Fatalf("%q: %d then %d occurrences", s, len(occs), len(again))
		}
		for i := range occs {
			if occs[i] != again[i] {
				t.Fatalf("%q: occurrence %d differs between runs", s, i)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, refShift int64) {
		r := ref.Add(time.Duration(refShift%(200*365*24)) * time.Hour)
		occs, err := Parse(s, r)
		if (err == nil) == (len(occs) == 0) {
			t.Fatalf("%q: %d occurrences with error %v", s, len(occs), err)
		}
		checkInvariants(t, s, occs)
	})
}

// TestLinearTime guards the promise that Extract is linear: a long hostile
// text of near-dates must cost about as much per byte as a short one.
func TestLinearTime(t *testing.T) {
	for _, unit := range []string{
		"1., 2., 3. und 4. 5.-6. 7:0 bis 8. Mai jeden ersten 2021-05- 14- ab 20 ",
		"3.5.2021 x. 18 Uhr. ",               // dates with loose times
		"Einlass 18 Uhr, ",                   // door times chained after one date
		"Mo, Di, Mi und Do 1. 2. 3. bis 4. ", // weekday and day lists that never complete
	} {
		linear(t, unit)
	}
}

func linear(t *testing.T, unit string) {
	short, long := repeat(unit, 50), repeat(unit, 2000)
	if strings.HasPrefix(unit, "Einlass") {
		short, long = "3.5.2021 "+short, "3.5.2021 "+long
	}
	// Cost per byte in this thread's CPU time, the least of several
	// interleaved samples: wall-clock time on a shared machine is mostly
	// other processes' load. A quadratic scan makes the long input cost
	// 40 times as much per byte; a real failure shows in every round, a
	// preempted sample does not.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	per := func(s string) float64 {
		start := threadCPU(t)
		n := 0
		for threadCPU(t)-start < 10*time.Millisecond {
			Extract(s, ref)
			n++
		}
		return float64(threadCPU(t)-start) / float64(n) / float64(len(s))
	}
	var ps, pl float64
	for round := range 3 {
		ps, pl = per(short), per(long)
		for range 6 {
			ps, pl = min(ps, per(short)), min(pl, per(long))
		}
		if pl <= 5*ps {
			return
		}
		t.Logf("round %d: %.1f ns/B on %d B, %.1f ns/B on %d B", round, ps, len(short), pl, len(long))
	}
	t.Errorf("cost per byte grows with length: %.1f ns/B on %d B, %.1f ns/B on %d B", ps, len(short), pl, len(long))
}

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU(t *testing.T) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for i := 0; i < n; i++ {
		b = append(b, s...)
	}
	return string(b)
}
