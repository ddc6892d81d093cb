package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

func init() {
	register("serve", "serve the API, calendar feeds, widget and staff UI over HTTP", runServe)
}

func runServe(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("serve", "Serve HTTP: /graphql, /calendar.ics, /embed.js, /admin/, /healthz, /readyz; /metrics on --metrics-addr.", io.err)
	return runProcess(ctx, fs, app.Serve, args, io)
}

// runProcess is `serve`, `worker` and `all`: the configuration from the
// environment and flags, the process app builds from it, run until ctx ends
// (SIGTERM or Ctrl-C).
func runProcess(ctx context.Context, fs *flag.FlagSet, role app.Role, args []string, io stdio) error {
	cfg, err := loadConfig(fs, role, args)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if addr := a.Addr(); addr != "" {
		also := ""
		if role&app.Worker != 0 {
			also = " (and working the job queue)"
		}
		fmt.Fprintf(io.err, "Treffpunkt is listening on http://%s/%s\n", displayAddr(addr), also)
	}
	return a.Run(ctx)
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
