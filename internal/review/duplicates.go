package review

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Pair is a suggested duplicate: two live events dedup finds alike, with
// the evidence.
type Pair struct {
	A, B               store.Event
	SourcesA, SourcesB []string
	Evidence           dedup.Evidence
}

// SuggestMin is the lowest score shown as a suggestion. The pipeline
// merges pairs from different sources at dedup.SameThreshold by itself;
// below it, and between two entries of one source (which the pipeline
// never merges), staff decide.
const SuggestMin = 0.45

// horizon bounds how far ahead suggestions look.
const horizon = 180 * 24 * time.Hour

// DuplicatesSince answers the duplicates page when staff chose no date:
// the pairs from yesterday on, and when there are none, the pairs from the
// earliest event still awaiting review (a fixed "yesterday" hid every pair
// among events announced for past dates). It returns where it started.
func (s *Service) DuplicatesSince(ctx context.Context, now time.Time, limit int) (time.Time, []Pair, error) {
	from := now.AddDate(0, 0, -1)
	pairs, err := s.Duplicates(ctx, from, limit)
	if err != nil || len(pairs) > 0 {
		return from, pairs, err
	}
	first, ok, err := store.FirstPendingStart(ctx, s.pool)
	if err != nil || !ok || !first.Before(from) {
		return from, nil, err
	}
	pairs, err = s.Duplicates(ctx, first, limit)
	return first, pairs, err
}

// Duplicates returns suggested pairs among the events from from on,
// best first, leaving out pairs staff said are different and series
// siblings (other dates of one series).
func (s *Service) Duplicates(ctx context.Context, from time.Time, limit int) ([]Pair, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return nil, err
	}
	evs, err := store.LiveEventsBetween(ctx, s.pool, from, from.Add(horizon), 5000)
	if err != nil || len(evs) < 2 {
		return nil, err
	}
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	srcs, err := store.EventSourceIDs(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	distinct, err := store.DistinctPairs(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	recs := make([]dedup.Record, len(evs))
	for i, e := range evs {
		src := ""
		if ss := srcs[e.ID]; len(ss) > 0 {
			src = ss[0]
		}
		recs[i] = dedup.Record{ID: e.ID, SourceID: src, Organizer: e.Draft.Organizer, Draft: e.Draft}
	}
	var out []Pair
	// Events are sorted by start: compare each with those starting within
	// two days after it, dedup's own blocking window.
	for i := range evs {
		for j := i + 1; j < len(evs) && evs[j].Draft.Start.Sub(evs[i].Draft.Start) < 48*time.Hour; j++ {
			if distinct[[2]int64{min(evs[i].ID, evs[j].ID), max(evs[i].ID, evs[j].ID)}] {
				continue
			}
			ev := dedup.Compare(recs[i], recs[j])
			if ev.Verdict == dedup.SeriesSibling || (ev.Verdict != dedup.Same && ev.Score < SuggestMin) {
				continue
			}
			out = append(out, Pair{A: evs[i], B: evs[j], SourcesA: srcs[evs[i].ID], SourcesB: srcs[evs[j].ID], Evidence: ev})
		}
	}
	slices.SortStableFunc(out, func(a, b Pair) int {
		if a.Evidence.Score != b.Evidence.Score {
			if a.Evidence.Score > b.Evidence.Score {
				return -1
			}
			return 1
		}
		return int(a.A.ID - b.A.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Merge folds drop into keep: every source link of drop moves to keep
// (so every source is kept), drop points at keep (merged_into), staff's
// overrides on drop carry over where keep has none, and keep is
// recomputed from all its sources. A split undoes it.
func (s *Service) Merge(ctx context.Context, keep, drop int64) error {
	if keep == drop {
		return fmt.Errorf("cannot merge event %d with itself: %w", keep, event.ErrInvalid)
	}
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		k, _, err := liveEvent(ctx, tx, keep)
		if err != nil {
			return err
		}
		d, _, err := liveEvent(ctx, tx, drop)
		if err != nil {
			return err
		}
		if err := store.RemoveDistinctBetween(ctx, tx, keep, drop); err != nil {
			return err
		}
		links, err := store.MoveLinks(ctx, tx, drop, keep)
		if err != nil {
			return err
		}
		if err := store.SetMergedInto(ctx, tx, drop, &keep); err != nil {
			return err
		}
		if err := store.MoveOverrides(ctx, tx, drop, keep); err != nil {
			return err
		}
		if _, err := store.RecordMerge(ctx, tx, drop, keep, links, p.Actor()); err != nil {
			return err
		}
		// A published announcement stays published under its new id.
		if d.Review == "published" && k.Review != "published" {
			if err := store.SetReview(ctx, tx, keep, "published"); err != nil {
				return err
			}
		}
		if _, err := ingest.Refresh(ctx, tx, keep); err != nil {
			return err
		}
		if err := search.Enqueue(ctx, tx, keep, drop); err != nil {
			return err
		}
		after, err := store.GetEvent(ctx, tx, keep)
		if err != nil {
			return err
		}
		return audit(ctx, tx, p, "event.merge", "event", keep,
			map[string]any{"keep": k.Draft, "drop": d.Draft, "drop_id": drop},
			map[string]any{"keep": after.Draft, "moved_links": links}, fmt.Sprintf("%d → %d", drop, keep))
	})
}

// Split takes one source occurrence out of an event. When a staff merge
// brought it in, the merge is undone (the merged-away event comes back
// with all the links it brought); otherwise the occurrence becomes an
// event of its own. Either way the item is recorded as not being the
// event, so no crawl puts it back. It returns the event the occurrence
// now belongs to.
func (s *Service) Split(ctx context.Context, eventID int64, link store.LinkRef) (int64, error) {
	var out int64
	err := s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		ev, _, err := liveEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		items, err := store.EventItems(ctx, tx, eventID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(items, func(it store.EventItem) bool {
			return it.ItemID == link.ItemID && it.Occurrence == link.Occurrence
		})
		if i < 0 {
			return fmt.Errorf("item %d/%d is not linked to event %d: %w", link.ItemID, link.Occurrence, eventID, event.ErrNotFound)
		}
		if len(items) < 2 {
			return fmt.Errorf("event %d has a single source: nothing to split: %w", eventID, event.ErrInvalid)
		}
		merges, err := store.OpenMerges(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var moved []store.LinkRef
		mi := slices.IndexFunc(merges, func(m store.Merge) bool { return slices.Contains(m.Links, link) })
		if mi >= 0 {
			m := merges[mi]
			out = m.EventID
			for _, l := range m.Links {
				ok, err := store.MoveLink(ctx, tx, l, eventID, m.EventID)
				if err != nil {
					return err
				}
				if ok {
					moved = append(moved, l)
				}
			}
			if err := store.SetMergedInto(ctx, tx, m.EventID, nil); err != nil {
				return err
			}
			if err := store.CloseMerge(ctx, tx, m.ID); err != nil {
				return err
			}
		} else {
			it := items[i]
			out, err = store.InsertEvent(ctx, tx, store.NewEvent{UID: splitUID(), Draft: it.Draft, Review: ev.Review})
			if err != nil {
				return err
			}
			if err := store.Link(ctx, tx, it.ItemID, it.Occurrence, out, it.Draft); err != nil {
				return err
			}
			moved = []store.LinkRef{link}
		}
		for _, l := range moved {
			if err := store.AddDistinct(ctx, tx, l.ItemID, eventID, p.Actor()); err != nil {
				return err
			}
		}
		for _, id := range []int64{eventID, out} {
			if _, err := ingest.Refresh(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := search.Enqueue(ctx, tx, eventID, out); err != nil {
			return err
		}
		return audit(ctx, tx, p, "event.split", "event", eventID, map[string]any{"event": ev.Draft},
			map[string]any{"new_event": out, "moved_links": moved}, fmt.Sprintf("%d → %d", eventID, out))
	})
	return out, err
}

// splitUID names an event split off by staff; it is not derived from the
// item, whose derived UID the original event may carry.
func splitUID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return "tp-s" + hex.EncodeToString(b)
}

// NotDuplicates records that two events are different: the pair is no
// longer suggested and the pipeline never matches an item of one to the
// other.
func (s *Service) NotDuplicates(ctx context.Context, a, b int64) error {
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		for _, pair := range [][2]int64{{a, b}, {b, a}} {
			items, err := store.EventItems(ctx, tx, pair[0])
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := store.AddDistinct(ctx, tx, it.ItemID, pair[1], p.Actor()); err != nil {
					return err
				}
			}
		}
		return audit(ctx, tx, p, "event.not_duplicate", "event", a, nil, map[string]any{"other": b}, fmt.Sprintf("%d ≠ %d", a, b))
	})
}
