package dates

import (
	"testing"
	"time"
)

// TestAtWallClock checks civil.at on every day of several years at the hours
// around the DST switches: the wall clock reads what was asked, except in
// the spring gap (moved forward by the gap), and an ambiguous autumn time is
// its first, summer-time, occurrence.
func TestAtWallClock(t *testing.T) {
	for _, y := range []int{1995, 2019, 2021, 2024, 2037} {
		for c := (civil{y, time.January, 1}); c.y == y; c = c.addDays(1) {
			for _, hm := range [][2]int{{0, 0}, {1, 59}, {2, 0}, {2, 30}, {3, 0}, {12, 0}, {23, 59}} {
				got := c.at(hm[0], hm[1])
				gy, gm, gd := got.Date()
				wall := got.Hour() == hm[0] && got.Minute() == hm[1] && gy == c.y && gm == c.m && gd == c.d
				if got.Location() != berlin {
					t.Fatalf("%v %v: location %v", c, hm, got.Location())
				}
				inGap := !wall
				if inGap {
					// Only allowed where the wall time does not exist: one hour later it does.
					later := got.Add(-time.Hour)
					if got.Hour() != hm[0]+1 || later.Hour() == hm[0] {
						t.Errorf("%v %02d:%02d: got %v", c, hm[0], hm[1], got)
					}
				}
				if prev := got.Add(-time.Hour); prev.Hour() == got.Hour() && prev.Minute() == got.Minute() && prev.Day() == got.Day() {
					t.Errorf("%v %02d:%02d: got the second occurrence %v, want the first", c, hm[0], hm[1], got)
				}
			}
		}
	}
}

func TestGuessYearAndWeekday(t *testing.T) {
	for y := 1999; y <= 2031; y++ {
		for c := (civil{y, time.January, 1}); c.y == y; c = c.addDays(37) {
			if got, want := c.weekday(), time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Weekday(); got != want {
				t.Fatalf("%v: weekday %v, want %v", c, got, want)
			}
		}
	}
	if y, wdOK, ok := guessYear(time.February, 29, -1, civil{2021, time.March, 1}); !ok || y != 2020 || !wdOK {
		t.Errorf("29.02. near 2021-03-01: %d %v %v, want 2020", y, wdOK, ok)
	}
	if _, _, ok := guessYear(time.February, 30, -1, civil{2021, time.March, 1}); ok {
		t.Error("30.02. must have no year")
	}
}
