package dates

import "strings"

// group is one date expression with the times written with it: a single
// date, a list of dates sharing their times ("am 27. und 28. März um 10:00
// Uhr"), or a range ("vom 22. Jul 2019 - 16:00 bis 1. Aug 2019 - 20:00").
type group struct {
	dateExpr            // the dates; first is the first token
	tA       timesFound // times for the first item, or for all items of a list
	tB       timesFound // times written after the end of a range
	to       int        // token after the last one of the expression
}

// group matches a date expression at token i, then the times written with it
// and, for a single date, a range to a second date.
func (p *parser) group(i int, g *group) bool {
	if p.englishRange(i, g) {
		return true
	}
	if !p.dateExpr(i, &g.dateExpr) {
		return false
	}
	g.tA, g.tB, g.to = timesFound{}, timesFound{}, g.end
	if g.n == 1 && !g.isRange {
		if p.rangeTo(g) {
			return true
		}
		if !g.items[0].hasClock {
			p.listOf(g)
		}
	}
	if !g.items[0].hasClock {
		g.tA = p.window(g.to, 6)
		g.to = max(g.to, g.tA.to)
	}
	return true
}

// englishRange reads the English "November 4 to 6, 2022" and "March 14 - 16":
// a month-first date whose day is followed by "to" or a dash and a second
// day of the same month, then the year.
func (p *parser) englishRange(i int, g *group) bool {
	k := p.kw(i)
	if !k.isMonth() {
		return false
	}
	j := i + 1
	if p.isPunct(j, pDot) && p.tight(j) && abbrevMonth(p.text(i)) {
		j++
	}
	d1, ok := p.num(j, 2)
	if !ok || d1 < 1 || d1 > 31 || p.newline(j) || p.glued(j) {
		return false
	}
	j++
	if p.kw(j) == kwOrdSuf && p.tight(j) {
		j++
	}
	if !(p.isPunct(j, pDash) || strings.EqualFold(p.text(min(j, len(p.t)-1)), "to")) || p.newline(j) {
		return false
	}
	j++
	d2, ok := p.num(j, 2)
	if !ok || d2 <= d1 || d2 > 31 || p.newline(j) {
		return false
	}
	j++
	if p.kw(j) == kwOrdSuf && p.tight(j) {
		j++
	}
	y := j
	if p.isPunct(y, pComma) {
		y++
	}
	lit1 := dateLit{d: d1, m: k.month(), wd: -1, first: i, end: j}
	lit2 := dateLit{d: d2, m: k.month(), wd: -1, first: j - 1, end: j}
	if v, ok := p.numN(y, 4); ok && !p.newline(y) && v >= minYear && v <= maxYear {
		lit1.y, lit2.y, lit2.end = v, v, y+1
	}
	g.dateExpr.items[0], g.dateExpr.items[1] = lit1, lit2
	g.n, g.isRange, g.first, g.end = 2, true, i, lit2.end
	g.tA, g.tB, g.to = timesFound{}, timesFound{}, lit2.end
	g.tB = p.window(g.to, 6)
	g.to = max(g.to, g.tB.to)
	return true
}

// rangeTo extends a single date into a range: "22. Jul 2019 - 16:00 bis 1.
// Aug 2019 - 20:00", "vom 30.12. bis 2.1.2022", "12.04. – 16.04.2021".
func (p *parser) rangeTo(g *group) bool {
	tA := timesFound{}
	k := g.to
	if !g.items[0].hasClock {
		tA = p.window(g.to, 2)
		if tA.to > 0 {
			k = tA.to
		}
	}
	c, k2 := p.connector(k)
	if c != connRange || p.newline(k2) {
		return false
	}
	e2 := &p.scratch
	if !p.dateExpr(k2, e2) || e2.n != 1 {
		return false
	}
	g.items[1] = e2.items[0]
	g.n, g.isRange, g.tA = 2, true, tA
	g.to = e2.end
	if !g.items[1].hasClock {
		g.tB = p.window(g.to, 6)
		g.to = max(g.to, g.tB.to)
	}
	return true
}

// listOf extends a single date into a list of full dates sharing the times
// written after the last one: "05.11. und 06.11.2021 jeweils 10 Uhr".
func (p *parser) listOf(g *group) {
	for g.n < maxItems {
		c, k := p.connector(g.to)
		if c != connList || p.newline(k) {
			return
		}
		e := &p.scratch
		if !p.dateExpr(k, e) || e.isRange || e.items[0].hasClock {
			return
		}
		for x := 0; x < e.n && g.n < maxItems; x++ {
			g.items[g.n] = e.items[x]
			g.n++
		}
		g.to = e.end
	}
}
