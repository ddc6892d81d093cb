package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Answering a search from a snapshot: the text's docs per segment, the
// shared conditions, facet counts and pages in date order.

// docSet is a set of doc numbers.
type docSet []uint64

func newDocSet(n int) docSet    { return make(docSet, (n+63)/64) }
func (d docSet) add(i int32)    { d[i>>6] |= 1 << (uint(i) & 63) }
func (d docSet) has(i int) bool { return d[i>>6]&(1<<(uint(i)&63)) != 0 }

func (d docSet) or(o docSet) {
	for i := range d {
		d[i] |= o[i]
	}
}

func (d docSet) and(o docSet) {
	for i := range d {
		d[i] &= o[i]
	}
}

// prefix adds the docs of every lexeme starting with p.
func (s *memSnap) prefix(set docSet, p string) {
	i := sort.SearchStrings(s.lexemes, p)
	for ; i < len(s.lexemes) && strings.HasPrefix(s.lexemes[i], p); i++ {
		for _, d := range s.postings[i] {
			set.add(d)
		}
	}
}

// textSet is the docs matching every word.
func (s *memSnap) textSet(terms []wordTerm) docSet {
	var all docSet
	for _, t := range terms {
		if t.stop {
			continue
		}
		set := newDocSet(len(s.id))
		s.prefix(set, t.german)
		if t.simple != "" {
			s.prefix(set, t.simple)
		}
		if all == nil {
			all = set
		} else {
			all.and(set)
		}
	}
	if all == nil {
		return newDocSet(len(s.id)) // stop words only: nothing matches, as in SQL
	}
	return all
}

// memQuery is a filter prepared for one segment of a snapshot; delta is
// the same filter on the snapshot's delta segment.
type memQuery struct {
	s        *memSnap
	text     docSet   // nil: no text condition
	lists    []docSet // the docs each filter-only facet of the filter allows
	dead     docSet   // nil: every doc is current
	from, to int64
	ff       facetFilter
	lo, hi   int       // the docs the dates allow, by start
	delta    *memQuery // the next segment's
}

// query prepares f on the snapshot's segments, texts being the docs the
// text matches in each (nil: no text condition). The first segment's
// dictionaries are the newest, valid for all.
func (s *memSnap) query(f Filter, texts []docSet) *memQuery {
	ff := s.dicts.filter(s.fs, f)
	var head, tail *memQuery
	for i, seg := 0, s; seg != nil; i, seg = i+1, seg.delta {
		var text docSet
		if texts != nil {
			text = texts[i]
		}
		q := seg.segQuery(f, text, ff)
		q.dead = seg.dead
		if head == nil {
			head = q
		} else {
			tail.delta = q
		}
		tail = q
	}
	return head
}

// refilter prepares f with q's text (the same words).
func (q *memQuery) refilter(f Filter) *memQuery {
	var texts []docSet
	if q.text != nil {
		for sq := q; sq != nil; sq = sq.delta {
			texts = append(texts, sq.text)
		}
	}
	return q.s.query(f, texts)
}

func (s *memSnap) segQuery(f Filter, text docSet, ff facetFilter) *memQuery {
	q := &memQuery{s: s, text: text, ff: ff, from: math.MinInt64, to: math.MaxInt64, lo: 0, hi: len(s.id)}
	if f.From != nil {
		q.from = f.From.UnixNano()
		// Nothing that starts more than the longest span before From can
		// still be on.
		if q.from > math.MinInt64+s.maxSpan {
			lo := q.from - s.maxSpan
			q.lo = sort.Search(len(s.id), func(i int) bool { return s.start[i] >= lo })
		}
	}
	if f.To != nil {
		q.to = f.To.UnixNano()
		q.hi = sort.Search(len(s.id), func(i int) bool { return s.start[i] >= q.to })
	}
	for j, fc := range s.listed {
		want := fc.Get(&f)
		if len(want) == 0 {
			continue
		}
		set := newDocSet(len(s.id))
		for _, v := range want {
			if docs := s.lists[j][v]; docs != nil {
				set.or(docs)
			}
		}
		q.lists = append(q.lists, set)
	}
	return q
}

// base reports whether doc i matches the shared conditions (text, dates,
// filter-only facets).
func (q *memQuery) base(i int) bool {
	s := q.s
	if s.end[i] < q.from || s.start[i] >= q.to || (q.text != nil && !q.text.has(i)) || (q.dead != nil && q.dead.has(i)) {
		return false
	}
	for _, l := range q.lists {
		if !l.has(i) {
			return false
		}
	}
	return true
}

// matchesAtLeast reports whether n docs match the shared conditions, as
// the typo-tolerance decision counts them.
func (q *memQuery) matchesAtLeast(n int) bool {
	for ; q != nil; q = q.delta {
		for i := q.lo; i < q.hi && n > 0; i++ {
			if q.base(i) {
				n--
			}
		}
	}
	return n <= 0
}

// counts is the total, matched and facets, as countEntry.count.
func (q *memQuery) counts() Result {
	t := newFacetTally(q.ff)
	for sq := q; sq != nil; sq = sq.delta {
		for i := sq.lo; i < sq.hi; i++ {
			if sq.base(i) {
				t.add(sq.s.row(i))
			}
		}
	}
	return t.result(q.s.fs, &q.s.dicts)
}

// keys returns up to limit keys after c in order o (StartAsc or
// StartDesc), without events: every segment's, merged.
func (q *memQuery) keys(o Order, c *cursor, limit int) []pageKey {
	out := q.segKeys(o, c, limit)
	merged := false
	for sq := q.delta; sq != nil; sq = sq.delta {
		if more := sq.segKeys(o, c, limit); len(more) > 0 {
			out, merged = append(out, more...), true
		}
	}
	if !merged {
		return out
	}
	slices.SortFunc(out, func(a, b pageKey) int {
		c := cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
		if o == StartDesc {
			return -c
		}
		return c
	})
	return out[:min(limit, len(out))]
}

// segKeys is keys in one segment.
func (q *memQuery) segKeys(o Order, c *cursor, limit int) []pageKey {
	s := q.s
	if limit <= 0 {
		return nil
	}
	out := make([]pageKey, 0, limit)
	take := func(i int) bool {
		if !q.base(i) {
			return true
		}
		if q.ff.failed(s.row(i)) != 0 {
			return true
		}
		out = append(out, pageKey{cursor: cursor{Order: o, Start: time.Unix(0, s.start[i]), ID: s.id[i]}, end: time.Unix(0, s.end[i])})
		return len(out) < limit
	}
	// after is the first doc after (or, descending, at or after) c.
	after := func() int {
		cs, cid := c.Start.UnixNano(), c.ID
		return sort.Search(len(s.id), func(i int) bool {
			return s.start[i] > cs || (s.start[i] == cs && s.id[i] > cid)
		})
	}
	if o == StartDesc {
		top := q.hi
		if c != nil {
			// Docs before "after" are <= c; c itself is excluded below.
			top = min(top, after())
		}
		for i := top - 1; i >= q.lo; i-- {
			if c != nil && s.start[i] == c.Start.UnixNano() && s.id[i] == c.ID {
				continue
			}
			if !take(i) {
				break
			}
		}
		return out
	}
	first := q.lo
	if c != nil {
		first = max(first, after())
	}
	for i := first; i < q.hi; i++ {
		if !take(i) {
			break
		}
	}
	return out
}

// wordTerm is one query word as to_tsquery gives it: its german and simple
// lexemes (each matched as a prefix), or stop (the german configuration
// drops it, so SQL drops the word).
type wordTerm struct {
	german, simple string
	stop           bool
}

// errNotSingleLexeme: to_tsquery made more than one lexeme of a word; SQL
// answers such a search.
var errNotSingleLexeme = errors.New("word is not a single lexeme")

// wordCache keeps what to_tsquery made of each word asked for.
type wordCache struct {
	mu sync.Mutex
	m  map[string]wordTerm
}

const maxWordCache = 10_000

// terms resolves words (one query for the ones not cached).
func (m *memIndex) terms(ctx context.Context, words []string) ([]wordTerm, error) {
	out := make([]wordTerm, len(words))
	var missing []string
	m.words.mu.Lock()
	for i, w := range words {
		t, ok := m.words.m[w]
		if !ok {
			missing = append(missing, w)
		}
		out[i] = t
	}
	m.words.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	lex, err := store.PrefixLexemes(ctx, m.pool, missing)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	found := map[string]wordTerm{}
	for _, l := range lex {
		var t wordTerm
		switch {
		case l.GermanNodes == 0:
			t.stop = true
		case l.GermanNodes != 1 || l.SimpleNodes > 1:
			return nil, fmt.Errorf("%w: %q gives %s / %s", errNotSingleLexeme, l.Word, l.German, l.Simple)
		default:
			if t.german, err = prefixLexeme(l.German); err != nil {
				return nil, err
			}
			if l.SimpleNodes == 1 {
				if t.simple, err = prefixLexeme(l.Simple); err != nil {
					return nil, err
				}
			}
		}
		found[l.Word] = t
	}
	m.words.mu.Lock()
	if m.words.m == nil || len(m.words.m) > maxWordCache {
		m.words.m = map[string]wordTerm{}
	}
	for k, t := range found {
		m.words.m[k] = t
	}
	m.words.mu.Unlock()
	for i, w := range words {
		if t, ok := found[w]; ok {
			out[i] = t
		}
	}
	return out, nil
}

// prefixLexeme reads a one-lexeme prefix tsquery: 'berat':* gives berat.
func prefixLexeme(q string) (string, error) {
	if !strings.HasPrefix(q, "'") || !strings.HasSuffix(q, "':*") || len(q) < 4 {
		return "", fmt.Errorf("%w: %s", errNotSingleLexeme, q)
	}
	inner := q[1 : len(q)-3]
	// tsquery output doubles quotes and backslashes inside a lexeme.
	return strings.NewReplacer("''", "'", `\\`, `\`).Replace(inner), nil
}

// memSearch prepares a search on the snapshot: nil when the snapshot
// cannot answer it (a word that is not one lexeme).
func (m *memIndex) memSearch(ctx context.Context, s *memSnap, f Filter) (*memQuery, error) {
	words := Words(f.Query)
	var texts []docSet
	if len(words) > 0 {
		terms, err := m.terms(ctx, words)
		if errors.Is(err, errNotSingleLexeme) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for seg := s; seg != nil; seg = seg.delta {
			texts = append(texts, seg.textSet(terms))
		}
	}
	return s.query(f, texts), nil
}
