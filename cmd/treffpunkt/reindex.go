package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/search"
)

func init() {
	register("reindex", "rebuild the search index (Meilisearch: build a new index and swap it in)", runReindex)
}

func runReindex(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("reindex", "Rebuild the Meilisearch index from Postgres into a new index and swap it in atomically.\n"+
		"Without MEILI_URL there is nothing to rebuild: the Postgres search document is a generated column.", io.err)
	dbURL := dbFlag(fs)
	meiliURL := fs.String("meili-url", envOr("MEILI_URL", ""), "Meilisearch URL (env MEILI_URL)")
	meiliKey := secretFlag(fs, "meili-key", "MEILI_KEY", "Meilisearch key; else $MEILI_MASTER_KEY")
	index := fs.String("meili-index", envOr("MEILI_INDEX", "events"), "index name (env MEILI_INDEX)")
	pgIndexes := fs.Bool("postgres-indexes", false, "with Postgres only: REINDEX the full-text and trigram indexes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *meiliKey == "" { // like serve and worker (internal/app)
		*meiliKey = os.Getenv("MEILI_MASTER_KEY")
	}
	pool, err := openCurrent(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	if *meiliURL == "" {
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
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: *meiliURL, Key: *meiliKey, Index: *index}, pool)
	if err != nil {
		return err
	}
	n, err := m.Rebuild(ctx)
	if err != nil {
		return fmt.Errorf("rebuild after %d events: %w", n, err)
	}
	fmt.Fprintf(io.out, "Rebuilt Meilisearch index %q with %d events in %s and swapped it in.\n", *index, n, time.Since(start).Round(time.Millisecond))
	return nil
}
