package search

import (
	"context"
	"log/slog"
)

// Fallback searches the external index while it is healthy and Postgres
// otherwise: when the index does not answer, or when its sync is failing
// and it may be missing changes. Results from Postgres are marked FellBack.
// A relevance cursor from one backend is not portable to the other; date
// order cursors are.
type Fallback struct {
	Primary  Searcher
	Postgres *Postgres
	// Healthy reports whether the index is current (Drainer.Healthy); nil
	// means always.
	Healthy func() bool
	Logger  *slog.Logger
}

// Search implements Searcher.
func (f *Fallback) Search(ctx context.Context, fl Filter, p Page, o Order) (Result, error) {
	if f.Healthy == nil || f.Healthy() {
		res, err := f.Primary.Search(ctx, fl, p, o)
		if err == nil || IsInvalid(err) || ctx.Err() != nil {
			return res, err
		}
		if f.Logger != nil {
			f.Logger.Warn("search index failed; answering from Postgres", "err", err)
		}
	}
	res, err := f.Postgres.Search(ctx, fl, p, o)
	res.FellBack = true
	return res, err
}

// Index implements Searcher on the primary.
func (f *Fallback) Index(ctx context.Context, ids []int64) error { return f.Primary.Index(ctx, ids) }

// Delete implements Searcher on the primary.
func (f *Fallback) Delete(ctx context.Context, ids []int64) error { return f.Primary.Delete(ctx, ids) }
