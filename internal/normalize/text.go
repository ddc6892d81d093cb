package normalize

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lower lower-cases s without changing its byte length, so offsets found in
// the result (and the Spans of the dates package) hold in the original:
// ASCII, German, Sorbian and Cyrillic letters whose lower case has the same
// width are mapped, the rest is kept.
func lower(s string) string {
	return string(appendLower(make([]byte, 0, len(s)), s))
}

// lowerASCII maps each ASCII byte to its lower case.
var lowerASCII = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

const (
	loBits = 0x0101010101010101
	hiBits = 0x8080808080808080
)

// appendLower appends the lower case of s (same byte length) to b.
func appendLower(b []byte, s string) []byte {
	n := len(b)
	b = append(b, s...) // the length never changes: write in place
	out := b[n:]
	for i := 0; i < len(s); {
		// eight ASCII bytes at a time (most of a German text): add 0x20 to
		// the bytes in 'A'..'Z', found by carries that stay within a byte
		if i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if x&hiBits == 0 {
				upper := (x + 0x3f*loBits) &^ (x + 0x25*loBits) & hiBits // ≥ 'A' and not > 'Z'
				binary.LittleEndian.PutUint64(out[i:], x|upper>>2)
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			out[i] = lowerASCII[c]
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); r != utf8.RuneError && l != r && utf8.RuneLen(l) == size {
			utf8.EncodeRune(out[i:], l)
		}
		i += size
	}
	return b
}

// hasWord reports whether w occurs in s as a word start (no letter before
// it). With whole set, no letter may follow either.
func hasWord(s, w string, whole bool) bool {
	return indexWord(s, w, whole, 0) >= 0
}

// indexWord returns the offset of the first occurrence of w at or after
// from that starts a word (and ends one when whole), or -1.
func indexWord(s, w string, whole bool, from int) int {
	for i := from; i <= len(s); {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return -1
		}
		j += i
		if !letterBefore(s, j) && (!whole || !letterAt(s, j+len(w))) {
			return j
		}
		i = j + 1
	}
	return -1
}

func letterBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// nextWords returns up to n words following offset i in s (lower case
// input), skipping spaces, hyphens and punctuation between them.
func nextWords(s string, i, n int) []string {
	var out []string
	for len(out) < n && i < len(s) {
		for i < len(s) && !letterAt(s, i) {
			if s[i] == '.' || s[i] == '\n' || s[i] == '!' || s[i] == '?' {
				return out // stop at a sentence end
			}
			i++
		}
		j := i
		for j < len(s) && letterAt(s, j) {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
		}
		if j > i {
			out = append(out, s[i:j])
		}
		i = j
	}
	return out
}

// prevWord returns the word ending right before offset i (lower case input).
func prevWord(s string, i int) string {
	j := i
	for j > 0 && !letterBefore(s, j) {
		j--
		if s[j] == '.' || s[j] == '\n' {
			return ""
		}
	}
	k := j
	for k > 0 && letterBefore(s, k) {
		_, size := utf8.DecodeLastRuneInString(s[:k])
		k -= size
	}
	return s[k:j]
}

// metaLabels start lines that give a fact, not the title.
var metaLabels = map[string]bool{"datum": true, "ort": true, "zeit": true, "uhrzeit": true, "termin": true,
	"termine": true, "wann": true, "wo": true, "adresse": true, "veranstaltungsort": true, "treffpunkt": true,
	"anmeldung": true, "kontakt": true, "date": true, "time": true, "venue": true, "place": true, "when": true,
	"where": true, "когда": true, "адрес": true, "адреса": true}

// titleLine picks a title from a text that came without one: the first
// line that is not a label ("Datum:", "Ort: …") and has some words.
func titleLine(s string) string {
	first := ""
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if first == "" {
			first = t
		}
		if label, _, ok := strings.Cut(t, ":"); ok && metaLabels[strings.ToLower(strings.TrimSpace(label))] {
			continue // "Datum:", "Ort: DP4 …", "Zeit: 18 Uhr"
		}
		if len(strings.Fields(t)) >= 2 {
			return t
		}
	}
	return first
}

// clip shortens s to at most n bytes at a word boundary, adding "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:-–") + "…"
}

// relatedHeadings open the block of other articles a news or blog page puts
// under its own ("Das könnte Sie auch interessieren", "Ähnliche Beiträge"):
// what follows is about other events and other places.
var relatedHeadings = []string{"das könnte dich auch interessieren", "das könnte sie auch interessieren",
	"das könnte euch auch interessieren", "ähnliche beiträge", "ähnliche artikel", "ähnliche veranstaltungen",
	"weitere artikel", "weitere beiträge", "weitere nachrichten", "verwandte artikel", "verwandte beiträge",
	"lesen sie auch", "mehr zum thema", "related posts", "related articles", "you might also like",
	"auch interessant"}

// cutRelated returns text up to the first line that opens a block of
// related articles. A heading in the first few lines is left alone: the
// page then is a list, not an article with a tail.
func cutRelated(text string) string {
	const minKeep = 200
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if start >= minKeep {
			line := strings.TrimLeft(text[start:end], " \t#*•-")
			for _, h := range relatedHeadings {
				if len(line) >= len(h) && len(line) <= len(h)+20 && strings.EqualFold(line[:len(h)], h) {
					return strings.TrimSpace(text[:start])
				}
			}
		}
		start = end + 1
	}
	return text
}
