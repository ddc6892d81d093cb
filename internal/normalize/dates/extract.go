package dates

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// rec is an occurrence before it becomes an Occurrence: days and clocks kept
// apart so that a time found later in the text can still be attached.
type rec struct {
	kind             Kind
	start, end       civil // end used when multi
	multi            bool
	startClk, endClk clock
	hasStart, hasEnd bool
	exact            time.Time // an ISO 8601 date-time with a UTC offset
	rrule            string
	until            civil // last day of a recurrence, when hasUntil
	hasUntil         bool
	from, to         int // tokens
	conf             float64
	yearGuessed      bool
	dayGuessed       bool
	group            int // index into builder.groups
}

// groupRef records which recs one date expression produced, for attaching a
// time written further away ("Am 3. Mai treffen wir uns. Beginn 18 Uhr").
type groupRef struct {
	lo, hi   int // recs[lo:hi]
	from, to int // tokens
	hasEv    bool
	hasDoors bool
	isRange  bool
}

type looseTime struct {
	ts timeSpec
}

type builder struct {
	p      *parser
	recs   []rec
	groups []groupRef
	loose  []looseTime
	stop   int   // token after the previous expression: cue words are not looked for before it
	g      group // the expression being matched (large: kept here, not on each call's stack)
}

// state is everything one Extract call needs besides its result. Pooled:
// the tokens and the expression scratch space would otherwise be allocated
// for every announcement.
type state struct {
	p parser
	b builder
}

var statePool = sync.Pool{New: func() any { return &state{p: parser{t: make([]token, 0, 512)}} }}

// extract runs the grammar over text. In parse mode a time without any date
// is placed on ref's day (Parse of a "Zeit:" field); Extract does not guess.
func extract(text string, ref time.Time, parseMode bool) []Occurrence {
	st := statePool.Get().(*state)
	p := &st.p
	p.s, p.t, p.ref = text, tokenize(text, p.t), civilOf(ref)
	b := &st.b
	b.p, b.recs, b.groups, b.loose, b.stop = p, b.recs[:0], b.groups[:0], b.loose[:0], 0
	b.scan()
	b.attachLoose()
	if parseMode && len(b.groups) == 0 && !ref.IsZero() {
		b.onRefDay()
	}
	out := b.finish()
	p.s = ""
	if cap(p.t) <= 1<<16 && cap(b.recs) <= 1<<12 { // don't keep the buffers of a giant text alive
		statePool.Put(st)
	}
	return out
}

// scan is the single pass over the tokens: at each token it tries the rules
// that can start with that kind of token, longest expressions first.
func (b *builder) scan() {
	p := b.p
	for i := 0; i < len(p.t); {
		t := p.t[i]
		k := kwID(t.val)
		if t.kind == tWord && k == kwNone {
			i++
			continue
		}
		if t.kind == tWord || (t.kind == tNum && t.val == 14) { // "14-tägig"
			if r, ok := p.recurrence(i); ok {
				i = b.addRecurrence(r)
				continue
			}
		}
		if (t.kind == tNum && (t.ndig <= 2 || t.ndig == 4 || t.ndig == 8)) || (t.kind == tWord && k.isWeekday()) {
			if p.group(i, &b.g) {
				i = b.addGroup(&b.g)
				continue
			}
		}
		if t.kind == tNum || (t.kind == tWord && k.isMonth()) {
			if m, ok := p.mention(i); ok {
				b.addMention(m)
				i = m.to
				b.stop = i
				continue
			}
		}
		if t.kind != tPunct {
			if ts, ok := p.timeSpec(i); ok {
				b.loose = append(b.loose, looseTime{ts})
				i = ts.to
				continue
			}
		}
		i++
	}
}

func (b *builder) newGroup(from, to int, isRange bool) int {
	b.groups = append(b.groups, groupRef{lo: len(b.recs), hi: len(b.recs), from: from, to: to, isRange: isRange})
	return len(b.groups) - 1
}

// addGroup resolves the years of a date expression and records its occurrences.
func (b *builder) addGroup(g *group) int {
	kind := b.p.kindOf(g.first, g.to, b.stop)
	if kind == KindEvent && b.p.pastAfter(g.to) {
		kind = KindMention
	}
	days, valid, guessed, wdBad := b.resolveYears(g.items[:g.n])
	b.stop = g.to
	if g.isRange && (!valid[0] || !valid[1] || days[1].before(days[0])) {
		return g.to // "31.02. – 3.03.", "28. – 15. März": no range we understand
	}
	nValid := 0
	for x := 0; x < g.n; x++ {
		if valid[x] {
			nValid++
		}
	}
	if nValid == 0 {
		return g.to
	}
	gi := b.newGroup(g.first, g.to, g.isRange)
	base := 0.9
	if guessed {
		base = 0.75
	}
	if kind == KindMention {
		base = 0.6
	}
	if g.isRange {
		r := rec{kind: kind, start: days[0], end: days[1], multi: days[1] != days[0], from: g.first, to: g.to,
			conf: base, yearGuessed: guessed, group: gi}
		if wdBad {
			r.conf = 0.4
		}
		setExact(&r, g.items[0])
		if g.items[1].hasClock {
			r.endClk, r.hasEnd = g.items[1].clock, true
		}
		b.recs = append(b.recs, r)
		b.groups[gi].hi = len(b.recs)
		b.applyRange(gi, g.tA, g.tB)
	} else {
		for x := 0; x < g.n; x++ {
			if !valid[x] {
				continue
			}
			r := rec{kind: kind, start: days[x], from: g.first, to: g.to, conf: base, yearGuessed: guessed, group: gi}
			if wdBad {
				r.conf = 0.4
			}
			setExact(&r, g.items[x])
			b.recs = append(b.recs, r)
		}
		b.groups[gi].hi = len(b.recs)
		b.applyTimes(gi, g.tA, false)
	}
	return g.to
}

// setExact copies the clock of an ISO 8601 date-time into r.
func setExact(r *rec, d dateLit) {
	if !d.hasClock {
		return
	}
	if d.hasOff {
		naive := time.Date(d.y, d.m, d.d, d.clock.h, d.clock.m, 0, 0, time.UTC)
		r.exact = naive.Add(-time.Duration(d.off) * time.Second)
		return
	}
	r.startClk, r.hasStart = d.clock, true
}

// applyTimes sets the times found with a group on all its occurrences.
func (b *builder) applyTimes(gi int, f timesFound, loose bool) {
	g := &b.groups[gi]
	if f.hasEv && f.ev.valid && g.hasEv && !f.ev.hasStart {
		// An end written apart from the start: "Beginn 17 Uhr. … Ende gegen 21 Uhr."
		for x := g.lo; x < g.hi; x++ {
			if r := &b.recs[x]; r.hasStart && !r.hasEnd && !r.multi {
				r.endClk, r.hasEnd = f.ev.end, true
			}
		}
	}
	if f.hasEv && f.ev.valid && !g.hasEv {
		for x := g.lo; x < g.hi; x++ {
			r := &b.recs[x]
			if !r.exact.IsZero() || r.hasStart {
				continue
			}
			r.startClk, r.hasStart = f.ev.start, f.ev.hasStart
			r.endClk, r.hasEnd = f.ev.end, f.ev.hasEnd
			if r.hasStart {
				r.conf += 0.05
			}
			if loose {
				r.conf -= 0.15
			}
		}
		g.hasEv = true
	} else if f.hasEv && !f.ev.valid {
		for x := g.lo; x < g.hi; x++ {
			b.recs[x].conf -= 0.2 // "25:00 Uhr": the date stands, something is off
		}
	}
	if !loose && f.to > 0 {
		for x := g.lo; x < g.hi; x++ {
			b.recs[x].to = max(b.recs[x].to, f.to)
		}
	}
	if f.hasDoors && f.doors.valid && !g.hasDoors && g.hi > g.lo {
		first := b.recs[g.lo]
		b.recs = append(b.recs, rec{kind: KindDoorsOpen, start: first.start, startClk: f.doors.start, hasStart: true,
			from: f.doors.from, to: f.doors.to, conf: first.conf, yearGuessed: first.yearGuessed,
			dayGuessed: first.dayGuessed, group: gi})
		g.hasDoors = true // appended after g.hi: not one of the group's event occurrences
	}
}

// applyRange sets the times of a multi-day range: the first date's time
// starts it, the last date's time ends it; a time range written once after
// the whole range ("15.–28. März 2021, 10–16 Uhr") means daily hours.
func (b *builder) applyRange(gi int, tA, tB timesFound) {
	g := &b.groups[gi]
	r := &b.recs[g.lo]
	switch {
	case tA.hasEv && tA.ev.valid:
		if r.exact.IsZero() {
			r.startClk, r.hasStart = tA.ev.start, tA.ev.hasStart
		}
		if tB.hasEv && tB.ev.valid {
			r.endClk, r.hasEnd = tB.ev.start, tB.ev.hasStart
			if tB.ev.hasEnd {
				r.endClk, r.hasEnd = tB.ev.end, true
			}
		} else if tA.ev.hasEnd {
			r.endClk, r.hasEnd = tA.ev.end, true
		}
		g.hasEv = true
	case tB.hasEv && tB.ev.valid:
		if tB.ev.hasStart && tB.ev.hasEnd {
			r.startClk, r.hasStart = tB.ev.start, true
			r.endClk, r.hasEnd = tB.ev.end, true
		} else if tB.ev.hasStart && r.exact.IsZero() {
			// "… bis 1. Aug 2019 - 20:00": a time after the end date ends the range.
			r.endClk, r.hasEnd = tB.ev.start, true
		} else {
			r.endClk, r.hasEnd = tB.ev.end, tB.ev.hasEnd
		}
		g.hasEv = true
	}
	if r.hasStart || r.hasEnd {
		r.conf += 0.05
	}
	doors := tA
	if !doors.hasDoors {
		doors = tB
	}
	b.applyTimes(gi, timesFound{doors: doors.doors, hasDoors: doors.hasDoors}, false)
}

// resolveYears gives every item of an expression its year: written years
// carry over to neighbours without one (a day later than its successor falls
// in the year before, one earlier than its predecessor in the year after);
// when no year is written at all, the first possible item takes the year
// nearest to ref. valid[x] is false for impossible dates (31.02.2021).
func (b *builder) resolveYears(items []dateLit) (days [maxItems]civil, valid [maxItems]bool, guessed, wdBad bool) {
	anchor := -1
	for x := range items {
		if items[x].y != 0 {
			anchor = x
		}
	}
	if anchor < 0 {
		for x := range items {
			if y, wdOK, ok := guessYear(items[x].m, items[x].d, items[x].wd, b.p.ref); ok {
				items[x].y, guessed, wdBad, anchor = y, true, !wdOK, x
				break
			}
		}
		if anchor < 0 {
			return days, valid, false, false
		}
	}
	days[anchor] = civil{items[anchor].y, items[anchor].m, items[anchor].d}
	for x := anchor - 1; x >= 0; x-- {
		c := civil{items[x].y, items[x].m, items[x].d}
		if items[x].y == 0 {
			c.y = days[x+1].y
			if days[x+1].before(c) {
				c.y--
			}
		}
		days[x] = c
	}
	for x := anchor + 1; x < len(items); x++ {
		c := civil{items[x].y, items[x].m, items[x].d}
		if items[x].y == 0 {
			c.y = days[x-1].y
			if c.before(days[x-1]) {
				c.y++
			}
		}
		days[x] = c
	}
	for x := range items {
		valid[x] = days[x].valid()
		if valid[x] && items[x].wd >= 0 && days[x].weekday() != time.Weekday(items[x].wd) {
			wdBad = true
		}
	}
	return days, valid, guessed, wdBad
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
		if g.to >= r.from-1 && g.hi-g.lo == 1 && g.hi == len(b.recs) && !g.isRange && p.kw(p.skipArticles(g.from-1)) == kwAb {
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
	gi := b.newGroup(from, end, false)
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

func (b *builder) addMention(m mention) {
	gi := b.newGroup(m.from, m.to, true)
	r := rec{kind: KindMention, start: m.start, end: m.end, multi: !m.open && m.end != m.start,
		from: m.from, to: m.to, conf: 0.6, group: gi}
	b.recs = append(b.recs, r)
	b.groups[gi].hi = len(b.recs)
	b.groups[gi].hasEv = true // a clock time never belongs to a month or a year
}

// kindOf classifies a date by the words around it in its clause:
// "Anmeldeschluss: 30. April 2021", "Anmeldung bis 12.3." and "bis zum 11.6.
// anmelden" are deadlines; "läuft bis zum 31.12.2023", "seit dem 1.3.",
// "Stand: 12.03.2021" and a bare "bis zum …" are mentions. It looks back at
// most 8 tokens and ahead at most 4, never past stop (the end of the previous
// expression), a sentence end or a line start.
func (p *parser) kindOf(first, end, stop int) Kind {
	until := false
	for j := first - 1; j >= stop && j >= first-3; j-- {
		switch p.kw(j) {
		case kwDem, kwZum, kwAm:
			continue
		case kwBis, kwSpaetestens:
			until = true
		case kwSeit:
			return KindMention
		}
		break
	}
	for k := first - 1; k >= stop && k >= first-8; k-- {
		if p.sentenceEnd(k) {
			break
		}
		switch {
		case p.kw(k) == kwSchluss:
			return KindDeadline
		case p.kw(k) == kwStand:
			return KindMention
		case until && p.registration(k):
			return KindDeadline
		}
		if p.t[k].nl {
			break
		}
	}
	if !until {
		return KindEvent
	}
	for k := end; k < len(p.t) && k < end+4 && !p.sentenceEnd(k) && !p.newline(k); k++ {
		if p.registration(k) {
			return KindDeadline
		}
	}
	return KindMention
}

// registration reports a word about registering or applying: "Anmeldung",
// "anmelden", "meldet euch … an", "Bewerbungen", "registrieren".
func (p *parser) registration(k int) bool {
	if p.kw(k) == kwAnmeldung {
		return true
	}
	if k >= len(p.t) || p.t[k].kind != tWord {
		return false
	}
	w := p.text(k)
	for _, prefix := range [...]string{"anmeld", "bewerb", "registr", "rückmeld", "rueckmeld", "meldet", "meldest", "einsend", "einreich"} {
		if len(w) >= len(prefix) && strings.EqualFold(w[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

// pastAfter reports "stattgefunden" within the four words after a date ("der
// am 10. Juni stattgefundenen Konferenz"): a report of a past event.
func (p *parser) pastAfter(end int) bool {
	for k := end; k < len(p.t) && k < end+4; k++ {
		if p.kw(k) == kwPast {
			return true
		}
		if p.sentenceEnd(k) || p.newline(k) {
			return false
		}
	}
	return false
}

// attachLoose gives times written apart from any date ("Am 3. Mai treffen
// wir uns. Beginn 18 Uhr.") to the nearest date expression on the same line:
// the one before within 200 bytes, else the one after within 60 bytes.
// Loose times and groups are both in text order, so one forward pointer
// finds the neighbours: linear, not loose×groups.
func (b *builder) attachLoose() {
	p := b.p
	next := 0 // first group starting at or after the current loose time
	for _, lt := range b.loose {
		for next < len(b.groups) && b.groups[next].from < lt.ts.to {
			next++
		}
		gi := -1
		// The group before: the last one starting before the time; it must also end before it.
		if prev := next - 1; prev >= 0 {
			g := b.groups[prev]
			if g.to <= lt.ts.from && g.to > 0 && int(p.t[lt.ts.from].start-p.t[g.to-1].end) <= 200 && !p.lineBreakIn(g.to, lt.ts.from) {
				gi = prev
			}
		}
		if gi < 0 && next < len(b.groups) {
			g := b.groups[next]
			if int(p.t[g.from].start-p.t[lt.ts.to-1].end) <= 60 && !p.lineBreakIn(lt.ts.to, g.from) {
				gi = next
			}
		}
		if gi < 0 || b.groups[gi].lo == b.groups[gi].hi || b.recs[b.groups[gi].lo].kind == KindMention {
			continue
		}
		f := timesFound{}
		if lt.ts.role == roleDoors {
			f.doors, f.hasDoors = lt.ts, true
		} else {
			f.ev, f.hasEv = lt.ts, true
		}
		b.applyTimes(gi, f, true)
	}
}

// lineBreakIn reports a line break before any token in (from, to].
func (p *parser) lineBreakIn(from, to int) bool {
	for k := from; k <= to && k < len(p.t); k++ {
		if p.t[k].nl {
			return true
		}
	}
	return false
}

// onRefDay places times written without any date on ref's day (Parse only).
func (b *builder) onRefDay() {
	var f timesFound
	for _, lt := range b.loose {
		switch {
		case lt.ts.role == roleDoors && !f.hasDoors:
			f.doors, f.hasDoors = lt.ts, true
		case lt.ts.role == roleEvent && !f.hasEv:
			f.ev, f.hasEv = lt.ts, true
		}
	}
	if !f.hasEv && !f.hasDoors {
		return
	}
	from, to := len(b.p.t), 0
	for _, lt := range b.loose {
		from, to = min(from, lt.ts.from), max(to, lt.ts.to)
	}
	gi := b.newGroup(from, to, false)
	if f.hasEv && f.ev.valid {
		b.recs = append(b.recs, rec{kind: KindEvent, start: b.p.ref, from: f.ev.from, to: f.ev.to, conf: 0.4,
			yearGuessed: true, dayGuessed: true, group: gi})
		b.groups[gi].hi = len(b.recs)
		b.applyTimes(gi, timesFound{ev: f.ev, hasEv: true}, false)
	}
	if f.hasDoors && f.doors.valid {
		b.recs = append(b.recs, rec{kind: KindDoorsOpen, start: b.p.ref, startClk: f.doors.start, hasStart: true,
			from: f.doors.from, to: f.doors.to, conf: 0.4, yearGuessed: true, dayGuessed: true, group: gi})
	}
}

// finish turns recs into Occurrences in text order.
func (b *builder) finish() []Occurrence {
	if len(b.recs) == 0 {
		return nil
	}
	out := make([]Occurrence, 0, len(b.recs))
	for _, r := range b.recs {
		if o, ok := b.occurrence(r); ok {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(x, y Occurrence) int { return x.Span[0] - y.Span[0] })
	return out
}

func (b *builder) occurrence(r rec) (Occurrence, bool) {
	p := b.p
	o := Occurrence{Kind: r.kind, Recurrence: r.rrule, YearGuessed: r.yearGuessed, DayGuessed: r.dayGuessed}
	if r.hasUntil {
		// RFC 5545: UNTIL has DTSTART's value type, a date-time in UTC when DTSTART has a time.
		if r.hasStart || !r.exact.IsZero() {
			o.Recurrence += ";UNTIL=" + r.until.addDays(1).midnight().Add(-time.Second).UTC().Format("20060102T150405Z")
		} else {
			o.Recurrence += ";UNTIL=" + r.until.midnight().Format("20060102")
		}
	}
	o.Span = [2]int{int(p.t[r.from].start), int(p.t[r.to-1].end)}
	switch {
	case !r.exact.IsZero():
		o.Start = r.exact.In(berlin)
	case r.hasStart:
		o.Start = r.start.at(r.startClk.h, r.startClk.m)
	default:
		o.Start = r.start.midnight()
		o.AllDay = true
	}
	endDay := r.start
	if r.multi {
		endDay = r.end
	}
	switch {
	case r.hasEnd:
		o.End = endDay.at(r.endClk.h, r.endClk.m)
		if o.End.Before(o.Start) {
			if r.multi {
				return o, false
			}
			o.End = endDay.addDays(1).at(r.endClk.h, r.endClk.m) // "22-2 Uhr" ends after midnight
		}
	case r.multi && o.AllDay:
		o.End = endDay.midnight()
	case r.multi:
		o.End = endDay.addDays(1).midnight() // a start time but no end time: the range ends with its last day
	}
	o.Confidence = min(max(r.conf, 0), 1)
	return o, true
}
