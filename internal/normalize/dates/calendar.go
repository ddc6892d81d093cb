package dates

import (
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// civil is a calendar day without a zone.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil {
	y, m, d := t.In(event.Berlin).Date()
	return civil{y, m, d}
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func (c civil) valid() bool {
	return c.m >= time.January && c.m <= time.December && c.d >= 1 && c.d <= daysIn(c.y, c.m)
}

// serial is the day number since 1970-01-01 (proleptic Gregorian), used to
// compare and subtract days without building time.Time values.
func (c civil) serial() int {
	// Days from civil, after Howard Hinnant's algorithm.
	y, m := c.y, int(c.m)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + c.d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func (c civil) weekday() time.Weekday {
	w := (c.serial() + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

func (c civil) before(o civil) bool { return c.serial() < o.serial() }

func (c civil) addDays(n int) civil {
	t := time.Date(c.y, c.m, c.d+n, 12, 0, 0, 0, time.UTC)
	y, m, d := t.Date()
	return civil{y, m, d}
}

// midnight is the start of the day in Berlin (DST never changes at midnight there).
func (c civil) midnight() time.Time {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, event.Berlin)
}

// at returns the instant the Berlin wall clock shows h:mi on day c. Go's
// time.Date does not document which offset it picks for a wall time that
// occurs twice (end of DST) or never (start of DST), so we decide, following
// RFC 5545 §3.3.5: an ambiguous time is the first (summer-time) occurrence, a
// time in the spring gap is read with the offset before the gap (02:30 on the
// last Sunday of March becomes 03:30 CEST). h may be 24 (midnight ending the day).
func (c civil) at(h, mi int) time.Time {
	if c.y >= 1996 && c.m != time.March && c.m != time.October {
		// Since 1996 Berlin changes clocks only in March and October.
		return time.Date(c.y, c.m, c.d, h, mi, 0, 0, event.Berlin)
	}
	naive := time.Date(c.y, c.m, c.d, h, mi, 0, 0, time.UTC)
	_, offBefore := naive.Add(-24 * time.Hour).In(event.Berlin).Zone()
	_, offAfter := naive.Add(24 * time.Hour).In(event.Berlin).Zone()
	var best time.Time
	for _, off := range [2]int{offBefore, offAfter} {
		t := naive.Add(-time.Duration(off) * time.Second).In(event.Berlin)
		if _, o := t.Zone(); o == off && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if best.IsZero() {
		best = naive.Add(-time.Duration(offBefore) * time.Second).In(event.Berlin)
	}
	return best
}

// guessYear picks the year for a day and month written without one: the year
// that puts the date nearest to ref (one year back, this year or next year;
// a tie goes to the later date). When the weekday was written too ("Fr,
// 26.07."), years where it matches are preferred: that is how a reader would
// settle it. ok is false when no candidate year has that day (e.g. 30.02.).
func guessYear(m time.Month, d int, wd int, ref civil) (y int, wdOK, ok bool) {
	best, bestDist, bestWd := 0, 0, false
	rs := ref.serial()
	for cy := ref.y - 1; cy <= ref.y+1; cy++ {
		c := civil{cy, m, d}
		if !c.valid() {
			continue
		}
		dist := c.serial() - rs
		if dist < 0 {
			dist = -dist
		}
		match := wd < 0 || c.weekday() == time.Weekday(wd)
		better := !ok || (match && !bestWd) || (match == bestWd && dist <= bestDist)
		if better {
			best, bestDist, bestWd, ok = cy, dist, match, true
		}
	}
	return best, bestWd, ok
}
