package dates

// parser holds the tokens of one text. Every grammar rule is a method taking
// a token index and returning what it matched plus the index after it; a rule
// that fails returns ok=false and consumes nothing. Rules only look a bounded
// number of tokens ahead, which keeps Extract linear.
type parser struct {
	s     string
	t     []token
	ref   civil
	noRef bool // ref was the zero time: nothing can be inferred from it

	// Scratch space for rules that look ahead at a second date expression
	// (ranges, lists) and for probing whether a date starts somewhere; kept
	// here because a dateExpr is large and rules run at every token.
	scratch, probe dateExpr
}

func (p *parser) kw(i int) kwID {
	if i >= 0 && i < len(p.t) && p.t[i].kind == tWord {
		return kwID(p.t[i].val)
	}
	return kwNone
}

func (p *parser) isPunct(i int, c byte) bool {
	return i >= 0 && i < len(p.t) && p.t[i].kind == tPunct && p.t[i].val == int32(c)
}

// num returns the value of a number token with at most maxDigits digits.
func (p *parser) num(i, maxDigits int) (int, bool) {
	if i < 0 || i >= len(p.t) || p.t[i].kind != tNum || int(p.t[i].ndig) > maxDigits || p.t[i].val < 0 {
		return 0, false
	}
	return int(p.t[i].val), true
}

// numN returns the value of a number token with exactly n digits.
func (p *parser) numN(i, n int) (int, bool) {
	if i < 0 || i >= len(p.t) || p.t[i].kind != tNum || int(p.t[i].ndig) != n || p.t[i].val < 0 {
		return 0, false
	}
	return int(p.t[i].val), true
}

// tight reports that token i exists and follows the previous one without space.
func (p *parser) tight(i int) bool { return i > 0 && i < len(p.t) && !p.t[i].sp }

// newline reports that token i starts a new line.
func (p *parser) newline(i int) bool { return i < len(p.t) && p.t[i].nl }

// sentenceEnd reports that token i is a full stop, ! or ? closing a sentence:
// followed by whitespace or the end, and not the dot of an ordinal number.
func (p *parser) sentenceEnd(i int) bool {
	if i >= len(p.t) || p.t[i].kind != tPunct {
		return false
	}
	switch p.t[i].val {
	case pBang, pQuest, pSemi:
		return true
	case pDot:
		if i+1 < len(p.t) && !p.t[i+1].sp {
			return false
		}
		return i == 0 || p.t[i-1].kind != tNum || p.t[i-1].ndig == 4
	}
	return false
}

// glued reports that token i is attached to a preceding number or to a
// preceding dot or colon that follows a number ("1.2.3.4", "10:12:13"): then a
// date or time starting at i is a fragment of something longer.
func (p *parser) glued(i int) bool {
	if !p.tight(i) {
		return false
	}
	prev := p.t[i-1]
	if prev.kind == tNum {
		return true
	}
	if prev.kind == tPunct && (prev.val == pDot || prev.val == pColon) {
		return i >= 2 && p.t[i-2].kind == tNum && !p.t[i-1].sp
	}
	return false
}

func (p *parser) text(i int) string { return p.s[p.t[i].start:p.t[i].end] }
