package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// NearLimit bounds the events EventsNear returns: the blocking step never
// compares a new occurrence with more.
const NearLimit = 500

// EventsAround is EventsNear for a stretch of days and every region at
// once, at most limit events. A batch of items reads it once and picks
// each new occurrence's EventsNear from it (the same conditions, applied
// in Go: ingest's nearby) instead of one query per occurrence.
func EventsAround(ctx context.Context, db DB, from, to time.Time, excludeSource string, limit int) ([]Event, error) {
	return eventsNear(ctx, db, from, to, "", excludeSource, limit)
}

func eventsNear(ctx context.Context, db DB, from, to time.Time, region, excludeSource string, limit int) ([]Event, error) {
	rows, err := db.Query(ctx, EventSelect+`
		WHERE e.start_at < $2 AND e.start_at >= $1::timestamptz - interval '3 days'
		  AND (e.start_at >= $1 OR e.end_at >= $1)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		  AND ($3 = '' OR e.region IS NULL OR e.region = $3 OR e.online = 'yes')
		  AND NOT EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		                  WHERE ei.event_id = e.id AND i.source_id = $4)
		ORDER BY e.start_at, e.id LIMIT $5`, from, to, region, excludeSource, limit)
	if err != nil {
		return nil, fmt.Errorf("events near %s: %w", from.Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}
