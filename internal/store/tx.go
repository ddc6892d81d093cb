package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Retryable reports whether a transaction failed only because it raced
// another one (deadlock, serialisation failure, a unique key inserted
// concurrently) and may simply be run again.
func Retryable(err error) bool {
	return retryCode(err) != ""
}

// retryCode is the SQLSTATE of a failure Retryable accepts, else "".
func retryCode(err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return ""
	}
	switch pgErr.Code {
	case "40P01", "40001", "23505":
		return pgErr.Code
	}
	return ""
}

// MaxTxAttempts bounds how often RetryTx runs a transaction that keeps losing
// races: under six feeds written at once a batch rarely needs a second
// attempt; ten with backoff is far beyond that and still bounded.
const MaxTxAttempts = 10

// RetryTx runs fn in a transaction and runs it again, after a short jittered
// backoff, when it failed only because it raced a concurrent transaction
// (Retryable). retried says how often that happened, by SQLSTATE, so runs
// and metrics can count it; fn must be safe to run again (all its effects
// are in the transaction).
func RetryTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) (retried map[string]int, err error) {
	backoff := 5 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err = pgx.BeginFunc(ctx, pool, fn)
		code := retryCode(err)
		if code == "" || attempt == MaxTxAttempts {
			return retried, err
		}
		if retried == nil {
			retried = map[string]int{}
		}
		retried[code]++
		// Jitter keeps two transactions that just deadlocked from
		// meeting again in the same order.
		select {
		case <-time.After(backoff/2 + rand.N(backoff)):
		case <-ctx.Done():
			return retried, err
		}
		backoff = min(2*backoff, time.Second)
	}
}

// LockDay takes a transaction-scoped advisory lock for one calendar day
// (Europe/Berlin), serialising dedup matching and event creation per day.
func LockDay(ctx context.Context, db DB, t time.Time) error {
	return LockDays(ctx, db, []time.Time{t})
}

// LockDays takes the day locks of LockDay for several days at once, in one
// global order (by lock key), so two transactions that need overlapping
// days wait for each other instead of deadlocking. A transaction must take
// all its day locks in one call: a later call could break the order.
// Taking a lock the transaction already holds is harmless.
func LockDays(ctx context.Context, db DB, ts []time.Time) error {
	if len(ts) == 0 {
		return nil
	}
	days := make([]string, 0, len(ts))
	for _, t := range ts {
		days = append(days, t.In(event.Berlin).Format(time.DateOnly))
	}
	slices.Sort(days)
	days = slices.Compact(days)
	// The subquery fixes the order in which the locks are taken: by key,
	// so a hash collision between two days cannot break the order.
	_, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM (
		SELECT DISTINCT hashtext('treffpunkt-day:' || d) AS k FROM unnest($1::text[]) AS d ORDER BY k) AS keys`, days)
	if err != nil {
		return fmt.Errorf("lock %d days from %s: %w", len(days), days[0], err)
	}
	return nil
}
