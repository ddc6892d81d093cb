package main

import (
	"context"
	"encoding/json"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
)

func init() {
	register("renormalize", "read stored raw items again with this binary's normaliser", runRenormalize)
}

const renormalizeHelp = `Read the stored raw items again with the normaliser of this binary, through the same matching and
upsert path as a crawl: events keep their identity, staff overrides and review decisions; an event whose
reading changes gets a new sequence and shows as "changed" in the review queue. By default only items
read by an older normaliser version are read (the worker does this by itself after an upgrade); --all
reads every item. Prints one JSON line per source:
  {"source":"…","items":N,"events_new":N,"events_updated":N,"retries":N,"status":"ok|skipped|failed"}
A source being crawled right now is skipped (run again later).`

func runRenormalize(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("renormalize", renormalizeHelp, io.err)
	only := fs.String("source", "", "only the source with this id")
	all := fs.Bool("all", false, "read every item, not only those read by an older normaliser")
	_, pool, err := openWith(ctx, fs, app.Renormalize, args)
	if err != nil {
		return err
	}
	defer pool.Close()
	p := &ingest.Pipeline{Pool: pool, Lock: jobs.CrawlLock(pool)}
	reps, err := p.Renormalize(ctx, *only, *all)
	enc := json.NewEncoder(io.out)
	for _, rep := range reps {
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	return err
}
