package search

import (
	"context"
	"sort"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Postgres searches the events table directly: full-text search on the
// generated search_doc column (german and simple configurations, unaccent,
// weights title A, venue/city B, description C), prefix matching on every
// word, and trigram similarity on titles when full text finds little.
// Caches and the in-memory index answer what they can exactly, as layers
// above SQL (layer.go).
type Postgres struct {
	db store.DB
	fs FacetSet
	// counted is fs.counted(): what the caches and the index hold as bits.
	counted FacetSet
	// The layers, nil when not used; top is the stack compose built.
	sql   *sqlSearch
	cache *countCache
	pages *pageCache
	mem   *memIndex
	top   layer
	// FuzzyBelow: when full-text search finds fewer events than this (by
	// default: none), titles
	// similar to the query (typos) are added.
	FuzzyBelow int
}

// NewPostgres returns the Postgres searcher on a pool, with its count and
// page caches.
func NewPostgres(db store.DB) *Postgres {
	fs := DefaultFacets()
	p := &Postgres{db: db, fs: fs, counted: fs.counted(), FuzzyBelow: 1,
		sql: &sqlSearch{db: db}, cache: newCountCache(db), pages: newPageCache()}
	p.compose()
	return p
}

// compose stacks the layers: the page cache above the in-memory index
// above the count cache above SQL. Each refuses what it cannot answer
// exactly and passes it down.
func (p *Postgres) compose() {
	var l layer = p.sql
	if p.cache != nil {
		p.cache.inner, l = l, p.cache
	}
	if p.mem != nil {
		p.mem.inner, l = l, p.mem
	}
	if p.pages != nil {
		p.pages.inner, l = l, p.pages
	}
	p.top = l
}

// WithFacets makes the searcher filter and count the facets fs instead of
// DefaultFacets (call before the first search).
func (p *Postgres) WithFacets(fs FacetSet) *Postgres {
	p.fs, p.counted = fs, fs.counted()
	if p.mem != nil {
		p.mem.setFacets(fs)
	}
	return p
}

// WithoutCache makes every search read its page and count in SQL (see
// countCache and pageCache).
func (p *Postgres) WithoutCache() *Postgres {
	p.cache, p.pages = nil, nil
	p.compose()
	return p
}

// Index does nothing: the search document is a generated column.
func (p *Postgres) Index(context.Context, []int64) error { return nil }

// Delete does nothing, as Index.
func (p *Postgres) Delete(context.Context, []int64) error { return nil }

// Search runs one page of a search with its total and facets.
func (p *Postgres) Search(ctx context.Context, f Filter, pg Page, o Order) (Result, error) {
	if err := p.fs.validateSearch(&f, &pg, &o); err != nil {
		return Result{}, err
	}
	c, err := decodeCursor(pg.After, o)
	if err != nil {
		return Result{}, err
	}
	r := &request{fs: p.fs, counted: p.counted, f: f, o: o, c: c, fuzzy: c != nil && c.Fuzzy, counts: !pg.SkipCounts,
		limit: pg.First + 1, load: pg.First, fuzzyBelow: p.FuzzyBelow, ver: &versionOnce{db: p.db}}
	res, keys, err := p.top.answer(ctx, r)
	if err != nil {
		return Result{}, err
	}
	found := res.matched
	if pg.SkipCounts {
		found = len(keys)
	}
	if c == nil && f.Query != "" && found < p.FuzzyBelow {
		fr := *r
		fr.fuzzy = true
		if res, keys, err = p.top.answer(ctx, &fr); err != nil {
			return Result{}, err
		}
	}
	if len(keys) > pg.First {
		keys, res.HasNext = keys[:pg.First], true
	}
	res.Hits = make([]Hit, 0, len(keys))
	for _, k := range keys {
		// An event deleted between the two queries is skipped.
		if k.event != nil {
			res.Hits = append(res.Hits, Hit{Event: *k.event, Cursor: k.encode()})
		}
	}
	if n := len(res.Hits); n > 0 {
		res.StartCursor, res.EndCursor = res.Hits[0].Cursor, res.Hits[n-1].Cursor
	}
	return res, nil
}

// sqlSearch is the bottom layer: it answers every request in SQL.
type sqlSearch struct{ db store.DB }

// answer counts and reads the keys; on a pool the two run at once on two
// connections.
func (s *sqlSearch) answer(ctx context.Context, r *request) (Result, []pageKey, error) {
	var res Result
	var keys []pageKey
	var cerr, kerr error
	count := func() {
		if r.counts {
			res, cerr = s.countSQL(ctx, r)
		}
	}
	read := func() {
		if r.limit > 0 {
			keys, kerr = s.keys(ctx, r)
		}
	}
	if r.counts && r.limit > 0 {
		both(s.db, count, read)
	} else {
		count()
		read()
	}
	if cerr != nil {
		return Result{}, nil, cerr
	}
	return res, keys, kerr
}

// keys reads up to r.limit keys after r.c and the events of the first
// r.load of them.
func (s *sqlSearch) keys(ctx context.Context, r *request) ([]pageKey, error) {
	sk, err := store.SearchKeys(ctx, s.db, r.fs.spec(r.keyFilter(), r.fuzzy), keyOrder(r.o), r.c.key(), r.limit)
	if err != nil {
		return nil, err
	}
	keys := make([]pageKey, len(sk))
	for i, k := range sk {
		keys[i] = pageKey{cursor: cursor{Order: r.o, Fuzzy: r.fuzzy, Start: k.Start, ID: k.ID, Rank: k.Rank}, end: k.End}
	}
	return loadEvents(ctx, s.db, keys, r.load)
}

// countSQL fills Total and Facets in SQL.
func (s *sqlSearch) countSQL(ctx context.Context, r *request) (Result, error) {
	n, err := store.CountSearch(ctx, s.db, r.fs.spec(r.f, r.fuzzy))
	if err != nil {
		return Result{}, err
	}
	lists := make([][]FacetCount, len(n.Facets))
	for i, l := range n.Facets {
		for _, c := range l {
			lists[i] = append(lists[i], FacetCount(c))
		}
	}
	return Result{Total: n.Total, matched: n.Matched, Facets: r.counted.facetsOf(lists)}, nil
}

// facetsOf puts each facet's counts (in the order of fs) into Facets,
// sorted like every backend sorts them.
func (fs FacetSet) facetsOf(lists [][]FacetCount) Facets {
	var out Facets
	for i, fc := range fs {
		l := lists[i]
		if l == nil {
			l = []FacetCount{}
		}
		sortCounts(l)
		fc.setCounts(&out, l)
	}
	return out
}

// sortCounts orders a facet's counts by count, then value, so all backends
// agree.
func sortCounts(l []FacetCount) {
	sort.Slice(l, func(i, j int) bool {
		if l[i].Count != l[j].Count {
			return l[i].Count > l[j].Count
		}
		return l[i].Value < l[j].Value
	})
}
