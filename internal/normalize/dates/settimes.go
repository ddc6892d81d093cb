package dates

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
