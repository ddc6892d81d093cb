package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/treffpunkt/treffpunkt/internal/server"
)

func init() {
	register("serve", "serve the API, calendar feeds, widget and staff UI over HTTP", runServe)
}

func runServe(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("serve", "Serve HTTP: /graphql, /calendar.ics, /embed.js, /admin/, /healthz, /readyz; /metrics on --metrics-addr.", io.err)
	dbURL := dbFlag(fs)
	addr := fs.String("addr", envOr("ADDR", ":8080"), "listen address (env ADDR)")
	pprofAddr := pprofFlag(fs)
	metricsAddr := metricsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := servePprof(ctx, *pprofAddr); err != nil {
		return err
	}
	pool, err := openCurrent(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := checkSchema(ctx, pool); err != nil {
		return err
	}
	svc, err := newServices(ctx, pool)
	if err != nil {
		return err
	}
	h, err := handler(ctx, pool, svc)
	if err != nil {
		return err
	}
	go func() {
		if err := svc.drainer.Run(ctx); err != nil && ctx.Err() == nil {
			slog.Error("search outbox drainer stopped", "err", err)
		}
	}()
	if m := metricsTask(pool, *metricsAddr); m != nil {
		go func() {
			if err := m(ctx); err != nil && ctx.Err() == nil {
				slog.Error("metrics listener stopped", "err", err)
			}
		}()
	}
	return server.Serve(ctx, *addr, h, func(a string) {
		slog.Info("serving", "addr", a)
		fmt.Fprintf(io.err, "Treffpunkt is listening on http://%s/\n", displayAddr(a))
	})
}

// displayAddr turns a listen address into one a person can open.
func displayAddr(a string) string {
	if len(a) > 0 && a[0] == ':' {
		return "localhost" + a
	}
	if len(a) > 8 && a[:8] == "0.0.0.0:" {
		return "localhost" + a[7:]
	}
	if len(a) > 5 && a[:5] == "[::]:" {
		return "localhost" + a[4:]
	}
	return a
}
