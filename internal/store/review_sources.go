package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SourceStats is what staff see of a source's health.
type SourceStats struct {
	SourceID        string
	Events          int // live events the source backs
	Items           int // live items
	Vanished        int // items gone from the site
	NormalizeErrors int // live items no event could be made of
	Warnings        int // live item occurrences with parse warnings
	LastSuccess     *time.Time
}

// SourcesStats returns the stats of every source by id.
func SourcesStats(ctx context.Context, db DB) (map[string]SourceStats, error) {
	rows, err := db.Query(ctx, `
		SELECT s.id,
			(SELECT count(DISTINCT ei.event_id) FROM items i JOIN event_items ei ON ei.item_id = i.id
				JOIN events e ON e.id = ei.event_id
				WHERE i.source_id = s.id AND i.vanished_at IS NULL AND e.merged_into IS NULL),
			(SELECT count(*) FROM items i WHERE i.source_id = s.id AND i.vanished_at IS NULL),
			(SELECT count(*) FROM items i WHERE i.source_id = s.id AND i.vanished_at IS NOT NULL),
			(SELECT count(*) FROM items i WHERE i.source_id = s.id AND i.vanished_at IS NULL AND i.normalize_error IS NOT NULL),
			(SELECT count(*) FROM items i JOIN event_items ei ON ei.item_id = i.id
				WHERE i.source_id = s.id AND i.vanished_at IS NULL AND jsonb_array_length(coalesce(ei.draft->'warnings', '[]')) > 0),
			(SELECT max(finished_at) FROM crawl_runs r WHERE r.source_id = s.id AND (r.status = 'ok' OR (r.status = 'partial' AND r.complete)))
		FROM sources s`)
	if err != nil {
		return nil, fmt.Errorf("source stats: %w", err)
	}
	defer rows.Close()
	out := map[string]SourceStats{}
	for rows.Next() {
		var s SourceStats
		if err := rows.Scan(&s.SourceID, &s.Events, &s.Items, &s.Vanished, &s.NormalizeErrors, &s.Warnings, &s.LastSuccess); err != nil {
			return nil, err
		}
		out[s.SourceID] = s
	}
	return out, rows.Err()
}

// GetRun loads one crawl run.
func GetRun(ctx context.Context, db DB, id int64) (Run, error) {
	var r Run
	err := db.QueryRow(ctx, `
		SELECT id, source_id, started_at, finished_at, status, pages, unchanged, items, events_new, events_updated,
			vanished, errors, coalesce(error, ''), complete, strategy, strategy_reason, live_items
		FROM crawl_runs WHERE id = $1`, id).Scan(&r.ID, &r.SourceID, &r.StartedAt, &r.FinishedAt, &r.Status, &r.Pages,
		&r.Unchanged, &r.Items, &r.EventsNew, &r.EventsUpdated, &r.Vanished, &r.Errors, &r.Error, &r.Complete,
		&r.Strategy, &r.StrategyReason, &r.LiveItems)
	if err != nil {
		return r, fmt.Errorf("run %d: %w", id, rowNotFound(err))
	}
	return r, nil
}

// ItemProblem is a live item normalisation had trouble with.
type ItemProblem struct {
	ItemID         int64
	URL            string
	Title          string
	NormalizeError string
	Warnings       []string
	LowConfidence  bool
	LastSeen       time.Time
}

// ItemProblems lists a source's live items that produced no event or
// produced events with warnings or low confidence, newest first.
func ItemProblems(ctx context.Context, db DB, sourceID string, limit int) ([]ItemProblem, error) {
	rows, err := db.Query(ctx, `
		SELECT i.id, coalesce(i.raw->>'url', i.page_url), coalesce(i.raw->>'title', ''), coalesce(i.normalize_error, ''),
			coalesce((SELECT jsonb_agg(DISTINCT w) FROM event_items ei, jsonb_array_elements_text(coalesce(ei.draft->'warnings', '[]')) w
				WHERE ei.item_id = i.id), '[]'),
			EXISTS (SELECT 1 FROM event_items ei WHERE ei.item_id = i.id AND (ei.draft->>'low_confidence')::boolean),
			i.last_seen
		FROM items i
		WHERE i.source_id = $1 AND i.vanished_at IS NULL AND (i.normalize_error IS NOT NULL OR EXISTS (
			SELECT 1 FROM event_items ei WHERE ei.item_id = i.id AND (jsonb_array_length(coalesce(ei.draft->'warnings', '[]')) > 0
				OR (ei.draft->>'low_confidence')::boolean)))
		ORDER BY i.last_seen DESC, i.id DESC LIMIT $2`, sourceID, limit)
	if err != nil {
		return nil, fmt.Errorf("item problems of %s: %w", sourceID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ItemProblem, error) {
		var p ItemProblem
		var warnings []byte
		if err := row.Scan(&p.ItemID, &p.URL, &p.Title, &p.NormalizeError, &warnings, &p.LowConfidence, &p.LastSeen); err != nil {
			return p, err
		}
		return p, json.Unmarshal(warnings, &p.Warnings)
	})
}

// SetSourceEnabled enables or disables a source; its config keeps the
// Disabled flag in step, as the sources file would.
func SetSourceEnabled(ctx context.Context, db DB, id string, enabled bool) error {
	tag, err := db.Exec(ctx, `UPDATE sources SET enabled = $2,
			config = CASE WHEN $2 THEN config - 'disabled' ELSE config || '{"disabled": true}' END, updated_at = now()
		WHERE id = $1`, id, enabled)
	if err != nil {
		return fmt.Errorf("enable source %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("source %s: %w", id, rowNotFound(pgx.ErrNoRows))
	}
	return nil
}

// SourcePublishedEvents returns a source's live, published events from
// from on, by start (the partner page shows what Treffpunkt made of them).
func SourcePublishedEvents(ctx context.Context, db DB, sourceID string, from time.Time, limit int) ([]Event, error) {
	rows, err := db.Query(ctx, EventSelect+`
		WHERE `+PublicSQL+` AND e.start_at >= $2
		  AND EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
		              WHERE ei.event_id = e.id AND i.source_id = $1 AND i.vanished_at IS NULL)
		ORDER BY e.start_at, e.id LIMIT $3`, sourceID, from, limit)
	if err != nil {
		return nil, fmt.Errorf("published events of %s: %w", sourceID, err)
	}
	return pgx.CollectRows(rows, ScanEvent)
}
