package topics

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds all rule patterns in a lower-cased text in one pass: a trie
// over the pattern bytes, walked from every rune start. Bytes that occur in
// no pattern end the walk at once, which keeps a 2 KB text at a few
// microseconds.
type matcher struct {
	class  [256]uint8 // byte → column; 0 = byte in no pattern
	width  int        // columns per node
	next   []int32    // node*width + column → node (0 = none)
	out    [][]int    // node → patterns ending here
	anchor []bool     // pattern must start at a word start
	end    []bool     // pattern must end at a word end
}

const space = ' '

func newMatcher(rules []Rule) *matcher {
	m := &matcher{}
	body := make([]string, len(rules))
	for i, r := range rules {
		p := r.Pattern
		m.anchor = append(m.anchor, !strings.HasPrefix(p, "*"))
		m.end = append(m.end, strings.HasSuffix(p, "$"))
		body[i] = strings.TrimSuffix(strings.TrimPrefix(p, "*"), "$")
		for j := 0; j < len(body[i]); j++ {
			c := body[i][j]
			if c == '\n' || c == '\t' {
				c = space
			}
			if m.class[c] == 0 {
				m.width++
				m.class[c] = uint8(m.width)
			}
		}
	}
	m.width++ // column 0 unused
	// white space in the text matches a space in a pattern
	if m.class[space] != 0 {
		m.class['\n'], m.class['\t'], m.class['\r'] = m.class[space], m.class[space], m.class[space]
	}
	m.next = make([]int32, m.width) // node 0 is the root
	m.out = make([][]int, 1)
	for i, b := range body {
		n := 0
		for j := 0; j < len(b); j++ {
			col := int(m.class[b[j]])
			nx := int(m.next[n*m.width+col])
			if nx == 0 {
				nx = len(m.out)
				m.out = append(m.out, nil)
				m.next = append(m.next, make([]int32, m.width)...)
				m.next[n*m.width+col] = int32(nx)
			}
			n = nx
		}
		m.out[n] = append(m.out[n], i)
	}
	return m
}

// scan calls fn with the index of every pattern found in s (lower case),
// possibly several times per pattern.
func (m *matcher) scan(s string, fn func(rule int)) {
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 || m.class[s[i]] == 0 {
			continue // inside a rune, or a byte no pattern starts with
		}
		n := 0
		for j := i; j < len(s); j++ {
			col := m.class[s[j]]
			if col == 0 {
				break
			}
			n = int(m.next[n*m.width+int(col)])
			if n == 0 {
				break
			}
			for _, r := range m.out[n] {
				if m.anchor[r] && !wordStart(s, i) || m.end[r] && !wordEnd(s, j+1) {
					continue
				}
				fn(r)
			}
		}
	}
}

func wordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func wordEnd(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
