package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/server"
)

// handler assembles the service's HTTP surface from the feature packages.
func handler(ctx context.Context, pool *pgxpool.Pool) (http.Handler, error) {
	return server.New(server.Deps{Pool: pool, Logger: slog.Default()}), nil
}
