package dates

import (
	"unicode"
	"unicode/utf8"
)

// tokKind is the class of a token. The grammar works on tokens, never on raw
// bytes or regular expressions: one pass over the text makes the tokens, and
// every rule afterwards looks at a bounded number of them, so Extract stays
// linear in the length of the text.
type tokKind uint8

const (
	tNum tokKind = iota + 1
	tWord
	tPunct
)

// token is one number, word or punctuation mark of the input.
type token struct {
	start, end int32 // byte offsets [start,end) in the input
	val        int32 // tNum: value (-1 when more than 9 digits); tWord: keyword (kwNone if none); tPunct: the mark
	ndig       uint8 // tNum: number of digits
	kind       tokKind
	sp         bool // whitespace precedes the token
	nl         bool // a line break precedes the token
}

// Punctuation marks as stored in token.val. All dashes (hyphen, en dash, em
// dash, minus) are '-': German writes ranges with any of them.
const (
	pDot    = '.'
	pColon  = ':'
	pDash   = '-'
	pSlash  = '/'
	pComma  = ','
	pPipe   = '|'
	pPlus   = '+'
	pAmp    = '&'
	pParen  = '('
	pClose  = ')'
	pBang   = '!'
	pQuest  = '?'
	pSemi   = ';'
	pOther  = '#'
	maxWord = 24 // longest keyword, in folded bytes
)

// tokenize splits s into tokens, appending to buf (reused across calls).
func tokenize(s string, buf []token) []token {
	toks := buf[:0]
	sp, nl := true, true
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n' || c == '\r':
			sp, nl = true, true
			i++
		case c == ' ' || c == '\t' || c == '\f' || c == '\v':
			sp = true
			i++
		case c >= '0' && c <= '9':
			j, v := i, int64(0)
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				if v < 1e9 {
					v = v*10 + int64(s[j]-'0')
				}
				j++
			}
			t := token{start: int32(i), end: int32(j), kind: tNum, sp: sp, nl: nl, val: int32(v)}
			if j-i > 9 {
				t.val = -1
			}
			if j-i > 255 {
				t.ndig = 255
			} else {
				t.ndig = uint8(j - i)
			}
			toks = append(toks, t)
			sp, nl = false, false
			i = j
		case c < utf8.RuneSelf:
			if isASCIILetter(c) {
				j, kw := scanWord(s, i)
				toks = append(toks, token{start: int32(i), end: int32(j), kind: tWord, sp: sp, nl: nl, val: int32(kw)})
				sp, nl = false, false
				i = j
				continue
			}
			toks = append(toks, token{start: int32(i), end: int32(i + 1), kind: tPunct, sp: sp, nl: nl, val: int32(asciiPunct(c))})
			sp, nl = false, false
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == 0x2028 || r == 0x2029 || r == 0x85:
				sp, nl = true, true
				i += size
			case r != utf8.RuneError && (unicode.IsSpace(r) || r == 0x200B):
				sp = true
				i += size
			case r != utf8.RuneError && unicode.IsLetter(r):
				j, kw := scanWord(s, i)
				toks = append(toks, token{start: int32(i), end: int32(j), kind: tWord, sp: sp, nl: nl, val: int32(kw)})
				sp, nl = false, false
				i = j
			default:
				p := int32(pOther)
				if r >= 0x2010 && r <= 0x2015 || r == 0x2212 {
					p = pDash
				}
				toks = append(toks, token{start: int32(i), end: int32(i + size), kind: tPunct, sp: sp, nl: nl, val: p})
				sp, nl = false, false
				i += size
			}
		}
	}
	return toks
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func asciiPunct(c byte) byte {
	switch c {
	case '.', ':', '-', '/', ',', '|', '+', '&', '(', ')', '!', '?', ';':
		return c
	case '[':
		return pParen
	case ']':
		return pClose
	}
	return pOther
}

// scanWord reads the word starting at s[i] and looks it up as a keyword. The
// word is lower-cased and folded (ä→a, ö→o, ü→u, ß→ss) into a small stack
// buffer so that "März", "MÄRZ" and "Marz" meet the same table entry without
// allocating; "Maerz"-style spellings have their own entries. The hash for
// the keyword table is computed while folding, so each word is read once.
func scanWord(s string, i int) (end int, kw kwID) {
	var buf [maxWord]byte
	n, fits, h := 0, true, uint32(fnvOffset)
	j := i
	for j < len(s) {
		c := s[j]
		if c < utf8.RuneSelf {
			if !isASCIILetter(c) {
				break
			}
			j++
			if fits && n < maxWord {
				buf[n] = c | 0x20
				n++
				h = (h ^ uint32(c|0x20)) * fnvPrime
			} else {
				fits = false
			}
			continue
		}
		var f0, f1 byte // folded bytes (f1 only for ß)
		size := 1
		{
			var r rune
			r, size = utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError || !unicode.IsLetter(r) {
				break
			}
			switch r {
			case 'ä', 'Ä':
				f0 = 'a'
			case 'ö', 'Ö':
				f0 = 'o'
			case 'ü', 'Ü':
				f0 = 'u'
			case 'ß', 'ẞ':
				f0, f1 = 's', 's'
			default:
				fits = false // a letter no keyword has
			}
		}
		j += size
		for _, b := range [2]byte{f0, f1} {
			if b == 0 || !fits {
				continue
			}
			if n == maxWord {
				fits = false
				break
			}
			buf[n] = b
			n++
			h = (h ^ uint32(b)) * fnvPrime
		}
	}
	if !fits || n == 0 {
		return j, kwNone
	}
	return j, lookupKeyword(buf[:n], h)
}
