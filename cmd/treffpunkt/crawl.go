package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

func init() {
	register("crawl", "crawl the sources of a sources file into the database", runCrawl)
}

const crawlHelp = `Crawl every enabled source of a sources file (or one with --source) and store what was found.
Prints one JSON line per source on stdout:
  {"source":"…","pages":N,"unchanged":N,"events_new":N,"events_updated":N,"errors":N,…}
Logs go to stderr. The exit status is 0 unless the run itself could not start; a failing source is
reported in its line and its run record, and the other sources go on.`

func runCrawl(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("crawl", crawlHelp, io.err)
	only := fs.String("source", "", "crawl only the source with this id")
	allowPrivate := fs.Bool("allow-private", false, "allow sources on private, loopback and link-local addresses")
	parallel := fs.Int("parallel", 4, "sources crawled at the same time")
	noPolite := fs.Bool("no-politeness", false, "no per-host delay (only for your own sites, e.g. benchmarks)")
	cfg, err := loadConfig(fs, app.Crawl, args)
	if err != nil {
		return err
	}
	srcs, err := source.Load(cfg.Sources)
	if err != nil {
		return err
	}
	srcs, err = selectSources(srcs, *only)
	if err != nil {
		return err
	}
	pool, err := openCurrent(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	p := &ingest.Pipeline{Pool: pool, AllowPrivate: *allowPrivate, NoPoliteness: *noPolite, Lock: jobs.CrawlLock(pool)}
	enc := json.NewEncoder(io.out)
	for _, rep := range p.CrawlAll(ctx, srcs, *parallel) {
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	return nil
}

// selectSources keeps enabled sources, or exactly the one asked for.
func selectSources(srcs []source.Source, only string) ([]source.Source, error) {
	var out []source.Source
	for _, s := range srcs {
		if only != "" {
			if s.ID == only {
				return []source.Source{s}, nil
			}
			continue
		}
		if !s.Disabled {
			out = append(out, s)
		}
	}
	if only != "" {
		return nil, fmt.Errorf("no source with id %q in the sources file", only)
	}
	return out, nil
}
