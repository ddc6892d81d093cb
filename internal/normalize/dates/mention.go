package dates

import "time"

// mention is a period named without a day: "seit Januar 2016", "im April
// 2016", "von Mai bis September 2021", "ab 2024", "2021-2023", "2015/16".
// Texts name such periods all the time (project runtimes, newsletters,
// laws); they are reported as KindMention so that callers never take them
// for the event's date.
type mention struct {
	start, end civil
	open       bool // "ab 2024", "seit Januar 2016": no end
	from, to   int
}

// mention matches a month-year or year period at token i.
func (p *parser) mention(i int) (mention, bool) {
	var m mention
	switch {
	case p.kw(i).isMonth():
		m1, j := p.kw(i).month(), i+1
		if p.isPunct(j, pDot) && p.tight(j) {
			j++
		}
		m2 := m1
		if c, k := p.connector(j); c == connRange && p.kw(k).isMonth() {
			m2, j = p.kw(k).month(), k+1
			if p.isPunct(j, pDot) && p.tight(j) {
				j++
			}
		}
		y, ok := p.numN(j, 4)
		if !ok || y < minYear || y > maxYear || p.newline(j) || m2 < m1 {
			return m, false
		}
		m.start, m.end, m.from, m.to = civil{y, m1, 1}, civil{y, m2, daysIn(y, m2)}, i, j+1
	case p.t[i].kind == tNum:
		y1, ok := p.numN(i, 4)
		if !ok || y1 < minYear || y1 > maxYear || p.glued(i) {
			return m, false
		}
		m.start, m.end, m.from, m.to = civil{y1, time.January, 1}, civil{y1, time.December, 31}, i, i+1
		c, k := p.connector(i + 1)
		if c == connRange || p.isPunct(i+1, pSlash) {
			y2, ok := p.numN(k, 4)
			if !ok && p.isPunct(i+1, pSlash) && p.tight(k) {
				// "2015/16"
				if v, ok2 := p.numN(k, 2); ok2 {
					y2, ok = y1/100*100+v, true
				}
			}
			if ok && y2 > y1 && y2 <= maxYear && !(p.tight(k+1) && p.t[k+1].kind == tNum) {
				m.end, m.to = civil{y2, time.December, 31}, k+1
				return p.openMention(m), true
			}
		}
		switch p.kw(i - 1) {
		case kwAb, kwSeit, kwBis, kwJahr, kwSpaetestens:
		default:
			return m, false // a bare year ("Bundestagswahl 2021") names nothing to report
		}
		if p.tight(i+1) && (p.isPunct(i+1, pDot) || p.isPunct(i+1, pColon)) && p.tight(i+2) && p.t[min(i+2, len(p.t)-1)].kind == tNum {
			return m, false
		}
	default:
		return m, false
	}
	return p.openMention(m), true
}

// openMention marks periods that start ("ab 2024", "seit Januar 2016") as open.
func (p *parser) openMention(m mention) mention {
	k := p.kw(m.from - 1)
	if k == kwAb || k == kwSeit {
		m.open = true
	}
	return m
}

// addMention records a period named without a day.
func (b *builder) addMention(m mention) {
	gi := b.newGroup(m.from, m.to)
	r := rec{kind: KindMention, start: m.start, end: m.end, multi: !m.open && m.end != m.start,
		from: m.from, to: m.to, conf: 0.6, group: gi}
	b.recs = append(b.recs, r)
	b.groups[gi].hi = len(b.recs)
	b.groups[gi].hasEv = true // a clock time never belongs to a month or a year
}
