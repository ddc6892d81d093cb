package dates

import "strings"

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
