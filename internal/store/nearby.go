package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
	versions = map[int64][]LinkedDraft{}
	var b pgx.Batch
	for _, st := range stretches {
		b.Queue(ownEventsSQL, st.From, st.To, source, limit).Query(func(rows pgx.Rows) error {
			done := map[int64]bool{} // read for an earlier stretch
			for rows.Next() {
				var e Event
				var end *time.Time
				var online string
				var l LinkedDraft
				if err := rows.Scan(&e.ID, &e.Draft.Start, &end, &e.Draft.Place.Region, &online, &l.ItemID, &l.SourceID,
					&l.URL, &l.Draft.Title, &l.Draft.Description, &l.Vanished, &l.FirstSeen, &l.LastSeen); err != nil {
					return err
				}
				if _, ok := versions[e.ID]; ok && !done[e.ID] {
					continue
				}
				if !done[e.ID] {
					done[e.ID] = true
					if end != nil {
						e.Draft.End = *end
					}
					e.Draft.Online = event.OnlineMode(online)
					evs = append(evs, e)
				}
				versions[e.ID] = append(versions[e.ID], l)
			}
			return rows.Err()
		})
	}
	if err := sendBatch(ctx, db, &b); err != nil {
		return nil, nil, fmt.Errorf("own events around %d stretches: %w", len(stretches), err)
	}
	sortEvents(evs)
	return evs[:min(len(evs), limit)], versions, nil
}

// ownEventsSQL is OwnEventsAround's query for one stretch: $1 from, $2
// to, $3 source, $4 limit.
const ownEventsSQL = `
	WITH own AS (
		SELECT e.id, e.start_at, e.end_at, coalesce(e.region, '') AS region, e.online FROM events e
		WHERE e.start_at < $2 AND e.start_at >= $1::timestamptz - interval '3 days'
		  AND (e.start_at >= $1 OR e.end_at >= $1)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		  AND EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		              WHERE ei.event_id = e.id AND i.source_id = $3)
		ORDER BY e.start_at, e.id LIMIT $4)
	SELECT own.id, own.start_at, own.end_at, own.region, own.online, ei.item_id, i.source_id,
	       coalesce(i.raw->>'url', ''), coalesce(ei.draft->>'title', ''), coalesce(ei.draft->>'description', ''),
	       i.vanished_at IS NOT NULL, ei.first_seen, i.last_seen
	FROM own JOIN event_items ei ON ei.event_id = own.id JOIN items i ON i.id = ei.item_id
	ORDER BY own.start_at, own.id, ei.first_seen, ei.item_id, ei.occurrence`

// eventsAround is eventsNear of every region for each stretch, each event
// once, in eventsNear's order, at most limit. One query per stretch, sent
// in one round trip: one query over all stretches (unnest, lateral) was
// planned as a scan of all events, 100–200 ms a batch in a store of
// 6,000, where each stretch's own query uses the start index.
func eventsAround(ctx context.Context, db DB, stretches []Stretch, source string, own bool, limit int) ([]Event, error) {
	if len(stretches) == 1 {
		return eventsNear(ctx, db, stretches[0].From, stretches[0].To, "", source, own, limit)
	}
	var b pgx.Batch
	var out []Event
	seen := map[int64]bool{}
	for _, st := range stretches {
		b.Queue(eventsNearSQL(own), st.From, st.To, "", source, limit).Query(func(rows pgx.Rows) error {
			evs, err := pgx.CollectRows(rows, ScanEvent)
			for _, e := range evs {
				if !seen[e.ID] {
					seen[e.ID] = true
					out = append(out, e)
				}
			}
			return err
		})
	}
	if err := sendBatch(ctx, db, &b); err != nil {
		return nil, fmt.Errorf("events around %d stretches from %s: %w", len(stretches), stretches[0].From.Format(time.DateOnly), err)
	}
	sortEvents(out)
	return out[:min(len(out), limit)], nil
}

// sortEvents orders events as eventsNear does: by start, then id.
func sortEvents(evs []Event) {
	slices.SortFunc(evs, func(a, b Event) int {
		if c := a.Draft.Start.Compare(b.Draft.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// eventsNear returns the block's events that source backs (own) or that
// it does not.
func eventsNear(ctx context.Context, db DB, from, to time.Time, region, source string, own bool, limit int) ([]Event, error) {
	rows, err := db.Query(ctx, eventsNearSQL(own), from, to, region, source, limit)
	if err != nil {
		return nil, fmt.Errorf("events near %s: %w", from.Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}

// eventsNearSQL is eventsNear's query: $1 from, $2 to, $3 region, $4
// source, $5 limit.
func eventsNearSQL(own bool) string {
	// Two literal texts rather than "EXISTS (…) = $6": the planner turns
	// only a plain [NOT] EXISTS into a (anti-)join.
	exists := "NOT EXISTS"
	if own {
		exists = "EXISTS"
	}
	return EventSelect + `
		WHERE e.start_at < $2 AND e.start_at >= $1::timestamptz - interval '3 days'
		  AND (e.start_at >= $1 OR e.end_at >= $1)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		  AND ($3 = '' OR e.region IS NULL OR e.region = $3 OR e.online = 'yes')
		  AND ` + exists + ` (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		                  WHERE ei.event_id = e.id AND i.source_id = $4)
		ORDER BY e.start_at, e.id LIMIT $5`
}

// sendBatch sends a batch of queries in one round trip: pools and
// transactions can, DB does not say so.
func sendBatch(ctx context.Context, db DB, b *pgx.Batch) error {
	bd, ok := db.(interface {
		SendBatch(context.Context, *pgx.Batch) pgx.BatchResults
	})
	if !ok {
		return fmt.Errorf("send batch: %T cannot send batches", db)
	}
	return bd.SendBatch(ctx, b).Close()
}
