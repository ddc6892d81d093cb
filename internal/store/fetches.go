package store

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"time"
)

// Fetch is what was fetched for one URL: the validators for conditional GET.
type Fetch struct {
	URL, FinalURL string
	Status        int
	ETag          string
	LastModified  string
	ContentHash   string
	FetchedAt     time.Time
}

// Fetches returns the stored fetches of a source by URL.
func Fetches(ctx context.Context, db DB, sourceID string) (map[string]Fetch, error) {
	rows, err := db.Query(ctx, `
		SELECT url, final_url, status, etag, last_modified, content_hash, fetched_at
		FROM fetches WHERE source_id = $1`, sourceID)
	if err != nil {
		return nil, fmt.Errorf("fetches of %s: %w", sourceID, err)
	}
	defer rows.Close()
	out := map[string]Fetch{}
	for rows.Next() {
		var f Fetch
		if err := rows.Scan(&f.URL, &f.FinalURL, &f.Status, &f.ETag, &f.LastModified, &f.ContentHash, &f.FetchedAt); err != nil {
			return nil, err
		}
		out[f.URL] = f
	}
	return out, rows.Err()
}

// SaveFetch records a successful fetch of a changed page.
func SaveFetch(ctx context.Context, db DB, sourceID string, f Fetch) error {
	_, err := db.Exec(ctx, saveFetchSQL,
		sourceID, f.URL, f.FinalURL, f.Status, f.ETag, f.LastModified, f.ContentHash, f.FetchedAt)
	if err != nil {
		return fmt.Errorf("save fetch %s: %w", f.URL, err)
	}
	return nil
}

const saveFetchSQL = `
	INSERT INTO fetches (source_id, url, final_url, status, etag, last_modified, content_hash, fetched_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (source_id, url) DO UPDATE SET final_url = EXCLUDED.final_url, status = EXCLUDED.status,
		etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, content_hash = EXCLUDED.content_hash,
		fetched_at = EXCLUDED.fetched_at`

// SaveFetches is SaveFetch for several pages' fetches, in one round trip
// (the pages a crawl writes in one transaction).
func SaveFetches(ctx context.Context, tx pgx.Tx, sourceID string, fs []Fetch) error {
	if len(fs) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, f := range fs {
		b.Queue(saveFetchSQL, sourceID, f.URL, f.FinalURL, f.Status, f.ETag, f.LastModified, f.ContentHash, f.FetchedAt)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("save fetches of %d pages: %w", len(fs), err)
	}
	return nil
}
