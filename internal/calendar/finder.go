package calendar

import (
	"context"
	"fmt"

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
// events query agree.
type Finder interface {
	Each(ctx context.Context, f search.Filter, limit int, fn func([]store.Event) error) error
}

// finderFor uses the searcher itself when it can stream, and otherwise
// pages through Search.
func finderFor(s search.Searcher) Finder {
	if f, ok := s.(Finder); ok {
		return f
	}
	return pager{s: s, size: search.MaxPageSize}
}

// pager walks the pages of a search.Searcher with its cursors. It works
// with every backend; each page costs a search with facets, which a
// backend's own Each can avoid.
type pager struct {
	s    search.Searcher
	size int
}

func (p pager) Each(ctx context.Context, f search.Filter, limit int, fn func([]store.Event) error) error {
	after := ""
	for n := 0; n < limit; {
		res, err := p.s.Search(ctx, f, search.Page{First: min(p.size, limit-n), After: after}, search.StartAsc)
		if err != nil {
			return fmt.Errorf("calendar: events after %d: %w", n, err)
		}
		batch := make([]store.Event, 0, len(res.Hits))
		for _, h := range res.Hits {
			batch = append(batch, h.Event)
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		n += len(batch)
		if !res.HasNext || len(batch) == 0 {
			return nil
		}
		after = res.EndCursor
	}
	return nil
}
