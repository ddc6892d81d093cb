package review

import (
	"context"
	"strconv"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Read models for the staff UI and the partner page.

// Queue returns a page of the review queue and the counts per state.
func (s *Service) Queue(ctx context.Context, f store.QueueFilter) ([]store.QueueEntry, int, map[string]int, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return nil, 0, nil, err
	}
	entries, total, err := store.ReviewQueue(ctx, s.pool, f)
	if err != nil {
		return nil, 0, nil, err
	}
	counts, err := store.QueueCounts(ctx, s.pool, f)
	return entries, total, counts, err
}

// EventDetail is everything staff need to decide on one event.
type EventDetail struct {
	Event     store.Event
	State     string
	Review    store.Review
	Items     []store.EventItem
	Overrides []store.Override
	Merges    []store.Merge // open staff merges into the event
	// Changed lists the fields that differ from the approved version.
	Changed []string
	Audit   []store.AuditEntry
	// Facets are the event's values of search.DefaultFacets() as the
	// filters see them (the staff form ticks them).
	Facets search.EventFacets
}

// Event loads one event for review.
func (s *Service) Event(ctx context.Context, id int64) (EventDetail, error) {
	var d EventDetail
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return d, err
	}
	var err error
	if d.Event, err = store.GetEvent(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.State, err = store.ReviewState(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.Review, err = store.GetReview(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.Items, err = store.EventItems(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.Overrides, err = store.Overrides(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.Merges, err = store.OpenMerges(ctx, s.pool, id); err != nil {
		return d, err
	}
	if d.Review.ApprovedDraft != nil {
		d.Changed = store.ChangedFields(*d.Review.ApprovedDraft, d.Event.Draft)
	}
	facets, err := search.DefaultFacets().EventValues(ctx, s.pool, []int64{id})
	if err != nil {
		return d, err
	}
	d.Facets = facets[id]
	d.Audit, err = store.AuditLog(ctx, s.pool, store.AuditFilter{TargetType: "event", TargetID: itoa(id), Limit: 50})
	return d, err
}

// SourceHealth is a source with how its crawls went.
type SourceHealth struct {
	store.SourceRow
	Stats    store.SourceStats
	Runs     []store.Run // newest first
	Crawling bool        // an in-process crawl runs now
}

// LastRun is the newest run, if any.
func (h SourceHealth) LastRun() *store.Run {
	if len(h.Runs) == 0 {
		return nil
	}
	return &h.Runs[0]
}

// healthRuns is how many runs the sparkline and error counts cover.
const healthRuns = 20

// Sources lists every source with its health.
func (s *Service) Sources(ctx context.Context) ([]SourceHealth, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return nil, err
	}
	return sourcesHealth(ctx, s, "")
}

// Source loads one source with its health.
func (s *Service) Source(ctx context.Context, id string) (SourceHealth, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return SourceHealth{}, err
	}
	hs, err := sourcesHealth(ctx, s, id)
	if err != nil {
		return SourceHealth{}, err
	}
	return hs[0], nil
}

func sourcesHealth(ctx context.Context, s *Service, only string) ([]SourceHealth, error) {
	var rows []store.SourceRow
	if only != "" {
		r, err := store.GetSource(ctx, s.pool, only)
		if err != nil {
			return nil, err
		}
		rows = []store.SourceRow{r}
	} else {
		var err error
		if rows, err = store.ListSources(ctx, s.pool); err != nil {
			return nil, err
		}
	}
	stats, err := store.SourcesStats(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	out := make([]SourceHealth, len(rows))
	for i, r := range rows {
		runs, err := store.RecentRuns(ctx, s.pool, r.ID, healthRuns)
		if err != nil {
			return nil, err
		}
		out[i] = SourceHealth{SourceRow: r, Stats: stats[r.ID], Runs: runs, Crawling: s.Crawling(r.ID)}
	}
	return out, nil
}

// Run loads a crawl run and its per-URL errors.
func (s *Service) Run(ctx context.Context, id int64) (store.Run, []store.RunError, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return store.Run{}, nil, err
	}
	r, err := store.GetRun(ctx, s.pool, id)
	if err != nil {
		return r, nil, err
	}
	errs, err := store.RunErrors(ctx, s.pool, id)
	return r, errs, err
}

// Audit reads the audit log.
func (s *Service) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, []string, []string, error) {
	if err := read(ctx, auth.RoleReviewer); err != nil {
		return nil, nil, nil, err
	}
	entries, err := store.AuditLog(ctx, s.pool, f)
	if err != nil {
		return nil, nil, nil, err
	}
	actions, actors, err := store.AuditActions(ctx, s.pool)
	return entries, actions, actors, err
}

// PartnerStatus is the public status page of a source for its partner
// organisation: how the last crawls went, what was found, and what
// Treffpunkt could not read.
type PartnerStatus struct {
	Source   store.SourceRow
	Stats    store.SourceStats
	Runs     []store.Run
	Problems []store.ItemProblem
	Upcoming []store.Event
}

// Partner loads a partner page. It is public: it shows only what the
// partner's own site published, never staff data or contacts.
func (s *Service) Partner(ctx context.Context, id string, now time.Time) (PartnerStatus, error) {
	var p PartnerStatus
	var err error
	if p.Source, err = store.GetSource(ctx, s.pool, id); err != nil {
		return p, err
	}
	stats, err := store.SourcesStats(ctx, s.pool)
	if err != nil {
		return p, err
	}
	p.Stats = stats[id]
	if p.Runs, err = store.RecentRuns(ctx, s.pool, id, 10); err != nil {
		return p, err
	}
	if p.Problems, err = store.ItemProblems(ctx, s.pool, id, 50); err != nil {
		return p, err
	}
	p.Upcoming, err = store.SourcePublishedEvents(ctx, s.pool, id, now.Add(-24*time.Hour), 20)
	return p, err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
