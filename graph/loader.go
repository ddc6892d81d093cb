package graph

import (
	"context"
	"sync"
	"time"
)

// loader batches the keys requested by concurrently running resolvers into
// one fetch, and caches results for the rest of the request. fetch returns
// a map; a missing key yields the zero value.
//
// A batch is closed either when a parent resolver primed it with the keys
// its children will ask for (an event list knows its events), so the first
// Load fetches them all at once, or else after a short window.
type loader[K comparable, V any] struct {
	fetch func(context.Context, []K) (map[K]V, error)
	wait  time.Duration
	max   int

	mu    sync.Mutex
	cur   *batch[K, V]
	cache map[K]*batch[K, V]
}

type batch[K comparable, V any] struct {
	keys   []K
	primed bool
	once   sync.Once
	done   chan struct{}
	vals   map[K]V
	err    error
}

func newLoader[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) *loader[K, V] {
	return &loader[K, V]{fetch: fetch, wait: time.Millisecond, max: 500, cache: map[K]*batch[K, V]{}}
}

// Load returns the value of k, fetching it with the other keys requested
// in the same window.
func (l *loader[K, V]) Load(ctx context.Context, k K) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[k]
	if !ok {
		if l.cur == nil {
			b := &batch[K, V]{done: make(chan struct{})}
			l.cur = b
			time.AfterFunc(l.wait, func() { l.run(ctx, b) })
		}
		b = l.cur
		b.keys = append(b.keys, k)
		l.cache[k] = b
		if len(b.keys) >= l.max {
			go l.run(ctx, b)
		}
	}
	primed := b.primed
	l.mu.Unlock()
	if primed {
		l.run(ctx, b)
	}
	select {
	case <-b.done:
		return b.vals[k], b.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Prime adds keys to the next fetch without fetching yet.
func (l *loader[K, V]) Prime(keys ...K) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if _, ok := l.cache[k]; ok {
			continue
		}
		if l.cur == nil {
			l.cur = &batch[K, V]{done: make(chan struct{})}
		}
		l.cur.primed = true
		l.cur.keys = append(l.cur.keys, k)
		l.cache[k] = l.cur
	}
}

func (l *loader[K, V]) run(ctx context.Context, b *batch[K, V]) {
	b.once.Do(func() {
		l.mu.Lock()
		if l.cur == b {
			l.cur = nil
		}
		keys := b.keys
		l.mu.Unlock()
		b.vals, b.err = l.fetch(ctx, keys)
		close(b.done)
	})
}
