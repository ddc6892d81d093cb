package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func init() {
	register("migrate", "apply the database migrations embedded in the binary (store and job queue)", runMigrate)
}

func runMigrate(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("migrate", "Apply every pending database migration (each in its own transaction).", io.err)
	cfg, err := loadConfig(fs, app.Migrate, args)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := store.Migrate(ctx, pool)
	for _, m := range applied {
		slog.Info("migration applied", "file", m)
	}
	if err != nil {
		return err
	}
	// River versions its job tables itself.
	riverApplied, err := jobs.Migrate(ctx, pool)
	for _, m := range riverApplied {
		slog.Info("migration applied", "file", m)
	}
	if err != nil {
		return err
	}
	applied = append(applied, riverApplied...)
	fmt.Fprintf(io.out, "migrations applied: %d; schema is current\n", len(applied))
	return nil
}
