package dates

import (
	"strings"
	"time"
)

// dateLit is one written calendar date, before year inference.
type dateLit struct {
	y, d  int // y == 0: no year written
	m     time.Month
	wd    int // weekday written with the date (0 = Sunday), -1 if none
	first int // first token (the weekday, if any)
	end   int // token after the date

	// ISO 8601 date-times carry their own clock and maybe a UTC offset.
	hasClock bool
	clock    clock
	hasOff   bool
	off      int // seconds east of UTC
}

const (
	minYear = 1900
	maxYear = 2100
	// maxItems bounds list expressions ("3., 10., 17. und 24. Mai") so that a
	// failing rule costs constant work per token.
	maxItems = 8
)

// weekdayPrefix matches "Fr,", "Freitag,", "Di.", "Freitag, dem" before a date.
func (p *parser) weekdayPrefix(i int) (wd, next int) {
	k := p.kw(i)
	if !k.isWeekday() {
		return -1, i
	}
	j := i + 1
	if p.isPunct(j, pDot) && p.tight(j) {
		j++
	}
	if p.isPunct(j, pComma) {
		j++
	}
	if p.kw(j) == kwDem {
		j++
	}
	return int(k.weekday()), j
}

// single matches one complete date: ISO 8601, numeric (19.3.2021, 07.07.21,
// 05.11.) or with a month name (21. Mai 2021, 22. Jul 2019, 3 Sept.), with an
// optional weekday in front.
func (p *parser) single(i int) (dateLit, bool) {
	wd, j := p.weekdayPrefix(i)
	if wd >= 0 && j == i+1 && p.tight(j) {
		return dateLit{}, false // "Mo3.5." is not a weekday prefix
	}
	if p.glued(j) {
		return dateLit{}, false
	}
	var d dateLit
	ok := false
	if wd >= 0 {
		// forms a weekday in front makes safe to read: "Fr., 28. 09. 18", a calendar tile "06\nSo 10.2013"
		if d, ok = p.numericSpaced(j); !ok {
			d, ok = p.tile(i, j)
		}
		if ok {
			if d.first == 0 {
				d.first = i
			}
			d.wd = wd
			return d, true
		}
	}
	if d, ok = p.iso(j); !ok {
		if d, ok = p.numeric(j); !ok {
			if d, ok = p.textual(j); !ok {
				d, ok = p.monthFirst(j)
			}
		}
	}
	if !ok {
		return dateLit{}, false
	}
	d.wd, d.first = wd, i
	return d, true
}

// iso matches 2021-05-21 and 2021-05-21T10:00[:00[.000]][Z|+02:00], and
// the basic format of iCalendar, 20210521T100000[Z].
func (p *parser) iso(i int) (dateLit, bool) {
	if v, ok := p.numN(i, 8); ok {
		return p.isoBasic(i, v)
	}
	y, ok1 := p.numN(i, 4)
	m, ok2 := p.numN(i+2, 2)
	d, ok3 := p.numN(i+4, 2)
	if !ok1 || !ok2 || !ok3 || !p.isPunct(i+1, pDash) || !p.isPunct(i+3, pDash) ||
		!p.tight(i+1) || !p.tight(i+2) || !p.tight(i+3) || !p.tight(i+4) ||
		y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return dateLit{}, false
	}
	lit := dateLit{y: y, m: time.Month(m), d: d, end: i + 5}
	j := i + 5
	if p.kw(j) != kwT || !p.tight(j) {
		if p.tight(j) && (p.t[j].kind == tNum || p.isPunct(j, pDash)) {
			return dateLit{}, false // 2021-05-210 or 2021-05-21-…
		}
		return lit, true
	}
	h, okH := p.numN(j+1, 2)
	mi, okM := p.numN(j+3, 2)
	if !okH || !okM || !p.tight(j+1) || !p.isPunct(j+2, pColon) || !p.tight(j+2) || !p.tight(j+3) {
		return lit, true // a bare "T" after the date: keep the date
	}
	j += 4
	if p.isPunct(j, pColon) && p.tight(j) && p.tight(j+1) {
		if _, ok := p.numN(j+1, 2); ok {
			j += 2
			if p.isPunct(j, pDot) && p.tight(j) && p.tight(j+1) && p.t[j+1].kind == tNum {
				j += 2 // fractional seconds
			}
		}
	}
	c := clock{h: h, m: mi}
	if !c.valid() {
		return dateLit{}, false
	}
	lit.hasClock, lit.clock = true, c
	switch {
	case p.kw(j) == kwZ && p.tight(j):
		lit.hasOff, lit.off = true, 0
		j++
	case (p.isPunct(j, pPlus) || p.isPunct(j, pDash)) && p.tight(j) && p.tight(j+1):
		sign := 1
		if p.isPunct(j, pDash) {
			sign = -1
		}
		if oh, ok := p.numN(j+1, 2); ok {
			om, k := 0, j+2
			if p.isPunct(k, pColon) && p.tight(k) && p.tight(k+1) {
				if v, ok := p.numN(k+1, 2); ok {
					om, k = v, k+2
				}
			}
			if oh <= 18 && om < 60 {
				lit.hasOff, lit.off = true, sign*(oh*3600+om*60)
				j = k
			}
		} else if v, ok := p.numN(j+1, 4); ok && v/100 <= 18 && v%100 < 60 {
			lit.hasOff, lit.off = true, sign*(v/100*3600+v%100*60)
			j += 2
		}
	}
	lit.end = j
	return lit, true
}

// numeric matches D.M.YYYY, D.M.YY and D.M. (the trailing dot is required
// without a year: "2.5" is a decimal, "2.5." a date).
func (p *parser) numeric(i int) (dateLit, bool) {
	d, ok1 := p.num(i, 2)
	m, ok2 := p.num(i+2, 2)
	if !ok1 || !ok2 || d < 1 || d > 31 || m < 1 || m > 12 ||
		!p.isPunct(i+1, pDot) || !p.tight(i+1) || !p.tight(i+2) ||
		!p.isPunct(i+3, pDot) || !p.tight(i+3) {
		return dateLit{}, false
	}
	lit := dateLit{d: d, m: time.Month(m), end: i + 4}
	j := i + 4
	if j < len(p.t) && p.t[j].kind == tNum {
		switch {
		case p.t[j].ndig == 4 && (p.tight(j) || !p.newline(j)):
			y := int(p.t[j].val)
			if y < minYear || y > maxYear {
				if p.tight(j) {
					return dateLit{}, false
				}
				return lit, true // "am 3.5. 3000 Leute": the number is not a year
			}
			lit.y, lit.end = y, j+1
		case p.t[j].ndig == 2 && p.tight(j):
			lit.y, lit.end = 2000+int(p.t[j].val), j+1
		case p.tight(j):
			return dateLit{}, false // 1.2.345
		}
	}
	if lit.y != 0 {
		// 1.2.2021.5 or 10.10.10.10 is a version or an address, not a date.
		k := lit.end
		if (p.isPunct(k, pDot) || p.isPunct(k, pColon)) && p.tight(k) && p.tight(k+1) && p.t[k+1].kind == tNum {
			return dateLit{}, false
		}
	}
	return lit, true
}

// numericSpaced matches "28. 09. 18" and "28. 09. 2018": a numeric date
// with spaces after the dots, read only after a weekday.
func (p *parser) numericSpaced(i int) (dateLit, bool) {
	d, ok1 := p.num(i, 2)
	m, ok2 := p.num(i+2, 2)
	if !ok1 || !ok2 || d < 1 || d > 31 || m < 1 || m > 12 || !p.isPunct(i+1, pDot) || !p.tight(i+1) ||
		p.tight(i+2) || p.newline(i+2) || !p.isPunct(i+3, pDot) || !p.tight(i+3) {
		return dateLit{}, false
	}
	lit := dateLit{d: d, m: time.Month(m), end: i + 4}
	j := i + 4
	if j < len(p.t) && p.t[j].kind == tNum && !p.newline(j) && !p.tight(j) {
		switch y := int(p.t[j].val); p.t[j].ndig {
		case 2:
			lit.y, lit.end = 2000+y, j+1
		case 4:
			if y >= minYear && y <= maxYear {
				lit.y, lit.end = y, j+1
			}
		}
	}
	return lit, true
}

// tile matches a calendar tile: the day alone on its line, then the weekday
// and "MM.YYYY" on the next ("06\nSo 10.2013"). i is the weekday, j the
// token after it.
func (p *parser) tile(i, j int) (dateLit, bool) {
	if i < 1 || !p.newline(i) || !p.newline(i-1) {
		return dateLit{}, false
	}
	d, ok := p.num(i-1, 2)
	m, ok2 := p.num(j, 2)
	y, ok3 := p.numN(j+2, 4)
	if !ok || !ok2 || !ok3 || d < 1 || d > 31 || m < 1 || m > 12 || !p.isPunct(j+1, pDot) || !p.tight(j+1) ||
		!p.tight(j+2) || y < minYear || y > maxYear || p.tight(j+3) && j+3 < len(p.t) && p.t[j+3].kind == tNum {
		return dateLit{}, false
	}
	return dateLit{d: d, m: time.Month(m), y: y, first: i - 1, end: j + 3}, true
}

// textual matches "21. Mai 2021", "3. September", "22. Jul 2019", "1 Sept. 2021".
func (p *parser) textual(i int) (dateLit, bool) {
	d, ok := p.num(i, 2)
	if !ok || d < 1 || d > 31 {
		return dateLit{}, false
	}
	j := i + 1
	if p.isPunct(j, pDot) && p.tight(j) {
		j++
	} else if p.kw(j) == kwOrdSuf && p.tight(j) {
		j++ // "18th March"
	}
	k := p.kw(j)
	if !k.isMonth() || p.newline(j) {
		return dateLit{}, false
	}
	lit := dateLit{d: d, m: k.month(), end: j + 1}
	j++
	if p.isPunct(j, pDot) && p.tight(j) && abbrevMonth(p.text(j-1)) {
		j++
		lit.end = j
	}
	if y, ok := p.numN(j, 4); ok && !p.newline(j) && y >= minYear && y <= maxYear {
		lit.y, lit.end = y, j+1
	}
	return lit, true
}

// monthFirst matches the English order, month before day: "September
// 19th", "Jan 22, 2020", "March 14th 2022". German writes "Mai 12" for
// other things ("Mai 12 Teilnehmende"), so the day needs an ordinal suffix
// or a year after a comma to be taken.
func (p *parser) monthFirst(i int) (dateLit, bool) {
	k := p.kw(i)
	if !k.isMonth() {
		return dateLit{}, false
	}
	j := i + 1
	if p.isPunct(j, pDot) && p.tight(j) && abbrevMonth(p.text(i)) {
		j++
	}
	d, ok := p.num(j, 2)
	if !ok || d < 1 || d > 31 || p.newline(j) || p.glued(j) {
		return dateLit{}, false
	}
	j++
	suffix := false
	if p.kw(j) == kwOrdSuf && p.tight(j) {
		suffix = true
		j++
	}
	if p.tight(j) && (p.t[j].kind == tNum || p.isPunct(j, pDot) || p.isPunct(j, pColon)) {
		return dateLit{}, false // "Mai 12.5", "Mai 10:30"
	}
	lit := dateLit{d: d, m: k.month(), end: j}
	y := j
	if p.isPunct(y, pComma) {
		y++
	}
	if v, ok := p.numN(y, 4); ok && !p.newline(y) && v >= minYear && v <= maxYear {
		lit.y, lit.end = v, y+1
		return lit, true
	}
	if !suffix {
		return dateLit{}, false
	}
	return lit, true
}

// abbrevMonth reports that a month word is an abbreviation whose dot belongs
// to it ("Jan.", "Sept."), unlike "Mai." at the end of a sentence.
func abbrevMonth(w string) bool {
	switch strings.ToLower(w) {
	case "jan", "feb", "febr", "mrz", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dez", "dec":
		return true
	}
	return false
}

// dayOnly matches the "15." of "15. – 28. März" or "27." of "27. und 28. März":
// a day number with its dot that is not itself the start of a full date.
func (p *parser) dayOnly(i int) (d, wd, next int, ok bool) {
	wd, j := p.weekdayPrefix(i)
	d, ok = p.num(j, 2)
	if !ok || d < 1 || d > 31 || !p.isPunct(j+1, pDot) || !p.tight(j+1) || p.glued(j) {
		return 0, 0, 0, false
	}
	if p.tight(j+2) && p.t[j+2].kind == tNum {
		return 0, 0, 0, false // 12.03. is a numeric date
	}
	return d, wd, j + 2, true
}

type connKind uint8

const (
	connNone  connKind = iota
	connRange          // -, bis
	connList           // und, ",", /, &, sowie
)

// connector matches what joins two dates: a range ("-", "bis") or a list.
func (p *parser) connector(i int) (connKind, int) {
	switch {
	case p.isPunct(i, pDash) || p.kw(i) == kwBis:
		j := i + 1
		if p.kw(i) == kwBis && p.kw(j) == kwZum {
			j++
		}
		return connRange, j
	case p.kw(i) == kwUnd || p.isPunct(i, pComma) || p.isPunct(i, pSlash) || p.isPunct(i, pAmp):
		return connList, i + 1
	}
	return connNone, i
}

// dateExpr is a date or a run of dates written as one expression.
type dateExpr struct {
	items   [maxItems]dateLit
	n       int
	isRange bool // items[0]..items[1] is one multi-day occurrence
	first   int
	end     int
}

// dateExpr matches a single date or day lists and ranges that share a month:
// "15. – 28. März 2021", "vom 15.-28. März", "27. und 28. März", "27./28.3.",
// "12.-16.04.2021". Day-only items take month and year from the final date.
func (p *parser) dateExpr(i int, e *dateExpr) bool {
	e.n, e.isRange, e.first, e.end = 0, false, i, 0
	nd, j := 0, i
	kind := connNone
	for nd < maxItems-1 {
		d, wd, k, ok := p.dayOnly(j)
		if !ok {
			break
		}
		c, k2 := p.connector(k)
		if c == connNone || (kind != connNone && c != kind) || (c == connRange && nd > 0) {
			break
		}
		e.items[nd] = dateLit{d: d, wd: wd, first: j, end: k}
		nd++
		kind, j = c, k2
	}
	last, ok := p.single(j)
	if !ok {
		return false // "10. und 11. Klasse" names no date
	}
	for k := 0; k < nd; k++ {
		e.items[k].m, e.items[k].y = last.m, last.y
	}
	e.items[nd] = last
	e.n = nd + 1
	e.isRange = kind == connRange
	e.end = last.end
	return true
}

// isoBasic matches 20210521T1000, 20210521T100000 and 20210521T100000Z. A
// bare 8-digit number is not taken for a date: it is as likely an ID.
func (p *parser) isoBasic(i, v int) (dateLit, bool) {
	lit := dateLit{y: v / 10000, m: time.Month(v / 100 % 100), d: v % 100}
	if p.kw(i+1) != kwT || !p.tight(i+1) || !p.tight(i+2) || p.t[min(i+2, len(p.t)-1)].kind != tNum ||
		lit.y < minYear || lit.y > maxYear || lit.m < 1 || lit.m > 12 || lit.d < 1 || lit.d > 31 {
		return dateLit{}, false
	}
	hms, nd := int(p.t[i+2].val), p.t[i+2].ndig
	switch nd {
	case 4:
		lit.clock = clock{h: hms / 100, m: hms % 100}
	case 6:
		lit.clock = clock{h: hms / 10000, m: hms / 100 % 100}
	default:
		return dateLit{}, false
	}
	if !lit.clock.valid() || lit.clock.h == 24 {
		return dateLit{}, false
	}
	lit.hasClock, lit.end = true, i+3
	if p.kw(i+3) == kwZ && p.tight(i+3) {
		lit.hasOff, lit.end = true, i+4
	}
	return lit, true
}
