package main

import (
	"context"
	"flag"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

// openCurrent connects and refuses to go on against an out-of-date schema.
var openCurrent = app.OpenCurrent

// openWith is the start of a command that works on the database: its
// settings (loadConfig), then a connection to a current schema. The caller
// closes the pool.
func openWith(ctx context.Context, fs *flag.FlagSet, role app.Role, args []string) (app.Config, *pgxpool.Pool, error) {
	cfg, err := loadConfig(fs, role, args)
	if err != nil {
		return cfg, nil, err
	}
	pool, err := openCurrent(ctx, cfg.DatabaseURL)
	return cfg, pool, err
}
