package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Queues: crawls have their own, so a long crawl never delays the
// scheduler's tick.
const (
	QueueCrawl   = "crawl"
	QueueDefault = river.QueueDefault
)

// Why a crawl is queued.
const (
	TriggerSchedule = "schedule"
	TriggerStaff    = "staff"
)

// CrawlSourceArgs asks for one crawl of one source.
type CrawlSourceArgs struct {
	SourceID string `json:"source_id" river:"unique"`
	// Trigger says who asked (TriggerSchedule, TriggerStaff); it is not part
	// of the unique key, so "crawl now" while a scheduled crawl waits is
	// the same crawl.
	Trigger string `json:"trigger,omitempty"`
}

// Kind implements river.JobArgs.
func (CrawlSourceArgs) Kind() string { return "crawl_source" }

// uniqueStates: a source has at most one crawl job waiting, retrying or
// running. Finished jobs do not count, so the next crawl can be queued as
// soon as one ends.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// crawlAttempts bounds the retries of a failed crawl; after that the
// scheduler queues the source again once its interval has passed.
const crawlAttempts = 4

// InsertOpts implements river.JobArgsWithInsertOpts.
func (CrawlSourceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueCrawl,
		MaxAttempts: crawlAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: uniqueStates},
	}
}

// crawlWorker crawls one source through the ingest pipeline.
type crawlWorker struct {
	river.WorkerDefaults[CrawlSourceArgs]
	pool      *pgxpool.Pool
	locks     *pgxpool.Pool
	pipeline  ingest.Pipeline
	timeout   time.Duration
	retryBase time.Duration
	log       *slog.Logger
}

// Timeout implements river.Worker: a crawl may take far longer than
// River's default minute (500 pages at a polite delay).
func (w *crawlWorker) Timeout(*river.Job[CrawlSourceArgs]) time.Duration { return w.timeout }

// NextRetry implements river.Worker: retryBase, ×4 per attempt, capped at
// an hour, with jitter so sources failing together do not retry together.
func (w *crawlWorker) NextRetry(job *river.Job[CrawlSourceArgs]) time.Time {
	return time.Now().Add(backoff(w.retryBase, job.Attempt))
}

func backoff(base time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 4
	}
	d = min(d, time.Hour)
	return d/2 + rand.N(d/2+1)
}

// Work implements river.Worker. A failed crawl (could not start, or ended
// in error) returns an error, so River retries it with backoff; a crawl
// with some broken pages is "partial" and done.
func (w *crawlWorker) Work(ctx context.Context, job *river.Job[CrawlSourceArgs]) error {
	id := job.Args.SourceID
	// The pipeline adds the source and its run id to every line.
	log := w.log.With("job", job.ID, "attempt", job.Attempt, "trigger", job.Args.Trigger)
	src, err := store.GetSource(ctx, w.pool, id)
	if errors.Is(err, event.ErrNotFound) {
		return river.JobCancel(err) // removed since it was queued
	}
	if err != nil {
		return err
	}
	if !src.Enabled {
		log.Info("source disabled since the crawl was queued; skipped", "source", id)
		return nil
	}
	lock, ctx, ok, err := lockSource(ctx, w.locks, id)
	if err != nil {
		return err
	}
	if !ok {
		// A live worker crawls the source already: River's rescuer
		// handed back a job that was still running past
		// RescueStuckJobsAfter, or two source ids share a lock hash.
		// Come back when it is done.
		log.Info("source is being crawled elsewhere; snoozed", "source", id)
		return river.JobSnooze(time.Minute)
	}
	p := w.pipeline
	p.Logger = log
	rep := p.CrawlSource(ctx, src.Source)
	if held := lock.release(); !held {
		// Pages that could not be stored meanwhile are fetched again by
		// the retry (their fetch was not recorded).
		return fmt.Errorf("crawl %s (run %d): %w; retrying", id, rep.RunID, errLockLost)
	}
	if rep.Status == "failed" {
		return fmt.Errorf("crawl %s failed (run %d): %s", id, rep.RunID, rep.Error)
	}
	return nil
}

// EnqueueCrawl queues a crawl of the source now ("crawl now" from staff),
// in the caller's transaction: it is queued if and only if the transaction
// commits. queued is false when a crawl of the source is already waiting
// or running; that one serves the request. An unknown source is
// event.ErrNotFound.
func EnqueueCrawl(ctx context.Context, tx pgx.Tx, sourceID string) (queued bool, err error) {
	if _, err := store.GetSource(ctx, tx, sourceID); err != nil {
		return false, err
	}
	client, err := inserter()
	if err != nil {
		return false, err
	}
	res, err := client.InsertTx(ctx, tx, CrawlSourceArgs{SourceID: sourceID, Trigger: TriggerStaff},
		&river.InsertOpts{Priority: 1})
	if err != nil {
		return false, fmt.Errorf("queue crawl of %s: %w", sourceID, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}
