package places

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzPlace feeds arbitrary text to the place parser, the free-text finder
// and the region scorer: no panic, results consistent, bounded time.
func FuzzPlace(f *testing.F) {
	for _, s := range []string{
		"Haus der Stadtmission - Demmeringstraße 18 - 04177 Leipzig",
		"Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg)",
		"DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig) - UND ONLINE MÖGLICH ÜBER ZOOM",
		"WERK 2 – Kulturfabrik Leipzig e.V. – HALLE A - Kochstraße 132, 04277 Leipzig",
		"Ort: 05.11.: online - 06.11.: im riesa efau Dresden",
		"Ort: OnlineWas bedeutet Selbstfürsorge eigentlich?",
		"Das Treffen findet im Werk 2 in Leipzig-Connewitz statt.",
		"Serbski dom, Póstowe naměsto 2, Budyšin",
		"Volkshochschule, 06108 Halle (Saale)",
		"Mi, 20.10.2021 | 18:00 Uhr | Volkshochschule Zwickau, Dr.-Friedrichs-Ring 21, 08056 Zwickau",
		"Hamida Taamiri, 01575 5520787, hamida.taamiri@pokubi-sachsen.de",
		"(((((", "0000000000 ", "Str 1 12345 A", "in in in in Leipzig", "\xff\xfe(", "Am 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		for _, r := range []Result{Parse(s), Find(s)} {
			if r.Region != "" && r.Outside {
				t.Fatalf("%q: region %q and outside", s, r.Region)
			}
			if r.PostalCode != "" && len(r.PostalCode) != 5 {
				t.Fatalf("%q: postcode %q", s, r.PostalCode)
			}
			for _, v := range []string{r.Venue, r.Street, r.City} {
				if utf8.ValidString(s) && !utf8.ValidString(v) {
					t.Fatalf("%q: invalid UTF-8 in %q", s, v)
				}
				if len(v) > len(s) && !strings.Contains(s, v) {
					t.Fatalf("%q: field %q longer than the input", s, v)
				}
			}
		}
		g := RegionIn(s)
		if g.Region != "" && g.Outside {
			t.Fatalf("%q: guess %+v", s, g)
		}
		// bounded work: the parsers cut their input (maxLine, maxText) and are
		// linear below that; a few milliseconds per call is normal, seconds
		// would be a hang (the limit is generous for a loaded fuzzing machine)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%d bytes took %v", len(s), d)
		}
	})
}

// TestPlaceLinearTime guards against quadratic behaviour on long inputs.
func TestPlaceLinearTime(t *testing.T) {
	unit := "Ort: Haus X, Kochstraße 132, 04277 Leipzig (im Werk 2 in Leipzig-Connewitz) - online 01575 5520787 "
	long := strings.Repeat(unit, (256<<10)/len(unit))
	start := time.Now()
	Find(long)
	Parse(long)
	RegionIn(long)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("256 KB took %v", d)
	}
	noisy := strings.Repeat("(", 100000) + strings.Repeat("04177 ", 20000)
	start = time.Now()
	Find(noisy)
	Parse(noisy)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("noise took %v", d)
	}
}
