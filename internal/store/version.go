package store

import (
	"context"
	"fmt"
	"time"
)

// Version marks the state of the data behind searches and feeds; caches
// and ETags are valid while it stays the same. Read before the data it
// labels, a version can only be older than that data, never newer: a change
// committed in between makes the next check differ.
//
// Writes is what makes it exact: a counter that every transaction writing
// events or event_items bumps once, inside that transaction (by the
// outbox trigger, migration 00091), so it changes exactly when the data
// becomes visible: writes that leave updated_at alone, deletions, new
// source links, and two writers committing in the opposite order of their
// outbox ids and start times all move it. The newest updated_at and
// outbox id are kept for the calendar's validators. All are index or
// small-table reads, whatever the size of the tables.
type Version struct {
	Events  time.Time // newest events.updated_at
	Outbox  int64     // newest search_outbox id
	Writes  int64     // transactions that wrote events or event_items, ever (data_version)
	Sources time.Time // newest sources.updated_at (partner names)
}

// ReadVersion reads the data's version in one query.
func ReadVersion(ctx context.Context, db DB) (Version, error) {
	var v Version
	err := db.QueryRow(ctx, `SELECT
		(SELECT coalesce(max(updated_at), 'epoch') FROM events),
		(SELECT coalesce(max(id), 0) FROM search_outbox),
		(SELECT sum(n)::bigint FROM data_version),
		(SELECT coalesce(max(updated_at), 'epoch') FROM sources)`).Scan(&v.Events, &v.Outbox, &v.Writes, &v.Sources)
	if err != nil {
		return v, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}
