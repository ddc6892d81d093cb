package graph

import (
	"context"
	"net/http"

	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// loaders are the per-request dataloaders: an event list's sources and
// series cost one query each, not one per event.
type loaders struct {
	eventSources *loader[int64, []store.EventSource]
	sources      *loader[string, store.SourceRow]
	series       *loader[string, []store.Event]
}

type loadersKey struct{}

func newLoaders(db store.DB) *loaders {
	l := &loaders{}
	l.eventSources = newLoader(func(ctx context.Context, ids []int64) (map[int64][]store.EventSource, error) {
		m, err := store.EventSourcesByEvent(ctx, db, ids)
		for _, srcs := range m {
			for _, s := range srcs {
				l.sources.Prime(s.SourceID)
			}
		}
		return m, err
	})
	l.sources = newLoader(func(ctx context.Context, ids []string) (map[string]store.SourceRow, error) {
		return store.SourcesByID(ctx, db, ids)
	})
	l.series = newLoader(func(ctx context.Context, ids []string) (map[string][]store.Event, error) {
		return search.SeriesEvents(ctx, db, ids, maxSeriesEvents)
	})
	return l
}

// primeHits tells the loaders which events a page holds, so their sources
// and series are each read in one query when the first is asked for.
func (l *loaders) primeHits(hits []search.Hit) {
	for _, h := range hits {
		l.eventSources.Prime(h.Event.ID)
		if h.Event.SeriesID != "" {
			l.series.Prime(h.Event.SeriesID)
		}
	}
}

// withLoaders gives every request its own loaders (and so its own cache).
func withLoaders(db store.DB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(db))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}
