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
// events or event_items bumps once, inside that transaction as it commits
// (a deferred trigger, migrations 00091 and 00141), so it changes exactly when the data
// becomes visible: writes that leave updated_at alone, deletions, new
// source links, and two writers committing in the opposite order of their
// outbox ids and start times all move it. It does not move when the
// outbox is drained (the newest outbox id did: every drain of the newest
// rows made the in-memory index stale for nothing). The newest updated_at
// is kept for the calendar's Last-Modified. All are index or small-table
// reads, whatever the size of the tables.
type Version struct {
	Events  time.Time // newest events.updated_at
	Writes  int64     // transactions that wrote events or event_items, ever (data_version)
	Sources time.Time // newest sources.updated_at (partner names)
}

// VersionColumns selects a Version (scanned by Version.Dest) as columns
// of a larger query, e.g. one that reads data in the same snapshot.
const VersionColumns = `(SELECT coalesce(max(updated_at), 'epoch') FROM events),
		(SELECT sum(n)::bigint FROM data_version),
		(SELECT coalesce(max(updated_at), 'epoch') FROM sources)`

// Dest is where VersionColumns scan to.
func (v *Version) Dest() []any { return []any{&v.Events, &v.Writes, &v.Sources} }

// ReadVersion reads the data's version in one query.
func ReadVersion(ctx context.Context, db DB) (Version, error) {
	var v Version
	if err := db.QueryRow(ctx, `SELECT `+VersionColumns).Scan(v.Dest()...); err != nil {
		return v, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}
