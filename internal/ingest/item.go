package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// reading is an item as the normaliser read it. It is computed before the
// item's transaction, so the transaction can take every day lock it needs
// at once, in one global order (store.LockDays), and a retried transaction
// does not read the text again.
type reading struct {
	it     event.Item // boilerplate stripped
	drafts []event.Draft
	nerr   error
}

// read normalises an item with the source's learned boilerplate removed.
func (c *crawl) read(it event.Item) reading {
	return c.readAt(it, c.now)
}

// readAt reads an item as a crawl at ref would: ref is the reference for
// dates without a year, so an item read again later keeps its year.
func (c *crawl) readAt(it event.Item, ref time.Time) reading {
	// Items stored before the field limits existed are cut here too (a
	// no-op for the rest), so normalisation never reads a 2 MB text.
	it, _ = event.BoundItem(c.bp.strip(it), it.URL)
	opt := c.normalizeOptions()
	opt.Ref = ref
	drafts, nerr := normalize.Normalize(it, opt)
	drafts = expandRecurrences(drafts)
	if nerr != nil {
		drafts = nil
	}
	return reading{it: it, drafts: drafts, nerr: nerr}
}

// sum fingerprints what writing the reading does: its drafts and error
// (the item's text is only read through them).
func (r reading) sum() ([sha256.Size]byte, bool) {
	b, err := json.Marshal(r.drafts)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	if r.nerr != nil {
		b = append(append(b, 0), r.nerr.Error()...)
	}
	return sha256.Sum256(b), true
}

// wrote remembers the readings of items this crawl committed, so that
// reading them again after the boilerplate is relearned can skip those
// that read the same (readSame). In the 2,000-page benchmark nearly every
// item was written a second time, two thirds of them with nothing changed.
func (c *crawl) wrote(batch []pendingItem) {
	sums := make([][sha256.Size]byte, len(batch))
	oks := make([]bool, len(batch))
	for i, p := range batch {
		sums[i], oks[i] = p.read.sum()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range batch {
		if oks[i] {
			c.readSums[p.it.Key] = sums[i]
		} else {
			delete(c.readSums, p.it.Key)
		}
	}
}

// readSame reports whether this crawl wrote the item with a reading equal
// to r.
func (c *crawl) readSame(key string, r reading) bool {
	sum, ok := r.sum()
	if !ok {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.readSums[key]
	return ok && old == sum
}

// days are the calendar days whose lock writing the reading needs: place
// matches and creates each occurrence without an event yet (not in links)
// under its start day's lock. An item read again whose occurrences all
// keep their events needs none, so re-reads of a big feed do not queue
// behind each other's day locks.
func (r reading) days(links map[int]int64) []time.Time {
	out := make([]time.Time, 0, len(r.drafts))
	for i, d := range r.drafts {
		if _, ok := links[i]; !ok {
			out = append(out, d.Start)
		}
	}
	return out
}

// itemLinks returns the events of a stored item's occurrences: nil for an
// item just inserted, which has none and no staff decision either.
func itemLinks(ctx context.Context, tx store.DB, itemID int64, fresh bool) (map[int]int64, error) {
	if fresh {
		return nil, nil
	}
	return store.Links(ctx, tx, itemID)
}

// apply brings a read item's events up to date: each occurrence keeps its
// event across re-crawls; a new occurrence is matched against known events
// from other sources before a new event is created. links are the item's
// occurrences' events (itemLinks); the caller holds the day locks of
// r.days(links). nb, when set, holds the events around the batch's days.
func (c *crawl) apply(ctx context.Context, tx store.DB, itemID int64, links map[int]int64, r reading, nb *nearby, n *counts) error {
	it, drafts := r.it, r.drafts
	if r.nerr != nil {
		if err := store.SetNormalizeError(ctx, tx, itemID, r.nerr.Error()); err != nil {
			return err
		}
	}
	// limitDrafts writes into the drafts; a retried transaction reuses the
	// reading, so it works on a copy.
	drafts = c.limitDrafts(slices.Clone(drafts), itemID, n)
	touched := map[int64]bool{}
	for i, d := range drafts {
		c.wroteLanguage(itemID, d)
		if evID, ok := links[i]; ok {
			if err := store.Link(ctx, tx, itemID, i, evID, d); err != nil {
				return err
			}
			touched[evID] = true
			continue
		}
		evID, created, err := c.place(ctx, tx, itemID, links == nil, it, i, d, nb)
		if err != nil {
			return err
		}
		if !created { // a created event is linked already
			if err := store.Link(ctx, tx, itemID, i, evID, d); err != nil {
				return err
			}
		}
		nb.link(evID, created, store.LinkedDraft{ItemID: itemID, SourceID: c.src.ID, URL: it.URL, Draft: d})
		if created {
			n.created++
			n.createdIDs = append(n.createdIDs, evID)
		} else {
			touched[evID] = true
		}
	}
	if len(links) > len(drafts) {
		gone, err := store.Unlink(ctx, tx, itemID, len(drafts))
		if err != nil {
			return err
		}
		for _, id := range gone {
			touched[id] = true
		}
		nb.unlinked(gone)
	}
	linked := make([]int64, 0, len(touched))
	for evID := range touched {
		linked = append(linked, evID)
		changed, err := c.refresh(ctx, tx, evID)
		if err != nil {
			return err
		}
		if changed && !c.wasCreated(evID) {
			n.updated++
		}
	}
	// Writes to an event's row queue it for the search index by trigger;
	// a changed source link is queued here, in the same transaction.
	return search.Enqueue(ctx, tx, linked...)
}

// place finds the event a new occurrence belongs to: the same event
// announced by another source, or a new one, which it links to the
// occurrence.
// A fresh item (just inserted) has no staff decisions to look up.
func (c *crawl) place(ctx context.Context, tx store.DB, itemID int64, fresh bool, it event.Item, occ int, d event.Draft, nb *nearby) (int64, bool, error) {
	rec := dedup.Record{SourceID: c.src.ID, Organizer: d.Organizer, OwnSite: c.ownSite(c.src.ID, d), URL: it.URL, Draft: d}
	// Concurrent writers (other pages, other sources) must not both create
	// the same event: matching and inserting for one day is serialised by
	// the day lock the caller took (reading.days).
	cands, block, err := candidatesAndBlock(ctx, tx, rec, nb, &c.langs)
	if err != nil {
		return 0, false, err
	}
	if !fresh && len(cands) > 0 {
		// Staff said this item is not these events (a split, a dismissed pair).
		distinct, err := store.DistinctEvents(ctx, tx, itemID)
		if err != nil {
			return 0, false, err
		}
		cands = slices.DeleteFunc(cands, func(r dedup.Record) bool { return distinct[r.ID] })
	}
	if best, _, ok := dedup.BestMatchIn(rec, cands, block); ok {
		return best.ID, false, nil
	}
	review := "pending"
	if c.src.Publish == "auto" {
		review = "published"
	}
	id, err := store.InsertLinkedEvent(ctx, tx, store.NewEvent{
		UID:      eventUID(c.src.ID, it.Key, occ),
		Draft:    d,
		Review:   review,
		SeriesID: dedup.SeriesKey(rec),
	}, itemID, occ)
	return id, true, err
}

// refresh recomputes an event from every source version linked to it.
func (c *crawl) refresh(ctx context.Context, tx store.DB, evID int64) (bool, error) {
	return refresh(ctx, tx, evID, c.organizers)
}

// Refresh recomputes an event from its linked source versions and staff
// overrides, as a crawl does; staff merges and splits call it so an event
// is always computed by the same rule.
func Refresh(ctx context.Context, tx store.DB, evID int64) (bool, error) {
	srcs, err := store.ListSources(ctx, tx)
	if err != nil {
		return false, err
	}
	organizers := make(map[string]string, len(srcs))
	for _, s := range srcs {
		organizers[s.ID] = s.Organizer
	}
	return refresh(ctx, tx, evID, organizers)
}

func refresh(ctx context.Context, tx store.DB, evID int64, organizers map[string]string) (bool, error) {
	linked, err := store.LinkedDrafts(ctx, tx, evID)
	if err != nil {
		return false, err
	}
	if len(linked) == 0 {
		// No source backs the event any more: keep it, flagged for staff.
		return store.MarkEventsOrphaned(ctx, tx, evID)
	}
	live := linked[:0:0]
	for _, l := range linked {
		if !l.Vanished {
			live = append(live, l)
		}
	}
	if len(live) == 0 {
		live = linked
	}
	if len(live) == 1 {
		return write(ctx, tx, evID, live[0].Draft)
	}
	recs := make([]dedup.Record, len(live))
	for i, l := range live {
		recs[i] = dedup.Record{ID: evID, SourceID: l.SourceID, Organizer: l.Draft.Organizer,
			OwnSite: ownSite(organizers, l.SourceID, l.Draft), URL: l.URL, Draft: l.Draft}
	}
	return write(ctx, tx, evID, dedup.Merge(recs))
}

// write stores what the sources say with staff's overrides on top, and
// puts an approved event whose content changed back in the review queue.
func write(ctx context.Context, tx store.DB, evID int64, d event.Draft) (bool, error) {
	d, err := store.ApplyOverrides(ctx, tx, evID, d)
	if err != nil {
		return false, err
	}
	changed, err := store.WriteEvent(ctx, tx, evID, d)
	if err != nil || !changed {
		return changed, err
	}
	return true, store.NoteContentChange(ctx, tx, evID, d)
}

// ownSite reports whether a draft comes from its organiser's own site,
// whose version wins when cross-posts are merged.
func (c *crawl) ownSite(sourceID string, d event.Draft) bool {
	return ownSite(c.organizers, sourceID, d)
}

func ownSite(organizers map[string]string, sourceID string, d event.Draft) bool {
	// An organiser the page does not state but the source's configuration
	// supplies proves nothing: calendars that re-post others' events would
	// claim every event as their own.
	if conf, ok := d.Confidence["organizer"]; ok && conf <= normalize.OrganizerFallbackConfidence {
		return false
	}
	org := organizers[sourceID]
	return org != "" && d.Organizer != "" && strings.EqualFold(normalizeSpace(org), normalizeSpace(d.Organizer))
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// eventUID is stable across re-crawls: calendar clients key on it.
func eventUID(sourceID, key string, occ int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d", sourceID, key, occ)))
	return "tp-" + hex.EncodeToString(sum[:10])
}

var _ = normalize.Options{}

func (c *crawl) wasCreated(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.created[id]
}
