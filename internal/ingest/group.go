package ingest

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Small pages (one announcement each, as most partner sites publish them)
// are written several to a transaction: one page to a transaction cost
// ~10 round trips, a round of day locks and a commit per page, and the
// first crawl of 2,000 such pages spent most of its time waiting for
// them. A writer takes the pages already waiting, up to groupPages pages
// or groupItems changed items, and writes them at once; it never waits for
// more, so a slow site's page is written as soon as a writer is free.
const (
	groupPages   = 32
	groupItems   = 64
	groupWriters = 2
)

// part is one page's share of a transaction: its items, its fetch record
// (written in the transaction when set) and its caps.
type part struct {
	pageURL string
	items   []pendingItem
	fetch   *store.Fetch
	caps    *pageCaps
}

// writePages writes the changed pages of work until it is closed and
// returns the function that waits for the last: pageWriters goroutines
// read the pages (prepare) and write each big one in batches (storeBig);
// the small ones go to groupWriters group writers (writeGroups). Two,
// not eight: a group's items lie on days far apart, so eight groups
// written side by side queued for each other's day locks, each holding
// part of its own meanwhile (the 2,000-page crawl was slower than one
// page to a transaction); with two, one writer's Go work overlaps the
// other's statements. The reading of the next pages goes on beside them.
func (c *crawl) writePages(ctx context.Context, log *slog.Logger, work <-chan scrapers.Page) (wait func()) {
	small := make(chan *prepared, groupPages)
	var wg sync.WaitGroup
	for range pageWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pg := range work {
				p := c.prepare(ctx, pg)
				switch {
				case p.err != nil:
					c.done(ctx, log, p, p.err)
				case len(p.pending) > itemBatch:
					c.done(ctx, log, p, c.storeBig(ctx, p))
				default:
					small <- p
				}
			}
		}()
	}
	var gw sync.WaitGroup
	for range groupWriters {
		gw.Add(1)
		go func() {
			defer gw.Done()
			c.writeGroups(ctx, log, small)
		}()
	}
	return func() {
		wg.Wait()
		close(small)
		gw.Wait()
	}
}

// writeGroups writes the small pages of small until it is closed, the
// pages waiting at once together (up to groupPages pages or groupItems
// items) in one transaction.
func (c *crawl) writeGroups(ctx context.Context, log *slog.Logger, small <-chan *prepared) {
	var carry *prepared // a page left for the next group
	for {
		next := carry
		carry = nil
		if next == nil {
			var ok bool
			if next, ok = <-small; !ok {
				return
			}
		}
		group, items := []*prepared{next}, len(next.pending)
		keys := map[string]bool{}
		addKeys(keys, next)
	gather:
		for len(group) < groupPages && items < groupItems {
			select {
			case p, ok := <-small:
				if !ok {
					break gather
				}
				if sharesKey(keys, p) {
					// The same announcement on two pages: the second is
					// written after the first committed, as before.
					carry = p
					break gather
				}
				group, items = append(group, p), items+len(p.pending)
				addKeys(keys, p)
			default:
				break gather // write what is there
			}
		}
		c.storeSmall(ctx, log, group)
	}
}

func addKeys(keys map[string]bool, p *prepared) {
	for _, it := range p.pending {
		keys[it.it.Key] = true
	}
}

func sharesKey(keys map[string]bool, p *prepared) bool {
	for _, it := range p.pending {
		if keys[it.it.Key] {
			return true
		}
	}
	return false
}

// storeSmall writes a group of small pages in one transaction. When it
// fails, each page is written alone, so a page's failure is recorded
// against that page only and the others are stored.
func (c *crawl) storeSmall(ctx context.Context, log *slog.Logger, group []*prepared) {
	if len(group) == 0 {
		return
	}
	parts := make([]part, len(group))
	for i, p := range group {
		parts[i] = part{pageURL: p.url, items: p.pending, fetch: &p.fetch, caps: &p.caps}
	}
	err := c.storeGroup(ctx, parts)
	if err != nil && len(group) > 1 && ctx.Err() == nil {
		log.Debug("group of pages failed; writing them one by one", "pages", len(group), "err", err)
		for i, p := range group {
			c.done(ctx, log, p, c.storeGroup(ctx, parts[i:i+1]))
		}
		return
	}
	for _, p := range group {
		c.done(ctx, log, p, err)
	}
}

// storeGroup writes the items of one or more pages in one transaction,
// retried when it lost a race, and the fetch records of the parts that
// have one. Items are read before the transaction; their day locks are
// taken in it all at once, before any matching. Each part keeps its own
// caps and counts, as if written alone.
func (c *crawl) storeGroup(ctx context.Context, parts []part) error {
	// At most pageWriters transactions of a crawl at once, whether they
	// come from several pages or from one big page's storeParallel: each
	// holds a connection and the events around its days.
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	var all []pendingItem
	var owner []int // the part of each of all
	for _, k := range byDay(parts) {
		all = append(all, parts[k].items...)
		for range parts[k].items {
			owner = append(owner, k)
		}
	}
	reads := make([]reading, len(all))
	rows := make([]store.NewItem, len(all))
	for i, p := range all {
		reads[i] = p.read
		rows[i] = store.NewItem{Key: p.it.Key, Hash: p.hash, Raw: p.raw, PageURL: parts[owner[i]].pageURL}
	}
	ns := make([]counts, len(parts))
	refs := make([]store.ItemRef, 0, len(all))
	links := make([]map[int]int64, len(all))
	err := c.retryTx(ctx, func(tx pgx.Tx) error {
		// A retried attempt gives back what the failed one took from the
		// source's account and starts from the pages' committed counts.
		for k := range ns {
			c.release(&ns[k])
			ns[k] = counts{caps: pageCaps{repeats: parts[k].caps.repeats}}
		}
		refs = refs[:0]
		var days []time.Time
		saved, err := store.UpsertItems(ctx, tx, c.src.ID, "", rows, normalize.Version)
		if err != nil {
			return err
		}
		for i, p := range all {
			if links[i], err = itemLinks(ctx, tx, saved[i].ID, saved[i].Inserted); err != nil {
				return err
			}
			days = append(days, reads[i].days(links[i])...)
			refs = append(refs, store.ItemRef{ID: saved[i].ID, Key: p.it.Key, PageURL: parts[owner[i]].pageURL, RawHash: p.hash})
		}
		// The fetch records need no day lock: written before them, they
		// are statements less while other writers wait for those locks.
		// A page the caps cut in this transaction writes it again below.
		if err := c.saveFetches(ctx, tx, parts, func(k int) int { return parts[k].caps.dropped }); err != nil {
			return err
		}
		// Every day lock the transaction needs, at once and in one order.
		if err := store.LockDays(ctx, tx, days); err != nil {
			return err
		}
		ids := make([]int64, len(refs))
		for i, r := range refs {
			ids[i] = r.ID
		}
		nb, err := readNearby(ctx, tx, c.src.ID, newOccurrences(reads, links), c.oneLanguage(reads, links, ids))
		if err != nil {
			return err
		}
		for i := range all {
			n := &ns[owner[i]]
			n.items++
			n.caps.retry = false
			if err := c.apply(ctx, tx, refs[i].ID, links[i], reads[i], nb, n); err != nil {
				return err
			}
			if n.caps.retry {
				// A cap cut this item's occurrences: the next crawl reads
				// it again even if unchanged, and may have room for them.
				if err := store.ForgetItemHash(ctx, tx, refs[i].ID); err != nil {
					return err
				}
				refs[i].RawHash = ""
			}
		}
		return c.saveFetches(ctx, tx, parts, func(k int) int {
			if parts[k].caps.dropped == 0 && ns[k].caps.dropped > 0 {
				return ns[k].caps.dropped
			}
			return -1
		})
	})
	if err != nil {
		for k := range ns {
			c.release(&ns[k])
		}
		return err
	}
	// Only now, after the commit, are the items known as stored: a
	// rolled-back attempt must not make its retry skip them.
	for k, p := range parts {
		ns[k].commit(c)
		p.caps.repeats = ns[k].caps.repeats
		p.caps.dropped += ns[k].caps.dropped
		p.caps.reasons = addDistinct(p.caps.reasons, ns[k].caps.reasons...)
	}
	c.mu.Lock()
	for _, r := range refs {
		c.known[r.Key] = r
	}
	c.mu.Unlock()
	c.wrote(all)
	c.maybeAnalyze(ctx)
	return nil
}

// saveFetches writes the fetch records of the parts that have one, in one
// round trip; dropped says how many occurrences the caps cut of each
// (a cut page is read in full next time), or -1 to leave it out.
func (c *crawl) saveFetches(ctx context.Context, tx pgx.Tx, parts []part, dropped func(k int) int) error {
	var fs []store.Fetch
	for k, p := range parts {
		if d := dropped(k); p.fetch != nil && d >= 0 {
			fs = append(fs, fetchRecord(*p.fetch, d))
		}
	}
	return store.SaveFetches(ctx, tx, c.src.ID, fs)
}

// byDay orders the parts of a transaction by the first start of their
// items (parts without dates first), each part's items kept in their
// order (a page's cap on repeated dates counts in order): the items of
// one stretch of days then follow each other, and share a nearby read.
func byDay(parts []part) []int {
	first := make([]time.Time, len(parts))
	for k, p := range parts {
		for _, it := range p.items {
			if ds := it.read.drafts; len(ds) > 0 && (first[k].IsZero() || ds[0].Start.Before(first[k])) {
				first[k] = ds[0].Start
			}
		}
	}
	order := make([]int, len(parts))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return first[a].Compare(first[b]) })
	return order
}
