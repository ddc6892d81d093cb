package search

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The Postgres backend answers a search through a stack of layers, each a
// decorator around the next: the page cache, the in-memory index, the
// count cache, and SQL at the bottom (Postgres.compose stacks them; it is
// the one place that picks how a search is answered). A layer answers the
// parts of a request it can answer exactly and passes the request, or the
// rest of it, to the layer below; it refuses (passes on) anything it
// cannot answer exactly: a filter or order it does not support, or data
// newer than it holds. Only SQL answers everything.

// layer is one way of answering the parts of a search, as the Searcher's
// Search and Each need them.
type layer interface {
	// answer fills what r asks for: the total, matched and facets when
	// r.counts, and up to r.limit keys after r.c (the events of the first
	// r.load of them loaded).
	answer(ctx context.Context, r *request) (Result, []pageKey, error)
	// each streams the events matching r.f in StartAsc order, at most
	// limit, as Searcher.Each.
	each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error
}

// request is one run of a search: validated, its cursor decoded.
type request struct {
	fs, counted FacetSet // the backend's facets and the counted ones
	f           Filter
	o           Order
	c           *cursor
	fuzzy       bool // typo-tolerant title matches added
	counts      bool // total and facets wanted
	// keysFrom, when set, replaces f.From for the keys (the page cache
	// reads them from the minute); nil: f.From.
	keysFrom    *time.Time
	limit, load int // keys wanted (0: none) and events loaded of them
	// fuzzyBelow: a stream's text switches to typo-tolerant matching when
	// it finds fewer events (Postgres.FuzzyBelow).
	fuzzyBelow int
	ver        *versionOnce
}

// keyFilter is the filter the keys are read with.
func (r *request) keyFilter() Filter {
	f := r.f
	if r.keysFrom != nil {
		f.From = r.keysFrom
	}
	return f
}

// version is the database version the caches and the index are checked
// against, read at most once per search (only when a layer asks).
func (r *request) version(ctx context.Context) (dbVersion, error) { return r.ver.get(ctx) }

// versionOnce reads the database version once and shares it.
type versionOnce struct {
	db   store.DB
	once sync.Once
	v    dbVersion
	err  error
}

func (o *versionOnce) get(ctx context.Context) (dbVersion, error) {
	o.once.Do(func() { o.v, o.err = store.ReadVersion(ctx, o.db) })
	return o.v, o.err
}

// both runs a and b, at once on two connections when db is a pool (a
// search then takes as long as the slower part), else one after the
// other.
func both(db store.DB, a, b func()) {
	if _, ok := db.(*pgxpool.Pool); !ok {
		a()
		b()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a()
	}()
	b()
	<-done
}

// loadEvents loads the events of the first load keys (store.ListingEventsByID);
// an event deleted since its key was read stays without one.
func loadEvents(ctx context.Context, db store.DB, keys []pageKey, load int) ([]pageKey, error) {
	load = min(load, len(keys))
	ids := make([]int64, 0, load)
	for _, k := range keys[:load] {
		ids = append(ids, k.ID)
	}
	evs, err := store.ListingEventsByID(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	// ListingEventsByID keeps the order of ids and skips the ones it did
	// not find.
	for i, j := 0, 0; i < load && j < len(evs); i++ {
		if keys[i].ID == evs[j].ID {
			keys[i].event = &evs[j]
			j++
		}
	}
	return keys, nil
}
