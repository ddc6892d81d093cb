package search

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// NewPostgresInMemory is the Postgres searcher with an in-memory index that
// is rebuilt before every search that finds it stale, so every search it
// covers is answered from memory.
func NewPostgresInMemory(ctx context.Context, pool *pgxpool.Pool) *Postgres {
	return NewPostgres(pool).withMemoryIndex(ctx, pool, nil, memOptions{sync: true})
}

// MemoryServed is how many searches the in-memory index answered (-1
// without one).
func (p *Postgres) MemoryServed() int64 {
	if p.mem == nil {
		return -1
	}
	return p.mem.served.Load()
}

// MemoryFullReads is how many times the in-memory index read all events.
func (p *Postgres) MemoryFullReads() int64 {
	if p.mem == nil {
		return -1
	}
	return p.mem.fullReads.Load()
}

// CountBelowMemory makes the in-memory index's inner layer count the
// requests and streams the index passed down to it (refused or not
// current), and returns the counter.
func (p *Postgres) CountBelowMemory() *atomic.Int64 {
	n := &atomic.Int64{}
	p.mem.inner = countingLayer{layer: p.mem.inner, n: n}
	return n
}

type countingLayer struct {
	layer
	n *atomic.Int64
}

func (c countingLayer) answer(ctx context.Context, r *request) (Result, []pageKey, error) {
	c.n.Add(1)
	return c.layer.answer(ctx, r)
}

func (c countingLayer) each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error {
	c.n.Add(1)
	return c.layer.each(ctx, r, limit, fn)
}
