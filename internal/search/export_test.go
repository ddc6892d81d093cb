package search

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
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
