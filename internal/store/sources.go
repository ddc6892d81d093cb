package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// SourceRow is a source as stored.
type SourceRow struct {
	source.Source
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UpsertSource records a source from the sources file (or the staff UI).
func UpsertSource(ctx context.Context, db DB, s source.Source) error {
	cfg, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode source %s: %w", s.ID, err)
	}
	_, err = db.Exec(ctx, `
		INSERT INTO sources (id, name, url, kind, publish, enabled, config)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET
			name = EXCLUDED.name, url = EXCLUDED.url, kind = EXCLUDED.kind,
			publish = EXCLUDED.publish, enabled = EXCLUDED.enabled, config = EXCLUDED.config,
			updated_at = now()
		WHERE (sources.name, sources.url, sources.kind, sources.publish, sources.enabled, sources.config)
			IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.url, EXCLUDED.kind, EXCLUDED.publish, EXCLUDED.enabled, EXCLUDED.config)`,
		s.ID, s.Name, s.URL, s.Kind, s.Publish, !s.Disabled, cfg)
	if err != nil {
		return fmt.Errorf("upsert source %s: %w", s.ID, err)
	}
	return nil
}

// GetSource loads one source.
func GetSource(ctx context.Context, db DB, id string) (SourceRow, error) {
	rows, err := db.Query(ctx, sourceSelect+` WHERE id = $1`, id)
	if err != nil {
		return SourceRow{}, fmt.Errorf("get source %s: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanSource)
	if errors.Is(err, pgx.ErrNoRows) {
		return SourceRow{}, fmt.Errorf("source %s: %w", id, event.ErrNotFound)
	}
	return r, err
}

// ListSources returns every source ordered by id.
func ListSources(ctx context.Context, db DB) ([]SourceRow, error) {
	rows, err := db.Query(ctx, sourceSelect+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return pgx.CollectRows(rows, scanSource)
}

const sourceSelect = `SELECT config, enabled, created_at, updated_at FROM sources`

func scanSource(row pgx.CollectableRow) (SourceRow, error) {
	var r SourceRow
	var cfg []byte
	if err := row.Scan(&cfg, &r.Enabled, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	if err := json.Unmarshal(cfg, &r.Source); err != nil {
		return r, fmt.Errorf("decode source config: %w", err)
	}
	return r, nil
}
