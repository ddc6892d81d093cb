package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/admin"
	"github.com/treffpunkt/treffpunkt/internal/calendar"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/internal/ratelimit"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/server"
)

// services are the long-lived parts a serving process shares.
type services struct {
	searcher search.Searcher
	// drainer keeps the search index in sync (the outbox drainer, and with
	// Meilisearch its settings once it answers); run it for the process's life.
	drainer interface {
		Run(ctx context.Context) error
	}
}

// newServices picks the search backend: Postgres full-text search always,
// Meilisearch in front of it when MEILI_URL is set. Meilisearch being down
// at start is not fatal: searches use Postgres until it answers. The outbox
// drainer runs in every serving process (safe: it claims rows with SKIP
// LOCKED); without Meilisearch it only empties the outbox.
func newServices(ctx context.Context, pool *pgxpool.Pool) (*services, error) {
	b, err := search.Open(ctx, pool, meiliConfig(), slog.Default())
	if err != nil {
		return nil, err
	}
	if pg, ok := b.Searcher.(*search.Postgres); ok {
		// The in-memory index is built before the process serves: until it
		// exists every search runs in SQL, and under concurrent load those
		// stall (measured at 100,000 events on a busy machine: p99 286 ms
		// while it was built in the background). It takes about 1.3 s for
		// 100,000 events; a failure is not fatal, SQL answers meanwhile.
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := pg.WarmUp(wctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			slog.Error("search: in-memory index not built at start; searching in SQL until it is", "err", err)
		}
	}
	return &services{searcher: b.Searcher, drainer: b}, nil
}

// handler assembles the service's HTTP surface from the feature packages.
func handler(ctx context.Context, pool *pgxpool.Pool, svc *services) (http.Handler, error) {
	cal, err := calendar.NewHandler(pool, svc.searcher, calendar.Options{BaseURL: os.Getenv("BASE_URL"), TrustProxy: os.Getenv("TRUST_PROXY") == "1",
		MapTiles: os.Getenv("MAP_TILES"), ImpressumURL: os.Getenv("IMPRESSUM_URL"), PrivacyURL: os.Getenv("DATENSCHUTZ_URL")})
	if err != nil {
		return nil, err
	}
	rv := review.New(pool, review.Options{
		Logger:              slog.Default(),
		Enqueue:             jobs.EnqueueCrawl,
		AllowPrivateSources: os.Getenv("ALLOW_PRIVATE") == "1",
	})
	staff, err := admin.NewHandler(pool, admin.Options{
		Review:     rv,
		BaseURL:    os.Getenv("BASE_URL"),
		TrustProxy: os.Getenv("TRUST_PROXY") == "1",
		// Browsers keep Secure cookies on http://localhost; only a plain-HTTP
		// deployment elsewhere needs this (never in production).
		InsecureCookies: os.Getenv("INSECURE_COOKIES") == "1",
		TrustedOrigins:  splitList(os.Getenv("TRUSTED_ORIGINS")),
		Logger:          slog.Default(),
	})
	if err != nil {
		return nil, err
	}
	api := graph.NewHandler(graph.Options{
		DB:             pool,
		Searcher:       svc.searcher,
		Logger:         slog.Default(),
		AllowedOrigins: splitList(os.Getenv("CORS_ORIGINS")),
		Review:         rv,
		MaxBodyBytes:   int64(envInt("API_MAX_BODY", 1<<20)),
		Timeout:        envDuration("API_TIMEOUT", 10*time.Second),
	})
	// Mutations need the caller's staff session or API key. The rate limit
	// comes first, so floods are turned away before any key is looked up.
	limited := ratelimit.Handler(staff.Staff(api), apiRateLimit())
	mounts := []server.Mount{{Pattern: "/graphql", Handler: limited},
		{Pattern: "GET /graphql/static/", Handler: limited}, // GraphiQL's files
		{Pattern: "/", Handler: cal}}
	for _, p := range admin.Patterns {
		mounts = append(mounts, server.Mount{Pattern: p, Handler: staff})
	}
	// /metrics is not mounted here: it is served on the metrics listener
	// only (metricsHandler), never on the public port.
	_ = metrics.Register(jobs.NewCollector(pool, slog.Default()))
	go staff.Gate().SweepSessions(ctx, sessionSweepEvery)
	return metrics.HTTP(server.New(server.Deps{Pool: pool, Logger: slog.Default(), CheckSchema: checkSchema}, mounts...)), nil
}

// sessionSweepEvery is how often expired staff sessions are deleted.
const sessionSweepEvery = 10 * time.Minute

// metricsFlag is the address of the metrics listener: /metrics, /healthz
// and /readyz, for the monitoring network, apart from the public port.
func metricsFlag(fs *flag.FlagSet) *string {
	return fs.String("metrics-addr", envOr("METRICS_ADDR", ":9090"), "listen address for /metrics, /healthz, /readyz; empty: none (env METRICS_ADDR)")
}

// metricsTask serves the metrics listener until ctx ends (nil for none).
func metricsTask(pool *pgxpool.Pool, addr string) func(ctx context.Context) error {
	if addr == "" {
		return nil
	}
	h := server.New(server.Deps{Pool: pool, Logger: slog.Default(), CheckSchema: checkSchema},
		server.Mount{Pattern: "GET /metrics", Handler: metrics.Handler()})
	return func(ctx context.Context) error {
		return server.Serve(ctx, addr, h, func(a string) { slog.Info("metrics", "addr", a) })
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// apiRateLimit is the /graphql limit per client address and per API key
// from API_RATE (requests per second, default 20; 0 turns it off) and
// API_BURST (default 100). Behind a proxy that sets X-Forwarded-For,
// TRUST_PROXY=1 limits by the address it saw instead of the proxy's.
func apiRateLimit() ratelimit.Options {
	perSecond, err := strconv.ParseFloat(os.Getenv("API_RATE"), 64)
	if err != nil {
		perSecond = 20
	}
	return ratelimit.Options{Rate: perSecond, Burst: envInt("API_BURST", 100), TrustProxy: os.Getenv("TRUST_PROXY") == "1"}
}
