package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The search outbox (migration 00010; a trigger on events fills it): the
// events an external search index must read again. internal/search's
// Drainer claims, pushes and clears its rows through these functions.

// EnqueueIndex queues events for the external index in the caller's
// transaction.
func EnqueueIndex(ctx context.Context, tx DB, eventIDs []int64) error {
	if len(eventIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO search_outbox (event_id) SELECT unnest($1::bigint[])`, eventIDs); err != nil {
		return fmt.Errorf("enqueue %d events for indexing: %w", len(eventIDs), err)
	}
	return nil
}

// EnqueueChangedSince queues every event changed at or after t.
func EnqueueChangedSince(ctx context.Context, db DB, t time.Time) error {
	if _, err := db.Exec(ctx, `INSERT INTO search_outbox (event_id) SELECT id FROM events WHERE updated_at >= $1`, t); err != nil {
		return fmt.Errorf("queue events changed since %s: %w", t.Format(time.RFC3339), err)
	}
	return nil
}

// OutboxRow is one queued change.
type OutboxRow struct {
	ID, EventID int64
	Attempts    int
}

// ClaimOutbox locks up to limit rows that are due, oldest first, skipping
// rows another transaction holds (several drainers may run).
func ClaimOutbox(ctx context.Context, tx pgx.Tx, limit int) ([]OutboxRow, error) {
	rows, err := tx.Query(ctx, `SELECT id, event_id, attempts FROM search_outbox
		WHERE next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxRow, error) {
		var o OutboxRow
		err := r.Scan(&o.ID, &o.EventID, &o.Attempts)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return out, nil
}

// PostponeOutbox keeps rows for a retry after delay, noting why the push
// failed.
func PostponeOutbox(ctx context.Context, tx pgx.Tx, rowIDs []int64, delay time.Duration, reason string) error {
	_, err := tx.Exec(ctx, `UPDATE search_outbox SET attempts = attempts + 1,
		next_attempt_at = now() + @ms * interval '1 millisecond', last_error = @reason WHERE id = ANY(@ids)`,
		pgx.NamedArgs{"ids": rowIDs, "ms": delay.Milliseconds(), "reason": reason})
	if err != nil {
		return fmt.Errorf("postpone outbox rows: %w", err)
	}
	return nil
}

// ClearOutbox deletes rows the index confirmed.
func ClearOutbox(ctx context.Context, tx pgx.Tx, rowIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM search_outbox WHERE id = ANY($1)`, rowIDs); err != nil {
		return fmt.Errorf("clear outbox rows: %w", err)
	}
	return nil
}

// OutboxRetrying reports whether any row waits for a retry.
func OutboxRetrying(ctx context.Context, db DB) (bool, error) {
	var retrying bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM search_outbox WHERE attempts > 0)`).Scan(&retrying); err != nil {
		return false, fmt.Errorf("outbox state: %w", err)
	}
	return retrying, nil
}

// OutboxPending counts rows not yet pushed.
func OutboxPending(ctx context.Context, db DB) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM search_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}
