package search

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// EachBatch is how many events Each hands over at once: large enough that
// a feed of 10,000 events takes twenty round trips, small enough that a
// batch's memory stays small.
const EachBatch = 500

// eachKeys is how many keys (id, start) Postgres.Each reads per query: a
// feed of 10,000 events filters and sorts the matching rows once instead
// of once per batch of 500, while the keys of a longer stream still never
// pile up (about 40 bytes each).
const eachKeys = 10000

// validateEach checks a filter as Search does; the order is always StartAsc.
func validateEach(fs FacetSet, f *Filter, limit int) error {
	if limit < 0 {
		return fmt.Errorf("%w: limit must not be negative, got %d", ErrInvalid, limit)
	}
	p, o := Page{First: 1}, StartAsc
	return fs.validateSearch(f, &p, &o)
}

// Each streams the events matching f in StartAsc order, in batches of up
// to EachBatch, at most limit in all; without total or facets. A text
// query switches to typo-tolerant matching exactly when Search's first
// page would, so a feed and a search agree. The events are loaded for
// feeds (store.FeedEventsByID): without the draft's secondary fields.
func (p *Postgres) Each(ctx context.Context, f Filter, limit int, fn func([]store.Event) error) error {
	if err := validateEach(p.fs, &f, limit); err != nil {
		return err
	}
	r := &request{fs: p.fs, counted: p.counted, f: f, o: StartAsc, fuzzyBelow: p.FuzzyBelow, ver: &versionOnce{db: p.db}}
	return p.top.each(ctx, r, limit, fn)
}

// each streams in SQL, reading eachKeys keys per query.
func (s *sqlSearch) each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error {
	fuzzy, err := s.fuzzy(ctx, r)
	if err != nil {
		return err
	}
	spec := r.fs.spec(r.f, fuzzy)
	var c *store.SearchKey
	for n := 0; n < limit; {
		size := min(eachKeys, limit-n)
		keys, err := store.SearchKeys(ctx, s.db, spec, store.ByStart, c, size)
		if err != nil {
			return fmt.Errorf("stream events after %d: %w", n, err)
		}
		ids := make([]int64, len(keys))
		for i, k := range keys {
			ids[i] = k.ID
		}
		if err := feedBatches(ctx, s.db, ids, fn); err != nil {
			return err
		}
		n += len(keys)
		if len(keys) < size {
			return nil
		}
		c = &keys[len(keys)-1]
	}
	return nil
}

// feedBatches loads the events of ids for feeds in batches of EachBatch
// and hands each batch to fn. An event deleted since the ids were read is
// skipped.
func feedBatches(ctx context.Context, db store.DB, ids []int64, fn func([]store.Event) error) error {
	for len(ids) > 0 {
		batch := ids[:min(EachBatch, len(ids))]
		ids = ids[len(batch):]
		evs, err := store.FeedEventsByID(ctx, db, batch)
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			if err := fn(evs); err != nil {
				return err
			}
		}
	}
	return nil
}

// fuzzy decides as Search's first page: typo-tolerant matching when the
// text query with the shared conditions (not the faceted ones) matches
// fewer than FuzzyBelow events.
func (s *sqlSearch) fuzzy(ctx context.Context, r *request) (bool, error) {
	if r.f.Query == "" || r.fuzzyBelow <= 0 {
		return false, nil
	}
	n, err := store.CountMatches(ctx, s.db, r.fs.spec(r.f, false), r.fuzzyBelow)
	if err != nil {
		return false, err
	}
	return n < r.fuzzyBelow, nil
}

// Each streams like Postgres.Each, paging the index by (start, id) keys so
// the feed is not bound by Meilisearch's maxTotalHits. Meilisearch applies
// its own typo tolerance, as in Search.
func (m *Meili) Each(ctx context.Context, f Filter, limit int, fn func([]store.Event) error) error {
	if err := validateEach(m.fs, &f, limit); err != nil {
		return err
	}
	mf := newMeiliFilter(m.fs, f)
	var c *cursor
	for n := 0; n < limit; {
		size := min(EachBatch, limit-n)
		req := &meilisearch.SearchRequest{Limit: int64(size), AttributesToRetrieve: []string{"id", "start"},
			Sort: []string{"start:asc", "id:asc"}}
		var keyset []string
		if c != nil {
			s, id := strconv.FormatInt(c.Start.Unix(), 10), strconv.FormatInt(c.ID, 10)
			keyset = append(keyset, "start > "+s+" OR (start = "+s+" AND id > "+id+")")
		}
		req.Filter = mf.expr(-1, keyset...)
		resp, err := m.client.Index(m.cfg.Index).SearchWithContext(ctx, f.Query, req)
		if err != nil {
			return m.wrap("stream", err)
		}
		ids := make([]int64, 0, len(resp.Hits))
		var last cursor
		for _, h := range resp.Hits {
			var doc struct {
				ID    int64 `json:"id"`
				Start int64 `json:"start"`
			}
			if err := h.DecodeInto(&doc); err != nil {
				return fmt.Errorf("meilisearch hit: %w", err)
			}
			ids = append(ids, doc.ID)
			last = cursor{Order: StartAsc, ID: doc.ID}
			last.Start = time.Unix(doc.Start, 0)
		}
		if len(ids) == 0 {
			return nil
		}
		evs, err := store.FeedEventsByID(ctx, m.db, ids)
		if err != nil {
			return err
		}
		// The index may lag the database by a moment: Postgres decides
		// what is public.
		kept := evs[:0]
		for _, e := range evs {
			if e.MergedInto == nil && (f.IncludeUnpublished || e.Public()) {
				kept = append(kept, e)
			}
		}
		if len(kept) > 0 {
			if err := fn(kept); err != nil {
				return err
			}
		}
		n += len(ids)
		if len(ids) < size {
			return nil
		}
		c = &last
	}
	return nil
}

// Each streams from the primary while it is healthy and from Postgres
// otherwise. The primary is abandoned only before it handed over events:
// a feed half from each backend could repeat or miss events.
func (f *Fallback) Each(ctx context.Context, fl Filter, limit int, fn func([]store.Event) error) error {
	if f.Healthy == nil || f.Healthy() {
		started := false
		err := f.Primary.Each(ctx, fl, limit, func(b []store.Event) error {
			started = true
			return fn(b)
		})
		if err == nil || started || IsInvalid(err) || ctx.Err() != nil {
			return err
		}
		if f.Logger != nil {
			f.Logger.Warn("search index failed; streaming from Postgres", "err", err)
		}
	}
	return f.Postgres.Each(ctx, fl, limit, fn)
}
