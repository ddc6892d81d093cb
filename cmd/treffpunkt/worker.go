package main

import (
	"context"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

func init() {
	register("worker", "work the job queue: scheduled and requested crawls, search index sync", runWorker)
}

const workerHelp = `Work the job queue in PostgreSQL: crawl every enabled source when its interval has passed,
run "crawl now" requests, keep the search index in sync. Run as many workers as you like, on
as many machines: they share the work through the database, and never crawl one source twice
at once. SIGTERM stops taking jobs, lets running crawls finish for --shutdown-timeout, then
cancels them; cancelled crawls are retried by the next worker.
Serves /metrics, /healthz and /readyz on --metrics-addr.`

func runWorker(ctx context.Context, args []string, io stdio) error {
	return runProcess(ctx, newFlagSet("worker", workerHelp, io.err), app.Worker, args, io)
}
