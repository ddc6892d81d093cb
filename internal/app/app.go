// Package app is Treffpunkt's composition root: from a Config it builds the
// process of `serve`, `worker` or `all` (database pool, search backend, job
// worker, HTTP listeners) and runs the parts together with one shutdown.
// The commands and the end-to-end tests start the process through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/treffpunkt/treffpunkt/internal/admin"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/server"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// App is one process: the parts New built, run by Run, released by Close.
type App struct {
	cfg    Config
	log    *slog.Logger
	cancel context.CancelFunc // ends the background work bound to New's context

	pool      *pgxpool.Pool
	backend   *search.Backend
	collector *jobs.Collector
	worker    *jobs.Worker // nil unless Role has Worker
	staff     *admin.Handler
	handler   http.Handler // nil unless Role has Serve

	listeners  []listener
	now        func() time.Time      // the handlers' clock; nil for time.Now
	tuneSearch func(*search.Backend) // a test's changes to the search backend; nil for none
	ran        bool
	closeOnce  sync.Once
}

// listener is an HTTP server New has bound, so an address in use is a
// start-up error and Addr is known before Run.
type listener struct {
	name string
	ln   net.Listener
	h    http.Handler
}

// New builds the process described by cfg: it connects (refusing an
// out-of-date schema), records the sources file, opens the search backend,
// builds the job worker and the HTTP handler, and binds the listeners.
// Nothing is served before Run. ctx bounds the building and the life of
// background parts; Close releases everything, whether Run ran or not.
func New(ctx context.Context, cfg Config, opts ...Option) (_ *App, err error) {
	if cfg.Role&All == 0 {
		return nil, errors.New("app: no role")
	}
	life, cancel := context.WithCancel(ctx)
	a := &App{cfg: cfg, log: slog.Default(), cancel: cancel}
	for _, o := range opts {
		o(a)
	}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.pool, err = openPool(life, cfg); err != nil {
		return nil, err
	}
	// Queue depth and stale sources for /metrics, from this process's pool.
	a.collector = jobs.NewCollector(a.pool, a.log)
	if err := metrics.Register(a.collector); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if cfg.Role&Worker != 0 {
		if err := loadSources(life, a.pool, cfg.Sources); err != nil {
			return nil, err
		}
	}
	meili := search.MeiliConfig{URL: cfg.MeiliURL, Key: cfg.MeiliKey, Index: cfg.MeiliIndex}
	if a.backend, err = search.Open(life, a.pool, meili, a.log); err != nil {
		return nil, err
	}
	if a.tuneSearch != nil {
		a.tuneSearch(a.backend)
	}
	if cfg.Role&Worker != 0 {
		if a.worker, err = newWorker(life, a.pool, cfg); err != nil {
			return nil, err
		}
	}
	if cfg.Role&Serve != 0 {
		warmUp(life, a.backend)
		if a.handler, a.staff, err = newHandler(a.pool, a.backend.Searcher, cfg, a.now); err != nil {
			return nil, err
		}
		if err := a.listen("http", cfg.Addr, a.handler); err != nil {
			return nil, err
		}
	}
	if cfg.MetricsAddr != "" {
		if err := a.listen("metrics", cfg.MetricsAddr, metricsHandler(a.pool)); err != nil {
			return nil, err
		}
	}
	if cfg.PprofAddr != "" {
		if err := a.listen("pprof", cfg.PprofAddr, pprofHandler()); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Option changes what New builds in ways the environment cannot: tests'.
type Option func(*App)

// WithClock gives the HTTP handlers a fixed clock (end-to-end tests against
// seeded events with fixed dates).
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithSearch lets a test change the search backend New opened before
// anything uses it (fault tests: the outbox drainer's poll and backoff).
func WithSearch(tune func(*search.Backend)) Option { return func(a *App) { a.tuneSearch = tune } }

func (a *App) listen(name, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s listener: %w", name, err)
	}
	a.listeners = append(a.listeners, listener{name: name, ln: ln, h: h})
	return nil
}

// Addr is the address the public HTTP listener is bound to ("" without
// the Serve role); with port 0 in the Config, the port the system chose.
func (a *App) Addr() string { return a.addr("http") }

// MetricsAddr is the address of the metrics listener ("" for none).
func (a *App) MetricsAddr() string { return a.addr("metrics") }

func (a *App) addr(name string) string {
	for _, l := range a.listeners {
		if l.name == name {
			return l.ln.Addr().String()
		}
	}
	return ""
}

// Handler is the public HTTP surface (nil without the Serve role), for
// tests that serve it themselves.
func (a *App) Handler() http.Handler { return a.handler }

// Pool is the process's database pool.
func (a *App) Pool() *pgxpool.Pool { return a.pool }

// Search is the process's search backend (its searcher and outbox drainer).
func (a *App) Search() *search.Backend { return a.backend }

// Run serves and works until ctx ends or a part fails; then every part
// stops: the listeners stop accepting and finish the requests in flight,
// the worker lets running crawls finish for ShutdownTimeout, the search
// outbox drainer stops. It returns the first part's error, nil after a
// clean stop. Call Close afterwards. Run may be called once.
func (a *App) Run(ctx context.Context) error {
	if a.ran {
		return errors.New("app: Run called twice")
	}
	a.ran = true
	g, ctx := errgroup.WithContext(ctx)
	for _, l := range a.listeners {
		a.log.Info("listening", "listener", l.name, "addr", l.ln.Addr().String())
		g.Go(func() error { return named(l.name, server.ServeListener(ctx, l.ln, l.h)) })
	}
	g.Go(func() error { return named("search", a.backend.Run(ctx)) })
	if a.worker != nil {
		g.Go(func() error { return named("worker", a.worker.Run(ctx)) })
	}
	if a.staff != nil {
		g.Go(func() error { a.staff.Gate().SweepSessions(ctx, sessionSweepEvery); return nil })
	}
	return g.Wait()
}

// sessionSweepEvery is how often expired staff sessions are deleted.
const sessionSweepEvery = 10 * time.Minute

// named puts the part's name on its error; a part stopped by the end of
// its context is not an error.
func named(part string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("%s: %w", part, err)
}

// Close releases what New built: background work, the listeners Run did not
// serve, the worker's own pool, the metrics collector and the pool.
func (a *App) Close() {
	a.closeOnce.Do(func() {
		a.cancel()
		if !a.ran {
			for _, l := range a.listeners {
				_ = l.ln.Close()
			}
		}
		if a.worker != nil {
			a.worker.Close()
		}
		if a.collector != nil {
			metrics.Registry.Unregister(a.collector)
		}
		if a.pool != nil {
			a.pool.Close()
		}
	})
}

// warmUp builds the Postgres backend's in-memory index before the process
// serves: until it exists every search runs in SQL, and under concurrent
// load those stall (measured at 100,000 events on a busy machine: p99
// 286 ms while it was built in the background). It takes about 1.3 s for
// 100,000 events; a failure is not fatal, SQL answers meanwhile.
func warmUp(ctx context.Context, b *search.Backend) {
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := b.WarmUp(wctx); err != nil && ctx.Err() == nil {
		slog.Error("search: in-memory index not built at start; searching in SQL until it is", "err", err)
	}
}

// CheckSchema wants the store's and the job queue's migrations applied:
// serving processes insert jobs ("crawl now"), workers work them.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	if err := store.CheckSchema(ctx, pool); err != nil {
		return err
	}
	return jobs.CheckSchema(ctx, pool)
}

// OpenCurrent connects and refuses to go on against an out-of-date store
// schema (the commands that do not use the job queue).
func OpenCurrent(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pool, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := store.CheckSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// openPool connects with room for the role: each running crawl uses a
// connection for its page transactions, River keeps one listening and polls
// with others, and the API (in `all`) needs its own; the default pgx pool
// (4 connections on 2 cores) would make them queue for each other. A
// pool_max_conns in the URL wins.
func openPool(ctx context.Context, cfg Config) (*pgxpool.Pool, error) {
	url := cfg.DatabaseURL
	if cfg.Role&Worker != 0 {
		url = withPoolSize(url, max(10, 2*cfg.Concurrency+6))
	}
	pool, err := OpenCurrent(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := jobs.CheckSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
