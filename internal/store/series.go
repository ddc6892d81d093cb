package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SeriesDates returns the other published dates of a series, in start
// order, at most limit: the public event page lists them.
func SeriesDates(ctx context.Context, db DB, seriesID string, except int64, limit int) ([]Event, error) {
	if seriesID == "" {
		return nil, nil
	}
	rows, err := db.Query(ctx, EventSelect+`
		WHERE e.series_id = @series AND e.id <> @except AND `+PublicSQL+`
		ORDER BY e.start_at, e.id LIMIT @limit`, pgx.NamedArgs{"series": seriesID, "except": except, "limit": limit})
	if err != nil {
		return nil, fmt.Errorf("dates of series %s: %w", seriesID, err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}
