package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// newWorker builds the job worker from the configuration.
func newWorker(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*jobs.Worker, error) {
	return jobs.NewWorker(ctx, jobs.Config{
		Pool:          pool,
		Logger:        slog.Default(),
		Pipeline:      ingest.Pipeline{AllowPrivate: cfg.AllowPrivate},
		Concurrency:   cfg.Concurrency,
		ScheduleEvery: cfg.ScheduleEvery,
		CrawlTimeout:  cfg.CrawlTimeout,
		SoftStop:      cfg.ShutdownTimeout,
		RawRetention:  cfg.RawRetention,
	})
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
		return fmt.Errorf("sources file: %w", err)
	}
	slog.Info("sources loaded", "file", file, "sources", len(srcs))
	return nil
}
