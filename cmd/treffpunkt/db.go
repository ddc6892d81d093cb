package main

import (
	"context"
	"flag"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// dbFlag adds --database-url (default $DATABASE_URL) to a flag set.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("database-url", envOr("DATABASE_URL", ""), "PostgreSQL connection URL (env DATABASE_URL)")
}

// openCurrent connects and refuses to go on against an out-of-date schema.
func openCurrent(ctx context.Context, url string) (*pgxpool.Pool, error) {
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

// checkSchema wants the store's and the job queue's migrations applied:
// serving processes insert jobs ("crawl now").
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	if err := store.CheckSchema(ctx, pool); err != nil {
		return err
	}
	return jobs.CheckSchema(ctx, pool)
}
