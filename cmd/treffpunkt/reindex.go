package main

import (
	"context"
	"fmt"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

func init() {
	register("reindex", "rebuild the search index (Meilisearch: build a new index and swap it in)", runReindex)
}

func runReindex(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("reindex", "Rebuild the Meilisearch index from Postgres into a new index and swap it in atomically.\n"+
		"Without MEILI_URL there is nothing to rebuild: the Postgres search document is a generated column.", io.err)
	pgIndexes := fs.Bool("postgres-indexes", false, "with Postgres only: REINDEX the full-text and trigram indexes")
	cfg, pool, err := openWith(ctx, fs, app.Reindex, args)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	if cfg.MeiliURL == "" {
		fmt.Fprintln(io.out, "No MEILI_URL: search runs on Postgres, whose search document is a generated column and always current; nothing to rebuild.")
		if !*pgIndexes {
			return nil
		}
		if err := search.ReindexPostgres(ctx, pool); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "Rebuilt the Postgres search indexes in %s.\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: cfg.MeiliURL, Key: cfg.MeiliKey, Index: cfg.MeiliIndex}, pool)
	if err != nil {
		return err
	}
	n, err := m.Rebuild(ctx)
	if err != nil {
		return fmt.Errorf("rebuild after %d events: %w", n, err)
	}
	fmt.Fprintf(io.out, "Rebuilt Meilisearch index %q with %d events in %s and swapped it in.\n", cfg.MeiliIndex, n, time.Since(start).Round(time.Millisecond))
	return nil
}
