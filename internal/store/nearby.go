package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// NearLimit bounds the events EventsNear returns: the blocking step never
// compares a new occurrence with more.
const NearLimit = 500

// Stretch is a span of days [From, To) whose events a batch reads at
// once (EventsAround).
type Stretch struct{ From, To time.Time }

// EventsAround is EventsNear for stretches of days and every region at
// once, at most limit events in all. A batch of items reads it once and
// picks each new occurrence's EventsNear from it (the same conditions,
// applied in Go: ingest's nearby) instead of one query per occurrence;
// several stretches serve a transaction whose items lie far apart.
func EventsAround(ctx context.Context, db DB, stretches []Stretch, excludeSource string, limit int) ([]Event, error) {
	return eventsAround(ctx, db, stretches, excludeSource, false, limit)
}

// OwnEventsNear is EventsNear's complement: the events of the block that
// an item of source backs. They are candidates only for a page of the
// site in another language (dedup.Translation), which the caller decides
// from their linked drafts.
func OwnEventsNear(ctx context.Context, db DB, from, to time.Time, region, source string) ([]Event, error) {
	return eventsNear(ctx, db, from, to, region, source, true, NearLimit)
}

// OwnEventsAround is OwnEventsNear for stretches of days and every region
// at once, at most limit events, read only for telling translations
// (dedup.TranslationIn): each event has only the fields EventsNear's
// conditions read (start, end, region, online), and each of its source
// versions (versions, by event, oldest first as LinkedDraftsOf) only its
// item, source, URL, vanished mark and its draft's title and description.
// A batch of a one-language site reads hundreds of its own events and
// never needs more of them; decoding their drafts was a fifth of a first
// crawl's CPU.
func OwnEventsAround(ctx context.Context, db DB, stretches []Stretch, source string, limit int) (evs []Event, versions map[int64][]LinkedDraft, err error) {
	froms, tos := make([]time.Time, len(stretches)), make([]time.Time, len(stretches))
	for i, s := range stretches {
		froms[i], tos[i] = s.From, s.To
	}
	rows, err := db.Query(ctx, `
		WITH own AS (
			SELECT e.id, e.start_at, e.end_at, coalesce(e.region, '') AS region, e.online FROM events e
			WHERE e.id IN (SELECT x.id FROM unnest($1::timestamptz[], $2::timestamptz[]) AS s(f, t),
			                LATERAL (SELECT id FROM events WHERE start_at < s.t AND start_at >= s.f - interval '3 days'
			                         AND (start_at >= s.f OR end_at >= s.f)) x)
			  AND e.merged_into IS NULL AND e.review <> 'rejected'
			  AND EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
			              WHERE ei.event_id = e.id AND i.source_id = $3)
			ORDER BY e.start_at, e.id LIMIT $4)
		SELECT own.id, own.start_at, own.end_at, own.region, own.online, ei.item_id, i.source_id,
		       coalesce(i.raw->>'url', ''), coalesce(ei.draft->>'title', ''), coalesce(ei.draft->>'description', ''),
		       i.vanished_at IS NOT NULL, ei.first_seen, i.last_seen
		FROM own JOIN event_items ei ON ei.event_id = own.id JOIN items i ON i.id = ei.item_id
		ORDER BY own.start_at, own.id, ei.first_seen, ei.item_id, ei.occurrence`, froms, tos, source, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("own events around %d stretches: %w", len(stretches), err)
	}
	defer rows.Close()
	versions = map[int64][]LinkedDraft{}
	for rows.Next() {
		var e Event
		var end *time.Time
		var online string
		var l LinkedDraft
		if err := rows.Scan(&e.ID, &e.Draft.Start, &end, &e.Draft.Place.Region, &online, &l.ItemID, &l.SourceID,
			&l.URL, &l.Draft.Title, &l.Draft.Description, &l.Vanished, &l.FirstSeen, &l.LastSeen); err != nil {
			return nil, nil, fmt.Errorf("own events around %d stretches: %w", len(stretches), err)
		}
		if n := len(evs); n == 0 || evs[n-1].ID != e.ID {
			if end != nil {
				e.Draft.End = *end
			}
			e.Draft.Online = event.OnlineMode(online)
			evs = append(evs, e)
		}
		versions[e.ID] = append(versions[e.ID], l)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("own events around %d stretches: %w", len(stretches), err)
	}
	return evs, versions, nil
}

// eventsAround is eventsNear of every region for each stretch, each event
// once, in eventsNear's order.
func eventsAround(ctx context.Context, db DB, stretches []Stretch, source string, own bool, limit int) ([]Event, error) {
	if len(stretches) == 1 {
		return eventsNear(ctx, db, stretches[0].From, stretches[0].To, "", source, own, limit)
	}
	exists := "NOT EXISTS"
	if own {
		exists = "EXISTS"
	}
	froms, tos := make([]time.Time, len(stretches)), make([]time.Time, len(stretches))
	for i, s := range stretches {
		froms[i], tos[i] = s.From, s.To
	}
	// Each stretch by the start index (a lateral scan), the ids joined
	// back once: stretches three days apart may find an event twice.
	rows, err := db.Query(ctx, EventSelect+`
		WHERE e.id IN (SELECT x.id FROM unnest($1::timestamptz[], $2::timestamptz[]) AS s(f, t),
		                LATERAL (SELECT id FROM events WHERE start_at < s.t AND start_at >= s.f - interval '3 days'
		                         AND (start_at >= s.f OR end_at >= s.f)) x)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		  AND `+exists+` (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		                  WHERE ei.event_id = e.id AND i.source_id = $3)
		ORDER BY e.start_at, e.id LIMIT $4`, froms, tos, source, limit)
	if err != nil {
		return nil, fmt.Errorf("events around %d stretches from %s: %w", len(stretches), froms[0].Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}

// eventsNear returns the block's events that source backs (own) or that
// it does not.
func eventsNear(ctx context.Context, db DB, from, to time.Time, region, source string, own bool, limit int) ([]Event, error) {
	// Two literal texts rather than "EXISTS (…) = $6": the planner turns
	// only a plain [NOT] EXISTS into a (anti-)join.
	exists := "NOT EXISTS"
	if own {
		exists = "EXISTS"
	}
	rows, err := db.Query(ctx, EventSelect+`
		WHERE e.start_at < $2 AND e.start_at >= $1::timestamptz - interval '3 days'
		  AND (e.start_at >= $1 OR e.end_at >= $1)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		  AND ($3 = '' OR e.region IS NULL OR e.region = $3 OR e.online = 'yes')
		  AND `+exists+` (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		                  WHERE ei.event_id = e.id AND i.source_id = $4)
		ORDER BY e.start_at, e.id LIMIT $5`, from, to, region, source, limit)
	if err != nil {
		return nil, fmt.Errorf("events near %s: %w", from.Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}
