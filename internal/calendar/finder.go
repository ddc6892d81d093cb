package calendar

import (
	"context"

	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Finder streams the events matching a filter, soonest first (the order of
// search.StartAsc), in consecutive batches, at most limit in all. A feed of
// 10,000 events is written batch by batch and never held in memory. fn may
// keep a batch after it returns (a feed writes one batch while the next
// loads): a Finder never reuses one.
//
// The calendar never filters by itself: the events of a feed are the ones
// internal/search returns for the same Filter, so a feed and the GraphQL
// events query agree. Every search.Searcher is a Finder; tests put others
// in its place.
type Finder interface {
	Each(ctx context.Context, f search.Filter, limit int, fn func([]store.Event) error) error
}
