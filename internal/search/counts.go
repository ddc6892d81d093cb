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
	inner   layer
	db      store.DB
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

func newCountCache(db store.DB) *countCache {
	return &countCache{db: db, ttl: 30 * time.Second, maxRows: 200_000, entries: map[string]*countEntry{}, seen: map[string]time.Time{}}
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

// answer counts from the cache, or by reading the shared part's rows
// once, and leaves the keys to the layer below; it passes on a request
// without counts, and the counting of a shared part nobody repeats.
func (c *countCache) answer(ctx context.Context, r *request) (Result, []pageKey, error) {
	if !r.counts {
		return c.inner.answer(ctx, r)
	}
	version, err := r.version(ctx)
	if err != nil {
		return Result{}, nil, err
	}
	key, from := baseKey(r.counted, r.f, r.fuzzy)
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
		return c.inner.answer(ctx, r)
	}
	keysOnly := *r
	keysOnly.counts = false
	var res Result
	var keys []pageKey
	var cerr, kerr error
	count := func() {
		if e == nil {
			if e, cerr = c.read(ctx, r, version, key, from); cerr != nil || e == nil {
				return
			}
		}
		res = e.count(r.counted, r.f)
	}
	read := func() {
		if r.limit > 0 {
			_, keys, kerr = c.inner.answer(ctx, &keysOnly)
		}
	}
	both(c.db, count, read)
	switch {
	case cerr != nil:
		return Result{}, nil, cerr
	case kerr != nil:
		return Result{}, nil, kerr
	case e == nil: // too many values to hold: counted below
		countOnly := *r
		countOnly.limit, countOnly.load = 0, 0
		res, _, err = c.inner.answer(ctx, &countOnly)
		return res, keys, err
	}
	return res, keys, nil
}

// read reads the rows of r's shared part (From floored) into a new entry
// and keeps it; nil when a facet has more values than bits.
func (c *countCache) read(ctx context.Context, r *request, version dbVersion, key string, from *time.Time) (*countEntry, error) {
	base := r.f
	base.From = from
	e := &countEntry{version: version, at: time.Now(), from: from, dicts: newFacetDicts(r.counted)}
	scan := newFacetScan(r.counted)
	err := store.EachSearchRow(ctx, c.db, r.fs.spec(base, r.fuzzy), scan.dest, func(end time.Time) error {
		var err error
		e.ends = append(e.ends, end.UnixNano())
		e.bits, err = e.dicts.appendRow(e.bits, scan)
		return err
	})
	if errors.Is(err, errTooManyValues) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.put(key, e)
	return e, nil
}

// each streams below: the cache holds counts, not streams.
func (c *countCache) each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error {
	return c.inner.each(ctx, r, limit, fn)
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
