package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// RenormalizeReport is one source's outcome of Renormalize, printed as a
// JSON line by `treffpunkt renormalize`.
type RenormalizeReport struct {
	Source        string `json:"source"`
	Items         int    `json:"items"` // items read again
	EventsNew     int    `json:"events_new"`
	EventsUpdated int    `json:"events_updated"`
	Retries       int    `json:"retries"`
	Status        string `json:"status"` // ok | skipped | failed
	Error         string `json:"error,omitempty"`
}

// rereadPage is how many stored items are loaded at once: memory stays
// bounded however many a source holds.
const rereadPage = 512

// Renormalize reads stored raw items again with the current normaliser,
// through the path a crawl writes them by (read, day locks, match, link,
// refresh with staff overrides, review "changed"), so better readings
// reach events whose pages never change. Each occurrence keeps its event
// (identity, UID, staff decisions); an event whose content changes gets a
// new sequence. Only items stamped with an older normalize.Version are read
// unless all is set; a second run finds none. sourceID "" means every
// source. A source being crawled right now (Pipeline.Lock) is skipped.
func (p *Pipeline) Renormalize(ctx context.Context, sourceID string, all bool) ([]RenormalizeReport, error) {
	srcs, err := store.ListSources(ctx, p.Pool)
	if err != nil {
		return nil, err
	}
	organizers := make(map[string]string, len(srcs))
	for _, s := range srcs {
		organizers[s.ID] = s.Organizer
	}
	var reps []RenormalizeReport
	found := false
	for _, s := range srcs {
		if sourceID != "" && s.ID != sourceID {
			continue
		}
		found = true
		reps = append(reps, p.renormalizeLocked(ctx, s.Source, organizers, all))
		if ctx.Err() != nil {
			break
		}
	}
	if sourceID != "" && !found {
		return nil, fmt.Errorf("no source %q in the database", sourceID)
	}
	return reps, ctx.Err()
}

func (p *Pipeline) renormalizeLocked(ctx context.Context, src source.Source, organizers map[string]string, all bool) RenormalizeReport {
	if p.Lock == nil {
		return p.renormalizeSource(ctx, src, organizers, all)
	}
	unlock, lockCtx, ok, err := p.Lock(ctx, src.ID)
	switch {
	case err != nil:
		return RenormalizeReport{Source: src.ID, Status: "failed", Error: err.Error()}
	case !ok:
		return RenormalizeReport{Source: src.ID, Status: "skipped", Error: "being crawled; its items are read again next time"}
	}
	rep := p.renormalizeSource(lockCtx, src, organizers, all)
	if !unlock() && rep.Status == "ok" {
		rep.Status, rep.Error = "failed", "lock lost (database connection broken); run again"
	}
	return rep
}

// renormalizeSource reads one source's items page by page; a few writers
// store them, each item in its own retried transaction.
func (p *Pipeline) renormalizeSource(ctx context.Context, src source.Source, organizers map[string]string, all bool) RenormalizeReport {
	rep := RenormalizeReport{Source: src.ID, Status: "failed"}
	c := &crawl{p: p, src: src, now: p.now(), organizers: organizers, created: map[int64]bool{},
		limits: budget{Limits: p.Limits.withDefaults()}}
	var err error
	if c.bp, err = loadBoilerplate(ctx, p.Pool, src.ID); err != nil {
		rep.Error = err.Error()
		return rep
	}
	below := normalize.Version
	if all {
		below = math.MaxInt32
	}
	var after int64
	for {
		page, err := store.ItemsToReread(ctx, p.Pool, src.ID, below, after, rereadPage)
		if err == nil && len(page) > 0 {
			after = page[len(page)-1].ID
			err = c.rereadAll(ctx, page)
		}
		if err != nil {
			rep.Error = err.Error()
			break
		}
		if len(page) < rereadPage {
			rep.Status = "ok"
			break
		}
	}
	rep.Items, rep.EventsNew, rep.EventsUpdated, rep.Retries = c.run.Items, c.run.EventsNew, c.run.EventsUpdated, c.run.Retries
	p.logger().Info("items read again", "source", src.ID, "items", rep.Items, "updated", rep.EventsUpdated,
		"new", rep.EventsNew, "status", rep.Status)
	return rep
}

// rereadAll stores a page of items in batches of itemBatch, each in one
// retried transaction, written by pageWriters writers.
func (c *crawl) rereadAll(ctx context.Context, items []store.StoredItem) error {
	batches := (len(items) + itemBatch - 1) / itemBatch
	return writeAll(ctx, batches, func(ctx context.Context, k int) error {
		return c.reread(ctx, items[k*itemBatch:min((k+1)*itemBatch, len(items))])
	})
}

// reread reads stored items again as of when each was last read and
// stores the readings in one transaction, stamped with the version; as in
// a crawl, all their day locks are taken first, in one order.
func (c *crawl) reread(ctx context.Context, batch []store.StoredItem) error {
	reads := make([]reading, len(batch))
	for i, si := range batch {
		var it event.Item
		if err := json.Unmarshal(si.Raw, &it); err != nil {
			return fmt.Errorf("decode item %d: %w", si.ID, err)
		}
		reads[i] = c.readAt(it, si.LastSeen.In(event.Berlin))
	}
	ids := make([]int64, len(batch))
	for i, si := range batch {
		ids[i] = si.ID
	}
	if err := c.rewrite(ctx, ids, reads); err != nil {
		return fmt.Errorf("read items %d… again: %w", batch[0].ID, err)
	}
	c.mu.Lock()
	c.run.Items += len(batch)
	c.mu.Unlock()
	return nil
}

// rewrite stores new readings of stored items in one retried transaction,
// stamped with the normaliser's version; as in a crawl, all their day
// locks are taken first, in one order.
func (c *crawl) rewrite(ctx context.Context, ids []int64, reads []reading) error {
	var n counts
	links := make([]map[int]int64, len(ids))
	err := c.retryTx(ctx, func(tx pgx.Tx) error {
		// The caps per announcement apply; the source's account belongs to
		// its crawls, which count what is stored.
		n = counts{caps: pageCaps{again: true}}
		var days []time.Time
		for i, id := range ids {
			var err error
			if links[i], err = itemLinks(ctx, tx, id, false); err != nil {
				return err
			}
			days = append(days, reads[i].days(links[i])...)
		}
		if err := store.LockDays(ctx, tx, days); err != nil {
			return err
		}
		for i, id := range ids {
			if err := store.StampItem(ctx, tx, id, normalize.Version); err != nil {
				return err
			}
			if err := c.apply(ctx, tx, id, links[i], reads[i], nil, &n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	n.commit(c)
	return nil
}
