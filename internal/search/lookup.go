package search

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	rows, err := db.Query(ctx, `SELECT DISTINCT l FROM events e, unnest(e.languages) l
		WHERE `+store.PublicSQL+` ORDER BY l`)
	if err != nil {
		return nil, fmt.Errorf("languages: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SeriesEvents returns the public events of each series, soonest first, in
// one query: at most limit of each (a feed can make a series of thousands;
// an API answer must stay bounded).
func SeriesEvents(ctx context.Context, db store.DB, seriesIDs []string, limit int) (map[string][]store.Event, error) {
	out := make(map[string][]store.Event, len(seriesIDs))
	if len(seriesIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, store.EventSelect+` WHERE e.id IN (
			SELECT id FROM (SELECT e.id, row_number() OVER (PARTITION BY e.series_id ORDER BY e.start_at, e.id) AS n
				FROM events e WHERE e.series_id = ANY($1) AND `+store.PublicSQL+`) s
			WHERE n <= $2)
		ORDER BY e.start_at, e.id`, seriesIDs, limit)
	if err != nil {
		return nil, fmt.Errorf("events of %d series: %w", len(seriesIDs), err)
	}
	evs, err := pgx.CollectRows(rows, store.ScanEvent)
	if err != nil {
		return nil, fmt.Errorf("events of %d series: %w", len(seriesIDs), err)
	}
	for _, e := range evs {
		out[e.SeriesID] = append(out[e.SeriesID], e)
	}
	return out, nil
}
