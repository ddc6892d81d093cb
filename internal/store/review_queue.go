package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Review states of an event as the queue sees them.
const (
	StateNew       = "new"       // never reviewed (events.review = pending)
	StateChanged   = "changed"   // approved, then the source changed it
	StateVanished  = "vanished"  // published, then gone from every source: cancelled?
	StatePublished = "published" // approved or auto-published, nothing to do
	StateRejected  = "rejected"
)

// QueueFilter selects queue entries. State "" is the queue proper (new,
// changed and vanished); "all" is every live event.
type QueueFilter struct {
	State  string
	Source string
	Region string
	Query  string // words in title, venue or city
	// Facets narrow the queue further, each to events with any of its
	// values (the staff filters on free, registration, audience, access).
	Facets []FacetCond
	Limit  int // default 50
	Offset int
}

// QueueEntry is one event in the queue.
type QueueEntry struct {
	Event
	State   string
	Sources []string
	// ChangedAt is when a re-crawl changed an approved event.
	ChangedAt *time.Time
	Overrides int
	// SourceMoved counts overrides whose field the source has changed since.
	SourceMoved int
}

// reviewStateSQL computes the queue state of e joined with r (event_reviews):
// a staff decision after the change or the vanishing takes it off the queue.
const reviewStateSQL = `CASE
	WHEN e.review = 'pending' THEN 'new'
	WHEN e.review = 'published' AND e.vanished_at IS NOT NULL AND (r.decided_at IS NULL OR r.decided_at < e.vanished_at) THEN 'vanished'
	WHEN e.review = 'published' AND r.changed_at IS NOT NULL AND (r.decided_at IS NULL OR r.decided_at < r.changed_at) THEN 'changed'
	WHEN e.review = 'published' THEN 'published'
	ELSE 'rejected' END`

const queueCTE = `WITH q AS (
	SELECT e.id, ` + reviewStateSQL + ` AS state, greatest(e.created_at, r.changed_at, e.vanished_at) AS at, e.low_confidence
	FROM events e LEFT JOIN event_reviews r ON r.event_id = e.id
	WHERE e.merged_into IS NULL
	  AND ($1 = '' OR coalesce(e.region, '') = $1)
	  AND ($2 = '' OR EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
	                          WHERE ei.event_id = e.id AND i.source_id = $2))
	  AND ($3 = '' OR e.title ILIKE $3 OR e.venue ILIKE $3 OR e.city ILIKE $3 OR e.organizer ILIKE $3)`

// cte is queueCTE with the facet conditions, their values bound from the
// parameter first on, and the arguments of all its parameters but the
// caller's own ($4 to first-1).
func (f QueueFilter) cte(first int, own ...any) (string, []any) {
	q := ""
	if f.Query != "" {
		q = likePattern(f.Query)
	}
	args := append([]any{f.Region, f.Source, q}, own...)
	var b strings.Builder
	b.WriteString(queueCTE)
	for _, c := range f.Facets {
		if len(c.Want) == 0 {
			continue
		}
		// The condition is the search's own (FacetColumn.where).
		b.WriteString("\n\t  AND " + c.where("$"+strconv.Itoa(first+len(args)-3-len(own))))
		args = append(args, c.Want)
	}
	b.WriteString(")")
	return b.String(), args
}

// ReviewQueue returns one page of entries, low-confidence ones first, then
// newest (created, changed or vanished) first, and the total count.
func ReviewQueue(ctx context.Context, db DB, f QueueFilter) ([]QueueEntry, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	cte, args := f.cte(7, f.State, f.Limit, max(f.Offset, 0))
	rows, err := db.Query(ctx, cte+`
		SELECT id, state, count(*) OVER () FROM q
		WHERE CASE $4 WHEN '' THEN state IN ('new', 'changed', 'vanished') WHEN 'all' THEN true ELSE state = $4 END
		ORDER BY low_confidence DESC, at DESC, id DESC LIMIT $5 OFFSET $6`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("review queue: %w", err)
	}
	type hit struct {
		id    int64
		state string
		total int
	}
	hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hit, error) {
		var h hit
		return h, row.Scan(&h.id, &h.state, &h.total)
	})
	if err != nil || len(hits) == 0 {
		return nil, 0, err
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	list, err := EventsByID(ctx, db, ids)
	if err != nil {
		return nil, 0, err
	}
	evs := make(map[int64]Event, len(list))
	for _, e := range list {
		evs[e.ID] = e
	}
	srcs, err := EventSourceIDs(ctx, db, ids)
	if err != nil {
		return nil, 0, err
	}
	extra, err := queueExtras(ctx, db, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]QueueEntry, 0, len(hits))
	for _, h := range hits {
		e, ok := evs[h.id]
		if !ok {
			continue
		}
		x := extra[h.id]
		out = append(out, QueueEntry{Event: e, State: h.state, Sources: srcs[h.id], ChangedAt: x.changedAt,
			Overrides: x.overrides, SourceMoved: x.moved})
	}
	return out, hits[0].total, nil
}

type queueExtra struct {
	changedAt        *time.Time
	overrides, moved int
}

func queueExtras(ctx context.Context, db DB, ids []int64) (map[int64]queueExtra, error) {
	rows, err := db.Query(ctx, `
		SELECT e.id, r.changed_at,
			(SELECT count(*) FROM event_overrides o WHERE o.event_id = e.id),
			(SELECT count(*) FROM event_overrides o WHERE o.event_id = e.id AND o.source_now IS NOT NULL)
		FROM events e LEFT JOIN event_reviews r ON r.event_id = e.id WHERE e.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("queue details: %w", err)
	}
	defer rows.Close()
	out := map[int64]queueExtra{}
	for rows.Next() {
		var id int64
		var x queueExtra
		if err := rows.Scan(&id, &x.changedAt, &x.overrides, &x.moved); err != nil {
			return nil, err
		}
		out[id] = x
	}
	return out, rows.Err()
}

// QueueCounts counts entries per state within the filter's source, region
// and query.
func QueueCounts(ctx context.Context, db DB, f QueueFilter) (map[string]int, error) {
	cte, args := f.cte(4)
	rows, err := db.Query(ctx, cte+` SELECT state, count(*) FROM q GROUP BY state`, args...)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ReviewState returns the queue state of one event.
func ReviewState(ctx context.Context, db DB, id int64) (string, error) {
	var s string
	err := db.QueryRow(ctx, `SELECT `+reviewStateSQL+` FROM events e LEFT JOIN event_reviews r ON r.event_id = e.id
		WHERE e.id = $1`, id).Scan(&s)
	if err != nil {
		return "", fmt.Errorf("review state of event %d: %w", id, rowNotFound(err))
	}
	return s, nil
}

// EventSourceIDs returns the sources behind each event, sorted.
func EventSourceIDs(ctx context.Context, db DB, ids []int64) (map[int64][]string, error) {
	rows, err := db.Query(ctx, `
		SELECT ei.event_id, array_agg(DISTINCT i.source_id ORDER BY i.source_id)
		FROM event_items ei JOIN items i ON i.id = ei.item_id WHERE ei.event_id = ANY($1) GROUP BY ei.event_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("sources of events: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var s []string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		out[id] = s
	}
	return out, rows.Err()
}

// EventItem is one source item behind an event, with the raw extract.
type EventItem struct {
	ItemID         int64
	Occurrence     int
	SourceID       string
	Key            string
	PageURL        string
	Raw            event.Item
	RawJSON        json.RawMessage
	NormalizeError string
	Draft          event.Draft
	FirstSeen      time.Time
	LastSeen       time.Time
	VanishedAt     *time.Time
}

// EventItems returns the items linked to an event, oldest link first.
func EventItems(ctx context.Context, db DB, eventID int64) ([]EventItem, error) {
	rows, err := db.Query(ctx, `
		SELECT ei.item_id, ei.occurrence, i.source_id, i.key, i.page_url, i.raw, coalesce(i.normalize_error, ''),
			ei.draft, ei.first_seen, i.last_seen, i.vanished_at
		FROM event_items ei JOIN items i ON i.id = ei.item_id
		WHERE ei.event_id = $1 ORDER BY ei.first_seen, ei.item_id, ei.occurrence`, eventID)
	if err != nil {
		return nil, fmt.Errorf("items of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []EventItem
	for rows.Next() {
		var it EventItem
		var draft []byte
		if err := rows.Scan(&it.ItemID, &it.Occurrence, &it.SourceID, &it.Key, &it.PageURL, &it.RawJSON,
			&it.NormalizeError, &draft, &it.FirstSeen, &it.LastSeen, &it.VanishedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(it.RawJSON, &it.Raw); err != nil {
			return nil, fmt.Errorf("decode item %d: %w", it.ItemID, err)
		}
		if err := json.Unmarshal(draft, &it.Draft); err != nil {
			return nil, fmt.Errorf("decode draft of item %d: %w", it.ItemID, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// LiveEventsBetween returns the unmerged, not rejected events starting in
// [from, to), by start: the candidates for duplicate suggestions.
func LiveEventsBetween(ctx context.Context, db DB, from, to time.Time, limit int) ([]Event, error) {
	rows, err := db.Query(ctx, EventSelect+`
		WHERE e.start_at >= $1 AND e.start_at < $2 AND e.merged_into IS NULL AND e.review <> 'rejected'
		ORDER BY e.start_at, e.id LIMIT $3`, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("events between %s and %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}

// FirstPendingStart returns the start of the earliest live event awaiting
// review (ok false when none): where the duplicates page starts by default,
// so pairs staff still have to decide on are shown even when they are past.
func FirstPendingStart(ctx context.Context, db DB) (t time.Time, ok bool, err error) {
	var start *time.Time
	if err := db.QueryRow(ctx, `SELECT min(start_at) FROM events WHERE review = 'pending' AND merged_into IS NULL`).Scan(&start); err != nil {
		return time.Time{}, false, fmt.Errorf("first pending start: %w", err)
	}
	if start == nil {
		return time.Time{}, false, nil
	}
	return *start, true, nil
}
