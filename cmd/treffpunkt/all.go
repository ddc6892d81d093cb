package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/treffpunkt/treffpunkt/internal/server"
)

func init() {
	register("all", "serve HTTP and work the job queue in one process (small deployments, make run)", runAllRoles)
}

const allHelp = `Everything in one process: what 'serve' does (HTTP on --addr: /graphql, the calendar, widget,
staff UI, /healthz, /readyz; /metrics on --metrics-addr) and what 'worker' does (scheduled and requested crawls,
search index sync). The default for small deployments; split into 'serve' and 'worker' to scale
the parts separately. SIGTERM stops both gracefully.`

func runAllRoles(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("all", allHelp, io.err)
	wf := addWorkerFlags(fs)
	addr := fs.String("addr", envOr("ADDR", ":8080"), "listen address (env ADDR)")
	metricsAddr := metricsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	pool, w, err := startWorker(ctx, wf)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc, err := newServices(ctx, pool)
	if err != nil {
		return err
	}
	h, err := handler(ctx, pool, svc)
	if err != nil {
		return err
	}
	tasks := []func(context.Context) error{w.Run, svc.drainer.Run,
		func(ctx context.Context) error {
			return server.Serve(ctx, *addr, h, func(a string) {
				slog.Info("serving", "addr", a)
				fmt.Fprintf(io.err, "Treffpunkt is listening on http://%s/ (and working the job queue)\n", displayAddr(a))
			})
		}}
	if m := metricsTask(pool, *metricsAddr); m != nil {
		tasks = append(tasks, m)
	}
	return runTogether(ctx, tasks...)
}
