package gazetteer

import (
	"unicode"
	"unicode/utf8"
)

// Hit is a place name found in a text.
type Hit struct {
	Start, End int             // byte offsets of the name in the text
	Munis      []*Municipality // Saxon municipalities of that name (nil for the others)
	Region     string          // region slug when the name is a district or landscape ("Vogtland") or a city part
	Part       bool            // a part of a kreisfreie Stadt ("Löbtau", "Connewitz"): Region is that city's
	Outside    bool            // a place outside Saxony ("Berlin", "Halle (Saale)")
	Weak       bool            // the name is also a common word or a place elsewhere
}

// Scan calls fn for every known place name in text, left to right, longest
// match first: Saxon municipalities (also "Leipzig-Connewitz"), district and
// landscape names, places outside Saxony. A name must start with a capital
// letter at a word boundary. Scan does not allocate per word.
func Scan(text string, fn func(Hit)) {
	t := data()
	var buf []byte
	var ends [8]int // byte end of the 1st, 2nd, … word from the start
	inWord := false
	for i := 0; i < len(text); {
		c := text[i]
		upper, size := false, 1
		if c < utf8.RuneSelf {
			upper = 'A' <= c && c <= 'Z'
			if !upper {
				inWord = 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
				i++
				continue
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			upper = unicode.IsUpper(r)
			if !upper {
				inWord = unicode.IsLetter(r) || unicode.IsDigit(r)
				i += size
				continue
			}
		}
		if inWord { // a capital inside a word ("LeipZig")
			i += size
			continue
		}
		// cheapest test first: the first three letters start no name
		if p, ok := prefix3(text[i:min(i+3, len(text))]); ok && !t.pre3[p] {
			i, inWord = i+1, true
			continue
		}
		// then the letters of the word must begin some name
		h := i
		for h < len(text) {
			if c := text[h]; c < utf8.RuneSelf {
				if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
					break
				}
				h++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[h:])
			if !unicode.IsLetter(r) {
				break
			}
			h += size
		}
		if h == i {
			h = i + size // an upper-case symbol that is no letter ("Ⓐ", "Ⅻ")
		}
		buf = foldAppend(buf[:0], text[i:h])
		if !t.head[string(buf)] {
			i, inWord = h, true
			continue
		}
		wordEnds(text, i, ends[:1])
		buf = foldAppend(buf[:0], text[i:ends[0]])
		if !t.first[string(trimDot(buf))] && !t.first[string(firstPart(buf))] {
			i, inWord = ends[0], true
			continue
		}
		n := wordEnds(text, i, ends[:min(t.maxWords, len(ends))])
		if h, ok := t.match(text, i, ends[:n], &buf); ok {
			fn(h)
			i, inWord = h.End, true
			continue
		}
		i, inWord = ends[0], true
	}
}

// match tries the longest run of words starting at start that is a known name.
func (t *tables) match(text string, start int, ends []int, buf *[]byte) (Hit, bool) {
	for k := len(ends) - 1; k >= 0; k-- {
		*buf = foldAppend((*buf)[:0], text[start:ends[k]])
		key := *buf
		if h, ok := t.hit(key, start, ends[k]); ok {
			return h, true
		}
		if d := trimDot(key); len(d) < len(key) {
			if h, ok := t.hit(d, start, ends[k]-1); ok {
				return h, true
			}
		}
		if k == 0 {
			// "Leipzig-Connewitz": a municipality with a part appended.
			if p := firstPart(key); len(p) < len(key) {
				if ms := t.byName[string(p)]; ms != nil {
					return Hit{Start: start, End: ends[0], Munis: ms, Weak: t.weak[string(p)]}, true
				}
			}
		}
	}
	return Hit{}, false
}

func (t *tables) hit(key []byte, start, end int) (Hit, bool) {
	if ms := t.byName[string(key)]; ms != nil {
		return Hit{Start: start, End: end, Munis: ms, Weak: t.weak[string(key)]}, true
	}
	if slug, ok := t.aliases[string(key)]; ok {
		return Hit{Start: start, End: end, Region: slug}, true
	}
	if slug, ok := t.parts[string(key)]; ok {
		return Hit{Start: start, End: end, Region: slug, Part: true}, true
	}
	if t.outside[string(key)] {
		return Hit{Start: start, End: end, Outside: true}, true
	}
	return Hit{}, false
}

// wordEnds fills ends with the byte ends of up to len(ends) words starting at
// i that are separated by single runs of spaces, and returns how many it found.
// A word is letters and digits with inner "-", "/", "." or "'"; "(Saale)"
// in parentheses counts as a word so "Halle (Saale)" can match.
func wordEnds(text string, i int, ends []int) int {
	n := 0
	for n < len(ends) && i < len(text) {
		j := i
		paren := text[j] == '('
		if paren {
			j++
		}
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '\'' ||
				((r == '-' || r == '/' || r == '–') && j+size < len(text) && startsLetter(text[j+size:])) {
				j += size
				continue
			}
			if paren && r == ')' {
				j += size
			}
			break
		}
		if j == i || (paren && text[j-1] != ')') {
			break
		}
		ends[n] = j
		n++
		// next word after exactly spaces (no punctuation in between)
		k := j
		for k < len(text) && text[k] == ' ' {
			k++
		}
		if k == j || k >= len(text) {
			break
		}
		i = k
	}
	if n == 0 {
		ends[0] = min(i+1, len(text))
		n = 1
	}
	return n
}

func startsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// isWordByte reports whether the rune before i is a letter or digit, i.e. i is
// inside a word.
func isWordByte(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func trimDot(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '.' || b[len(b)-1] == '\'') {
		b = b[:len(b)-1]
	}
	return b
}

func firstPart(b []byte) []byte {
	for i, c := range b {
		if c == '-' || c == '/' {
			return b[:i]
		}
	}
	return b
}
