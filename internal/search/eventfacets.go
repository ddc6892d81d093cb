package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// EventValues returns each event's values of every facet of fs, in the
// set's order (a yes/no facet: "true", "false" or none), read from the
// same SQL expressions the search filters with: a badge on a page or a
// box ticked in the staff form never disagrees with the filter that finds
// the event. Listings read no draft, where the normaliser keeps these
// values in its own words. Missing ids are left out.
func (fs FacetSet) EventValues(ctx context.Context, db store.DB, ids []int64) (map[int64][][]string, error) {
	out := make(map[int64][][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var q strings.Builder
	q.WriteString("SELECT e.id")
	for _, fc := range fs {
		if fc.Column != "" {
			q.WriteString(", array_remove(ARRAY[(" + fc.Column + ")::text], NULL)")
		} else {
			q.WriteString(", coalesce((" + fc.Values + ")::text[], '{}')")
		}
	}
	q.WriteString(" FROM events e WHERE e.id = ANY($1::bigint[])")
	rows, err := db.Query(ctx, q.String(), store.IDArray(ids))
	if err != nil {
		return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	defer rows.Close()
	var id int64
	dest := make([]any, len(fs)+1)
	dest[0] = &id
	for rows.Next() {
		vals := make([][]string, len(fs))
		for i := range vals {
			dest[i+1] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
		}
		out[id] = vals
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	return out, nil
}
