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

// Limits cap what one crawl of one source may add to the store, so a
// hostile or broken partner page cannot flood it (issue 12: a 648-byte
// feed of five hourly RRULEs made 4,995 events). What a cap cuts is
// reported as a problem of the crawl run (crawl_errors, on the run's page
// for staff); the run is then partial and not complete, so nothing is
// marked vanished for what was cut, and the cut page's validators are not
// kept, so the next crawl reads it again. Zero fields take DefaultLimits.
type Limits struct {
	EventsPerItem   int // occurrences of one announcement: its dates and RRULE expansion
	ItemsPerPage    int // announcements read from one page or feed
	EventsPerPage   int // occurrences written for one page
	ItemsPerSource  int // announcements per crawl
	EventsPerSource int // occurrences written per crawl
}

// DefaultLimits are far above what partners publish: a daily course over
// the six-month expansion horizon is 184 occurrences, the largest partner
// feed ~300 events.
var DefaultLimits = Limits{EventsPerItem: 200, ItemsPerPage: 500, EventsPerPage: 1000,
	ItemsPerSource: 5000, EventsPerSource: 5000}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{{&l.EventsPerItem, &d.EventsPerItem}, {&l.ItemsPerPage, &d.ItemsPerPage},
		{&l.EventsPerPage, &d.EventsPerPage}, {&l.ItemsPerSource, &d.ItemsPerSource}, {&l.EventsPerSource, &d.EventsPerSource}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// budget is what is left of a crawl's limits; crawl.mu guards it.
type budget struct {
	Limits
	items, events int // taken so far (events: reserved by page transactions)
	// linked: occurrences each stored item backs (by item id), which an
	// unchanged item counts against the caps. With it the caps bound what
	// the source has in the store after the crawl, not only what the crawl
	// wrote, and an item cut once is cut the same way again.
	linked      map[int64]int
	cut         bool // a cap cut something: the crawl is not complete
	itemsNoted  bool // the per-source item cap was reported
	eventsNoted bool // the per-source occurrence cap was reported
	notes       int  // pages whose cut fields were reported
}

// pageCaps is what the limits did to one page's transaction.
type pageCaps struct {
	events   int      // occurrences kept on this page
	reserved int      // of the source budget, returned if the transaction fails
	dropped  int      // occurrences cut
	reasons  []string // which caps cut them (distinct)
	notes    []string // fields cut or dropped by event.BoundItem (distinct)
	// retry: the page's or the source's cap cut the current item's
	// occurrences, so it is normalised again next time even if unchanged.
	retry bool
	// again: an item stored by this crawl normalised again (boilerplate
	// learned): its occurrences were counted against the source already.
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

// limitPage applies the item caps to a fetched page before it is stored.
// It runs serially, on Crawl's emit.
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
	if left := max(c.limits.ItemsPerSource-c.limits.items, 0); len(pg.Items) > left {
		pg.Items, cut = pg.Items[:left], true
		if !c.limits.itemsNoted { // once per crawl, not once per page
			c.limits.itemsNoted = true
			msgs = append(msgs, fmt.Sprintf("the crawl reached %d announcements; further ones are not stored (limit per source)",
				c.limits.ItemsPerSource))
		}
	}
	c.limits.items += len(pg.Items)
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
// cuts each to the field limits. n.caps counts what this page kept.
func (c *crawl) limitDrafts(drafts []event.Draft, n *counts) []event.Draft {
	total := len(drafts)
	keep := min(total, c.limits.EventsPerItem)
	var why string
	if keep < total {
		why = fmt.Sprintf("%d occurrences; only the first %d are kept (limit per announcement)", total, keep)
	}
	if left := max(c.limits.EventsPerPage-n.caps.events, 0); keep > left {
		keep, n.caps.retry = left, true
		why = fmt.Sprintf("%d occurrences; the page reached %d, so only %d are kept (limit per page)",
			total, c.limits.EventsPerPage, keep)
	}
	if !n.caps.again {
		c.mu.Lock()
		if left := max(c.limits.EventsPerSource-c.limits.events, 0); keep > left {
			keep, n.caps.retry = left, true
			why = fmt.Sprintf("%d occurrences; the crawl reached %d, so only %d are kept (limit per source)",
				total, c.limits.EventsPerSource, keep)
		}
		c.limits.events += keep
		c.mu.Unlock()
		n.caps.reserved += keep
	}
	n.caps.events += keep
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

// countUnchanged counts an unchanged item's stored occurrences against the
// page's and the source's caps; they stay stored whatever the caps say.
func (c *crawl) countUnchanged(itemID int64, n *counts) {
	c.mu.Lock()
	k := c.limits.linked[itemID]
	if !n.caps.again {
		c.limits.events += k
		n.caps.reserved += k
	}
	c.mu.Unlock()
	n.caps.events += k
}

// release returns a failed transaction's reservation to the source budget.
func (c *crawl) release(n *counts) {
	c.mu.Lock()
	c.limits.events -= n.caps.reserved
	c.mu.Unlock()
	n.caps.reserved = 0
}

// reportCaps records, once per page, what the caps and field limits did
// to it. Cut fields are a warning; cut occurrences make the run partial.
func (c *crawl) reportCaps(ctx context.Context, log *slog.Logger, url string, caps pageCaps) {
	if caps.dropped > 0 {
		// Once the source's budget is spent every later page is cut the
		// same way: that is reported once, not once per page.
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
