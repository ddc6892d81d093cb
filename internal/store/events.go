package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Event is a canonical event as stored: the merge of the drafts of every
// source item linked to it.
type Event struct {
	ID         int64
	UID        string
	Draft      event.Draft
	Review     string // pending | published | rejected
	SeriesID   string
	MergedInto *int64
	Sequence   int
	VanishedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Fingerprint hashes a draft's content; an unchanged re-crawl yields the same
// fingerprint and writes nothing.
func Fingerprint(d event.Draft) (string, []byte, error) {
	b, err := json.Marshal(validDraft(d))
	if err != nil {
		return "", nil, fmt.Errorf("encode draft: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), b, nil
}

// NewEvent is what InsertEvent needs.
type NewEvent struct {
	UID      string
	Draft    event.Draft
	Review   string
	SeriesID string
}

// InsertEvent creates a canonical event.
func InsertEvent(ctx context.Context, db DB, n NewEvent) (int64, error) {
	args, err := insertEventArgs(n)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := db.QueryRow(ctx, insertEventSQL, args).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert event %q: %w", n.Draft.Title, err)
	}
	return id, nil
}

// InsertLinkedEvent creates a canonical event for one occurrence of an
// item and links the two (as Link) in one statement: a new event is
// always linked at once, and the round trip saved is one of the few a
// crawl makes while it holds a day lock.
func InsertLinkedEvent(ctx context.Context, db DB, n NewEvent, itemID int64, occurrence int) (int64, error) {
	args, err := insertEventArgs(n)
	if err != nil {
		return 0, err
	}
	args["item_id"], args["occurrence"] = itemID, occurrence
	var id int64
	err = db.QueryRow(ctx, `WITH e AS (`+insertEventSQL+`)
		INSERT INTO event_items (item_id, occurrence, event_id, draft) SELECT @item_id, @occurrence, e.id, @draft FROM e
		ON CONFLICT (item_id, occurrence) DO UPDATE SET event_id = EXCLUDED.event_id, draft = EXCLUDED.draft, last_seen = now()
		RETURNING event_id`, args).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert event %q for item %d/%d: %w", n.Draft.Title, itemID, occurrence, err)
	}
	return id, nil
}

const insertEventSQL = `
	INSERT INTO events (uid, title, description, description_html, start_at, end_at, all_day, online,
		venue, street, postal_code, city, region, lat, lon, languages, topics, recurrence,
		registration_required, cost_free, organizer, status, review, low_confidence, draft, fingerprint, series_id)
	VALUES (@uid, @title, @description, @description_html, @start_at, @end_at, @all_day, @online,
		@venue, @street, @postal_code, @city, NULLIF(@region, ''), @lat, @lon, @languages, @topics, @recurrence,
		@registration_required, @cost_free, @organizer, @status, @review, @low_confidence, @draft, @fingerprint,
		NULLIF(@series_id, ''))
	RETURNING id`

// insertEventArgs are insertEventSQL's arguments by name; @draft is the
// draft's JSON as stored (also what Link stores for the occurrence).
func insertEventArgs(n NewEvent) (pgx.NamedArgs, error) {
	fp, raw, err := Fingerprint(n.Draft)
	if err != nil {
		return nil, err
	}
	args := draftColumns(validDraft(n.Draft), raw, fp)
	args["uid"], args["review"], args["series_id"] = n.UID, n.Review, n.SeriesID
	return args, nil
}

// draftColumns are the event columns a draft sets, by name: one list for
// the insert and the update, so that the two cannot disagree.
func draftColumns(d event.Draft, raw []byte, fp string) pgx.NamedArgs {
	return pgx.NamedArgs{
		"title": d.Title, "description": d.Description, "description_html": d.DescriptionHTML,
		"start_at": d.Start, "end_at": nullTime(d.End), "all_day": d.AllDay, "online": string(d.Online),
		"venue": d.Place.Venue, "street": d.Place.Street, "postal_code": d.Place.PostalCode,
		"city": d.Place.City, "region": d.Place.Region, "lat": d.Place.Lat, "lon": d.Place.Lon,
		"languages": nonNil(d.Languages), "topics": nonNil(d.Topics), "recurrence": d.Recurrence,
		"registration_required": d.RegistrationRequired, "cost_free": d.CostFree, "organizer": d.Organizer,
		"status": statusOr(d.Status), "low_confidence": d.LowConfidence, "draft": raw, "fingerprint": fp,
	}
}

// WriteEvent stores a new version of an event's draft. It writes nothing and
// returns false when the content is unchanged; otherwise it bumps the
// sequence (calendar clients rely on it) and clears a vanished mark.
func WriteEvent(ctx context.Context, db DB, id int64, d event.Draft) (bool, error) {
	d = validDraft(d)
	fp, raw, err := Fingerprint(d)
	if err != nil {
		return false, err
	}
	args := draftColumns(d, raw, fp)
	args["id"] = id
	tag, err := db.Exec(ctx, `
		UPDATE events SET title = @title, description = @description, description_html = @description_html,
			start_at = @start_at, end_at = @end_at, all_day = @all_day, online = @online, venue = @venue,
			street = @street, postal_code = @postal_code, city = @city, region = NULLIF(@region, ''),
			lat = @lat, lon = @lon, languages = @languages, topics = @topics, recurrence = @recurrence,
			registration_required = @registration_required, cost_free = @cost_free, organizer = @organizer,
			status = @status, low_confidence = @low_confidence, draft = @draft, fingerprint = @fingerprint,
			sequence = sequence + 1, vanished_at = NULL, updated_at = now()
		WHERE id = @id AND (fingerprint <> @fingerprint OR vanished_at IS NOT NULL)`, args)
	if err != nil {
		return false, fmt.Errorf("write event %d: %w", id, err)
	}
	return tag.RowsAffected() > 0, nil
}

// Links returns, for an item, the event of each of its occurrences.
func Links(ctx context.Context, db DB, itemID int64) (map[int]int64, error) {
	rows, err := db.Query(ctx, `SELECT occurrence, event_id FROM event_items WHERE item_id = $1`, itemID)
	if err != nil {
		return nil, fmt.Errorf("links of item %d: %w", itemID, err)
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var occ int
		var ev int64
		if err := rows.Scan(&occ, &ev); err != nil {
			return nil, err
		}
		out[occ] = ev
	}
	return out, rows.Err()
}

// Link points one occurrence of an item at an event, keeping its draft.
func Link(ctx context.Context, db DB, itemID int64, occurrence int, eventID int64, d event.Draft) error {
	raw, err := json.Marshal(validDraft(d))
	if err != nil {
		return fmt.Errorf("encode draft: %w", err)
	}
	_, err = db.Exec(ctx, `
		INSERT INTO event_items (item_id, occurrence, event_id, draft) VALUES ($1, $2, $3, $4)
		ON CONFLICT (item_id, occurrence) DO UPDATE SET event_id = EXCLUDED.event_id, draft = EXCLUDED.draft, last_seen = now()`,
		itemID, occurrence, eventID, raw)
	if err != nil {
		return fmt.Errorf("link item %d/%d to event %d: %w", itemID, occurrence, eventID, err)
	}
	return nil
}

// Unlink removes the occurrences of an item from index from on (an
// announcement that now lists fewer dates) and returns the events they backed.
func Unlink(ctx context.Context, db DB, itemID int64, from int) ([]int64, error) {
	rows, err := db.Query(ctx, `DELETE FROM event_items WHERE item_id = $1 AND occurrence >= $2 RETURNING event_id`, itemID, from)
	if err != nil {
		return nil, fmt.Errorf("unlink item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// LinkedDraft is one source's version of an event.
type LinkedDraft struct {
	ItemID    int64
	SourceID  string
	URL       string
	Draft     event.Draft
	Vanished  bool
	FirstSeen time.Time
	LastSeen  time.Time
}

// LinkedDrafts returns every source version of an event, oldest first.
func LinkedDrafts(ctx context.Context, db DB, eventID int64) ([]LinkedDraft, error) {
	m, err := LinkedDraftsOf(ctx, db, []int64{eventID})
	if err != nil {
		return nil, err
	}
	return m[eventID], nil
}

// LinkedDraftsOf returns the source versions of many events in one query,
// each event's oldest first: dedup compares a new item with every version
// of every event near it, and one query per event made that the slowest
// part of storing a page.
func LinkedDraftsOf(ctx context.Context, db DB, eventIDs []int64) (map[int64][]LinkedDraft, error) {
	out := make(map[int64][]LinkedDraft, len(eventIDs))
	if len(eventIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `
		SELECT ei.event_id, ei.item_id, i.source_id, i.raw->>'url', ei.draft, i.vanished_at IS NOT NULL, ei.first_seen, i.last_seen
		FROM event_items ei JOIN items i ON i.id = ei.item_id
		WHERE ei.event_id = ANY($1) ORDER BY ei.event_id, ei.first_seen, ei.item_id, ei.occurrence`, eventIDs)
	if err != nil {
		return nil, fmt.Errorf("drafts of %d events: %w", len(eventIDs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l LinkedDraft
		var raw []byte
		if err := rows.Scan(&id, &l.ItemID, &l.SourceID, &l.URL, &raw, &l.Vanished, &l.FirstSeen, &l.LastSeen); err != nil {
			return nil, fmt.Errorf("drafts of %d events: %w", len(eventIDs), err)
		}
		if err := json.Unmarshal(raw, &l.Draft); err != nil {
			return nil, fmt.Errorf("decode draft of item %d: %w", l.ItemID, err)
		}
		out[id] = append(out[id], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("drafts of %d events: %w", len(eventIDs), err)
	}
	return out, nil
}

// GetEvent loads one event.
func GetEvent(ctx context.Context, db DB, id int64) (Event, error) {
	rows, err := db.Query(ctx, EventSelect+` WHERE e.id = $1`, id)
	if err != nil {
		return Event{}, fmt.Errorf("get event %d: %w", id, err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, ScanEvent)
	if errors.Is(err, pgx.ErrNoRows) {
		return Event{}, fmt.Errorf("event %d: %w", id, event.ErrNotFound)
	}
	return e, err
}

// EventSelect is the column list ScanEvent reads; queries elsewhere append
// their own WHERE/ORDER clauses to it (alias e).
const EventSelect = `SELECT e.id, e.uid, e.draft, ` + eventColumns

// eventColumns are EventSelect's columns after the draft (listingSelect
// reads them without it).
const eventColumns = `e.title, e.description, e.description_html, e.start_at, e.end_at,
	e.all_day, e.online, e.venue, e.street, e.postal_code, e.city, coalesce(e.region, ''), e.lat, e.lon, e.languages,
	e.topics, e.recurrence, e.registration_required, e.cost_free, e.organizer, e.status, e.review, e.low_confidence,
	coalesce(e.series_id, ''), e.merged_into, e.sequence, e.vanished_at, e.created_at, e.updated_at FROM events e`

// ScanEvent reads a row selected with EventSelect. The draft JSON carries the
// secondary fields; the columns are authoritative for the rest.
func ScanEvent(row pgx.CollectableRow) (Event, error) {
	var e Event
	var raw []byte
	var end *time.Time
	var online, status string
	d := &e.Draft
	err := row.Scan(&e.ID, &e.UID, &raw, &d.Title, &d.Description, &d.DescriptionHTML, &d.Start, &end, &d.AllDay,
		&online, &d.Place.Venue, &d.Place.Street, &d.Place.PostalCode, &d.Place.City, &d.Place.Region, &d.Place.Lat,
		&d.Place.Lon, &d.Languages, &d.Topics, &d.Recurrence, &d.RegistrationRequired, &d.CostFree, &d.Organizer,
		&status, &e.Review, &d.LowConfidence, &e.SeriesID, &e.MergedInto, &e.Sequence, &e.VanishedAt, &e.CreatedAt,
		&e.UpdatedAt)
	if err != nil {
		return e, err
	}
	if raw != nil { // listings select no draft (ListingEventsByID)
		var full event.Draft
		if err := json.Unmarshal(raw, &full); err != nil {
			return e, fmt.Errorf("decode event %d draft: %w", e.ID, err)
		}
		d.RegistrationDeadline, d.DoorsOpen = full.RegistrationDeadline, full.DoorsOpen
		d.Contact, d.Audience, d.Accessibility = full.Contact, full.Audience, full.Accessibility
		d.Confidence, d.Warnings = full.Confidence, full.Warnings
	}
	d.Online, d.Status = event.OnlineMode(online), event.Status(status)
	d.Start = d.Start.In(event.Berlin)
	if end != nil {
		d.End = end.In(event.Berlin)
	}
	return e, nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func statusOr(s event.Status) string {
	if s == "" {
		return string(event.StatusScheduled)
	}
	return string(s)
}

// EventsNear returns the live canonical events that start within [from, to)
// or, spanning several days, started up to three days (dedup.MaxSpanDays)
// before from and are still running at from, and that
// no item of excludeSource backs: the blocking step of deduplication.
// region narrows the block to events of that region or of none; an
// online-only event is in every region's block (pass "" for a new record
// that is online-only itself).
func EventsNear(ctx context.Context, db DB, from, to time.Time, region, excludeSource string) ([]Event, error) {
	return eventsNear(ctx, db, from, to, region, excludeSource, false, NearLimit)
}

// MarkEventsOrphaned flags an event no source item backs any more (its
// announcement stopped listing that date): kept for staff, never deleted.
func MarkEventsOrphaned(ctx context.Context, db DB, id int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE events SET vanished_at = now(), updated_at = now(), sequence = sequence + 1
		WHERE id = $1 AND vanished_at IS NULL`, id)
	if err != nil {
		return false, fmt.Errorf("orphan event %d: %w", id, err)
	}
	return tag.RowsAffected() > 0, nil
}

// EventText is an event's days and description: what dedup needs to tell
// template text from the text of one event.
type EventText struct {
	ID          int64
	Start       time.Time
	End         *time.Time
	AllDay      bool
	Description string
}

// EventTextsNear returns the live canonical events of every source and
// region that start within [from, to) or, spanning several days, started
// up to three days before and still run at from (as EventsNear), at most
// limit of them: the block in which dedup counts how many events share a
// sentence.
func EventTextsNear(ctx context.Context, db DB, from, to time.Time, limit int) ([]EventText, error) {
	rows, err := db.Query(ctx, `
		SELECT id, start_at, end_at, all_day, description FROM events e
		WHERE e.start_at < $2 AND e.start_at >= $1::timestamptz - interval '3 days'
		  AND (e.start_at >= $1 OR e.end_at >= $1)
		  AND e.merged_into IS NULL AND e.review <> 'rejected'
		ORDER BY e.start_at, e.id LIMIT $3`, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("event texts near %s: %w", from.Format(time.DateOnly), err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[EventText])
}
