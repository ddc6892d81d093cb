package search

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Postgres searches the events table directly: full-text search on the
// generated search_doc column (german and simple configurations, unaccent,
// weights title A, venue/city B, description C), prefix matching on every
// word, and trigram similarity on titles when full text finds little.
type Postgres struct {
	db store.DB
	fs FacetSet
	// counted is fs.counted(): what the caches and the index hold as bits.
	counted FacetSet
	cache   *countCache
	pages   *pageCache
	mem     *memIndex // nil: every search in SQL
	// FuzzyBelow: when full-text search finds fewer events than this (by
	// default: none), titles
	// similar to the query (typos) are added.
	FuzzyBelow int
}

// NewPostgres returns the Postgres searcher on a pool.
func NewPostgres(db store.DB) *Postgres {
	fs := DefaultFacets()
	return &Postgres{db: db, fs: fs, counted: fs.counted(), FuzzyBelow: 1, cache: newCountCache(), pages: newPageCache()}
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
	var v *dbVersion
	if p.cache != nil || p.pages != nil {
		if v, err = p.version(ctx); err != nil {
			return Result{}, err
		}
	}
	fuzzy := c != nil && c.Fuzzy
	res, keys, err := p.run(ctx, f, pg, o, c, fuzzy, v)
	if err != nil {
		return Result{}, err
	}
	found := res.matched
	if pg.SkipCounts {
		found = len(keys)
	}
	if c == nil && f.Query != "" && found < p.FuzzyBelow {
		fuzzy = true
		if res, keys, err = p.run(ctx, f, pg, o, c, true, v); err != nil {
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

// version reads the database version the caches are checked against.
func (p *Postgres) version(ctx context.Context) (*dbVersion, error) {
	return readVersion(ctx, p.db)
}

// readVersion reads the database version (store.ReadVersion).
func readVersion(ctx context.Context, db store.DB) (*dbVersion, error) {
	v, err := store.ReadVersion(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return &v, nil
}

// fromMemory decides, for searches and streams alike, whether the
// in-memory index answers: only a search it covers (it refuses relevance
// order, typo matching, unpublished events and facets it does not hold)
// and only from a snapshot of the database version v. nil: SQL answers.
func (p *Postgres) fromMemory(ctx context.Context, f Filter, o Order, fuzzy bool, v dbVersion) (*memQuery, error) {
	if !p.mem.covers(f, o, fuzzy) {
		return nil, nil
	}
	snap := p.mem.current(ctx, v)
	if snap == nil {
		return nil, nil
	}
	return p.mem.memSearch(ctx, snap, f)
}

// run counts (total and facets) and reads the page: from the in-memory
// snapshot when it covers the search and is current, else in SQL. In SQL
// on a pool the two run at once on two connections, so a search takes as
// long as the slower one. v is the database version the caches are
// checked against (nil without caches).
func (p *Postgres) run(ctx context.Context, f Filter, pg Page, o Order, c *cursor, fuzzy bool, v *dbVersion) (Result, []pageKey, error) {
	if v != nil {
		mq, err := p.fromMemory(ctx, f, o, fuzzy, *v)
		if err != nil {
			return Result{}, nil, err
		}
		if mq != nil {
			p.mem.served.Add(1)
			var res Result
			if !pg.SkipCounts {
				res = mq.counts()
			}
			keys, err := p.page(ctx, f, o, c, pg.First, fuzzy, v, mq)
			return res, keys, err
		}
	}
	var res Result
	var ferr error
	done := make(chan struct{})
	count := func() {
		switch {
		case pg.SkipCounts:
		case p.cache != nil:
			res, ferr = p.counts(ctx, f, fuzzy, *v)
		default:
			res, ferr = p.countSQL(ctx, f, fuzzy)
		}
		close(done)
	}
	if _, ok := p.db.(*pgxpool.Pool); ok {
		go count()
	} else {
		count()
	}
	keys, err := p.page(ctx, f, o, c, pg.First, fuzzy, v, nil)
	<-done
	if err == nil {
		err = ferr
	}
	return res, keys, err
}

// page returns up to first+1 keys after c, the first ones with their
// events, from the page cache when it holds them. mq, when set, reads the
// keys from the in-memory snapshot instead of SQL.
func (p *Postgres) page(ctx context.Context, f Filter, o Order, c *cursor, first int, fuzzy bool, v *dbVersion, mq *memQuery) ([]pageKey, error) {
	if p.pages == nil {
		return p.readPage(ctx, f, o, c, first+1, first, fuzzy, mq)
	}
	key, floor := pageKeyOf(f, o, c, first, fuzzy)
	if e := p.pages.get(key, *v); e != nil {
		if keys, ok := e.page(f.From, first); ok {
			return keys, nil
		}
	}
	ff := f
	ff.From = floor
	limit := first + 1 + pageSlack
	keys, err := p.readPage(ctx, ff, o, c, limit, limit, fuzzy, mq)
	if err != nil {
		return nil, err
	}
	e := &pageEntry{version: *v, at: time.Now(), keys: keys, complete: len(keys) < limit}
	p.pages.put(key, e)
	if out, ok := e.page(f.From, first); ok {
		return out, nil
	}
	// More events than the slack ended within the minute: read the exact page.
	return p.readPage(ctx, f, o, c, first+1, first, fuzzy, mq)
}

// readPage reads up to limit keys after c and the events of the first
// load of them.
func (p *Postgres) readPage(ctx context.Context, f Filter, o Order, c *cursor, limit, load int, fuzzy bool, mq *memQuery) ([]pageKey, error) {
	var keys []pageKey
	if mq != nil {
		keys = mq.refilter(f).keys(o, c, limit)
	} else {
		sk, err := store.SearchKeys(ctx, p.db, p.fs.spec(f, fuzzy), keyOrder(o), c.key(), limit)
		if err != nil {
			return nil, err
		}
		keys = make([]pageKey, len(sk))
		for i, k := range sk {
			keys[i] = pageKey{cursor: cursor{Order: o, Fuzzy: fuzzy, Start: k.Start, ID: k.ID, Rank: k.Rank}, end: k.End}
		}
	}
	load = min(load, len(keys))
	ids := make([]int64, 0, load)
	for _, k := range keys[:load] {
		ids = append(ids, k.ID)
	}
	evs, err := store.ListingEventsByID(ctx, p.db, ids)
	if err != nil {
		return nil, err
	}
	// EventsByID keeps the order of ids and skips the ones it did not find.
	for i, j := 0, 0; i < load && j < len(evs); i++ {
		if keys[i].ID == evs[j].ID {
			keys[i].event = &evs[j]
			j++
		}
	}
	return keys, nil
}

// countSQL fills Total and Facets in SQL.
func (p *Postgres) countSQL(ctx context.Context, f Filter, fuzzy bool) (Result, error) {
	n, err := store.CountSearch(ctx, p.db, p.fs.spec(f, fuzzy))
	if err != nil {
		return Result{}, err
	}
	lists := make([][]FacetCount, len(n.Facets))
	for i, l := range n.Facets {
		for _, c := range l {
			lists[i] = append(lists[i], FacetCount(c))
		}
	}
	return Result{Total: n.Total, matched: n.Matched, Facets: p.counted.facetsOf(lists)}, nil
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
