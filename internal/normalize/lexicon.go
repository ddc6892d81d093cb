package normalize

import (
	"sort"
	"strings"
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
	"github.com/treffpunkt/treffpunkt/internal/normalize/topics"
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
	listFreeLabel
	listTicket
	listClosure
	nLists
)

// lexicon is every word list the normaliser reads from an announcement —
// the field lists above, the format words (online.go), the topic rules and
// the language names — compiled into one phrases.Set, so title and text are
// read once for all of them.
type lexicon struct {
	set   *phrases.Set
	first [nLists]int // first pattern id of each field list
	n     [nLists]int // patterns in each field list
	// first ids of the other parts; each part runs to the next
	format, topics, langs, stop, cues, end int
	stopLang                               []byte // 'd', 'e' or 'h' per stopword
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
	add(listFreeLabel, freeLabels)
	add(listTicket, ticketWords)
	closure := make([]string, len(closureCues))
	for i, c := range closureCues {
		closure[i] = "*" + c // anywhere, as strings.Contains finds them
	}
	add(listClosure, closure)
	l.format = len(pats)
	pats = append(pats, formatPatterns()...)
	l.topics = len(pats)
	pats = append(pats, topics.Patterns()...)
	l.langs = len(pats)
	pats = append(pats, languages.CandidatePatterns()...)
	l.stop = len(pats)
	stop, stopLang := languages.StopwordPatterns()
	pats = append(pats, stop...)
	l.stopLang = stopLang
	l.cues = len(pats)
	for _, c := range organizerCues {
		pats = append(pats, strings.ToLower(c))
	}
	l.end = len(pats)
	l.set = phrases.Compile(pats)
	return &l
})

// reading is what one pass of the lexicon over the lower-cased title and
// text found.
type reading struct {
	hits      hits        // field words
	topicHits []uint8     // per topic rule, see topics.Count
	langAt    [][2]int    // language candidates, offsets in lowAll
	format    []formatHit // format words in the text, offsets in the text
	de, en    int         // German and English stopwords
	hsb       int         // Upper Sorbian stopwords
	cues      [][2]int    // organiser cues in the text: end offset in the text, cue
}

// read scans lowAll (title, "\n", text; the title is its first titleLen bytes).
func read(lowAll string, titleLen int) reading {
	l := lex()
	r := reading{hits: hits{low: lowAll, first: make([]int32, l.format)}, topicHits: make([]uint8, l.langs-l.topics)}
	for i := range r.hits.first {
		r.hits.first[i] = -1
	}
	textAt := titleLen + 1
	l.set.Scan(lowAll, func(id, start, end int) {
		switch {
		case id < l.format:
			if r.hits.first[id] < 0 {
				r.hits.first[id] = int32(start)
			}
		case id < l.topics:
			if start >= textAt {
				r.format = append(r.format, formatHit{id - l.format, start - textAt})
			}
		case id < l.langs:
			topics.Count(r.topicHits, id-l.topics, start < titleLen)
		case id < l.stop:
			r.langAt = append(r.langAt, [2]int{start, end})
		case id < l.cues:
			switch l.stopLang[id-l.stop] {
			case 'd':
				r.de++
			case 'h':
				r.hsb++
			default:
				r.en++
			}
		default:
			if start >= textAt {
				r.cues = append(r.cues, [2]int{end - textAt, id - l.cues})
			}
		}
	})
	// matches of other scripts come after the Latin ones; the language
	// windows need text order
	sort.Slice(r.langAt, func(a, b int) bool { return r.langAt[a][0] < r.langAt[b][0] })
	return r
}

// hits is where each field word first occurs in a lower-cased text (-1:
// nowhere).
type hits struct {
	low   string
	first []int32 // offsets fit: the crawler caps a page far below 2 GB
}

// scanLexicon finds the field words alone (for tests and small texts).
func scanLexicon(low string) hits {
	return read(low, -1).hits
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
			fn(k, int(at))
		}
	}
}
