// Package store keeps Treffpunkt's source of truth in PostgreSQL: sources,
// crawl runs, fetched URLs, raw items and normalised events. SQL stays
// visible, one file per entity; every function takes a context and a
// pool-or-transaction (DB).
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is what both a pool and a transaction offer.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects a pool and checks the connection.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	if url == "" {
		return nil, errors.New("no database URL: set DATABASE_URL or --database-url")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "Europe/Berlin"
	// pgxpool's default (4 on this machine's 2 cores) starves concurrent
	// page writers and requests; pool_max_conns in the URL still wins.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	// Parallel plans cost more than they save on the short queries a
	// request makes, and they steal cores from concurrent requests.
	if _, ok := cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; !ok {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	// pgx prepares every statement; after five runs PostgreSQL may switch
	// to a generic plan made without the parameters, and one made while a
	// table was empty kept the event_items/items join of LinkedDraftsOf
	// at 13.6 ms instead of 0.18 ms for a whole crawl (issue 14). Our
	// queries are short and their best plan depends on the parameters.
	if _, ok := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

func provider(pool *pgxpool.Pool) (*goose.Provider, func() error, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	// Each feature owns a range of migration numbers, so a long-lived
	// database may meet a lower number after a higher one: apply it anyway.
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, db.Close, nil
}

// Migrate applies every pending migration, each in its own transaction.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	p, closeDB, err := provider(pool)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	res, err := p.Up(ctx)
	var applied []string
	for _, r := range res {
		applied = append(applied, r.Source.Path)
	}
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// ErrSchemaOutdated means the database lacks migrations this binary has.
var ErrSchemaOutdated = errors.New("database schema is out of date: run 'treffpunkt migrate'")

// CheckSchema reports ErrSchemaOutdated unless every migration is applied;
// the service refuses to start against an old schema.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	p, closeDB, err := provider(pool)
	if err != nil {
		return err
	}
	defer closeDB()
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	if pending {
		return ErrSchemaOutdated
	}
	return nil
}

// MigrationsFS exposes the embedded migrations (the test helper hashes them
// to name its template database).
func MigrationsFS() fs.FS { return migrations }

// InTx runs fn in a transaction, committing when it returns nil.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}
