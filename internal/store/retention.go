package store

import (
	"context"
	"fmt"
	"time"
)

// PruneRaw strips the fetched page (html, text, extra) from the raw extract
// of every item whose linked events all ended before olderThan (started,
// for events without an end). Key, url, title, dates and location stay, so
// the record still says what it was; a "pruned" timestamp marks it.
//
// raw_hash is left as it was on purpose: the pipeline compares it with the
// hash of a fresh crawl, so an unchanged page is recognised as unchanged and
// not stored again, while a page that did change is stored in full as usual.
// Items without any event (normalisation failed) keep their page while
// their source lists them: they are what staff look at to see why. Once
// the source stopped listing one before olderThan, nobody can act on it
// any more, and it is pruned too.
func PruneRaw(ctx context.Context, db DB, olderThan time.Time) (int, error) {
	tag, err := db.Exec(ctx, `
		UPDATE items i
		SET raw = (i.raw - 'html' - 'text' - 'extra') || jsonb_build_object('pruned', now())
		WHERE NOT i.raw ? 'pruned'
		  AND CASE WHEN EXISTS (SELECT 1 FROM event_items ei WHERE ei.item_id = i.id)
		      THEN NOT EXISTS (SELECT 1 FROM event_items ei JOIN events e ON e.id = ei.event_id
		                       WHERE ei.item_id = i.id AND coalesce(e.end_at, e.start_at) >= $1)
		      ELSE i.vanished_at < $1 END`, olderThan)
	if err != nil {
		return 0, fmt.Errorf("prune raw pages before %s: %w", olderThan.Format(time.DateOnly), err)
	}
	return int(tag.RowsAffected()), nil
}
