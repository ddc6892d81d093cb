package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ingestTables are the tables a crawl grows and whose statistics the
// planner needs for the crawl's own lookups.
var ingestTables = []string{"items", "event_items", "events"}

// AnalyzeGrown runs ANALYZE on the tables a crawl writes that grew or
// changed by more than half since they were last analysed (or never
// were). Autovacuum gets there within minutes, but a first crawl into an
// empty database is over before it does: without statistics the planner
// guessed 218 links per event and hashed the whole items table for every
// event's drafts (LinkedDraftsOf: 17 ms instead of 0.1 ms per call, 62 %
// of the statement time of the 2,000-page crawl, getting slower as the
// store grew). A concurrent caller (another crawl) skips instead of
// queueing behind it.
func AnalyzeGrown(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext('treffpunkt-analyze'))`).Scan(&got); err != nil {
			return fmt.Errorf("analyze lock: %w", err)
		}
		if !got {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT relname FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = ANY($1)
			  AND n_mod_since_analyze > greatest(50, n_live_tup / 2)`, ingestTables)
		if err != nil {
			return fmt.Errorf("tables to analyze: %w", err)
		}
		stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("tables to analyze: %w", err)
		}
		for _, t := range stale {
			// t is one of ingestTables, never input.
			if _, err := tx.Exec(ctx, `ANALYZE `+pgx.Identifier{t}.Sanitize()); err != nil {
				return fmt.Errorf("analyze %s: %w", t, err)
			}
		}
		return nil
	})
}
