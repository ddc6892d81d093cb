package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// countCache keeps, for the shared part of a search (text, dates, online
// mode, sources), the facet fields of every matching event, so totals and
// facets for any choice of regions, languages and topics are counted in
// memory. Counting is the costly part of a search: the text has to be
// checked on every event in the date range, while a page needs only the
// first twenty. A region or topic page of a partner widget, or a user
// clicking through facets, reuses the same shared part.
//
// An entry is used only while the database's version is unchanged: the
// newest search_outbox id (every write to events adds a row in its
// transaction, by trigger) and the newest events.updated_at (which still
// moves when a drainer has emptied the outbox). An entry also expires after
// ttl, which bounds the case both miss: two writers committing out of
// order and the outbox drained in between.
type countCache struct {
	ttl     time.Duration
	maxRows int // all entries together

	mu      sync.Mutex
	entries map[string]*countEntry
	rows    int
}

type countEntry struct {
	version dbVersion
	at      time.Time
	from    *time.Time // the From the rows were read with (floored)
	rows    []facetRow
}

type dbVersion struct {
	outbox  int64
	updated time.Time
}

type facetRow struct {
	end       time.Time
	region    string
	languages []string
	topics    []string
}

func newCountCache() *countCache {
	return &countCache{ttl: 30 * time.Second, maxRows: 200_000, entries: map[string]*countEntry{}}
}

// baseKey names the shared part of a filter. From is floored to the minute
// so "now" repeats; the rows then hold a minute more and counts filter
// them on the exact From.
func baseKey(f Filter, fuzzy bool) (string, *time.Time) {
	var from *time.Time
	if f.From != nil {
		t := f.From.Truncate(time.Minute)
		from = &t
	}
	k, _ := json.Marshal(struct {
		Q        []string
		From, To *time.Time
		Online   string
		Sources  []string
		All      bool
		Fuzzy    bool
	}{Words(f.Query), from, f.To, f.Online, f.Sources, f.IncludeUnpublished, fuzzy})
	return string(k), from
}

// counts returns the total and facets of f, from the cache or by reading
// the shared part's rows once.
func (p *Postgres) counts(ctx context.Context, f Filter, fuzzy bool) (Result, error) {
	c := p.cache
	key, from := baseKey(f, fuzzy)
	var version dbVersion
	err := p.db.QueryRow(ctx, `SELECT coalesce((SELECT max(id) FROM search_outbox), 0),
		coalesce((SELECT max(updated_at) FROM events), 'epoch')`).Scan(&version.outbox, &version.updated)
	if err != nil {
		return Result{}, fmt.Errorf("count events: %w", err)
	}
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e == nil || e.version != version || time.Since(e.at) > c.ttl {
		base := f
		base.From, base.Regions, base.Languages, base.Topics = from, nil, nil, nil
		q := newPGQuery(base, fuzzy)
		rows, err := p.db.Query(ctx, q.rowsSQL(), q.execArgs()...)
		if err != nil {
			return Result{}, fmt.Errorf("count events: %w", err)
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (facetRow, error) {
			var x facetRow
			err := r.Scan(&x.end, &x.region, &x.languages, &x.topics)
			return x, err
		})
		if err != nil {
			return Result{}, fmt.Errorf("count events: %w", err)
		}
		e = &countEntry{version: version, at: time.Now(), from: from, rows: list}
		c.put(key, e)
	}
	return e.count(f), nil
}

func (c *countCache) put(key string, e *countEntry) {
	if len(e.rows) > c.maxRows/4 {
		return // too big to keep; counted once
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.rows -= len(old.rows)
	}
	c.entries[key] = e
	c.rows += len(e.rows)
	for c.rows > c.maxRows {
		var oldest string
		for k, x := range c.entries {
			if oldest == "" || x.at.Before(c.entries[oldest].at) {
				oldest = k
			}
		}
		c.rows -= len(c.entries[oldest].rows)
		delete(c.entries, oldest)
	}
}

// count applies the exact From and the faceted filters to the rows, with
// the same semantics as the SQL: each facet within the other filters.
func (e *countEntry) count(f Filter) Result {
	res := Result{Facets: Facets{Regions: []FacetCount{}, Languages: []FacetCount{}, Topics: []FacetCount{}}}
	regions, langs, tops := map[string]int{}, map[string]int{}, map[string]int{}
	for _, x := range e.rows {
		if f.From != nil && x.end.Before(*f.From) {
			continue
		}
		res.matched++
		rOK := len(f.Regions) == 0 || slices.Contains(f.Regions, x.region)
		lOK := len(f.Languages) == 0 || overlaps(x.languages, f.Languages)
		tOK := len(f.Topics) == 0 || overlaps(x.topics, f.Topics)
		if rOK && lOK && tOK {
			res.Total++
		}
		if lOK && tOK && x.region != "" {
			regions[x.region]++
		}
		if rOK && tOK {
			for _, l := range x.languages {
				langs[l]++
			}
		}
		if rOK && lOK {
			for _, t := range x.topics {
				tops[t]++
			}
		}
	}
	for dst, m := range map[*[]FacetCount]map[string]int{&res.Facets.Regions: regions, &res.Facets.Languages: langs, &res.Facets.Topics: tops} {
		for v, n := range m {
			*dst = append(*dst, FacetCount{Value: v, Count: n})
		}
	}
	res.Facets.sort()
	return res
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
