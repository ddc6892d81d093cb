package dates

// attachLoose gives times written apart from any date ("Am 3. Mai treffen
// wir uns. Beginn 18 Uhr.") to the nearest date expression on the same line:
// the one before within 200 bytes, else the one after within 60 bytes.
// Loose times and groups are both in text order, so one forward pointer
// finds the neighbours: linear, not loose×groups.
func (b *builder) attachLoose() {
	p := b.p
	next := 0         // first group starting at or after the current loose time
	b.far = b.far[:0] // loose times no date on their line took: see attachFar
	for li, lt := range b.loose {
		for next < len(b.groups) && b.groups[next].from < lt.to {
			next++
		}
		gi := -1
		// The group before: the last one starting before the time; it must also end before it.
		if prev := next - 1; prev >= 0 {
			g := b.groups[prev]
			if g.to <= lt.from && g.to > 0 && int(p.t[lt.from].start-p.t[g.to-1].end) <= 200 && !p.lineBreakIn(g.to, lt.from) {
				gi = prev
			}
		}
		if gi < 0 && next < len(b.groups) {
			g := b.groups[next]
			if int(p.t[g.from].start-p.t[lt.to-1].end) <= 60 && !p.lineBreakIn(lt.to, g.from) {
				gi = next
			}
		}
		if gi < 0 {
			b.far = append(b.far, li)
			continue
		}
		if b.groups[gi].lo == b.groups[gi].hi || b.recs[b.groups[gi].lo].kind == KindMention {
			continue
		}
		f := timesFound{}
		if lt.role == roleDoors {
			f.doors, f.hasDoors = lt, true
		} else {
			f.ev, f.hasEv = lt, true
		}
		b.applyTimes(gi, f, true)
	}
	b.attachFar(b.far)
}

// Distances of attachFar, in bytes: a time in a later line or paragraph
// ("Das Treffen findet am 14. Januar statt. … Es beginnt 14.30 Uhr.", a
// "Datum:" line and a "Zeit:" line) belongs to the last date before it; a
// time in a headline before the date line to the date after it.
const (
	farBefore = 1500
	farAfter  = 300
)

// attachFar gives a start time that no date on its own line took to the
// nearest event date without a time of its own: the last date expression
// before it, else the first one after it. Readers do the same with a text
// that writes the day in one place and the hour in another. Only times with
// a start and the event's role travel that far; an end alone ("bis 17 Uhr")
// is as often a deadline or an opening hour.
func (b *builder) attachFar(far []int) {
	if len(far) == 0 || len(b.groups) == 0 {
		return
	}
	p := b.p
	next := 0
	for _, li := range far {
		lt := b.loose[li]
		for next < len(b.groups) && b.groups[next].from < lt.to {
			next++
		}
		if !lt.hasStart || lt.role != roleEvent || !lt.valid {
			continue
		}
		gi := -1
		if prev := next - 1; prev >= 0 {
			g := b.groups[prev]
			if g.to <= lt.from && g.to > 0 && int(p.t[lt.from].start-p.t[g.to-1].end) <= farBefore {
				gi = prev
			}
		}
		if gi >= 0 && !b.farTarget(gi) {
			// The date before has its time: a range starting at that time later on
			// ("27.09.2020 11 Uhr" … "Von 11 bis 12 Uhr können die Besucher …")
			// gives its end; any other time is about something else.
			b.endFromRange(gi, lt)
			continue
		}
		if gi < 0 && next < len(b.groups) {
			g := b.groups[next]
			if int(p.t[g.from].start-p.t[lt.to-1].end) <= farAfter && b.farTarget(next) {
				gi = next
			}
		}
		if gi < 0 {
			continue
		}
		b.applyTimes(gi, timesFound{ev: lt, hasEv: true}, true)
	}
}

// endFromRange gives the events of group gi that have a start but no end
// the end of the range lt when lt starts at their start.
func (b *builder) endFromRange(gi int, lt timeSpec) {
	if !lt.hasStart || !lt.hasEnd {
		return
	}
	g := b.groups[gi]
	for x := g.lo; x < g.hi; x++ {
		if r := &b.recs[x]; r.kind == KindEvent && r.hasStart && !r.hasEnd && !r.multi && r.startClk == lt.start {
			r.endClk, r.hasEnd = lt.end, true
		}
	}
}

// farTarget reports whether group gi is an event date still without a time.
func (b *builder) farTarget(gi int) bool {
	g := b.groups[gi]
	if g.hasEv || g.lo == g.hi {
		return false
	}
	for x := g.lo; x < g.hi; x++ {
		r := b.recs[x]
		if r.kind != KindEvent || r.hasStart || r.hasEnd || !r.exact.IsZero() {
			return false
		}
	}
	return true
}

// lineBreakIn reports a line break between token from-1 and token to.
func (p *parser) lineBreakIn(from, to int) bool {
	for k := from; k <= to && k < len(p.t); k++ {
		if p.t[k].nl {
			return true
		}
	}
	return false
}
