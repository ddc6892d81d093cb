package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// feedEventSelect reads the columns of an event and leaves out the draft
// JSON and the description HTML: decoding each event's draft was most of
// the cost of a feed of 10,000 events.
const feedEventSelect = `SELECT e.id, e.uid, e.title, e.description, e.start_at, e.end_at,
	e.all_day, e.online, e.venue, e.street, e.postal_code, e.city, coalesce(e.region, ''), e.lat, e.lon, e.languages,
	e.topics, e.recurrence, e.registration_required, e.cost_free, e.organizer, e.status, e.review, e.low_confidence,
	coalesce(e.series_id, ''), e.merged_into, e.sequence, e.vanished_at, e.created_at, e.updated_at FROM events e`

// FeedEventsByID loads events for public listings and feeds, in the order
// of ids (missing ids are skipped), like EventsByID but from the columns
// only: the draft's secondary fields (DescriptionHTML, RegistrationDeadline,
// DoorsOpen, Contact, Audience, Accessibility, Confidence, Warnings) stay
// empty. Contact data is for staff anyway; a caller that needs any of
// these uses EventsByID.
//
// A feed of 10,000 events calls it twenty times, so it avoids work per
// row: each row is scanned straight into its place in the result,
// allocated once (ordering in SQL through unnest WITH ORDINALITY made the
// query seven times slower than id = ANY).
func FeedEventsByID(ctx context.Context, db DB, ids []int64) ([]Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pos := make(map[int64]int, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		pos[ids[i]] = i // the first place of a repeated id
	}
	rows, err := db.Query(ctx, feedEventSelect+` WHERE e.id = ANY($1::bigint[])`, IDArray(ids))
	if err != nil {
		return nil, fmt.Errorf("load %d feed events: %w", len(ids), err)
	}
	defer rows.Close()
	out := make([]Event, len(ids))
	found := 0
	var sc feedScan
	for rows.Next() {
		id, err := rowID(rows)
		if err != nil {
			return nil, fmt.Errorf("load %d feed events: %w", len(ids), err)
		}
		i, ok := pos[id]
		if !ok {
			return nil, fmt.Errorf("load %d feed events: event %d was not asked for", len(ids), id)
		}
		if err := sc.scan(rows, &out[i]); err != nil {
			return nil, fmt.Errorf("load %d feed events: %w", len(ids), err)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load %d feed events: %w", len(ids), err)
	}
	if found == len(ids) {
		return out, nil // every place filled: no id missing, none repeated
	}
	// Missing events left a gap (ID 0), a repeated id only its first place
	// filled.
	res := make([]Event, 0, found)
	for _, id := range ids {
		if e := &out[pos[id]]; e.ID != 0 {
			res = append(res, *e)
		}
	}
	return res, nil
}

// rowID reads the first column, the event's id, before the row is scanned.
func rowID(rows pgx.Rows) (int64, error) {
	raw := rows.RawValues()[0]
	if rows.FieldDescriptions()[0].Format == pgtype.BinaryFormatCode && len(raw) == 8 {
		return int64(binary.BigEndian.Uint64(raw)), nil
	}
	return strconv.ParseInt(string(raw), 10, 64)
}

// feedScan holds the columns that need converting, reused for every row
// (as locals they would be allocated per row: Scan takes their addresses),
// and the text columns' scanners.
type feedScan struct {
	end               pgtype.Timestamptz
	online, status    string
	text              textArena
	lists             listArena
	t                 [14]arenaString
	languages, topics arenaStrings
	dest              [30]any
}

func (sc *feedScan) scan(rows pgx.Rows, e *Event) error {
	d := &e.Draft
	t := &sc.t
	for i, dst := range [...]*string{&e.UID, &d.Title, &d.Description, &d.Place.Venue, &d.Place.Street, &d.Place.PostalCode,
		&d.Place.City, &d.Place.Region, &d.Recurrence, &d.Organizer, &e.Review, &e.SeriesID, &sc.online, &sc.status} {
		t[i] = arenaString{dst: dst, arena: &sc.text}
	}
	sc.languages = arenaStrings{dst: &d.Languages, lists: &sc.lists, elem: arenaString{arena: &sc.text}}
	sc.topics = arenaStrings{dst: &d.Topics, lists: &sc.lists, elem: arenaString{arena: &sc.text}}
	// The targets go through sc.dest: a variadic call would allocate
	// the slice of 30 interfaces for every row.
	sc.dest = [...]any{&e.ID, &t[0], &t[1], &t[2], &d.Start, &sc.end, &d.AllDay,
		&t[12], &t[3], &t[4], &t[5], &t[6], &t[7], &d.Place.Lat,
		&d.Place.Lon, &sc.languages, &sc.topics, &t[8], &d.RegistrationRequired, &d.CostFree, &t[9],
		&t[13], &t[10], &d.LowConfidence, &t[11], &e.MergedInto, &e.Sequence, &e.VanishedAt, &e.CreatedAt,
		&e.UpdatedAt}
	err := rows.Scan(sc.dest[:]...)
	if err != nil {
		return err
	}
	d.Online, d.Status = event.OnlineMode(sc.online), event.Status(sc.status)
	d.Start = d.Start.In(event.Berlin)
	if sc.end.Valid {
		d.End = sc.end.Time.In(event.Berlin)
	}
	return nil
}

// textArena keeps the text of many rows in a few large blocks: a batch of
// 500 events has 6,000 text values, which as separate strings were a third
// of a feed's allocations. A string from the arena keeps its whole block
// (64 KB) alive, which suits a batch that is used and dropped together.
//
// A block is a strings.Builder: its String shares the bytes written so
// far without a copy, and they are never written again (the builder only
// appends after them, and a full block is replaced, not reused), so a
// substring of it is the value without unsafe code of our own.
type textArena struct {
	block strings.Builder
}

const textBlock = 64 << 10

// str copies b into the arena and returns it as a string.
func (a *textArena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if a.block.Cap()-a.block.Len() < len(b) {
		a.block = strings.Builder{}
		a.block.Grow(max(textBlock, len(b)))
	}
	start := a.block.Len()
	a.block.Write(b)
	return a.block.String()[start:]
}

// arenaString scans a text column into *dst through the arena
// (pgtype.BytesScanner: pgx hands over the column's bytes without a copy).
type arenaString struct {
	dst   *string
	arena *textArena
}

func (s *arenaString) ScanBytes(b []byte) error {
	*s.dst = s.arena.str(b)
	return nil
}

// arenaStrings scans a text[] column into *dst with its elements in the
// arena and the slice cut from a listArena (pgtype.ArraySetter), instead
// of an allocation per element and another for the slice. Like pgx's own
// []string, a NULL array is nil and an empty one is empty.
type arenaStrings struct {
	dst   *[]string
	lists *listArena
	elem  arenaString
}

func (a *arenaStrings) SetDimensions(dims []pgtype.ArrayDimension) error {
	if dims == nil {
		*a.dst = nil
		return nil
	}
	n := 1
	for _, d := range dims {
		n *= int(d.Length)
	}
	if len(dims) == 0 {
		n = 0
	}
	*a.dst = a.lists.slice(n)
	return nil
}

// listArena cuts short []string from shared blocks, as textArena does
// for text.
type listArena struct {
	block []string
}

// slice returns an empty-valued []string of length n whose capacity ends
// there, so an append to it never writes into its neighbour.
func (a *listArena) slice(n int) []string {
	if cap(a.block)-len(a.block) < n {
		a.block = make([]string, 0, max(1024, n))
	}
	start := len(a.block)
	a.block = a.block[:start+n]
	return a.block[start : start+n : start+n]
}

// IDArray is ids as a Postgres array literal ({1,2,3}), sent as one text
// parameter: pgx encodes a []int64 element by element, boxing each id.
func IDArray(ids []int64) string {
	b := make([]byte, 0, 2+len(ids)*8)
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}'))
}

func (a *arenaStrings) ScanIndex(i int) any {
	a.elem.dst = &(*a.dst)[i]
	return &a.elem
}

func (a *arenaStrings) ScanIndexType() any { return &arenaString{} }
