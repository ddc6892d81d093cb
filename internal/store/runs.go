package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run is one crawl of one source.
type Run struct {
	ID            int64
	SourceID      string
	StartedAt     time.Time
	FinishedAt    *time.Time
	Status        string // running | ok | partial | failed
	Pages         int
	Unchanged     int
	Items         int
	EventsNew     int
	EventsUpdated int
	Vanished      int
	Errors        int
	Retries       int // transactions retried after a deadlock or serialisation failure
	Error         string
	Complete      bool
	// Strategy is how the source was read (kind: auto: what discovery
	// chose, else the configured kind) and StrategyReason why.
	Strategy, StrategyReason string
	// LiveItems counts the source's items not vanished when the run
	// finished (nil: a run recorded before it was counted).
	LiveItems *int
}

// Regression is what changed for the worse between two finished runs of a
// source, for staff to look at.
type Regression struct {
	StrategyChanged bool
	From, To        string // strategies of the earlier and the later run
	DroppedToZero   bool   // the source had live items and has none now
}

// Any says whether there is something to show.
func (r Regression) Any() bool { return r.StrategyChanged || r.DroppedToZero }

// CompareRuns compares a run with the run before it. A run without a
// strategy (discovery failed) is a failed run, shown as such, not a change.
func CompareRuns(cur, prev Run) Regression {
	var r Regression
	if cur.Strategy != "" && prev.Strategy != "" && cur.Strategy != prev.Strategy {
		r.StrategyChanged, r.From, r.To = true, prev.Strategy, cur.Strategy
	}
	r.DroppedToZero = cur.LiveItems != nil && prev.LiveItems != nil && *cur.LiveItems == 0 && *prev.LiveItems > 0
	return r
}

// LatestRegression compares the two newest finished runs of runs (newest
// first, as RecentRuns returns them).
func LatestRegression(runs []Run) Regression {
	var done []Run
	for _, r := range runs {
		if r.Status != "running" {
			done = append(done, r)
		}
		if len(done) == 2 {
			return CompareRuns(done[0], done[1])
		}
	}
	return Regression{}
}

// StartRun opens a run record.
func StartRun(ctx context.Context, db DB, sourceID string) (Run, error) {
	r := Run{SourceID: sourceID, Status: "running"}
	err := db.QueryRow(ctx, `INSERT INTO crawl_runs (source_id) VALUES ($1) RETURNING id, started_at`, sourceID).
		Scan(&r.ID, &r.StartedAt)
	if err != nil {
		return r, fmt.Errorf("start run for %s: %w", sourceID, err)
	}
	return r, nil
}

// FinishRun stores the counts and final status of a run.
func FinishRun(ctx context.Context, db DB, r Run) error {
	_, err := db.Exec(ctx, `
		UPDATE crawl_runs SET finished_at = now(), status = @status, pages = @pages, unchanged = @unchanged, items = @items,
			events_new = @events_new, events_updated = @events_updated, vanished = @vanished, errors = @errors,
			error = NULLIF(@error, ''), complete = @complete, strategy = @strategy, strategy_reason = @strategy_reason,
			retries = @retries,
			live_items = (SELECT count(*) FROM items i WHERE i.source_id = crawl_runs.source_id AND i.vanished_at IS NULL)
		WHERE id = @id`,
		pgx.NamedArgs{"id": r.ID, "status": r.Status, "pages": r.Pages, "unchanged": r.Unchanged, "items": r.Items,
			"events_new": r.EventsNew, "events_updated": r.EventsUpdated, "vanished": r.Vanished, "errors": r.Errors,
			"error": r.Error, "complete": r.Complete, "strategy": r.Strategy, "strategy_reason": r.StrategyReason,
			"retries": r.Retries})
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	return nil
}

// AddRunError records a per-URL problem of a run.
func AddRunError(ctx context.Context, db DB, runID int64, url string, status int, msg string) error {
	_, err := db.Exec(ctx, `INSERT INTO crawl_errors (run_id, url, status, message) VALUES ($1, $2, NULLIF($3, 0), $4)`,
		runID, url, status, msg)
	if err != nil {
		return fmt.Errorf("record crawl error: %w", err)
	}
	return nil
}

// RunError is one per-URL problem.
type RunError struct {
	URL     string
	Status  int
	Message string
}

// RunErrors lists the problems of a run.
func RunErrors(ctx context.Context, db DB, runID int64) ([]RunError, error) {
	rows, err := db.Query(ctx, `SELECT url, coalesce(status, 0), message FROM crawl_errors WHERE run_id = $1 ORDER BY at, url`, runID)
	if err != nil {
		return nil, fmt.Errorf("run errors: %w", err)
	}
	defer rows.Close()
	var out []RunError
	for rows.Next() {
		var e RunError
		if err := rows.Scan(&e.URL, &e.Status, &e.Message); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RecentRuns returns the last n runs of a source, newest first.
func RecentRuns(ctx context.Context, db DB, sourceID string, n int) ([]Run, error) {
	rows, err := db.Query(ctx, `
		SELECT id, source_id, started_at, finished_at, status, pages, unchanged, items, events_new, events_updated,
			vanished, errors, retries, coalesce(error, ''), complete, strategy, strategy_reason, live_items
		FROM crawl_runs WHERE source_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, sourceID, n)
	if err != nil {
		return nil, fmt.Errorf("recent runs of %s: %w", sourceID, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.SourceID, &r.StartedAt, &r.FinishedAt, &r.Status, &r.Pages, &r.Unchanged, &r.Items,
			&r.EventsNew, &r.EventsUpdated, &r.Vanished, &r.Errors, &r.Retries, &r.Error, &r.Complete,
			&r.Strategy, &r.StrategyReason, &r.LiveItems); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FailStaleRuns marks runs left "running" by a killed process as failed, so
// the record never claims a crawl is still going.
func FailStaleRuns(ctx context.Context, db DB, sourceID string) error {
	_, err := db.Exec(ctx, `
		UPDATE crawl_runs SET status = 'failed', finished_at = now(), error = 'interrupted: process ended during the crawl'
		WHERE source_id = $1 AND status = 'running'`, sourceID)
	if err != nil {
		return fmt.Errorf("fail stale runs: %w", err)
	}
	return nil
}
