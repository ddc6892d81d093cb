package search

import (
	"context"
	"fmt"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// PublicEvent loads an event if it is public (published and not merged);
// otherwise the error wraps event.ErrNotFound, so a hidden event is
// indistinguishable from a missing one.
func PublicEvent(ctx context.Context, db store.DB, id int64) (store.Event, error) {
	e, err := store.GetEvent(ctx, db, id)
	if err != nil {
		return store.Event{}, err
	}
	if !e.Public() {
		return store.Event{}, fmt.Errorf("event %d: %w", id, event.ErrNotFound)
	}
	return e, nil
}

// Languages lists the languages public events are offered in, by code.
func Languages(ctx context.Context, db store.DB) ([]string, error) {
	return store.PublicLanguages(ctx, db)
}

// SeriesEvents returns the public events of each series, soonest first, in
// one query: at most limit of each (a feed can make a series of thousands;
// an API answer must stay bounded).
func SeriesEvents(ctx context.Context, db store.DB, seriesIDs []string, limit int) (map[string][]store.Event, error) {
	return store.PublicSeriesEvents(ctx, db, seriesIDs, limit)
}
