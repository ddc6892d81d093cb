// Package phrases finds many lower-case words and phrases in a text in one
// pass. The normaliser reads a dozen word lists per announcement (topics,
// registration, cost, online, …); scanning the text once per phrase was
// most of its run time.
//
// Pattern syntax (the same in rules.csv):
//
//	anmeldung   matches at the start of a word: "Anmeldungen", "Anmeldung"
//	*rassis     matches anywhere, also inside words: "Antirassismus"
//	ehe$        must also end at a word end: "Ehe", not "ehemalig"
//	eintritt frei  a space in a pattern matches one space, tab or line break
package phrases

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Set is a compiled list of patterns: Aho–Corasick automata over byte
// classes, so a text is read once, one table lookup per byte, however many
// patterns there are. Patterns in scripts beyond Latin (Cyrillic, Arabic,
// …) live in a second automaton, read only when the text has such letters:
// it keeps the main table small enough for the processor's cache. It is
// safe for concurrent use.
type Set struct {
	latin, other *automaton
}

// automaton is one Aho–Corasick automaton; ids are those of the Set.
type automaton struct {
	class  [256]uint8 // byte → column; 0 = byte in no pattern
	width  int        // columns per state
	delta  []int32    // state*width + column → next state's row offset (^offset: patterns end there)
	small  []uint16   // the same as state numbers, bit 15 set where patterns end; used below 32768 states
	out    [][]int32  // state → patterns that end here; only while compiling
	lens   []int      // pattern → length in bytes
	anchor []bool     // pattern must start at a word start
	end    []bool     // pattern must end at a word end
	// The patterns that end in each state, laid out for the scan: state st
	// owns ends[endAt[st]:endAt[st+1]], each with what report needs, so a
	// match costs one or two cache lines instead of a look-up in four tables.
	endAt []int32
	ends  []patternEnd
}

// patternEnd is one pattern ending in a state.
type patternEnd struct {
	id     int32
	len    int32
	anchor bool
	end    bool
}

// otherScript is the UTF-8 lead byte of U+0400 (Cyrillic) and up. Latin
// letters with diacritics (ä, ö, ü, ß, é, Sorbian š, ł) have lead bytes
// below it.
const otherScript = 0xD0

// Compile builds a Set; pattern i is reported as id i. Empty patterns never match.
func Compile(patterns []string) *Set {
	latin := make([]string, len(patterns))
	other := make([]string, len(patterns))
	hasOther := false
	for i, p := range patterns {
		if strings.IndexFunc(p, func(r rune) bool { return r >= 0x400 && r < 0x800 || r >= 0xF000 }) >= 0 {
			other[i], hasOther = p, true
		} else {
			latin[i] = p
		}
	}
	s := &Set{latin: compile(latin)}
	if hasOther {
		s.other = compile(other)
	}
	return s
}

// compile builds one automaton; empty patterns are left out but keep their id.
func compile(patterns []string) *automaton {
	s := &automaton{lens: make([]int, len(patterns)), anchor: make([]bool, len(patterns)), end: make([]bool, len(patterns))}
	body := make([]string, len(patterns))
	for i, p := range patterns {
		if p == "" {
			continue
		}
		s.end[i] = strings.HasSuffix(p, "$") && len(p) > 1
		b := strings.TrimSuffix(p, "$")
		s.anchor[i] = !strings.HasPrefix(b, "*")
		if !s.anchor[i] {
			b = b[1:]
		}
		body[i], s.lens[i] = b, len(b)
		for j := 0; j < len(b); j++ {
			if c := spaceClass(b[j]); s.class[c] == 0 {
				s.width++
				s.class[c] = uint8(s.width)
			}
		}
	}
	s.width++ // column 0: bytes in no pattern, always back to the root
	if s.class[' '] != 0 {
		s.class['\n'], s.class['\t'], s.class['\r'] = s.class[' '], s.class[' '], s.class[' ']
	}
	// the trie ("goto" function); -1 = no edge yet
	edge := []int32{}
	newState := func() int32 {
		for c := 0; c < s.width; c++ {
			edge = append(edge, -1)
		}
		s.out = append(s.out, nil)
		return int32(len(s.out) - 1)
	}
	newState()
	for id, b := range body {
		if b == "" {
			continue
		}
		st := int32(0)
		for j := 0; j < len(b); j++ {
			k := int(st)*s.width + int(s.class[spaceClass(b[j])])
			if edge[k] < 0 {
				ns := newState()
				edge[k] = ns
			}
			st = edge[k]
		}
		s.out[st] = append(s.out[st], int32(id))
	}
	// failure links by breadth-first search, folded into a full transition table
	s.delta = make([]int32, len(edge))
	fail := make([]int32, len(s.out))
	queue := []int32{}
	for c := 0; c < s.width; c++ {
		if t := edge[c]; t > 0 && c != 0 {
			s.delta[c] = t
			queue = append(queue, t)
		}
	}
	order := []int32{0} // states in breadth-first order
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		order = append(order, st)
		s.out[st] = append(s.out[st], s.out[fail[st]]...)
		for c := 1; c < s.width; c++ {
			k := int(st)*s.width + c
			if t := edge[k]; t > 0 {
				fail[t] = s.delta[int(fail[st])*s.width+c]
				s.delta[k] = t
				queue = append(queue, t)
			} else {
				s.delta[k] = s.delta[int(fail[st])*s.width+c]
			}
		}
	}
	s.renumber(order)
	s.endAt = make([]int32, len(s.out)+1)
	for st, ids := range s.out {
		for _, id := range ids {
			s.ends = append(s.ends, patternEnd{id: id, len: int32(s.lens[id]), anchor: s.anchor[id], end: s.end[id]})
		}
		s.endAt[st+1] = int32(len(s.ends))
	}
	// The table holds row offsets (state*width), so the scan loop adds
	// instead of multiplying; states where patterns end are stored negated,
	// so the loop looks at out only when there is something to report.
	if len(s.out) < 1<<15 {
		// Half the memory of the offset table: the table stays in the
		// processor's cache, which matters more than the multiplication.
		s.small = make([]uint16, len(s.delta))
		for k, t := range s.delta {
			v := uint16(t)
			if len(s.out[t]) > 0 {
				v |= 1 << 15
			}
			s.small[k] = v
		}
		s.delta, s.out = nil, nil
		return s
	}
	for k, t := range s.delta {
		off := t * int32(s.width)
		if len(s.out[t]) > 0 {
			off = ^off
		}
		s.delta[k] = off
	}
	s.out = nil
	return s
}

func spaceClass(c byte) byte {
	if c == '\n' || c == '\t' || c == '\r' {
		return ' '
	}
	return c
}

// Scan calls fn for every match in low (lower-cased text): the pattern id
// and the byte offsets of the match. A pattern that occurs several times is
// reported each time. Matches come in the order of their ends — first those
// of Latin-script patterns, then those of the other scripts.
func (s *Set) Scan(low string, fn func(id, start, end int)) {
	s.latin.scan(low, fn)
	if s.other == nil {
		return
	}
	for i := 0; i < len(low); i++ {
		// eight ASCII bytes at a time: German text is mostly ASCII
		for i+8 <= len(low) && (uint64(low[i])|uint64(low[i+1])<<8|uint64(low[i+2])<<16|uint64(low[i+3])<<24|
			uint64(low[i+4])<<32|uint64(low[i+5])<<40|uint64(low[i+6])<<48|uint64(low[i+7])<<56)&0x8080808080808080 == 0 {
			i += 8
		}
		if i == len(low) {
			break
		}
		// lead bytes of U+0400–U+07FF (Cyrillic … Arabic) and of the Arabic
		// presentation forms; typographic quotes and dashes (0xE2) do not count
		if b := low[i]; b >= otherScript && b <= 0xDF || b == 0xEF {
			s.other.scan(low, fn)
			return
		}
	}
}

// renumber gives states their breadth-first numbers: the states near the
// root, where a scan spends nearly all its time, then share a few cache
// lines instead of being spread over the whole table.
func (s *automaton) renumber(order []int32) {
	newID := make([]int32, len(order))
	for n, old := range order {
		newID[old] = int32(n)
	}
	delta := make([]int32, len(s.delta))
	out := make([][]int32, len(s.out))
	for n, old := range order {
		out[n] = s.out[old]
		for c := 0; c < s.width; c++ {
			delta[n*s.width+c] = newID[s.delta[int(old)*s.width+c]]
		}
	}
	s.delta, s.out = delta, out
}

func (s *automaton) scan(low string, fn func(id, start, end int)) {
	if s.small != nil {
		s.scanSmall(low, fn)
		return
	}
	off := int32(0)
	delta, class := s.delta, &s.class
	for i := 0; i < len(low); i++ {
		off = delta[off+int32(class[low[i]])]
		if off >= 0 {
			continue
		}
		off = ^off
		s.report(low, i, int(off/int32(s.width)), fn)
	}
}

func (s *automaton) scanSmall(low string, fn func(id, start, end int)) {
	st, w := uint32(0), uint32(s.width)
	next, class := s.small, &s.class
	for i := 0; i < len(low); i++ {
		v := next[st*w+uint32(class[low[i]])]
		st = uint32(v &^ (1 << 15))
		if v&(1<<15) != 0 {
			s.report(low, i, int(st), fn)
		}
	}
}

// report calls fn for the patterns that end at byte i in state st and meet
// their word-boundary conditions.
func (s *automaton) report(low string, i, st int, fn func(id, start, end int)) {
	for _, p := range s.ends[s.endAt[st]:s.endAt[st+1]] {
		start := i + 1 - int(p.len)
		if p.anchor && letterBefore(low, start) || p.end && letterAt(low, i+1) {
			continue
		}
		fn(int(p.id), start, i+1)
	}
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func letterBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// First returns, for every pattern, the offset of its first match in low,
// or -1. It suits word lists where presence (and where) is all a caller needs.
func (s *Set) First(low string) []int {
	first := make([]int, len(s.latin.lens))
	for i := range first {
		first[i] = -1
	}
	s.Scan(low, func(id, start, _ int) {
		if first[id] < 0 {
			first[id] = start
		}
	})
	return first
}
