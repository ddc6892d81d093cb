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

// addRecurrence records a recurring pattern. Its first occurrence is the
// first matching day on or after the date it starts from ("ab dem 5. Juli
// jeden Dienstag", "jeden Donnerstag ab 8. Juli"), else on or after ref; an
// end date ("bis zum 28. Juli") becomes UNTIL.
func (b *builder) addRecurrence(r recur) int {
	p := b.p
	from, start, yearGuessed, dayGuessed := r.from, p.ref, true, true
	var carried *rec
	if n := len(b.groups); n > 0 {
		g := b.groups[n-1]
		if g.to >= r.from-1 && g.hi-g.lo == 1 && g.hi == len(b.recs) && !b.recs[g.lo].multi && p.kw(p.skipArticles(g.from-1)) == kwAb {
			if rc := b.recs[g.lo]; rc.kind == KindEvent && rc.rrule == "" && rc.exact.IsZero() {
				from, start, yearGuessed, dayGuessed = g.from, rc.start, rc.yearGuessed, false
				carried = &rc
				b.recs, b.groups = b.recs[:g.lo], b.groups[:n-1]
			}
		}
	}
	f := p.window(r.to, 6)
	end := max(r.to, f.to)
	var until civil
	hasUntil := false
	for n := 0; n < 2; n++ {
		k := p.kw(end)
		if k != kwAb && k != kwBis {
			break
		}
		j := end + 1
		for p.kw(j) == kwDem || p.kw(j) == kwZum {
			j++
		}
		if !p.dateExpr(j, &p.scratch) || p.scratch.n != 1 || p.scratch.items[0].hasClock {
			break
		}
		days, valid, guessed, _ := b.resolveYears(p.scratch.items[:1])
		if !valid[0] {
			break
		}
		if k == kwAb {
			start, yearGuessed, dayGuessed = days[0], guessed, false
		} else {
			until, hasUntil = days[0], true
		}
		end = p.scratch.end
	}
	if dayGuessed && p.noRef {
		return end // no start date written and no reference date to count from
	}
	conf := 0.7
	if r.vague {
		conf = 0.5
	}
	first := r.first(start)
	rc := rec{kind: KindEvent, start: first, rrule: r.rrule(), from: from, to: r.to, conf: conf,
		yearGuessed: yearGuessed, dayGuessed: dayGuessed, until: until, hasUntil: hasUntil && !until.before(first)}
	if carried != nil {
		rc.startClk, rc.hasStart, rc.endClk, rc.hasEnd = carried.startClk, carried.hasStart, carried.endClk, carried.hasEnd
	}
	gi := b.newGroup(from, end)
	rc.group = gi
	idx := len(b.recs)
	b.recs = append(b.recs, rc)
	b.groups[gi].hi = len(b.recs)
	b.groups[gi].hasEv = rc.hasStart
	b.applyTimes(gi, f, false)
	b.recs[idx].to = end // the span covers "ab …" and "bis …" too
	b.stop = end
	return end
}

// skipArticles steps back over "dem", "den", "zum" before token j.
func (p *parser) skipArticles(j int) int {
	for j >= 0 && (p.kw(j) == kwDem || p.kw(j) == kwZum) {
		j--
	}
	return j
}
