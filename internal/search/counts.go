package search

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// countCache keeps, for the shared part of a search (text, dates,
// filter-only facets such as the sources), the counted facets' values of every matching event, so totals and
// facets for any choice of regions, languages and topics are counted in
// memory. Counting is the costly part of a search: the text has to be
// checked on every event in the date range, while a page needs only the
// first twenty. A region or topic page of a partner widget, or a user
// clicking through facets, reuses the same shared part.
//
// An entry is used only while the data's version (store.Version) is
// unchanged, and for at most ttl.
type countCache struct {
	ttl     time.Duration
	maxRows int // all entries together

	mu      sync.Mutex
	entries map[string]*countEntry
	rows    int
	// seen notes when a shared part was last counted in SQL. Reading its
	// rows costs about twice an aggregate in SQL, so the rows are read
	// only for a shared part asked for again within ttl: a search nobody
	// repeats is counted in SQL and leaves nothing behind.
	seen map[string]time.Time
}

// maxSeen bounds countCache.seen; it is emptied when full.
const maxSeen = 4096

type countEntry struct {
	version dbVersion
	at      time.Time
	from    *time.Time // the From the rows were read with (floored)
	ends    []int64    // when each matching event ends (Unix nanoseconds)
	bits    []uint64   // its facets: len(fs) words per event
	dicts   facetDicts // the values seen in the rows
}

// dbVersion is the data version the caches are checked against.
type dbVersion = store.Version

func newCountCache() *countCache {
	return &countCache{ttl: 30 * time.Second, maxRows: 200_000, entries: map[string]*countEntry{}, seen: map[string]time.Time{}}
}

// baseKey names the shared part of a filter: the whole filter without
// the counted facets fs (a filter-only one is part of the shared part), so a field added to Filter is part of the key without
// anyone listing it here. From is floored to the minute so "now" repeats;
// the rows then hold a minute more and counts filter them on the exact
// From.
func baseKey(fs FacetSet, f Filter, fuzzy bool) (string, *time.Time) {
	for _, fc := range fs {
		fc.Set(&f, nil)
	}
	if len(f.Extra) == 0 {
		f.Extra = nil
	}
	var from *time.Time
	if f.From != nil {
		t := f.From.Truncate(time.Minute)
		from = &t
	}
	f.From, f.Query = from, strings.Join(Words(f.Query), " ")
	k, _ := json.Marshal(struct {
		F     Filter
		Fuzzy bool
	}{f, fuzzy})
	return string(k), from
}

// counts returns the total and facets of f, from the cache or by reading
// the shared part's rows once; version is the database's now.
func (p *Postgres) counts(ctx context.Context, f Filter, fuzzy bool, version dbVersion) (Result, error) {
	c := p.cache
	key, from := baseKey(p.counted, f, fuzzy)
	c.mu.Lock()
	e := c.entries[key]
	if e != nil && (e.version != version || time.Since(e.at) > c.ttl) {
		e = nil
	}
	repeated := false
	if e == nil {
		last, ok := c.seen[key]
		repeated = ok && time.Since(last) <= c.ttl
		if len(c.seen) >= maxSeen {
			clear(c.seen)
		}
		c.seen[key] = time.Now()
	}
	c.mu.Unlock()
	if e == nil && !repeated {
		return p.countSQL(ctx, f, fuzzy)
	}
	if e == nil {
		base := f
		base.From = from
		e = &countEntry{version: version, at: time.Now(), from: from, dicts: newFacetDicts(p.counted)}
		scan := newFacetScan(p.counted)
		err := store.EachSearchRow(ctx, p.db, p.fs.spec(base, fuzzy), scan.dest, func(end time.Time) error {
			var err error
			e.ends = append(e.ends, end.UnixNano())
			e.bits, err = e.dicts.appendRow(e.bits, scan)
			return err
		})
		if errors.Is(err, errTooManyValues) {
			return p.countSQL(ctx, f, fuzzy)
		}
		if err != nil {
			return Result{}, err
		}
		c.put(key, e)
	}
	return e.count(p.counted, f), nil
}

func (c *countCache) put(key string, e *countEntry) {
	if len(e.ends) > c.maxRows/4 {
		return // too big to keep; counted once
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.rows -= len(old.ends)
	}
	c.entries[key] = e
	c.rows += len(e.ends)
	for c.rows > c.maxRows {
		var oldest string
		for k, x := range c.entries {
			if oldest == "" || x.at.Before(c.entries[oldest].at) {
				oldest = k
			}
		}
		c.rows -= len(c.entries[oldest].ends)
		delete(c.entries, oldest)
	}
}

// count applies the exact From and the faceted filters to the rows.
func (e *countEntry) count(fs FacetSet, f Filter) Result {
	from := int64(math.MinInt64)
	if f.From != nil {
		from = f.From.UnixNano()
	}
	t := newFacetTally(e.dicts.filter(fs, f))
	n := len(fs)
	for i, end := range e.ends {
		if end >= from {
			t.add(e.bits[i*n : (i+1)*n])
		}
	}
	return t.result(fs, &e.dicts)
}
