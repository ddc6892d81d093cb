package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func init() {
	register("worker", "work the job queue: scheduled and requested crawls, search index sync", runWorker)
}

const workerHelp = `Work the job queue in PostgreSQL: crawl every enabled source when its interval has passed,
run "crawl now" requests, keep the search index in sync. Run as many workers as you like, on
as many machines: they share the work through the database, and never crawl one source twice
at once. SIGTERM stops taking jobs, lets running crawls finish for --shutdown-timeout, then
cancels them; cancelled crawls are retried by the next worker.
Serves /metrics, /healthz and /readyz on --metrics-addr.`

// workerFlags are the flags `worker` and `all` share.
type workerFlags struct {
	dbURL        *string
	sources      *string
	allowPrivate *bool
	concurrency  *int
	every        *time.Duration
	crawlTimeout *time.Duration
	softStop     *time.Duration
	rawRetention *time.Duration
}

func addWorkerFlags(fs *flag.FlagSet) workerFlags {
	return workerFlags{
		dbURL:        dbFlag(fs),
		sources:      fs.String("sources", envOr("SOURCES", ""), "sources file to add to (or update in) the database at start (env SOURCES)"),
		allowPrivate: fs.Bool("allow-private", envOr("ALLOW_PRIVATE", "") == "1", "allow every source to reach private and loopback addresses (env ALLOW_PRIVATE=1)"),
		concurrency:  fs.Int("concurrency", envInt("CONCURRENCY", 4), "sources crawled at the same time by this process (env CONCURRENCY)"),
		every:        fs.Duration("schedule-every", time.Minute, "how often to look for sources whose interval has passed"),
		crawlTimeout: fs.Duration("crawl-timeout", time.Hour, "cancel (and retry) a crawl that runs longer"),
		softStop:     fs.Duration("shutdown-timeout", 30*time.Second, "on SIGTERM, how long running crawls may take to finish before they are cancelled"),
		rawRetention: fs.Duration("raw-retention", envDuration("RAW_RETENTION", 180*24*time.Hour),
			"prune the raw pages of events that ended longer ago than this; 0 keeps them (env RAW_RETENTION)"),
	}
}

func runWorker(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("worker", workerHelp, io.err)
	wf := addWorkerFlags(fs)
	metricsAddr := metricsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	pool, w, err := startWorker(ctx, wf)
	if err != nil {
		return err
	}
	defer pool.Close()
	backend, err := search.Open(ctx, pool, meiliConfig(), slog.Default())
	if err != nil {
		return err
	}
	tasks := []func(context.Context) error{w.Run, backend.Run}
	if m := metricsTask(pool, *metricsAddr); m != nil {
		tasks = append(tasks, m)
	}
	return runTogether(ctx, tasks...)
}

// startWorker opens the pool, records the sources file and builds the job
// worker: the start-up `worker` and `all` share. The caller closes the pool.
func startWorker(ctx context.Context, wf workerFlags) (*pgxpool.Pool, *jobs.Worker, error) {
	pool, err := openWorkerPool(ctx, *wf.dbURL, *wf.concurrency)
	if err != nil {
		return nil, nil, err
	}
	if err := loadSources(ctx, pool, *wf.sources); err != nil {
		pool.Close()
		return nil, nil, err
	}
	w, err := newWorker(ctx, pool, wf)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return pool, w, nil
}

// newWorker builds the job worker from the flags and registers the
// database collector (queue depth, stale sources) for /metrics.
func newWorker(ctx context.Context, pool *pgxpool.Pool, wf workerFlags) (*jobs.Worker, error) {
	if err := metrics.Register(jobs.NewCollector(pool, slog.Default())); err != nil {
		return nil, err
	}
	return jobs.NewWorker(ctx, jobs.Config{
		Pool:          pool,
		Logger:        slog.Default(),
		Pipeline:      ingest.Pipeline{AllowPrivate: *wf.allowPrivate},
		Concurrency:   *wf.concurrency,
		ScheduleEvery: *wf.every,
		CrawlTimeout:  *wf.crawlTimeout,
		SoftStop:      *wf.softStop,
		RawRetention:  max(*wf.rawRetention, 0),
	})
}

// openWorkerPool connects with room for the crawls: each running crawl
// uses a connection for its page transactions, River keeps one listening
// and polls with others, and the API (in `all`) needs its own. The
// default pgx pool (4 connections on 2 cores) would make them queue for
// each other. A pool_max_conns in the URL wins.
func openWorkerPool(ctx context.Context, dbURL string, concurrency int) (*pgxpool.Pool, error) {
	pool, err := openCurrent(ctx, withPoolSize(dbURL, max(10, 2*concurrency+6)))
	if err != nil {
		return nil, err
	}
	if err := jobs.CheckSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// withPoolSize adds pool_max_conns to a connection string that has none.
func withPoolSize(dbURL string, n int) string {
	if dbURL == "" || strings.Contains(dbURL, "pool_max_conns") {
		return dbURL
	}
	if u, err := url.Parse(dbURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("pool_max_conns", fmt.Sprint(n))
		u.RawQuery = q.Encode()
		return u.String()
	}
	return fmt.Sprintf("%s pool_max_conns=%d", dbURL, n) // key=value form
}

// loadSources adds or updates the file's sources in the database, in one
// transaction, so the scheduler knows them. Sources missing from the file
// are left as they are (staff may have added them); disable one with
// `disabled: true`.
func loadSources(ctx context.Context, pool *pgxpool.Pool, file string) error {
	if file == "" {
		return nil
	}
	srcs, err := source.Load(file)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, s := range srcs {
			if err := store.UpsertSource(ctx, tx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	slog.Info("sources loaded", "file", file, "sources", len(srcs))
	return nil
}

// meiliConfig reads the Meilisearch settings from the environment; no
// MEILI_URL means Postgres search only.
func meiliConfig() search.MeiliConfig {
	key := os.Getenv("MEILI_KEY")
	if key == "" {
		key = os.Getenv("MEILI_MASTER_KEY")
	}
	return search.MeiliConfig{URL: os.Getenv("MEILI_URL"), Key: key, Index: os.Getenv("MEILI_INDEX")}
}

// runTogether runs tasks until ctx ends or one of them fails; then the others
// are stopped too. It returns the first error.
func runTogether(ctx context.Context, tasks ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(tasks))
	for _, task := range tasks {
		go func() { errs <- task(ctx) }()
	}
	var first error
	for range tasks {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err != nil {
		return def
	}
	return n
}

// envDuration reads a Go duration ("4320h", "0") from the environment; an
// unset or unreadable value gives def.
func envDuration(name string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return def
	}
	return d
}
