package main

import (
	"context"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

func init() {
	register("all", "serve HTTP and work the job queue in one process (small deployments, make run)", runAllRoles)
}

const allHelp = `Everything in one process: what 'serve' does (HTTP on --addr: /graphql, the calendar, widget,
staff UI, /healthz, /readyz; /metrics on --metrics-addr) and what 'worker' does (scheduled and requested crawls,
search index sync). The default for small deployments; split into 'serve' and 'worker' to scale
the parts separately. SIGTERM stops both gracefully.`

func runAllRoles(ctx context.Context, args []string, io stdio) error {
	return runProcess(ctx, newFlagSet("all", allHelp, io.err), app.All, args, io)
}
