package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// ItemRef is what the pipeline needs to know of a stored item to decide
// whether a re-crawl changed it.
type ItemRef struct {
	ID       int64
	Key      string
	PageURL  string
	RawHash  string
	Vanished bool
}

// SourceItems returns the stored items of a source by key.
func SourceItems(ctx context.Context, db DB, sourceID string) (map[string]ItemRef, error) {
	rows, err := db.Query(ctx, `SELECT id, key, page_url, raw_hash, vanished_at IS NOT NULL FROM items WHERE source_id = $1`, sourceID)
	if err != nil {
		return nil, fmt.Errorf("items of %s: %w", sourceID, err)
	}
	defer rows.Close()
	out := map[string]ItemRef{}
	for rows.Next() {
		var r ItemRef
		if err := rows.Scan(&r.ID, &r.Key, &r.PageURL, &r.RawHash, &r.Vanished); err != nil {
			return nil, err
		}
		out[r.Key] = r
	}
	return out, rows.Err()
}

// HashItem is the content hash of an item as stored: a re-crawl that yields
// the same hash changes nothing.
func HashItem(it event.Item) (raw []byte, hash string, err error) {
	raw, err = json.Marshal(it)
	if err != nil {
		return nil, "", fmt.Errorf("encode item %s: %w", it.Key, err)
	}
	sum := sha256.Sum256(raw)
	return raw, hex.EncodeToString(sum[:]), nil
}

// SaveItem inserts or updates an item and clears any vanished mark.
func SaveItem(ctx context.Context, db DB, sourceID, pageURL string, raw []byte, hash, key string) (int64, error) {
	id, _, err := UpsertItem(ctx, db, sourceID, pageURL, raw, hash, key, 0)
	return id, err
}

// UpsertItem is SaveItem that stamps the normaliser version that read the
// item and also reports whether the row is new. The
// database says so, not the caller's memory: a transaction whose commit
// was cut off may have committed, and a retry must then update the item's
// links, never create its events a second time.
func UpsertItem(ctx context.Context, db DB, sourceID, pageURL string, raw []byte, hash, key string, version int) (id int64, inserted bool, err error) {
	err = db.QueryRow(ctx, upsertItemSQL, sourceID, key, pageURL, raw, hash, version).Scan(&id, &inserted)
	if err != nil {
		return 0, false, fmt.Errorf("save item %s: %w", key, err)
	}
	return id, inserted, nil
}

const upsertItemSQL = `
	INSERT INTO items (source_id, key, page_url, raw, raw_hash, normalizer_version)
	VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (source_id, key) DO UPDATE SET page_url = EXCLUDED.page_url, raw = EXCLUDED.raw,
		raw_hash = EXCLUDED.raw_hash, last_seen = now(), vanished_at = NULL, normalize_error = NULL,
		normalizer_version = EXCLUDED.normalizer_version
	RETURNING id, xmax = 0`

// NewItem is one item of UpsertItems.
type NewItem struct {
	Key, Hash string
	Raw       []byte
	// PageURL is the page the item was found on, when not UpsertItems'
	// pageURL (a transaction may hold several pages' items).
	PageURL string
}

// SavedItem is what UpsertItems reports of an item: its id and whether
// the row is new (as UpsertItem).
type SavedItem struct {
	ID       int64
	Inserted bool
}

// UpsertItems is UpsertItem for a batch of items, sent in one round trip
// (a pipeline of the same statements, in order: a key twice in a batch is
// updated by the second, as before). pageURL is the page of the items
// that do not name their own.
func UpsertItems(ctx context.Context, tx pgx.Tx, sourceID, pageURL string, items []NewItem, version int) ([]SavedItem, error) {
	var b pgx.Batch
	out := make([]SavedItem, len(items))
	for i, it := range items {
		page := pageURL
		if it.PageURL != "" {
			page = it.PageURL
		}
		b.Queue(upsertItemSQL, sourceID, it.Key, page, it.Raw, it.Hash, version).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&out[i].ID, &out[i].Inserted); err != nil {
				return fmt.Errorf("save item %s: %w", it.Key, err)
			}
			return nil
		})
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// SetNormalizeError keeps why an item produced no event (shown to staff).
func SetNormalizeError(ctx context.Context, db DB, itemID int64, msg string) error {
	_, err := db.Exec(ctx, `UPDATE items SET normalize_error = $2 WHERE id = $1`, itemID, msg)
	if err != nil {
		return fmt.Errorf("set normalize error: %w", err)
	}
	return nil
}

// MarkItemsVanished marks items that a complete crawl no longer found. It returns how many items it marked and the events it flagged. Their
// events are marked vanished only when no live item backs them any more:
// nothing is deleted, staff decide.
func MarkItemsVanished(ctx context.Context, db DB, ids []int64) (items int, events []int64, err error) {
	if len(ids) == 0 {
		return 0, nil, nil
	}
	tag, err := db.Exec(ctx, `UPDATE items SET vanished_at = now() WHERE id = ANY($1) AND vanished_at IS NULL`, ids)
	if err != nil {
		return 0, nil, fmt.Errorf("mark items vanished: %w", err)
	}
	rows, err := db.Query(ctx, `
		UPDATE events e SET vanished_at = now(), updated_at = now(), sequence = sequence + 1
		WHERE e.vanished_at IS NULL
		  AND e.id IN (SELECT event_id FROM event_items WHERE item_id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		                  WHERE ei.event_id = e.id AND i.vanished_at IS NULL)
		RETURNING e.id`, ids)
	if err != nil {
		return 0, nil, fmt.Errorf("mark events vanished: %w", err)
	}
	events, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, nil, fmt.Errorf("mark events vanished: %w", err)
	}
	return int(tag.RowsAffected()), events, nil
}

// ForgetItemHash makes the next crawl normalise an item again even if it
// is unchanged: a crawl limit cut its occurrences, and the next crawl may
// have room for them.
func ForgetItemHash(ctx context.Context, db DB, itemID int64) error {
	if _, err := db.Exec(ctx, `UPDATE items SET raw_hash = '' WHERE id = $1`, itemID); err != nil {
		return fmt.Errorf("forget item hash: %w", err)
	}
	return nil
}

// StoredItem is a live item's raw extract, for reading it again.
type StoredItem struct {
	ID       int64
	Raw      []byte
	LastSeen time.Time // when it was last read: the reference for dates without a year
}

// ItemsToReread returns up to limit live items of a source with a raw
// extract, stamped with a normaliser version below below, with ids above
// after, in id order (pages of a long walk with bounded memory).
func ItemsToReread(ctx context.Context, db DB, sourceID string, below int, after int64, limit int) ([]StoredItem, error) {
	rows, err := db.Query(ctx, `SELECT id, raw, last_seen FROM items
		WHERE source_id = $1 AND vanished_at IS NULL AND normalizer_version < $2 AND id > $3 AND NOT raw ? 'pruned'
		ORDER BY id LIMIT $4`, sourceID, below, after, limit)
	if err != nil {
		return nil, fmt.Errorf("items of %s to read again: %w", sourceID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StoredItem])
}

// StampItem records that an item was read by normaliser version and
// clears its old reading's error (the new reading sets its own).
func StampItem(ctx context.Context, db DB, id int64, version int) error {
	if _, err := db.Exec(ctx, `UPDATE items SET normalizer_version = $2, normalize_error = NULL WHERE id = $1`, id, version); err != nil {
		return fmt.Errorf("stamp item %d: %w", id, err)
	}
	return nil
}

// ItemLinkCounts returns how many event occurrences each of a source's
// live items backs, by item id: what the source has in the store, which
// the crawl limits bound.
func ItemLinkCounts(ctx context.Context, db DB, sourceID string) (map[int64]int, error) {
	rows, err := db.Query(ctx, `
		SELECT i.id, count(*) FROM items i JOIN event_items ei ON ei.item_id = i.id
		WHERE i.source_id = $1 AND i.vanished_at IS NULL GROUP BY i.id`, sourceID)
	if err != nil {
		return nil, fmt.Errorf("item link counts of %s: %w", sourceID, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// StaleItems counts the live items read by a normaliser older than
// version (the worker's check after an upgrade).
func StaleItems(ctx context.Context, db DB, version int) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM items WHERE vanished_at IS NULL AND normalizer_version < $1
		AND NOT raw ? 'pruned'`, version).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count items to read again: %w", err)
	}
	return n, nil
}
