package search

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// pageCache keeps recent pages: their keys and events, read at one database
// version. A partner widget or a feed reader asks the same question again
// and again ("trainings in Arabic in Leipzig, next 20"), and between two
// crawls the answer does not change; reading it again costs the text match
// over the whole date range. An entry is used only while the database
// version (see countCache) is unchanged and for at most ttl.
//
// Keys are read with From floored to the minute, so that "from now"
// repeats, with a few keys more than the page needs; a hit drops the
// events that ended before the exact From. If that leaves too few keys to
// fill the page while more may follow, the hit is not used.
type pageCache struct {
	inner layer
	ttl   time.Duration
	max   int // entries

	mu      sync.Mutex
	entries map[string]*pageEntry
}

// pageSlack is how many keys a cached page reads beyond first+1, for the
// events that end between the floored and the exact From.
const pageSlack = 4

type pageEntry struct {
	version dbVersion
	at      time.Time
	keys    []pageKey
	// complete: the query returned fewer keys than it asked for, so no
	// key follows the last one.
	complete bool
}

// pageKey is one hit as read: its cursor, when the event ends (for the
// exact From), and the event.
type pageKey struct {
	cursor
	end   time.Time
	event *store.Event // nil when the event vanished between the queries
}

func newPageCache() *pageCache {
	return &pageCache{ttl: 30 * time.Second, max: 256, entries: map[string]*pageEntry{}}
}

// pageKeyOf names one page: the whole filter with From floored, order,
// cursor, size and whether the text is matched with typos.
func pageKeyOf(f Filter, o Order, c *cursor, first int, fuzzy bool) (string, *time.Time) {
	var from *time.Time
	if f.From != nil {
		t := f.From.Truncate(time.Minute)
		from = &t
	}
	f.From = from
	k, _ := json.Marshal(struct {
		F     Filter
		O     Order
		C     *cursor
		N     int
		Fuzzy bool
	}{f, o, c, first, fuzzy})
	return string(k), from
}

func (pc *pageCache) get(key string, v dbVersion) *pageEntry {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entries[key]
	if e == nil || e.version != v || time.Since(e.at) > pc.ttl {
		return nil
	}
	return e
}

func (pc *pageCache) put(key string, e *pageEntry) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.entries[key] = e
	if len(pc.entries) <= pc.max {
		return
	}
	// Over the bound (more distinct pages within ttl than max): drop what
	// is stale, then the oldest, down to three quarters. Rare enough that a
	// scan is fine.
	now := time.Now()
	for k, x := range pc.entries {
		if x.version != e.version || now.Sub(x.at) > pc.ttl {
			delete(pc.entries, k)
		}
	}
	if len(pc.entries) <= pc.max {
		return
	}
	ages := make([]time.Time, 0, len(pc.entries))
	for _, x := range pc.entries {
		ages = append(ages, x.at)
	}
	slices.SortFunc(ages, func(a, b time.Time) int { return b.Compare(a) })
	cut := ages[pc.max*3/4]
	for k, x := range pc.entries {
		if !x.at.After(cut) && x != e {
			delete(pc.entries, k)
		}
	}
}

// page returns the first+1 keys (or fewer, at the end) at or after the
// exact From, and whether the entry can answer at all.
func (e *pageEntry) page(from *time.Time, first int) ([]pageKey, bool) {
	out := make([]pageKey, 0, first+1)
	for _, k := range e.keys {
		if from != nil && k.end.Before(*from) {
			continue
		}
		if len(out) == first+1 {
			break
		}
		out = append(out, k)
	}
	if len(out) < first+1 && !e.complete {
		return nil, false
	}
	return out, true
}

// answer reads the keys from the cache, or reads them with a few more
// from the minute below and keeps them; the counts come from below. It
// passes on a request without keys.
func (pc *pageCache) answer(ctx context.Context, r *request) (Result, []pageKey, error) {
	if r.limit == 0 {
		return pc.inner.answer(ctx, r)
	}
	v, err := r.version(ctx)
	if err != nil {
		return Result{}, nil, err
	}
	first := r.limit - 1
	key, floor := pageKeyOf(r.f, r.o, r.c, first, r.fuzzy)
	if e := pc.get(key, v); e != nil {
		if keys, ok := e.page(r.f.From, first); ok {
			if !r.counts {
				return Result{}, keys, nil
			}
			countOnly := *r
			countOnly.limit, countOnly.load = 0, 0
			res, _, err := pc.inner.answer(ctx, &countOnly)
			return res, keys, err
		}
	}
	wide := *r
	wide.keysFrom = floor
	wide.limit = first + 1 + pageSlack
	wide.load = wide.limit
	res, keys, err := pc.inner.answer(ctx, &wide)
	if err != nil {
		return Result{}, nil, err
	}
	e := &pageEntry{version: v, at: time.Now(), keys: keys, complete: len(keys) < wide.limit}
	pc.put(key, e)
	if out, ok := e.page(r.f.From, first); ok {
		return res, out, nil
	}
	// More events than the slack ended within the minute: read the exact page.
	keysOnly := *r
	keysOnly.counts = false
	_, keys, err = pc.inner.answer(ctx, &keysOnly)
	return res, keys, err
}

// each streams below: the cache holds pages, not streams.
func (pc *pageCache) each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error {
	return pc.inner.each(ctx, r, limit, fn)
}
