package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Backend is what a server needs for search: the searcher to answer with
// and the background work that keeps an external index current.
type Backend struct {
	Searcher Searcher
	Drainer  *Drainer
	Meili    *Meili    // nil when searching with Postgres only
	memory   *Postgres // the searcher with the in-memory index, nil with Meilisearch
	ready    atomic.Bool
	log      *slog.Logger
}

// MemoryRebuildInterval is the least time between two full reads of the
// Postgres backend's in-memory index (about 1.3 s for 100,000 events);
// changes in between are applied to it incrementally.
const MemoryRebuildInterval = 2 * time.Second

// Open returns the Postgres backend (with its in-memory index), or with cfg.URL set, Meilisearch with
// Postgres as fallback. Meilisearch being down at start is not fatal:
// searches use Postgres and Run applies the index settings once it answers.
func Open(ctx context.Context, pool *pgxpool.Pool, cfg MeiliConfig, log *slog.Logger) (*Backend, error) {
	if log == nil {
		log = slog.Default()
	}
	// SQL with the count and page caches as layers above it
	// (Postgres.compose); with Postgres alone the in-memory index joins
	// them between the two caches.
	pg := NewPostgres(pool)
	b := &Backend{log: log, Drainer: &Drainer{Pool: pool, Logger: log}}
	if cfg.URL == "" {
		b.memory = pg.WithMemoryIndex(ctx, pool, log, MemoryRebuildInterval)
		b.Searcher = b.memory
		return b, nil
	}
	m, err := NewMeili(ctx, cfg, pool)
	switch {
	case err == nil:
		b.ready.Store(true)
	case errors.Is(err, ErrUnreachable):
		log.Error("search: Meilisearch unreachable at start; searching with Postgres until it answers", "err", err)
		m = newMeiliClient(cfg, pool)
	default:
		return nil, fmt.Errorf("search: %w", err)
	}
	b.Meili, b.Drainer.Index = m, m
	b.Searcher = &Fallback{Primary: m, Postgres: pg, Logger: log,
		Healthy: func() bool { return b.ready.Load() && b.Drainer.Healthy() }}
	return b, nil
}

// WarmUp builds the in-memory index before the process serves, so the
// first searches are not all answered in SQL (with Meilisearch: nothing to
// do). A serving process calls it once after Open; the worker does not.
func (b *Backend) WarmUp(ctx context.Context) error {
	if b.memory == nil {
		return nil
	}
	return b.memory.WarmUp(ctx)
}

// Run keeps the index current until ctx ends: it applies the Meilisearch
// settings if that failed at start (retrying with backoff), then drains the
// outbox. With Postgres only it discards outbox rows, which nothing needs.
func (b *Backend) Run(ctx context.Context) error {
	if b.Meili != nil && !b.ready.Load() {
		wait := time.Second
		for {
			err := b.Meili.ensureIndex(ctx, b.Meili.cfg.Index)
			if err == nil {
				b.log.Info("search: Meilisearch ready", "url", b.Meili.cfg.URL)
				b.ready.Store(true)
				break
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			wait = min(2*wait, time.Minute)
		}
	}
	return b.Drainer.Run(ctx)
}

// ReindexPostgres rebuilds the Postgres search indexes. The search document
// itself is a generated column and never needs rebuilding; this only
// helps after index bloat or corruption.
func ReindexPostgres(ctx context.Context, pool *pgxpool.Pool) error {
	return store.ReindexSearch(ctx, pool)
}
