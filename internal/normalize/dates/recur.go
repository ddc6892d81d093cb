package dates

import (
	"strconv"
	"strings"
	"time"
)

// recur is a recurring pattern: "jeden ersten Mittwoch im Monat",
// "wöchentlich dienstags", "alle zwei Wochen donnerstags".
type recur struct {
	monthly  bool
	interval int
	byday    [8]struct {
		ord int // 0 for weekly; 1..5, -1, -2 for monthly
		wd  time.Weekday
	}
	n        int
	from, to int
	vague    bool // the reading is a guess ("jeden dritten Donnerstag" without "im Monat")
}

var rruleDay = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// rrule renders the RFC 5545 RRULE value, e.g. FREQ=MONTHLY;BYDAY=1WE.
func (r recur) rrule() string {
	var b strings.Builder
	if r.monthly {
		b.WriteString("FREQ=MONTHLY")
	} else {
		b.WriteString("FREQ=WEEKLY")
	}
	if r.interval > 1 {
		b.WriteString(";INTERVAL=")
		b.WriteString(strconv.Itoa(r.interval))
	}
	b.WriteString(";BYDAY=")
	for i := 0; i < r.n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if r.byday[i].ord != 0 {
			b.WriteString(strconv.Itoa(r.byday[i].ord))
		}
		b.WriteString(rruleDay[r.byday[i].wd])
	}
	return b.String()
}

// first returns the first day of the pattern on or after from.
func (r recur) first(from civil) civil {
	if !r.monthly {
		best := from.addDays(7)
		for i := 0; i < r.n; i++ {
			delta := (int(r.byday[i].wd) - int(from.weekday()) + 7) % 7
			if c := from.addDays(delta); c.before(best) {
				best = c
			}
		}
		return best
	}
	y, m := from.y, from.m
	for k := 0; k < 14; k++ {
		var best civil
		found := false
		for i := 0; i < r.n; i++ {
			c, ok := nthWeekday(y, m, r.byday[i].ord, r.byday[i].wd)
			if ok && !c.before(from) && (!found || c.before(best)) {
				best, found = c, true
			}
		}
		if found {
			return best
		}
		if m++; m > time.December {
			m, y = time.January, y+1
		}
	}
	return from
}

// nthWeekday is the ord-th weekday wd of a month (ord < 0 counts from the end).
func nthWeekday(y int, m time.Month, ord int, wd time.Weekday) (civil, bool) {
	n := daysIn(y, m)
	var d int
	if ord > 0 {
		first := civil{y, m, 1}.weekday()
		d = 1 + (int(wd)-int(first)+7)%7 + (ord-1)*7
	} else {
		last := civil{y, m, n}.weekday()
		d = n - (int(last)-int(wd)+7)%7 + (ord+1)*7
	}
	return civil{y, m, d}, d >= 1 && d <= n
}

// recurrence matches a recurring pattern starting at token i.
func (p *parser) recurrence(i int) (recur, bool) {
	r := recur{interval: 1, from: i}
	j := i
	cue, weekly, monthly, needMonth := false, false, false, false
	switch k := p.kw(j); {
	case k == kwJeden:
		cue = true
		j++
		switch p.kw(j) {
		case kwWoche:
			weekly = true
			j++
		case kwMonat:
			monthly = true
			j++
		}
	case k == kwImmer:
		cue = true
		j++
	case k == kwWeekly:
		cue, weekly = true, true
		j++
	case k == kwBiweekly:
		cue, weekly, r.interval = true, true, 2
		j++
	case k == kwMonthly:
		cue, monthly = true, true
		j++
	case k == kwAlle:
		n, ok := p.num(j+1, 1)
		switch p.kw(j + 1) {
		case kwTwo:
			n, ok = 2, true
		case kwThree:
			n, ok = 3, true
		case kwFour:
			n, ok = 4, true
		}
		if !ok || n < 1 {
			return r, false
		}
		switch p.kw(j + 2) {
		case kwWoche:
			weekly = true
		case kwMonate:
			monthly = true
		default:
			return r, false
		}
		cue, r.interval = true, n
		j += 3
	case k == kwAm:
		needMonth = true // "am ersten Mittwoch im Monat", never a one-off "am ersten Mittwoch im Mai"
		j++
	case k.isWeekdayAdv():
	default:
		// "14-tägig", "14tägig"
		if v, ok := p.num(j, 2); ok && v == 14 {
			k := j + 1
			if p.isPunct(k, pDash) && p.tight(k) {
				k++
			}
			if p.kw(k) == kwTaegig && p.tight(k) {
				cue, weekly, r.interval = true, true, 2
				j = k + 1
				break
			}
		}
		return r, false
	}
	if p.kw(j) == kwAm || p.kw(j) == kwJeweils || p.kw(j) == kwImmer {
		j++
	}
	// Ordinals: "ersten", "1.", "ersten und dritten".
	var ords [4]int
	no := 0
	for no < len(ords) {
		if o := p.kw(j).ordinal(); o != 0 {
			ords[no] = o
			no++
			j++
		} else if v, ok := p.num(j, 1); ok && v >= 1 && v <= 5 && p.isPunct(j+1, pDot) && p.tight(j+1) {
			ords[no] = v
			no++
			j += 2
		} else {
			break
		}
		if no > 0 && (p.kw(j) == kwUnd || p.isPunct(j, pComma)) && (p.kw(j+1).ordinal() != 0 || p.t[min(j+1, len(p.t)-1)].kind == tNum) {
			j++
		}
	}
	// Weekdays: "Mittwoch", "dienstags", "Mo + Do", "montags und donnerstags", "Mo-Fr".
	var wds [7]time.Weekday
	nw := 0
	adverb := false
	for nw < len(wds) {
		k := p.kw(j)
		if !k.isWeekday() && !k.isWeekdayAdv() {
			break
		}
		adverb = adverb || k.isWeekdayAdv()
		wds[nw] = k.weekday()
		nw++
		j++
		if p.isPunct(j, pDot) && p.tight(j) {
			j++
		}
		c, k2 := p.connector(j)
		next := p.kw(k2)
		if c == connNone || (!next.isWeekday() && !next.isWeekdayAdv()) {
			break
		}
		if c == connRange {
			// "Mo-Fr", "montags bis freitags": every day in between.
			for d := (wds[nw-1] + 1) % 7; d != next.weekday() && nw < len(wds); d = (d + 1) % 7 {
				wds[nw] = d
				nw++
			}
		}
		j = k2
	}
	if nw == 0 {
		return r, false
	}
	// "im Monat", "des Monats", "jeden Monat", "monatlich"; "wöchentlich" after the day.
	switch {
	case (p.kw(j) == kwIm || p.kw(j) == kwDem || p.kw(j) == kwJeden) && p.kw(j+1) == kwMonat:
		monthly = true
		j += 2
	case p.kw(j) == kwMonthly:
		monthly = true
		j++
	case p.kw(j) == kwWeekly:
		weekly, cue = true, true
		j++
	}
	if needMonth && !(monthly && no > 0) {
		return r, false
	}
	if !cue && !needMonth {
		// A bare "dienstags" is a habit only when a time follows ("dienstags 18 Uhr"),
		// otherwise it is as likely "dienstags geschlossen".
		k := j
		if p.isPunct(k, pComma) || p.isPunct(k, pColon) {
			k++
		}
		if !adverb || !p.hasTimeAt(k) {
			return r, false
		}
	}
	switch {
	case no > 0 && !weekly:
		if !monthly {
			if no == 1 && ords[0] == 2 && r.interval == 1 {
				// "jeden zweiten Dienstag" (no "im Monat") is every other Tuesday.
				r.interval = 2
				no = 0
				break
			}
			r.vague = ords[0] >= 3
		}
		r.monthly = true
	case no > 0:
		return r, false // "wöchentlich am ersten …" is contradictory
	case monthly:
		return r, false // "monatlich dienstags": which Tuesday is not said
	}
	if r.monthly {
		for a := 0; a < no; a++ {
			for b := 0; b < nw && r.n < len(r.byday); b++ {
				r.byday[r.n].ord, r.byday[r.n].wd = ords[a], wds[b]
				r.n++
			}
		}
	} else {
		for b := 0; b < nw; b++ {
			r.byday[r.n].wd = wds[b]
			r.n++
		}
	}
	r.to = j
	return r, true
}

func (p *parser) hasTimeAt(i int) bool {
	if i >= len(p.t) {
		return false
	}
	_, ok := p.timeSpec(i)
	return ok
}
