package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// The reads behind search's and the calendar's lookups besides the search
// itself (search_read.go): each names PublicSQL where it shows events.

// PublicLanguages lists the languages public events are offered in, by
// code.
func PublicLanguages(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT l FROM events e, unnest(e.languages) l
		WHERE `+PublicSQL+` ORDER BY l`)
	if err != nil {
		return nil, fmt.Errorf("languages: %w", err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("languages: %w", err)
	}
	return codes, nil
}

// PublicSeriesEvents returns the public events of each series, soonest
// first, in one query: at most limit of each.
func PublicSeriesEvents(ctx context.Context, db DB, seriesIDs []string, limit int) (map[string][]Event, error) {
	out := make(map[string][]Event, len(seriesIDs))
	if len(seriesIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, EventSelect+` WHERE e.id IN (
			SELECT id FROM (SELECT e.id, row_number() OVER (PARTITION BY e.series_id ORDER BY e.start_at, e.id) AS n
				FROM events e WHERE e.series_id = ANY(@series) AND `+PublicSQL+`) s
			WHERE n <= @limit)
		ORDER BY e.start_at, e.id`, pgx.NamedArgs{"series": seriesIDs, "limit": limit})
	if err != nil {
		return nil, fmt.Errorf("events of %d series: %w", len(seriesIDs), err)
	}
	evs, err := pgx.CollectRows(rows, ScanEvent)
	if err != nil {
		return nil, fmt.Errorf("events of %d series: %w", len(seriesIDs), err)
	}
	for _, e := range evs {
		out[e.SeriesID] = append(out[e.SeriesID], e)
	}
	return out, nil
}

// EventChange is an event's state in the change feed.
type EventChange struct {
	ID               int64
	Created, Updated time.Time
	Review, Status   string
	MergedInto       *int64
	Public           bool // PublicSQL, now
}

// EventChanges lists events changed at or after since and after the
// position (afterAt, afterID), oldest change first, at most limit. Unless
// staff, only events that are or once were public.
func EventChanges(ctx context.Context, db DB, since, afterAt time.Time, afterID int64, limit int, staff bool) ([]EventChange, error) {
	rows, err := db.Query(ctx, `
		SELECT e.id, e.created_at, e.updated_at, e.review, e.merged_into, e.status, `+PublicSQL+` FROM events e
		WHERE updated_at >= @since AND (updated_at, id) > (@at, @id) AND (was_public OR @staff)
		ORDER BY updated_at, id LIMIT @limit`,
		pgx.NamedArgs{"since": since, "at": afterAt, "id": afterID, "limit": limit, "staff": staff})
	if err != nil {
		return nil, fmt.Errorf("change feed: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (EventChange, error) {
		var x EventChange
		err := r.Scan(&x.ID, &x.Created, &x.Updated, &x.Review, &x.MergedInto, &x.Status, &x.Public)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("change feed: %w", err)
	}
	return list, nil
}

// EachFacetRow reads the facet values of events (FacetSelectList into
// dest, one target per column) and calls fn with each event's id.
func EachFacetRow(ctx context.Context, db DB, cols []FacetColumn, ids []int64, dest []any, fn func(id int64) error) error {
	if len(dest) != len(cols) {
		return fmt.Errorf("facets of %d events: %d targets for %d facets", len(ids), len(dest), len(cols))
	}
	rows, err := db.Query(ctx, `SELECT e.id`+FacetSelectList(cols)+` FROM events e WHERE e.id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("facets of %d events: %w", len(ids), err)
	}
	var id int64
	_, err = pgx.ForEachRow(rows, append([]any{&id}, dest...), func() error { return fn(id) })
	if err != nil {
		return fmt.Errorf("facets of %d events: %w", len(ids), err)
	}
	return nil
}

// UnmergedEventIDs returns up to limit ids of events not merged into
// another, above after, ascending: an external index is filled in these
// batches.
func UnmergedEventIDs(ctx context.Context, db DB, after int64, limit int) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT id FROM events WHERE merged_into IS NULL AND id > @after ORDER BY id LIMIT @limit`,
		pgx.NamedArgs{"after": after, "limit": limit})
	if err != nil {
		return nil, fmt.Errorf("read events to index: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("read events to index: %w", err)
	}
	return ids, nil
}

// SourceLink is the announcement an event is published from.
type SourceLink struct {
	SourceID string
	Name     string // the partner's name
	URL      string // the announcement page
}

// FirstSources returns, for each of the events, the announcement it was
// first seen in that is still online (else the first one at all): the
// "link to the source" of feeds and widget. One query per batch of a feed.
func FirstSources(ctx context.Context, db DB, ids []int64) (map[int64]SourceLink, error) {
	out := make(map[int64]SourceLink, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// The items are read one by one through their primary key (the
	// LATERAL with OFFSET 0 keeps the planner from hash-joining all
	// items, which took a third longer on 10,000 items and grows with
	// every item ever crawled).
	rows, err := db.Query(ctx, `
		SELECT DISTINCT ON (ei.event_id) ei.event_id, i.source_id, s.name, coalesce(nullif(i.raw->>'url', ''), i.page_url)
		FROM event_items ei
		CROSS JOIN LATERAL (SELECT i.source_id, i.vanished_at, i.raw, i.page_url FROM items i WHERE i.id = ei.item_id OFFSET 0) i
		JOIN sources s ON s.id = i.source_id
		WHERE ei.event_id = ANY($1::bigint[])
		ORDER BY ei.event_id, i.vanished_at IS NOT NULL, ei.first_seen, ei.item_id, ei.occurrence`, IDArray(ids))
	if err != nil {
		return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
	}
	defer rows.Close()
	// The partner's id and name repeat from row to row: read without a
	// copy (DriverBytes) and kept once.
	var id int64
	var srcID, name pgtype.DriverBytes
	var url string
	dest := []any{&id, &srcID, &name, &url} // once: a variadic call would allocate the slice for every row
	names := map[string][2]string{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
		}
		n, ok := names[string(srcID)]
		if !ok || n[1] != string(name) {
			n = [2]string{string(srcID), string(name)}
			names[n[0]] = n
		}
		out[id] = SourceLink{SourceID: n[0], Name: n[1], URL: url}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
	}
	return out, nil
}
