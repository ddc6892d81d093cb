package dates

// attachLoose gives times written apart from any date ("Am 3. Mai treffen
// wir uns. Beginn 18 Uhr.") to the nearest date expression on the same line:
// the one before within 200 bytes, else the one after within 60 bytes.
// Loose times and groups are both in text order, so one forward pointer
// finds the neighbours: linear, not loose×groups.
func (b *builder) attachLoose() {
	p := b.p
	next := 0 // first group starting at or after the current loose time
	for _, lt := range b.loose {
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
		if gi < 0 || b.groups[gi].lo == b.groups[gi].hi || b.recs[b.groups[gi].lo].kind == KindMention {
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
