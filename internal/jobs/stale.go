package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// StaleFactor: a source is stale when its last successful crawl is older
// than this many intervals.
const StaleFactor = 3

// SourceHealth is how a source's crawls are going, for staff and for the
// staleness gauge.
type SourceHealth struct {
	SourceID   string
	Name       string
	Interval   time.Duration
	LastRun    *time.Time // start of the latest run
	LastStatus string     // its status: running, ok, partial, failed
	// LastSuccess is when the latest successful run ended: status ok, or
	// partial with every list page read (only some detail pages failed). A
	// run whose start page failed is partial too, but proves nothing.
	LastSuccess *time.Time
	Events      int  // events the source announces now (items not vanished)
	HadEvents   bool // it has announced events before
	Stale       bool
	// Reason says why a stale source is stale, for people.
	Reason string
}

// SourcesHealth reports on every enabled source, ordered by id. A source
// is stale when its last success (or, if it never had one, its addition)
// is more than StaleFactor intervals ago, or when it announced events
// before and now announces none: a broken scraper usually looks like that.
func SourcesHealth(ctx context.Context, db store.DB, now time.Time) ([]SourceHealth, error) {
	rows, err := db.Query(ctx, `
		SELECT s.id, s.name, s.config, s.created_at, lr.started_at, coalesce(lr.status, ''), ok.finished_at,
			(SELECT count(DISTINCT ei.event_id) FROM items i JOIN event_items ei ON ei.item_id = i.id
				WHERE i.source_id = s.id AND i.vanished_at IS NULL),
			EXISTS (SELECT 1 FROM items i JOIN event_items ei ON ei.item_id = i.id WHERE i.source_id = s.id)
		FROM sources s
		LEFT JOIN LATERAL (SELECT started_at, status FROM crawl_runs WHERE source_id = s.id
			ORDER BY started_at DESC, id DESC LIMIT 1) lr ON true
		LEFT JOIN LATERAL (SELECT finished_at FROM crawl_runs WHERE source_id = s.id
			AND (status = 'ok' OR (status = 'partial' AND complete)) ORDER BY started_at DESC, id DESC LIMIT 1) ok ON true
		WHERE s.enabled
		ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("source health: %w", err)
	}
	defer rows.Close()
	var out []SourceHealth
	for rows.Next() {
		var h SourceHealth
		var cfg []byte
		var created time.Time
		if err := rows.Scan(&h.SourceID, &h.Name, &cfg, &created, &h.LastRun, &h.LastStatus, &h.LastSuccess,
			&h.Events, &h.HadEvents); err != nil {
			return nil, fmt.Errorf("source health: %w", err)
		}
		if h.Interval, err = sourceInterval(cfg); err != nil {
			return nil, fmt.Errorf("source %s: %w", h.SourceID, err)
		}
		h.judge(now, created)
		out = append(out, h)
	}
	return out, rows.Err()
}

// StaleSources returns only the stale sources of SourcesHealth.
func StaleSources(ctx context.Context, db store.DB, now time.Time) ([]SourceHealth, error) {
	all, err := SourcesHealth(ctx, db, now)
	if err != nil {
		return nil, err
	}
	var stale []SourceHealth
	for _, h := range all {
		if h.Stale {
			stale = append(stale, h)
		}
	}
	return stale, nil
}

func (h *SourceHealth) judge(now, created time.Time) {
	limit := StaleFactor * h.Interval
	switch {
	case h.LastSuccess == nil && now.Sub(created) > limit:
		h.Stale, h.Reason = true, fmt.Sprintf("no successful crawl since it was added %s ago (limit %s: %d× the %s interval)",
			roundAge(now.Sub(created)), limit, StaleFactor, h.Interval)
	case h.LastSuccess != nil && now.Sub(*h.LastSuccess) > limit:
		h.Stale, h.Reason = true, fmt.Sprintf("last successful crawl %s ago (limit %s: %d× the %s interval)",
			roundAge(now.Sub(*h.LastSuccess)), limit, StaleFactor, h.Interval)
	case h.HadEvents && h.Events == 0:
		h.Stale, h.Reason = true, "announces no events any more after having some (a changed site layout breaks selectors like this)"
	}
}

func roundAge(d time.Duration) time.Duration {
	if d > time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}
