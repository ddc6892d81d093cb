package dates

import (
	"slices"
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
}

type builder struct {
	p      *parser
	recs   []rec
	groups []groupRef
	loose  []timeSpec // times matched apart from any date
	far    []int      // indexes into loose of the times attachFar places
	stop   int        // token after the previous expression: cue words are not looked for before it
	g      group      // the expression being matched (large: kept here, not on each call's stack)
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
	p.s, p.t, p.ref, p.noRef = text, tokenize(text, p.t), civilOf(ref), ref.IsZero()
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
		if (t.kind == tNum && (t.ndig <= 2 || t.ndig == 4 || t.ndig == 8)) || (t.kind == tWord && (k.isWeekday() || k.isMonth())) {
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
				b.loose = append(b.loose, ts)
				i = ts.to
				continue
			}
		}
		i++
	}
}

func (b *builder) newGroup(from, to int) int {
	b.groups = append(b.groups, groupRef{lo: len(b.recs), hi: len(b.recs), from: from, to: to})
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
	gi := b.newGroup(g.first, g.to)
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
	if anchor < 0 && !b.p.noRef {
		for x := range items {
			if y, wdOK, ok := guessYear(items[x].m, items[x].d, items[x].wd, b.p.ref); ok {
				items[x].y, guessed, wdBad, anchor = y, true, !wdOK, x
				break
			}
		}
	}
	if anchor < 0 {
		return days, valid, false, false
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

// onRefDay places times written without any date on ref's day (Parse only).
func (b *builder) onRefDay() {
	var f timesFound
	for _, lt := range b.loose {
		switch {
		case lt.role == roleDoors && !f.hasDoors:
			f.doors, f.hasDoors = lt, true
		case lt.role == roleEvent && !f.hasEv:
			f.ev, f.hasEv = lt, true
		}
	}
	if !f.hasEv && !f.hasDoors {
		return
	}
	from, to := len(b.p.t), 0
	for _, lt := range b.loose {
		from, to = min(from, lt.from), max(to, lt.to)
	}
	gi := b.newGroup(from, to)
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
