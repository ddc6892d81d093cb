package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Limits cap what a source may have in the store, so a hostile or broken
// partner page cannot flood it (issue 12: a 648-byte feed of five hourly
// RRULEs made 4,995 events). The per-source caps count the source's live
// items and their occurrences, stored ones included, so repeated crawls do
// not add up past them. What a cap cuts is reported as a problem of the
// crawl run (crawl_errors, on the run's page for staff); the run is then
// partial and not complete, so nothing is marked vanished for what was
// cut, and the cut page and items are read again next time. Zero fields
// take DefaultLimits.
type Limits struct {
	EventsPerItem int // occurrences of one announcement: its dates and RRULE expansion
	ItemsPerPage  int // announcements read from one page or feed
	// RepeatsPerPage bounds the occurrences of a page's announcements
	// beyond each one's first: what dates lists and RRULE expansion add.
	// Announcements written out one by one cost the partner bytes; repeats
	// are the cheap amplification a flood uses.
	RepeatsPerPage  int
	ItemsPerSource  int // live announcements of a source
	EventsPerSource int // live occurrences of a source's announcements
}

// DefaultLimits are far above what partners publish (a daily course over
// the six-month expansion horizon is 184 occurrences, the largest partner
// feed ~300 events) and leave room for a regional calendar's feed of tens
// of thousands of events written out one by one (issue 14's stress feeds
// have 10,000), while a page's repeats stay few.
var DefaultLimits = Limits{EventsPerItem: 200, ItemsPerPage: 20000, RepeatsPerPage: 1000,
	ItemsPerSource: 50000, EventsPerSource: 60000}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{{&l.EventsPerItem, &d.EventsPerItem}, {&l.ItemsPerPage, &d.ItemsPerPage},
		{&l.RepeatsPerPage, &d.RepeatsPerPage}, {&l.ItemsPerSource, &d.ItemsPerSource}, {&l.EventsPerSource, &d.EventsPerSource}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// budget is a crawl's account of its source against the limits; crawl.mu
// guards it.
type budget struct {
	Limits
	items  int           // live items of the source, with those this crawl added
	events int           // live occurrences of the source, as this crawl changed them
	linked map[int64]int // live occurrences per item id
	cut    bool          // a cap cut something: the crawl is not complete

	itemsNoted  bool // the per-source item cap was reported
	eventsNoted bool // the per-source occurrence cap was reported
	notes       int  // pages whose cut fields were reported
}

// load starts the account from what the store holds for the source.
func (b *budget) load(known map[string]store.ItemRef, linked map[int64]int) {
	b.items, b.events, b.linked = 0, 0, linked
	for _, r := range known {
		if !r.Vanished {
			b.items++
		}
	}
	for _, n := range linked {
		b.events += n
	}
}

// pageCaps is what the limits did to one page's transaction.
type pageCaps struct {
	repeats  int           // occurrences of this page's announcements beyond each one's first
	reserved int           // change to the source's count, undone if the transaction fails
	undo     map[int64]int // budget.linked before this transaction, by item id
	dropped  int           // occurrences cut
	reasons  []string      // which caps cut them (distinct)
	notes    []string      // fields cut or dropped by event.BoundItem (distinct)
	// retry: the page's or the source's cap cut the current item's
	// occurrences, so it is normalised again next time even if unchanged.
	retry bool
	// again: an item normalised again after the crawl (boilerplate
	// learned); the source's account is settled already.
	again bool
}

func addDistinct(l []string, s ...string) []string {
	for _, x := range s {
		if !slices.Contains(l, x) {
			l = append(l, x)
		}
	}
	return l
}

// limitPage applies the item caps to a fetched page before it is stored:
// at most ItemsPerPage announcements, and new ones only while the source
// has room. It runs serially, on Crawl's emit.
func (c *crawl) limitPage(ctx context.Context, log *slog.Logger, pg scrapers.Page) scrapers.Page {
	if pg.Err != nil || len(pg.Items) == 0 {
		return pg
	}
	var msgs []string
	cut := false
	if n := len(pg.Items); n > c.limits.ItemsPerPage {
		pg.Items, cut = pg.Items[:c.limits.ItemsPerPage], true
		msgs = append(msgs, fmt.Sprintf("the page has %d announcements; only the first %d are stored (limit per page)",
			n, c.limits.ItemsPerPage))
	}
	c.mu.Lock()
	kept := make([]event.Item, 0, len(pg.Items))
	counted := map[string]bool{}
	for _, it := range pg.Items {
		ref, known := c.known[it.Key]
		isNew := (!known || ref.Vanished) && !c.seen[it.Key] && !counted[it.Key]
		if isNew && c.limits.items >= c.limits.ItemsPerSource {
			cut = true
			if !c.limits.itemsNoted { // once per crawl, not once per page
				c.limits.itemsNoted = true
				msgs = append(msgs, fmt.Sprintf("the source has %d announcements; new ones are not stored (limit per source)",
					c.limits.ItemsPerSource))
			}
			continue
		}
		if isNew {
			c.limits.items++
			counted[it.Key] = true
		}
		kept = append(kept, it)
	}
	pg.Items = kept
	c.mu.Unlock()
	if cut {
		pg.Validators = scrapers.Validators{} // read the page in full next time
		c.limitHit(ctx, log, pg.URL, msgs...)
	}
	return pg
}

// limitHit records what a cap cut, for staff, and marks the crawl incomplete.
func (c *crawl) limitHit(ctx context.Context, log *slog.Logger, url string, msgs ...string) {
	c.mu.Lock()
	c.limits.cut = true
	c.mu.Unlock()
	for _, m := range msgs {
		c.recordError(ctx, log, url, 0, "limit: "+m)
	}
}

// limitDrafts applies the occurrence caps to one announcement's drafts and
// cuts each to the field limits. The occurrences the item had replace
// themselves in the source's account.
func (c *crawl) limitDrafts(drafts []event.Draft, itemID int64, n *counts) []event.Draft {
	total := len(drafts)
	keep := min(total, c.limits.EventsPerItem)
	var why string
	if keep < total {
		why = fmt.Sprintf("%d occurrences; only the first %d are kept (limit per announcement)", total, keep)
	}
	if left := 1 + max(c.limits.RepeatsPerPage-n.caps.repeats, 0); keep > left {
		keep, n.caps.retry = left, true
		why = fmt.Sprintf("%d occurrences; the page's repeated dates reached %d, so only %d are kept (limit per page)",
			total, c.limits.RepeatsPerPage, keep)
	}
	if !n.caps.again {
		c.mu.Lock()
		old := c.limits.linked[itemID]
		if left := max(c.limits.EventsPerSource-c.limits.events+old, 0); keep > left {
			keep, n.caps.retry = left, true
			why = fmt.Sprintf("%d occurrences; the source reached %d, so only %d are kept (limit per source)",
				total, c.limits.EventsPerSource, keep)
		}
		if n.caps.undo == nil {
			n.caps.undo = map[int64]int{}
		}
		if _, ok := n.caps.undo[itemID]; !ok {
			n.caps.undo[itemID] = old
		}
		c.limits.linked[itemID] = keep
		c.limits.events += keep - old
		n.caps.reserved += keep - old
		c.mu.Unlock()
	}
	n.caps.repeats += max(keep-1, 0)
	if keep < total {
		n.caps.dropped += total - keep
		reason, _, _ := strings.Cut(why[strings.Index(why, "(")+1:], ")")
		n.caps.reasons = addDistinct(n.caps.reasons, reason)
	}
	drafts = drafts[:keep]
	for i := range drafts {
		drafts[i] = event.BoundDraft(drafts[i])
	}
	if why != "" && keep > 0 {
		drafts[0].Warnings = append(slices.Clip(drafts[0].Warnings), why)
	}
	return drafts
}

// countUnchanged counts an unchanged item's stored occurrences against its
// page's cap; the source's account has them already.
func (c *crawl) countUnchanged(itemID int64, caps *pageCaps) {
	c.mu.Lock()
	caps.repeats += max(c.limits.linked[itemID]-1, 0)
	c.mu.Unlock()
}

// release undoes a failed transaction's changes to the source's account.
func (c *crawl) release(n *counts) {
	c.mu.Lock()
	c.limits.events -= n.caps.reserved
	for id, old := range n.caps.undo {
		c.limits.linked[id] = old
	}
	c.mu.Unlock()
	n.caps.reserved, n.caps.undo = 0, nil
}

// reportCaps records, once per page, what the caps and field limits did
// to it. Cut fields are a warning; cut occurrences make the run partial.
func (c *crawl) reportCaps(ctx context.Context, log *slog.Logger, url string, caps pageCaps) {
	if caps.dropped > 0 {
		// Once the source is full every later page is cut the same way:
		// that is reported once, not once per page.
		perSource := slices.Contains(caps.reasons, "limit per source")
		c.mu.Lock()
		quiet := perSource && len(caps.reasons) == 1 && c.limits.eventsNoted
		c.limits.eventsNoted = c.limits.eventsNoted || perSource
		c.mu.Unlock()
		msg := fmt.Sprintf("%d occurrences not stored (%s)", caps.dropped, strings.Join(caps.reasons, ", "))
		if quiet {
			c.limitHit(ctx, log, url)
		} else {
			c.limitHit(ctx, log, url, msg)
		}
	}
	if len(caps.notes) == 0 {
		return
	}
	c.mu.Lock()
	c.limits.notes++
	quiet := c.limits.notes > maxNoteRows
	c.mu.Unlock()
	msg := "warning: " + strings.Join(caps.notes, "; ")
	log.Warn("fields cut", "url", url, "notes", msg)
	if quiet {
		return
	}
	if err := store.AddRunError(ctx, c.p.Pool, c.run.ID, url, 0, msg); err != nil {
		log.Error("could not record crawl warning", "err", err)
	}
}

// maxNoteRows bounds the warnings about cut fields one crawl records.
const maxNoteRows = 20
