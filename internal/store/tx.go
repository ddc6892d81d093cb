package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Retryable reports whether a transaction failed only because it raced
// another one (deadlock, serialisation failure, a unique key inserted
// concurrently) and may simply be run again.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40P01", "40001", "23505":
		return true
	}
	return false
}

// LockDay takes a transaction-scoped advisory lock for one calendar day
// (Europe/Berlin), serialising dedup matching and event creation per day.
func LockDay(ctx context.Context, db DB, t time.Time) error {
	day := t.In(event.Berlin).Format(time.DateOnly)
	if _, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('treffpunkt-day:' || $1))`, day); err != nil {
		return fmt.Errorf("lock day %s: %w", day, err)
	}
	return nil
}
