package normalize

import (
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
)

// wordList names one of the word lists of the field detectors. All lists
// are compiled into one phrases.Set, so a text is read once for all fields.
type wordList int

const (
	listRegNo wordList = iota
	listRegYes
	listCostYes
	listCostNo
	listCancelled
	listPostponed
	listAccess
	listAudience
	nLists
)

type lexicon struct {
	set   *phrases.Set
	first [nLists]int // first pattern id of each list
	n     [nLists]int // patterns in each list
}

var lex = sync.OnceValue(func() *lexicon {
	var l lexicon
	var pats []string
	add := func(list wordList, words []string) {
		l.first[list], l.n[list] = len(pats), len(words)
		pats = append(pats, words...)
	}
	add(listRegNo, registrationNo)
	add(listRegYes, registrationYes)
	add(listCostYes, costYes)
	add(listCostNo, costNo)
	add(listCancelled, cancelledWords)
	add(listPostponed, postponedWords)
	access := make([]string, len(accessFeatures))
	for i, f := range accessFeatures {
		access[i] = f.word
	}
	add(listAccess, access)
	aud := make([]string, len(audienceWords))
	for i, w := range audienceWords {
		aud[i] = w.word
	}
	add(listAudience, aud)
	l.set = phrases.Compile(pats)
	return &l
})

// hits is where each word of the lexicon first occurs in a lower-cased
// text (-1: nowhere).
type hits struct {
	low   string
	first []int
}

func scanLexicon(low string) hits {
	return hits{low: low, first: lex().set.First(low)}
}

// any reports whether a word of the list occurs.
func (h hits) any(list wordList) bool {
	l := lex()
	for _, at := range h.first[l.first[list] : l.first[list]+l.n[list]] {
		if at >= 0 {
			return true
		}
	}
	return false
}

// each calls fn, in list order, with the index in the list and the first
// offset of every word of the list that occurs.
func (h hits) each(list wordList, fn func(k, at int)) {
	l := lex()
	for k, at := range h.first[l.first[list] : l.first[list]+l.n[list]] {
		if at >= 0 {
			fn(k, at)
		}
	}
}
