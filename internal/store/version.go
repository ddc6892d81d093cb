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
// The newest updated_at moves with every change the service makes. The
// newest outbox id (every write to events adds one, by trigger) and the
// statistics collector's counts of committed writes to events and
// event_items (which sources announced an event) also catch writes that
// leave updated_at alone, deletions, new source links whose outbox row was
// drained at once, and two writers committing in the opposite order of
// their outbox ids and start times (the counters within about a second).
// All are index or counter reads, whatever the size of the tables.
type Version struct {
	Events  time.Time // newest events.updated_at
	Outbox  int64     // newest search_outbox id
	Writes  int64     // rows of events and event_items inserted, updated or deleted, ever
	Sources time.Time // newest sources.updated_at (partner names)
}

// ReadVersion reads the data's version in one query.
func ReadVersion(ctx context.Context, db DB) (Version, error) {
	var v Version
	err := db.QueryRow(ctx, `SELECT
		(SELECT coalesce(max(updated_at), 'epoch') FROM events),
		(SELECT coalesce(max(id), 0) FROM search_outbox),
		pg_stat_get_tuples_inserted('events'::regclass) + pg_stat_get_tuples_updated('events'::regclass)
			+ pg_stat_get_tuples_deleted('events'::regclass) + pg_stat_get_tuples_inserted('event_items'::regclass)
			+ pg_stat_get_tuples_updated('event_items'::regclass) + pg_stat_get_tuples_deleted('event_items'::regclass),
		(SELECT coalesce(max(updated_at), 'epoch') FROM sources)`).Scan(&v.Events, &v.Outbox, &v.Writes, &v.Sources)
	if err != nil {
		return v, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}
