package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Boilerplate returns the paragraphs learned as boilerplate for a source.
func Boilerplate(ctx context.Context, db DB, sourceID string) ([]string, error) {
	var ps []string
	err := db.QueryRow(ctx, `SELECT paragraphs FROM source_boilerplate WHERE source_id = $1`, sourceID).Scan(&ps)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("boilerplate of %s: %w", sourceID, err)
	}
	return ps, nil
}

// SaveBoilerplate replaces the learned paragraphs of a source.
func SaveBoilerplate(ctx context.Context, db DB, sourceID string, paragraphs []string) error {
	if paragraphs == nil {
		paragraphs = []string{}
	}
	_, err := db.Exec(ctx, `
		INSERT INTO source_boilerplate (source_id, paragraphs) VALUES ($1, $2)
		ON CONFLICT (source_id) DO UPDATE SET paragraphs = EXCLUDED.paragraphs, learned_at = now()`, sourceID, paragraphs)
	if err != nil {
		return fmt.Errorf("save boilerplate of %s: %w", sourceID, err)
	}
	return nil
}

// LiveItem is a stored item with its raw extract.
type LiveItem struct {
	ID      int64
	PageURL string
	Raw     []byte
}

// LiveItems returns the items of a source that have not vanished, for
// re-normalisation without re-crawling. Items pruned by PruneRaw are left
// out: their page text is gone, so they can neither teach the site's
// boilerplate nor be normalised again.
func LiveItems(ctx context.Context, db DB, sourceID string) ([]LiveItem, error) {
	rows, err := db.Query(ctx, `SELECT id, page_url, raw FROM items
		WHERE source_id = $1 AND vanished_at IS NULL AND NOT raw ? 'pruned' ORDER BY id`, sourceID)
	if err != nil {
		return nil, fmt.Errorf("live items of %s: %w", sourceID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[LiveItem])
}
