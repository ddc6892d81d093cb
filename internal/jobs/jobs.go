// Package jobs runs Treffpunkt's background work on River, a job queue
// kept in Postgres: a crawl job per source (never two of one source at
// once, retried with backoff), a scheduler tick that queues the sources
// whose interval has passed, and "crawl now" for staff. Any number of
// workers on any number of machines share the work through the database;
// nothing is held in one process's memory that another would need.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Config configures a Worker. Zero values take the defaults noted.
type Config struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// Pipeline is the template for every crawl (AllowPrivate, UserAgent,
	// NoPoliteness); Pool, Logger and Observe are set by the worker.
	Pipeline ingest.Pipeline
	// Concurrency is how many sources this process crawls at once (4).
	Concurrency int
	// ScheduleEvery is the scheduler's tick (1 min): the delay between a
	// source falling due and its crawl being queued.
	ScheduleEvery time.Duration
	// CrawlTimeout cancels a crawl that runs longer (1 h); the run is
	// recorded as failed and the job retried.
	CrawlTimeout time.Duration
	// RetryBase is the wait before the first retry of a failed crawl
	// (30 s), ×4 for each further attempt.
	RetryBase time.Duration
	// SoftStop is how long a stopping worker lets running crawls finish
	// (30 s) before it cancels them; cancelled crawls are retried.
	SoftStop time.Duration
	// OrphanGrace is how long a crawl job must have been running before
	// a free crawl lock counts as proof that its worker died (10 s).
	OrphanGrace time.Duration
	// RawRetention is how long after an event the raw pages behind it
	// are kept; older ones are pruned hourly (store.PruneRaw). Zero keeps
	// them for ever (the worker command's default is 180 days).
	RawRetention time.Duration
	// Now is the scheduler's clock (time.Now).
	Now func() time.Time
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Concurrency < 1 {
		c.Concurrency = 4
	}
	if c.ScheduleEvery <= 0 {
		c.ScheduleEvery = time.Minute
	}
	if c.CrawlTimeout <= 0 {
		c.CrawlTimeout = time.Hour
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 30 * time.Second
	}
	if c.SoftStop <= 0 {
		c.SoftStop = 30 * time.Second
	}
	if c.OrphanGrace <= 0 {
		c.OrphanGrace = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Worker works the job queue until its context ends.
type Worker struct {
	cfg    Config
	client *river.Client[pgx.Tx]
	locks  *pgxpool.Pool
}

// NewWorker prepares a worker; Run starts it.
func NewWorker(ctx context.Context, cfg Config) (*Worker, error) {
	cfg.defaults()
	if cfg.Pool == nil {
		return nil, errors.New("jobs: no database pool")
	}
	// Crawl locks hold a connection each for the length of a crawl: a pool
	// of their own, so crawls can never starve the pipeline of connections.
	lockCfg := cfg.Pool.Config()
	lockCfg.MaxConns = int32(cfg.Concurrency + 2)
	lockCfg.MinConns = 0
	locks, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: lock pool: %w", err)
	}
	p := cfg.Pipeline
	p.Pool, p.Observe = cfg.Pool, observer{}
	workers := river.NewWorkers()
	river.AddWorker(workers, &crawlWorker{pool: cfg.Pool, locks: locks, pipeline: p,
		timeout: cfg.CrawlTimeout, retryBase: cfg.RetryBase, log: cfg.Logger})
	river.AddWorker(workers, &scheduleWorker{pool: cfg.Pool, locks: locks, orphanGrace: cfg.OrphanGrace,
		now: cfg.Now, log: cfg.Logger})
	periodic := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.ScheduleEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, scheduleOpts(cfg.ScheduleEvery) },
		&river.PeriodicJobOpts{ID: "schedule_crawls", RunOnStart: true})}
	// After an upgrade the normaliser reads better: items it has not read
	// yet are read again (RenormalizeArgs), each source under its crawl lock.
	rp := p
	rp.Lock = CrawlLock(locks)
	river.AddWorker(workers, &renormalizeWorker{pool: cfg.Pool, pipeline: rp, timeout: cfg.CrawlTimeout, log: cfg.Logger})
	periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(renormalizeEvery),
		func() (river.JobArgs, *river.InsertOpts) { return RenormalizeArgs{}, nil },
		&river.PeriodicJobOpts{ID: "renormalize", RunOnStart: true}))
	if cfg.RawRetention > 0 {
		river.AddWorker(workers, &pruneRawWorker{pool: cfg.Pool, retention: cfg.RawRetention, now: cfg.Now, log: cfg.Logger})
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(pruneEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PruneRawArgs{}, nil },
			&river.PeriodicJobOpts{ID: "prune_raw", RunOnStart: true}))
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Logger: cfg.Logger.With("component", "river"),
		Queues: map[string]river.QueueConfig{
			QueueCrawl:   {MaxWorkers: cfg.Concurrency},
			QueueDefault: {MaxWorkers: 2},
		},
		Workers:      workers,
		PeriodicJobs: periodic,
		// A crawl may run up to CrawlTimeout; River must not take it for
		// stuck before that (a dead worker's jobs come back sooner
		// through rescueOrphans).
		RescueStuckJobsAfter: cfg.CrawlTimeout + 10*time.Minute,
		Middleware:           []rivertype.Middleware{river.WorkerMiddlewareFunc(countJob)},
	})
	if err != nil {
		locks.Close()
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	return &Worker{cfg: cfg, client: client, locks: locks}, nil
}

// Run works jobs until ctx ends, then stops gracefully: no new jobs are
// fetched, running crawls get SoftStop to finish, then they are cancelled
// (their runs are recorded as failed and River retries them, here or on
// another worker). Run returns when everything has stopped.
func (w *Worker) Run(ctx context.Context) error {
	defer w.locks.Close()
	log := w.cfg.Logger
	// Start's context is not ctx: cancelling it would cancel running jobs
	// at once, without the soft stop.
	if err := w.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	log.Info("worker started", "concurrency", w.cfg.Concurrency, "schedule_every", w.cfg.ScheduleEvery.String(),
		"client", w.client.ID())
	select {
	case <-ctx.Done():
	case <-w.client.Stopped():
		return errors.New("jobs: river client stopped unexpectedly")
	}
	log.Info("worker stopping: no new jobs; waiting for running ones", "soft_stop", w.cfg.SoftStop.String())
	softCtx, cancel := context.WithTimeout(context.Background(), w.cfg.SoftStop)
	defer cancel()
	err := w.client.Stop(softCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("running jobs did not finish in time; cancelling them (they will be retried)")
		hardCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = w.client.StopAndCancel(hardCtx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	log.Info("worker stopped")
	return nil
}

// Close releases the crawl-lock pool of a worker that never ran (Run
// releases it itself); calling it after Run is harmless.
func (w *Worker) Close() { w.locks.Close() }

// Client is the worker's River client (tests, and inserting other jobs).
func (w *Worker) Client() *river.Client[pgx.Tx] { return w.client }

// observer feeds crawl outcomes to the metrics.
type observer struct{}

func (observer) Page(sourceID string, pg scrapers.Page) {
	metrics.ObservePage(sourceID, pg.Status, pg.Outcome(), pg.ExtractionFailed())
}

func (observer) Finished(rep ingest.Report, took time.Duration) {
	metrics.ObserveCrawl(rep.Source, rep.Status, rep.EventsNew, rep.EventsUpdated, took)
	metrics.ObserveRegression(rep.Source, rep.Regression.StrategyChanged, rep.Regression.DroppedToZero)
	metrics.ObserveRetries(rep.Source, rep.Retries)
}

// countJob is worker middleware that counts every job's outcome and time.
func countJob(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) (err error) {
	start := time.Now()
	outcome := "panic"
	defer func() {
		metrics.JobsWorked.WithLabelValues(job.Kind, outcome).Inc()
		metrics.JobDuration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	}()
	err = doInner(ctx)
	var snooze *river.JobSnoozeError
	var cancel *river.JobCancelError
	switch {
	case err == nil:
		outcome = "ok"
	case errors.As(err, &snooze):
		outcome = "snoozed"
	case errors.As(err, &cancel):
		outcome = "cancelled"
	default:
		outcome = "error"
	}
	return err
}

// inserter is a River client without workers or a pool, good only for
// inserting jobs in a caller's transaction (EnqueueCrawl).
var inserter = sync.OnceValues(func() (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("jobs: insert client: %w", err)
	}
	return c, nil
})
