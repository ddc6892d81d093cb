package dates

// clock is a wall-clock time of day; h may be 24 for the midnight ending a day.
type clock struct{ h, m int }

func (c clock) valid() bool {
	return c.h >= 0 && c.h <= 24 && c.m >= 0 && c.m <= 59 && (c.h < 24 || c.m == 0)
}

type timeRole uint8

const (
	roleEvent timeRole = iota // the event's own time ("14 Uhr", "10-16 Uhr", "Beginn 18:30")
	roleDoors                 // "Einlass 18 Uhr"
)

// timeSpec is a written time of day or time range.
type timeSpec struct {
	start, end       clock
	hasStart, hasEnd bool
	role             timeRole
	valid            bool // false for "25:00 Uhr": consumed so it attaches nowhere, then ignored
	from, to         int  // tokens [from,to)
}

// clockAt matches 14, 14:30, 14.30, 14:30:00 with an optional "Uhr" or
// tight "h" ("14:30h", "20h"). dot reports the 14.30 form, which is only a
// time when "Uhr"/"h" is written (else it may be a decimal or a date).
func (p *parser) clockAt(i int) (c clock, next int, colon, dot, suffix, ok bool) {
	if h, ok := p.hourWord(i); ok {
		return clock{h: h}, i + 2, false, false, true, true // "um zehn Uhr"
	}
	h, ok := p.num(i, 2)
	if !ok || p.glued(i) {
		return clock{}, i, false, false, false, false
	}
	c.h = h
	j := i + 1
	if (p.isPunct(j, pColon) || p.isPunct(j, pDot)) && p.tight(j) && p.tight(j+1) {
		if mi, ok := p.numN(j+1, 2); ok {
			colon = p.isPunct(j, pColon)
			dot = !colon
			c.m = mi
			j += 2
			if colon && p.isPunct(j, pColon) && p.tight(j) && p.tight(j+1) {
				if _, ok := p.numN(j+1, 2); ok {
					j += 2 // seconds
				}
			}
		}
	}
	if p.tight(j) && p.t[j].kind == tNum {
		return clock{}, i, false, false, false, false // 14:305, 12.345
	}
	if !colon && !dot && p.isPunct(j, pDot) && p.tight(j) {
		return clock{}, i, false, false, false, false // "1." is an ordinal: "bis 1. Aug"
	}
	switch {
	case p.kw(j) == kwUhr && !p.newline(j):
		suffix = true
		j++
	case p.kw(j) == kwH && p.tight(j):
		suffix = true
		j++
	default:
		if pm, k, ok := p.meridiem(j); ok && c.h >= 1 && c.h <= 12 {
			c.h %= 12
			if pm {
				c.h += 12
			}
			suffix, j = true, k
		}
	}
	return c, j, colon, dot, suffix, true
}

// hourWords are the hours written as words before "Uhr".
var hourWords = map[string]int{"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
	"sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
	"fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20}

// hourWord matches "zehn Uhr", "elf Uhr": an hour as a word, "Uhr" required.
func (p *parser) hourWord(i int) (int, bool) {
	if i >= len(p.t) || p.t[i].kind != tWord || p.kw(i+1) != kwUhr || p.newline(i+1) {
		return 0, false
	}
	w := p.text(i)
	if len(w) > 9 {
		return 0, false
	}
	var buf [9]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[k] = c
	}
	h, ok := hourWords[string(buf[:len(w)])]
	return h, ok
}

// meridiem matches the English 12-hour marks after a clock: "p.m.", "a.m.",
// "pm", "PM", and "am" only glued to the number ("10am": a spaced "10 am"
// is German "am", as in "um 10 am Bahnhof").
func (p *parser) meridiem(j int) (pm bool, next int, ok bool) {
	if j >= len(p.t) || p.t[j].kind != tWord || p.newline(j) {
		return false, j, false
	}
	switch w := p.text(j); {
	case p.kw(j) == kwPM:
		return true, j + 1, true
	case p.kw(j) == kwAm && p.tight(j):
		return false, j + 1, true
	case (w == "p" || w == "a" || w == "P" || w == "A") && p.isPunct(j+1, pDot) && p.tight(j+1) && p.tight(j+2) &&
		j+2 < len(p.t) && (p.text(j+2) == "m" || p.text(j+2) == "M"):
		k := j + 3
		if p.isPunct(k, pDot) && p.tight(k) {
			k++
		}
		return w == "p" || w == "P", k, true
	}
	return false, j, false
}

// endsPM reports that the clock ending before token j was marked "pm"/"p.m.".
func (p *parser) endsPM(j int) bool {
	k := j - 1
	if p.isPunct(k, pDot) {
		k--
	}
	if k < 0 || k >= len(p.t) || p.t[k].kind != tWord {
		return false
	}
	if p.kw(k) == kwPM {
		return true
	}
	w := p.text(k)
	return (w == "m" || w == "M") && k >= 2 && (p.text(k-2) == "p" || p.text(k-2) == "P")
}

// pmRange reads "3-5 p.m." as 15:00–17:00: the mark written once after a
// range holds for its start too when the start would otherwise lie more
// than twelve hours before the end.
func pmRange(c1, c2 clock) clock {
	if c2.h > 12 && c1.h+12 <= c2.h && c1.h >= 1 {
		c1.h += 12
	}
	return c1
}

// timeSpec matches a time expression with its cue words: "14 Uhr",
// "14.30 Uhr", "14:30h", "ab 18 Uhr", "bis 17 Uhr", "um 10:00 Uhr",
// "17:00-19:30 Uhr", "16-20h", "von 13 bis 19 Uhr", "zwischen 15 und 17 Uhr",
// "Uhrzeit: 18:00", "Beginn 18:30", "Einlass: 18 Uhr". A bare number is a time
// only when "Uhr"/"h" or a colon says so.
func (p *parser) timeSpec(i int) (timeSpec, bool) {
	j := i
	role, endOnly := roleEvent, false
	switch p.kw(j) {
	case kwEinlass:
		role = roleDoors
		j++
	case kwBeginn, kwUhrzeit:
		j++
	case kwEnde:
		endOnly = true
		j++
	}
	if j > i && p.isPunct(j, pColon) {
		j++
	}
	// Up to two prepositions: "um", "ab ca.", "von", "bis", "zwischen", "gegen".
	between, open := false, false
prep:
	for n := 0; n < 2; n, j = n+1, j+1 {
		switch p.kw(j) {
		case kwUm, kwVom:
		case kwAb:
			open = true
		case kwBis:
			endOnly = true
		case kwZwischen:
			between = true
		case kwCa:
			if p.isPunct(j+1, pDot) && p.tight(j+1) {
				j++
			}
		default:
			break prep
		}
	}
	c1, j1, colon1, dot1, suf1, ok := p.clockAt(j)
	if !ok {
		return timeSpec{}, false
	}
	ts := timeSpec{from: i, to: j1, valid: c1.valid() && c1.h < 24}
	strong := colon1 || suf1
	if dot1 && !suf1 {
		strong = false
	}
	// A range: "17:00-19:30 Uhr", "15 bis 17 Uhr", "zwischen 15 und 17 Uhr".
	if !endOnly && !open {
		k := j1
		isConn := p.isPunct(k, pDash) || p.kw(k) == kwBis || (between && p.kw(k) == kwUnd)
		if isConn && !p.newline(k+1) {
			if c2, j2, colon2, dot2, suf2, ok := p.clockAt(k + 1); ok {
				rangeStrong := colon1 || suf1 || colon2 || suf2
				if (dot1 || dot2) && !suf1 && !suf2 {
					rangeStrong = false
				}
				if rangeStrong && (!dot1 || suf1 || suf2) {
					if !suf1 && p.endsPM(j2) {
						c1 = pmRange(c1, c2)
					}
					ts.end, ts.hasEnd, ts.to = c2, true, j2
					ts.valid = ts.valid && c2.valid()
					strong = true
				}
			}
		}
	}
	if !strong {
		return timeSpec{}, false
	}
	// A label after the time: "18 Uhr Einlass, 19 Uhr Beginn", "21 Uhr Ende".
	if j == i && !p.newline(ts.to) {
		switch p.kw(ts.to) {
		case kwEinlass:
			role = roleDoors
			ts.to++
		case kwBeginn:
			ts.to++
		case kwEnde:
			endOnly = !ts.hasEnd
			ts.to++
		}
	}
	ts.role = role
	switch {
	case endOnly && !ts.hasEnd:
		ts.end, ts.hasEnd = c1, true
		ts.valid = c1.valid()
	default:
		ts.start, ts.hasStart = c1, true
	}
	return ts, true
}

func timeLabel(k kwID) bool { return k == kwUhrzeit || k == kwBeginn || k == kwEinlass || k == kwEnde }

// timesFound is what a window after a date found.
type timesFound struct {
	ev, doors       timeSpec
	hasEv, hasDoors bool
	to              int // token after the last time consumed (0 when none)
}

// window collects the times written right after a date (or recurrence) that
// ends at token j: "24.11.2021 - 17:00-19:30 Uhr", "07.07.21 im Zeitraum 15
// bis 17 Uhr", "3. September 2021 sind von 13 bis 19 Uhr", "…2021, Einlass:
// 18 Uhr, Beginn 18:30". It skips at most maxSkip other tokens, and stops at
// the end of the sentence, at another date, and at a line break unless the
// new line starts with a time label ("Uhrzeit: 18:00").
func (p *parser) window(j, maxSkip int) timesFound {
	var f timesFound
	start, skipped := j, 0
	for j < len(p.t) {
		if j > start && p.newline(j) && !timeLabel(p.kw(j)) {
			break
		}
		if ts, ok := p.timeSpec(j); ok {
			if ts.role == roleDoors {
				if !f.hasDoors {
					f.doors, f.hasDoors = ts, true
				}
				j, f.to = ts.to, ts.to
				continue
			}
			if f.hasEv {
				if ts.hasStart || f.ev.hasEnd {
					break
				}
				// "Beginn: 17 Uhr, Ende: 19 Uhr"
				f.ev.end, f.ev.hasEnd, f.ev.valid = ts.end, true, f.ev.valid && ts.valid
				j, f.to = ts.to, ts.to
				continue
			}
			f.ev, f.hasEv = ts, true
			j, f.to = ts.to, ts.to
			continue
		}
		if p.sentenceEnd(j) || p.startsDate(j) {
			break
		}
		tk := p.t[j]
		if f.hasEv && tk.kind != tPunct {
			break // after the event time only a door time may follow
		}
		if tk.kind != tPunct || tk.val == pOther {
			skipped++
		}
		if skipped > maxSkip {
			break
		}
		j++
	}
	return f
}

// startsDate reports that a date expression or a recurrence starts at token i.
func (p *parser) startsDate(i int) bool {
	t := p.t[i]
	switch {
	case t.kind == tNum:
		return (t.ndig <= 2 || t.ndig == 4 || t.ndig == 8) && p.dateExpr(i, &p.probe)
	case t.kind != tWord || t.val == int32(kwNone):
		return false
	case (kwID(t.val).isWeekday() || kwID(t.val).isMonth()) && p.dateExpr(i, &p.probe):
		return true
	}
	_, ok := p.recurrence(i)
	return ok
}
