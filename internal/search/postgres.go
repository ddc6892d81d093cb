package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Postgres searches the events table directly: full-text search on the
// generated search_doc column (german and simple configurations, unaccent,
// weights title A, venue/city B, description C), prefix matching on every
// word, and trigram similarity on titles when full text finds little.
type Postgres struct {
	db    store.DB
	cache *countCache
	// FuzzyBelow: when full-text search finds fewer events than this (by
	// default: none), titles
	// similar to the query (typos) are added.
	FuzzyBelow int
}

// NewPostgres returns the Postgres searcher on a pool.
func NewPostgres(db store.DB) *Postgres {
	return &Postgres{db: db, FuzzyBelow: 1, cache: newCountCache()}
}

// WithoutCountCache makes every search count in SQL (see countCache).
func (p *Postgres) WithoutCountCache() *Postgres {
	p.cache = nil
	return p
}

// Index does nothing: the search document is a generated column.
func (p *Postgres) Index(context.Context, []int64) error { return nil }

// Delete does nothing, as Index.
func (p *Postgres) Delete(context.Context, []int64) error { return nil }

// Search runs one page of a search with its total and facets.
func (p *Postgres) Search(ctx context.Context, f Filter, pg Page, o Order) (Result, error) {
	if err := Validate(&f, &pg, &o); err != nil {
		return Result{}, err
	}
	c, err := decodeCursor(pg.After, o)
	if err != nil {
		return Result{}, err
	}
	fuzzy := c != nil && c.Fuzzy
	res, keys, evs, err := p.run(ctx, f, pg, o, c, fuzzy)
	if err != nil {
		return Result{}, err
	}
	found := res.matched
	if pg.SkipCounts {
		found = len(keys)
	}
	if c == nil && f.Query != "" && found < p.FuzzyBelow {
		fuzzy = true
		if res, keys, evs, err = p.run(ctx, f, pg, o, c, true); err != nil {
			return Result{}, err
		}
	}
	if len(keys) > pg.First {
		keys, res.HasNext = keys[:pg.First], true
	}
	res.Hits = make([]Hit, 0, len(evs))
	for i, e := range evs {
		// An event deleted between the two queries is skipped; keys and
		// events stay aligned because EventsByID keeps the order.
		for keys[i].ID != e.ID {
			keys = append(keys[:i], keys[i+1:]...)
		}
		res.Hits = append(res.Hits, Hit{Event: e, Cursor: keys[i].encode()})
	}
	if n := len(res.Hits); n > 0 {
		res.StartCursor, res.EndCursor = res.Hits[0].Cursor, res.Hits[n-1].Cursor
	}
	return res, nil
}

// run counts (total and facets) and reads the page. On a pool the two run
// at once on two connections, so a search takes as long as the slower one.
func (p *Postgres) run(ctx context.Context, f Filter, pg Page, o Order, c *cursor, fuzzy bool) (Result, []cursor, []store.Event, error) {
	var res Result
	var ferr error
	done := make(chan struct{})
	count := func() {
		switch {
		case pg.SkipCounts:
		case p.cache != nil:
			res, ferr = p.counts(ctx, f, fuzzy)
		default:
			res, ferr = p.facets(ctx, newPGQuery(f, fuzzy))
		}
		close(done)
	}
	if _, ok := p.db.(*pgxpool.Pool); ok {
		go count()
	} else {
		count()
	}
	keys, evs, err := p.page(ctx, newPGQuery(f, fuzzy), o, c, pg.First, fuzzy)
	<-done
	if err == nil {
		err = ferr
	}
	return res, keys, evs, err
}

// page reads up to first+1 keys after c and the events of the first ones.
func (p *Postgres) page(ctx context.Context, q *pgQuery, o Order, c *cursor, first int, fuzzy bool) ([]cursor, []store.Event, error) {
	rows, err := p.db.Query(ctx, q.pageSQL(o, c, first+1), q.execArgs()...)
	if err != nil {
		return nil, nil, fmt.Errorf("search events: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cursor, error) {
		k := cursor{Order: o, Fuzzy: fuzzy}
		err := r.Scan(&k.ID, &k.Start, &k.Rank)
		return k, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("search events: %w", err)
	}
	ids := make([]int64, 0, len(keys))
	for _, k := range keys[:min(first, len(keys))] {
		ids = append(ids, k.ID)
	}
	evs, err := store.EventsByID(ctx, p.db, ids)
	return keys, evs, err
}

// facets fills Total and Facets.
func (p *Postgres) facets(ctx context.Context, q *pgQuery) (Result, error) {
	rows, err := p.db.Query(ctx, q.facetSQL(), q.execArgs()...)
	if err != nil {
		return Result{}, fmt.Errorf("count events: %w", err)
	}
	defer rows.Close()
	var res Result
	res.Facets = Facets{Regions: []FacetCount{}, Languages: []FacetCount{}, Topics: []FacetCount{}}
	for rows.Next() {
		var kind, value string
		var n int
		if err := rows.Scan(&kind, &value, &n); err != nil {
			return Result{}, fmt.Errorf("count events: %w", err)
		}
		fc := FacetCount{Value: value, Count: n}
		switch kind {
		case "total":
			res.Total = n
		case "matched":
			res.matched = n
		case "region":
			res.Facets.Regions = append(res.Facets.Regions, fc)
		case "language":
			res.Facets.Languages = append(res.Facets.Languages, fc)
		case "topic":
			res.Facets.Topics = append(res.Facets.Topics, fc)
		}
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("count events: %w", err)
	}
	res.Facets.sort()
	return res, nil
}

// sort orders each facet by count, then value, so both backends agree.
func (f *Facets) sort() {
	for _, l := range [][]FacetCount{f.Regions, f.Languages, f.Topics} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Count != l[j].Count {
				return l[i].Count > l[j].Count
			}
			return l[i].Value < l[j].Value
		})
	}
}
