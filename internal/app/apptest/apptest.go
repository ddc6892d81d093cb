// Package apptest starts Treffpunkt's process in a test, through
// internal/app like the binary, on a database of the test's.
package apptest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
)

// Start runs a process in role on pool's database (the job queue's
// migrations applied first) until the test ends; Run's error fails the
// test. Its configuration comes from env alone (not the process's
// environment), with the public listener on a free loopback port, no
// metrics listener and, unless env sets API_RATE, no rate limit.
func Start(t testing.TB, pool *pgxpool.Pool, role app.Role, env map[string]string, opts ...app.Option) *app.App {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := jobs.Migrate(ctx, pool); err != nil {
		cancel()
		t.Fatal(err)
	}
	vars := map[string]string{"ADDR": "127.0.0.1:0", "API_RATE": "0"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := app.Env(role, func(k string) string { return vars[k] })
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cfg.DatabaseURL = pool.Config().ConnString()
	if env["METRICS_ADDR"] == "" {
		cfg.MetricsAddr = ""
	}
	a, err := app.New(ctx, cfg, opts...)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", role, err)
		}
		a.Close()
	})
	return a
}
