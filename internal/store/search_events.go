package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// EventsByID loads the given events in one query and returns them in the
// order of ids; ids that do not exist are left out.
func EventsByID(ctx context.Context, db DB, ids []int64) ([]Event, error) {
	return eventsByID(ctx, db, EventSelect, ids)
}

// listingSelect is EventSelect without the draft JSON, whose decoding was
// most of the cost of a search page.
const listingSelect = `SELECT e.id, e.uid, NULL::jsonb, ` + eventColumns

// ListingEventsByID is EventsByID for listings (search results): the
// columns only, so the draft's secondary fields (RegistrationDeadline,
// DoorsOpen, Contact, Audience, Accessibility, Confidence, Warnings) stay
// empty.
func ListingEventsByID(ctx context.Context, db DB, ids []int64) ([]Event, error) {
	return eventsByID(ctx, db, listingSelect, ids)
}

func eventsByID(ctx context.Context, db DB, sel string, ids []int64) ([]Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.Query(ctx, sel+` WHERE e.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d events: %w", len(ids), err)
	}
	evs, err := pgx.CollectRows(rows, ScanEvent)
	if err != nil {
		return nil, fmt.Errorf("load %d events: %w", len(ids), err)
	}
	byID := make(map[int64]Event, len(evs))
	for _, e := range evs {
		byID[e.ID] = e
	}
	out := make([]Event, 0, len(ids))
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// EventSource is one source that announced an event.
type EventSource struct {
	EventID   int64
	SourceID  string
	URL       string
	FirstSeen time.Time
	LastSeen  time.Time
	Vanished  bool // the page no longer lists the event
}

// EventSourcesByEvent returns the sources of many events in one query, each
// event's oldest first; an item listing several dates counts once.
func EventSourcesByEvent(ctx context.Context, db DB, eventIDs []int64) (map[int64][]EventSource, error) {
	out := make(map[int64][]EventSource, len(eventIDs))
	if len(eventIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `
		SELECT ei.event_id, i.source_id, coalesce(i.raw->>'url', i.page_url), min(ei.first_seen), max(i.last_seen),
			i.vanished_at IS NOT NULL
		FROM event_items ei JOIN items i ON i.id = ei.item_id
		WHERE ei.event_id = ANY($1)
		GROUP BY ei.event_id, i.id
		ORDER BY ei.event_id, min(ei.first_seen), i.id`, eventIDs)
	if err != nil {
		return nil, fmt.Errorf("sources of %d events: %w", len(eventIDs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var s EventSource
		if err := rows.Scan(&s.EventID, &s.SourceID, &s.URL, &s.FirstSeen, &s.LastSeen, &s.Vanished); err != nil {
			return nil, fmt.Errorf("sources of %d events: %w", len(eventIDs), err)
		}
		out[s.EventID] = append(out[s.EventID], s)
	}
	return out, rows.Err()
}
