package search

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Why an outbox table and not River: the sync needs one small table and a
// loop, written in the same transaction as the event; River would bring its
// own migrations and job tables into the store's schema for a single kind
// of job, and a Postgres-only deployment would still have to run it. A
// trigger on events fills the outbox for every write to an event row, so no
// code path can forget; Enqueue covers changes outside that row.

// Enqueue queues events for the external index in the caller's transaction:
// call it inside the transaction that changed something an event's
// document holds but its row does not (a new source link). Writes to the
// events row itself are queued by a trigger.
func Enqueue(ctx context.Context, tx store.DB, eventIDs ...int64) error {
	return store.EnqueueIndex(ctx, tx, eventIDs)
}

// Indexer is what the drainer pushes to (Meili).
type Indexer interface {
	Index(ctx context.Context, ids []int64) error
}

// Drainer moves outbox rows into an external index: it claims a batch with
// FOR UPDATE SKIP LOCKED (several servers may run one), pushes it, and
// deletes the rows only once the index confirmed the update. A failed push
// keeps the rows and retries them with exponential backoff.
type Drainer struct {
	Pool *pgxpool.Pool
	// Index receives the events; nil discards the rows (Postgres-only
	// deployments, where the search document needs no sync).
	Index                  Indexer
	Batch                  int           // rows per push (default 500)
	Poll                   time.Duration // wait when the outbox is empty (default 1 s)
	MinBackoff, MaxBackoff time.Duration // default 1 s and 5 min
	Logger                 *slog.Logger

	failing    atomic.Bool
	lastPruned time.Time
}

func (d *Drainer) defaults() {
	if d.Batch == 0 {
		d.Batch = 500
	}
	if d.Poll == 0 {
		d.Poll = time.Second
	}
	if d.MinBackoff == 0 {
		d.MinBackoff = time.Second
	}
	if d.MaxBackoff == 0 {
		d.MaxBackoff = 5 * time.Minute
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
}

// Healthy reports whether the last push succeeded; searches use Postgres
// while it is false, since the index may be missing changes.
func (d *Drainer) Healthy() bool { return !d.failing.Load() }

// Run drains until ctx ends.
func (d *Drainer) Run(ctx context.Context) error {
	d.defaults()
	for {
		wasHealthy := d.Healthy()
		n, err := d.DrainOnce(ctx)
		wait := time.Duration(0)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			if wasHealthy {
				d.Logger.Warn("search index sync failing; searches use Postgres until it recovers", "err", err)
			}
			wait = d.MinBackoff
		case n == 0:
			wait = d.Poll
		}
		if !wasHealthy && d.Healthy() {
			d.Logger.Info("search index sync recovered")
		}
		if time.Since(d.lastPruned) >= time.Minute {
			d.lastPruned = time.Now()
			if _, err := PruneChanges(ctx, d.Pool, KeepChanges); err != nil && ctx.Err() == nil {
				d.Logger.Warn("search change log not pruned", "err", err)
			}
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
		}
	}
}

// DrainOnce pushes one batch of due rows and returns how many it handled.
func (d *Drainer) DrainOnce(ctx context.Context) (int, error) {
	d.defaults()
	var n int
	var pushErr error
	err := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		claimed, err := store.ClaimOutbox(ctx, tx, d.Batch)
		if err != nil {
			return err
		}
		var rowIDs, eventIDs []int64
		seen := map[int64]bool{}
		attempts := 0
		for _, r := range claimed {
			rowIDs = append(rowIDs, r.ID)
			attempts = max(attempts, r.Attempts)
			if !seen[r.EventID] {
				seen[r.EventID] = true
				eventIDs = append(eventIDs, r.EventID)
			}
		}
		n = len(rowIDs)
		if n == 0 {
			return nil
		}
		if d.Index != nil {
			pushErr = d.Index.Index(ctx, eventIDs)
		}
		if pushErr != nil {
			// Keep the rows, retry later; commit so the backoff sticks.
			return store.PostponeOutbox(ctx, tx, rowIDs, d.backoff(attempts+1), pushErr.Error())
		}
		return store.ClearOutbox(ctx, tx, rowIDs)
	})
	if err != nil {
		return 0, err
	}
	if pushErr != nil {
		d.failing.Store(true)
		return n, fmt.Errorf("push %d outbox rows: %w", n, pushErr)
	}
	return n, d.updateHealth(ctx)
}

// updateHealth marks the sync failing while any row waits for a retry: the
// index is missing that change until it succeeds.
func (d *Drainer) updateHealth(ctx context.Context) error {
	retrying, err := store.OutboxRetrying(ctx, d.Pool)
	if err != nil {
		return err
	}
	d.failing.Store(retrying)
	return nil
}

// backoff doubles from MinBackoff up to MaxBackoff, with jitter so several
// servers do not retry in step.
func (d *Drainer) backoff(attempt int) time.Duration {
	b := d.MinBackoff
	for i := 1; i < attempt && b < d.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.MaxBackoff)
	return b/2 + time.Duration(rand.Int64N(int64(b/2)+1))
}

// Pending counts outbox rows not yet pushed.
func Pending(ctx context.Context, db store.DB) (int, error) {
	return store.OutboxPending(ctx, db)
}

// KeepChanges is how long the change log (search_changes) keeps a row: an
// in-memory index applies changes every fraction of a second, and one
// that fell further behind reads all events again.
const KeepChanges = 10 * time.Minute

// PruneChanges deletes the change log's rows older than keep and records
// the newest transaction it deleted, so a reader older than that knows to
// read everything again. It returns how many rows it deleted.
func PruneChanges(ctx context.Context, db store.DB, keep time.Duration) (int64, error) {
	return store.PruneSearchChanges(ctx, db, keep)
}
