package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/store"
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
	rows    []facetRow
	// The values seen in the rows; a row holds bits of their positions
	// (at most 64 of each), so counting compares integers, not strings.
	regions, languages, topics dict
}

// dbVersion is the data version the caches are checked against.
type dbVersion = store.Version

// facetRow is one matching event: when it ends (Unix nanoseconds), its
// region's bit (0 for none) and the bits of its languages and topics.
type facetRow struct {
	end                       int64
	region, languages, topics uint64
}

// dict numbers the values of one facet as they appear.
type dict struct {
	values []string
	index  map[string]int
}

// errTooManyValues: a facet has more than 64 values; such rows are
// counted in SQL instead.
var errTooManyValues = errors.New("more than 64 values of one facet")

func (d *dict) bits(values ...string) (uint64, error) {
	var m uint64
	for _, v := range values {
		i, ok := d.index[v]
		if !ok {
			if len(d.values) == 64 {
				return 0, errTooManyValues
			}
			if d.index == nil {
				d.index = map[string]int{}
			}
			i = len(d.values)
			d.index[v] = i
			d.values = append(d.values, v)
		}
		m |= 1 << i
	}
	return m, nil
}

// mask is the bits of the wanted values that occur; ok is false when the
// filter has none (it does not filter).
func (d *dict) mask(wanted []string) (m uint64, ok bool) {
	for _, v := range wanted {
		if i, found := d.index[v]; found {
			m |= 1 << i
		}
	}
	return m, len(wanted) > 0
}

func newCountCache() *countCache {
	return &countCache{ttl: 30 * time.Second, maxRows: 200_000, entries: map[string]*countEntry{}, seen: map[string]time.Time{}}
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
// the shared part's rows once; version is the database's now.
func (p *Postgres) counts(ctx context.Context, f Filter, fuzzy bool, version dbVersion) (Result, error) {
	c := p.cache
	key, from := baseKey(f, fuzzy)
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
		return p.facets(ctx, newPGQuery(f, fuzzy))
	}
	if e == nil {
		base := f
		base.From, base.Regions, base.Languages, base.Topics = from, nil, nil, nil
		q := newPGQuery(base, fuzzy)
		rows, err := p.db.Query(ctx, q.rowsSQL(), q.execArgs()...)
		if err != nil {
			return Result{}, fmt.Errorf("count events: %w", err)
		}
		e = &countEntry{version: version, at: time.Now(), from: from}
		var end time.Time
		var region string
		var langs, topics []string
		_, err = pgx.ForEachRow(rows, []any{&end, &region, &langs, &topics}, func() error {
			x := facetRow{end: end.UnixNano()}
			var err error
			if region != "" {
				x.region, err = e.regions.bits(region)
			}
			if err == nil {
				x.languages, err = e.languages.bits(langs...)
			}
			if err == nil {
				x.topics, err = e.topics.bits(topics...)
			}
			e.rows = append(e.rows, x)
			return err
		})
		if errors.Is(err, errTooManyValues) {
			return p.facets(ctx, newPGQuery(f, fuzzy))
		}
		if err != nil {
			return Result{}, fmt.Errorf("count events: %w", err)
		}
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
	from := int64(math.MinInt64)
	if f.From != nil {
		from = f.From.UnixNano()
	}
	rm, rf := e.regions.mask(f.Regions)
	lm, lf := e.languages.mask(f.Languages)
	tm, tf := e.topics.mask(f.Topics)
	var regions, langs, topics [64]int
	for _, x := range e.rows {
		if x.end < from {
			continue
		}
		res.matched++
		rOK := !rf || x.region&rm != 0
		lOK := !lf || x.languages&lm != 0
		tOK := !tf || x.topics&tm != 0
		if rOK && lOK && tOK {
			res.Total++
		}
		if lOK && tOK && x.region != 0 {
			regions[bits.TrailingZeros64(x.region)]++
		}
		if rOK && tOK {
			for m := x.languages; m != 0; m &= m - 1 {
				langs[bits.TrailingZeros64(m)]++
			}
		}
		if rOK && lOK {
			for m := x.topics; m != 0; m &= m - 1 {
				topics[bits.TrailingZeros64(m)]++
			}
		}
	}
	res.Facets.Regions = e.regions.counts(regions[:])
	res.Facets.Languages = e.languages.counts(langs[:])
	res.Facets.Topics = e.topics.counts(topics[:])
	res.Facets.sort()
	return res
}

// counts lists the values with a count.
func (d *dict) counts(n []int) []FacetCount {
	out := []FacetCount{}
	for i, v := range d.values {
		if n[i] > 0 {
			out = append(out, FacetCount{Value: v, Count: n[i]})
		}
	}
	return out
}
