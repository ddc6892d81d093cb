package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Review is the staff side of an event.
type Review struct {
	EventID       int64
	ApprovedDraft *event.Draft // the last approved version, nil before the first approval
	ApprovedAt    *time.Time
	ApprovedBy    string
	DecidedAt     *time.Time
	DecidedBy     string
	RejectReason  string
	ChangedAt     *time.Time // a re-crawl changed the event after its approval
}

// GetReview loads the review record of an event; an event never decided on
// has an empty one.
func GetReview(ctx context.Context, db DB, eventID int64) (Review, error) {
	r := Review{EventID: eventID}
	var approved []byte
	var approvedBy, decidedBy *string
	err := db.QueryRow(ctx, `SELECT approved_draft, approved_at, approved_by, decided_at, decided_by, reject_reason, changed_at
		FROM event_reviews WHERE event_id = $1`, eventID).
		Scan(&approved, &r.ApprovedAt, &approvedBy, &r.DecidedAt, &decidedBy, &r.RejectReason, &r.ChangedAt)
	if err == pgx.ErrNoRows {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("review of event %d: %w", eventID, err)
	}
	if approvedBy != nil {
		r.ApprovedBy = *approvedBy
	}
	if decidedBy != nil {
		r.DecidedBy = *decidedBy
	}
	if approved != nil {
		var d event.Draft
		if err := json.Unmarshal(approved, &d); err != nil {
			return r, fmt.Errorf("decode approved draft of event %d: %w", eventID, err)
		}
		r.ApprovedDraft = &d
	}
	return r, nil
}

// SetReview sets events.review (pending, published or rejected).
func SetReview(ctx context.Context, db DB, eventID int64, review string) error {
	tag, err := db.Exec(ctx, `UPDATE events SET review = $2 WHERE id = $1`, eventID, review)
	if err != nil {
		return fmt.Errorf("set review of event %d: %w", eventID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("event %d: %w", eventID, event.ErrNotFound)
	}
	return nil
}

// RecordApproval keeps the approved version of an event: later changes are
// diffed against it.
func RecordApproval(ctx context.Context, db DB, eventID int64, d event.Draft, by string) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode approved draft: %w", err)
	}
	_, err = db.Exec(ctx, `
		INSERT INTO event_reviews (event_id, approved_draft, approved_at, approved_by, decided_at, decided_by, reject_reason)
		VALUES ($1, $2, now(), $3, now(), $3, '')
		ON CONFLICT (event_id) DO UPDATE SET approved_draft = EXCLUDED.approved_draft, approved_at = now(),
			approved_by = EXCLUDED.approved_by, decided_at = now(), decided_by = EXCLUDED.decided_by, reject_reason = ''`,
		eventID, raw, by)
	if err != nil {
		return fmt.Errorf("record approval of event %d: %w", eventID, err)
	}
	return nil
}

// RecordDecision notes a staff decision other than approval (reject, edit,
// cancel, keep a vanished event): it takes the event off the queue.
func RecordDecision(ctx context.Context, db DB, eventID int64, by, rejectReason string) error {
	_, err := db.Exec(ctx, `
		INSERT INTO event_reviews (event_id, decided_at, decided_by, reject_reason) VALUES ($1, now(), $2, $3)
		ON CONFLICT (event_id) DO UPDATE SET decided_at = now(), decided_by = EXCLUDED.decided_by,
			reject_reason = EXCLUDED.reject_reason`, eventID, by, rejectReason)
	if err != nil {
		return fmt.Errorf("record decision on event %d: %w", eventID, err)
	}
	return nil
}

// NoteContentChange is called after the pipeline wrote new content to an
// event. An approved event from a source whose policy is review goes back
// to the queue as changed; when the content is back to what was approved,
// it leaves the queue again.
func NoteContentChange(ctx context.Context, db DB, eventID int64, d event.Draft) error {
	r, err := GetReview(ctx, db, eventID)
	if err != nil || r.ApprovedDraft == nil {
		return err
	}
	var reviewed bool
	err = db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		JOIN sources s ON s.id = i.source_id WHERE ei.event_id = $1 AND s.publish = 'review')`, eventID).Scan(&reviewed)
	if err != nil {
		return fmt.Errorf("publish policy of event %d: %w", eventID, err)
	}
	if !reviewed {
		return nil
	}
	if len(ChangedFields(*r.ApprovedDraft, d)) == 0 {
		_, err = db.Exec(ctx, `UPDATE event_reviews SET changed_at = NULL WHERE event_id = $1`, eventID)
	} else {
		_, err = db.Exec(ctx, `UPDATE event_reviews SET changed_at = now() WHERE event_id = $1`, eventID)
	}
	if err != nil {
		return fmt.Errorf("note change of event %d: %w", eventID, err)
	}
	return nil
}

// LinkRef names one occurrence of an item.
type LinkRef struct {
	ItemID     int64 `json:"item"`
	Occurrence int   `json:"occurrence"`
}

// MoveLinks points every item occurrence of one event at another.
func MoveLinks(ctx context.Context, db DB, from, to int64) ([]LinkRef, error) {
	rows, err := db.Query(ctx, `UPDATE event_items SET event_id = $2 WHERE event_id = $1 RETURNING item_id, occurrence`, from, to)
	if err != nil {
		return nil, fmt.Errorf("move links %d → %d: %w", from, to, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (LinkRef, error) {
		var l LinkRef
		return l, row.Scan(&l.ItemID, &l.Occurrence)
	})
}

// MoveLink points one item occurrence at another event, if it is still
// linked to from.
func MoveLink(ctx context.Context, db DB, l LinkRef, from, to int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE event_items SET event_id = $4 WHERE item_id = $1 AND occurrence = $2 AND event_id = $3`,
		l.ItemID, l.Occurrence, from, to)
	if err != nil {
		return false, fmt.Errorf("move link %d/%d: %w", l.ItemID, l.Occurrence, err)
	}
	return tag.RowsAffected() > 0, nil
}

// SetMergedInto marks an event as merged into another (nil: not merged).
func SetMergedInto(ctx context.Context, db DB, id int64, into *int64) error {
	_, err := db.Exec(ctx, `UPDATE events SET merged_into = $2 WHERE id = $1`, id, into)
	if err != nil {
		return fmt.Errorf("set merged_into of event %d: %w", id, err)
	}
	return nil
}

// Merge is a staff merge, open until split.
type Merge struct {
	ID       int64
	EventID  int64 // merged away
	IntoID   int64 // kept
	Links    []LinkRef
	MergedBy string
	MergedAt time.Time
}

// RecordMerge keeps which links a merge moved, so a split can undo it.
func RecordMerge(ctx context.Context, db DB, from, into int64, links []LinkRef, by string) (int64, error) {
	raw, err := json.Marshal(links)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.QueryRow(ctx, `INSERT INTO event_merges (event_id, into_id, links, merged_by) VALUES ($1, $2, $3, $4) RETURNING id`,
		from, into, raw, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record merge %d → %d: %w", from, into, err)
	}
	return id, nil
}

// OpenMerges returns the staff merges into an event that were not split.
func OpenMerges(ctx context.Context, db DB, into int64) ([]Merge, error) {
	rows, err := db.Query(ctx, `SELECT id, event_id, into_id, links, merged_by, merged_at FROM event_merges
		WHERE into_id = $1 AND split_at IS NULL ORDER BY merged_at DESC, id DESC`, into)
	if err != nil {
		return nil, fmt.Errorf("merges into %d: %w", into, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Merge, error) {
		var m Merge
		var raw []byte
		if err := row.Scan(&m.ID, &m.EventID, &m.IntoID, &raw, &m.MergedBy, &m.MergedAt); err != nil {
			return m, err
		}
		return m, json.Unmarshal(raw, &m.Links)
	})
}

// CloseMerge marks a merge as undone.
func CloseMerge(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `UPDATE event_merges SET split_at = now() WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("close merge %d: %w", id, err)
	}
	return nil
}

// AddDistinct records that an item is not the given event: the pipeline
// never matches a new occurrence of the item to it again.
func AddDistinct(ctx context.Context, db DB, itemID, eventID int64, by string) error {
	_, err := db.Exec(ctx, `INSERT INTO dedup_distinct (item_id, event_id, decided_by) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, itemID, eventID, by)
	if err != nil {
		return fmt.Errorf("record item %d is not event %d: %w", itemID, eventID, err)
	}
	return nil
}

// RemoveDistinctBetween forgets the decisions between the items of one
// event and another (staff merged them after all).
func RemoveDistinctBetween(ctx context.Context, db DB, a, b int64) error {
	_, err := db.Exec(ctx, `DELETE FROM dedup_distinct d USING event_items ei
		WHERE d.item_id = ei.item_id AND ((ei.event_id = $1 AND d.event_id = $2) OR (ei.event_id = $2 AND d.event_id = $1))`, a, b)
	if err != nil {
		return fmt.Errorf("forget distinct decisions %d/%d: %w", a, b, err)
	}
	return nil
}

// DistinctEvents returns the events staff said an item is not.
func DistinctEvents(ctx context.Context, db DB, itemID int64) (map[int64]bool, error) {
	rows, err := db.Query(ctx, `SELECT event_id FROM dedup_distinct WHERE item_id = $1`, itemID)
	if err != nil {
		return nil, fmt.Errorf("distinct decisions of item %d: %w", itemID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// DistinctPairs returns, among the given events, the pairs staff decided
// are not duplicates (an item of one is marked distinct from the other),
// keyed with the lower id first.
func DistinctPairs(ctx context.Context, db DB, ids []int64) (map[[2]int64]bool, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT ei.event_id, d.event_id FROM dedup_distinct d
		JOIN event_items ei ON ei.item_id = d.item_id
		WHERE d.event_id = ANY($1) AND ei.event_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("distinct pairs: %w", err)
	}
	defer rows.Close()
	out := map[[2]int64]bool{}
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		out[[2]int64{min(a, b), max(a, b)}] = true
	}
	return out, rows.Err()
}

// SetApprovedDraft replaces the approved version of an event.
func SetApprovedDraft(ctx context.Context, db DB, eventID int64, d event.Draft) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode approved draft: %w", err)
	}
	_, err = db.Exec(ctx, `UPDATE event_reviews SET approved_draft = $2 WHERE event_id = $1`, eventID, raw)
	if err != nil {
		return fmt.Errorf("update approved draft of event %d: %w", eventID, err)
	}
	return nil
}
