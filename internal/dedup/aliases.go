package dedup

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// aliasesText is the data file of abbreviations and synonyms; its header
// says how entries are written and used.
//
//go:embed aliases.txt
var aliasesText string

// aliases is the parsed data file. A malformed file is a programming error
// caught by the package's tests, so parsing it panics.
var aliases = mustParseLexicon(aliasesText)

// lexicon maps the variants of a concept to one canonical word.
type lexicon struct {
	entries map[string]*lexEntry // by stem: what a word is or starts
	// acronyms are matched in the raw text as written, found by their
	// first byte: expandAcronyms runs on every description.
	acronyms [256][]acronym
}

// lexEntry is what the lexicon knows of one stem.
type lexEntry struct {
	canon   string   // canonical word of the stem as a variant, "" when it only starts phrases
	phrases []phrase // multi-word variants starting with the stem, longest first
}

// phrase is a multi-word variant: the stems after the first one.
type phrase struct {
	rest  []string
	canon string
}

// acronym is a variant matched case-sensitively as a whole word.
type acronym struct{ text, canon string }

func mustParseLexicon(text string) *lexicon {
	lx, err := parseLexicon(text)
	if err != nil {
		panic(err)
	}
	return lx
}

func parseLexicon(text string) (*lexicon, error) {
	lx := &lexicon{entries: map[string]*lexEntry{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		head, tail, ok := strings.Cut(line, "=")
		canon := fold(head)
		if !ok || canon == "" || strings.Contains(canon, " ") || stem(canon) != canon {
			return nil, fmt.Errorf("aliases line %d: want \"canonical = variant, …\" with a one-word, already stemmed canonical: %q", n+1, line)
		}
		lx.entry(canon).canon = canon
		for _, v := range strings.Split(tail, ",") {
			if err := lx.add(strings.TrimSpace(v), canon); err != nil {
				return nil, fmt.Errorf("aliases line %d: %w", n+1, err)
			}
		}
	}
	for _, e := range lx.entries {
		slices.SortStableFunc(e.phrases, func(a, b phrase) int { return len(b.rest) - len(a.rest) })
	}
	return lx, nil
}

func (lx *lexicon) entry(stem string) *lexEntry {
	e := lx.entries[stem]
	if e == nil {
		e = &lexEntry{}
		lx.entries[stem] = e
	}
	return e
}

func (lx *lexicon) add(variant, canon string) error {
	if variant == "" {
		return fmt.Errorf("empty variant of %q", canon)
	}
	if isAcronym(variant) {
		if fold(variant) != canon { // "DSM" folds to "dsm" anyway
			lx.acronyms[variant[0]] = append(lx.acronyms[variant[0]], acronym{variant, canon})
		}
		return nil
	}
	var stems []string
	for _, w := range words(variant) {
		if stopWords[w] {
			continue
		}
		if len(w) < 3 || isNumber(w) {
			return fmt.Errorf("variant %q: word %q is too short to be matched", variant, w)
		}
		stems = append(stems, stem(w))
	}
	switch len(stems) {
	case 0:
		return fmt.Errorf("variant %q has no content word", variant)
	case 1:
		e := lx.entry(stems[0])
		if e.canon != "" && e.canon != canon {
			return fmt.Errorf("variant %q is already an alias of %q", variant, e.canon)
		}
		e.canon = canon
	default:
		e := lx.entry(stems[0])
		e.phrases = append(e.phrases, phrase{stems[1:], canon})
	}
	return nil
}

// isAcronym: one word of letters with two or more capitals ("MO", "MOs",
// "DaMigra").
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r):
			return false
		case unicode.IsUpper(r):
			n++
		}
	}
	return n >= 2
}

// expandAcronyms replaces the acronyms of the lexicon that s writes as
// whole words by their canonical word, before s is folded (folding would
// lose the capitals that tell "MO" from the weekday "Mo"). Acronyms that
// fold to their canonical word ("DSM") are left as they are.
func (lx *lexicon) expandAcronyms(s string) string {
	var b strings.Builder
	done := 0 // s[:done] has been written to b
	for i := 0; i < len(s); i++ {
		for _, a := range lx.acronyms[s[i]] {
			j := i + len(a.text)
			if strings.HasPrefix(s[i:], a.text) && !wordByteBefore(s, i) && !wordByteAfter(s, j) {
				if done == 0 {
					b.Grow(len(s) + 16)
				}
				b.WriteString(s[done:i])
				b.WriteString(a.canon)
				done, i = j, j-1
				break
			}
		}
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func wordByteBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordByteAfter(s string, j int) bool {
	if j >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// match reports the canonical word of the longest variant that starts with
// the stem s and how many words it covers (n is 0 when none does); next(k)
// gives the stem of the k-th content word after s, ok false past the end.
// Stems that are canonical words themselves report n 0.
func (lx *lexicon) match(s string, next func(k int) (string, bool)) (canon string, n int) {
	e := lx.entries[s]
	if e == nil {
		return "", 0
	}
	for _, p := range e.phrases {
		if follows(p.rest, next) {
			return p.canon, 1 + len(p.rest)
		}
	}
	if e.canon != "" && e.canon != s {
		return e.canon, 1
	}
	return "", 0
}

func follows(rest []string, next func(k int) (string, bool)) bool {
	for k, want := range rest {
		if got, ok := next(k); !ok || got != want {
			return false
		}
	}
	return true
}

// rewrite replaces each variant in ws (folded content words) by its
// canonical word; ws itself is returned when nothing matches. Words that
// are not variants are kept as they are, not stemmed.
func (lx *lexicon) rewrite(ws []string) []string {
	var out []string
	for i := 0; i < len(ws); {
		canon, n := lx.match(stem(ws[i]), func(k int) (string, bool) {
			if i+1+k < len(ws) {
				return stem(ws[i+1+k]), true
			}
			return "", false
		})
		if n == 0 {
			if out != nil {
				out = append(out, ws[i])
			}
			i++
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(ws)), ws[:i]...)
		}
		out = append(out, canon)
		i += n
	}
	if out == nil {
		return ws
	}
	return out
}
