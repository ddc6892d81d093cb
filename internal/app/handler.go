package app

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
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

// newHandler assembles the service's HTTP surface from the feature
// packages; it returns the staff handler too, whose session sweeper Run runs.
func newHandler(pool *pgxpool.Pool, searcher search.Searcher, cfg Config, now func() time.Time) (http.Handler, *admin.Handler, error) {
	log := slog.Default()
	cal, err := calendar.NewHandler(pool, searcher, calendar.Options{BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy,
		MapTiles: cfg.MapTiles, ImpressumURL: cfg.ImpressumURL, PrivacyURL: cfg.PrivacyURL, Now: now})
	if err != nil {
		return nil, nil, err
	}
	rv := review.New(pool, review.Options{
		Logger:              log,
		Enqueue:             jobs.EnqueueCrawl,
		AllowPrivateSources: cfg.AllowPrivate,
	})
	staff, err := admin.NewHandler(pool, admin.Options{
		Review:     rv,
		BaseURL:    cfg.BaseURL,
		TrustProxy: cfg.TrustProxy,
		// Browsers keep Secure cookies on http://localhost; only a plain-HTTP
		// deployment elsewhere needs this (never in production).
		InsecureCookies: cfg.InsecureCookies,
		TrustedOrigins:  cfg.TrustedOrigins,
		Logger:          log,
		Now:             now,
	})
	if err != nil {
		return nil, nil, err
	}
	api := graph.NewHandler(graph.Options{
		DB:             pool,
		Searcher:       searcher,
		Logger:         log,
		AllowedOrigins: cfg.CORSOrigins,
		Review:         rv,
		MaxBodyBytes:   cfg.APIMaxBody,
		Timeout:        cfg.APITimeout,
		Now:            now,
	})
	// Mutations need the caller's staff session or API key. The rate limit
	// comes first, so floods are turned away before any key is looked up.
	// Behind a proxy that sets X-Forwarded-For, TRUST_PROXY limits by the
	// address it saw instead of the proxy's.
	limited := ratelimit.Handler(staff.Staff(api), ratelimit.Options{Rate: cfg.APIRate, Burst: cfg.APIBurst, TrustProxy: cfg.TrustProxy})
	mounts := []server.Mount{{Pattern: "/graphql", Handler: limited},
		{Pattern: "GET /graphql/static/", Handler: limited}, // GraphiQL's files
		{Pattern: "/", Handler: cal}}
	for _, p := range admin.Patterns {
		mounts = append(mounts, server.Mount{Pattern: p, Handler: staff})
	}
	// /metrics is not mounted here: it is served on the metrics listener
	// only (metricsHandler), never on the public port.
	h := metrics.HTTP(server.New(server.Deps{Pool: pool, Logger: log, CheckSchema: CheckSchema}, mounts...))
	return h, staff, nil
}

// metricsHandler serves /metrics, /healthz and /readyz for the monitoring
// network, apart from the public port.
func metricsHandler(pool *pgxpool.Pool) http.Handler {
	return server.New(server.Deps{Pool: pool, Logger: slog.Default(), CheckSchema: CheckSchema},
		server.Mount{Pattern: "GET /metrics", Handler: metrics.Handler()})
}

// pprofHandler serves the Go profiles on a listener of their own, so they
// never share the public port.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
