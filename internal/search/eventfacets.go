package search

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// FacetValue is one value an event has of one facet: Facet indexes the
// FacetSet it was read with.
type FacetValue struct {
	Facet int
	Value string
}

// EventFacets are an event's facet values.
type EventFacets []FacetValue

// EventValues returns each event's facet values (a yes/no facet: "true" or
// "false"; none when unknown), in the set's order, read from the same SQL
// expressions the search filters with: a badge on a page or a box ticked in
// the staff form never disagrees with the filter that finds the event.
// Listings read no draft, where the normaliser keeps these values in its
// own words. Missing ids are left out.
//
// Feeds call it once per batch of 500: each facet comes as one text
// (values joined by commas: facet values are slugs), read without a copy,
// and the values are shared, so a batch costs a few allocations rather
// than several per event.
func (fs FacetSet) EventValues(ctx context.Context, db store.DB, ids []int64) (map[int64]EventFacets, error) {
	out := make(map[int64]EventFacets, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var q strings.Builder
	q.WriteString("SELECT e.id")
	for _, fc := range fs {
		if fc.Column != "" {
			q.WriteString(", coalesce((" + fc.Column + ")::text, '')")
		} else {
			q.WriteString(", coalesce(array_to_string(" + fc.ColumnOf().ValuesSQL() + ", ','), '')")
		}
	}
	q.WriteString(" FROM events e WHERE e.id = ANY($1::bigint[])")
	rows, err := db.Query(ctx, q.String(), store.IDArray(ids))
	if err != nil {
		return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	defer rows.Close()
	var id int64
	raw := make([]pgtype.DriverBytes, len(fs))
	dest := make([]any, len(fs)+1)
	dest[0] = &id
	for i := range raw {
		dest[i+1] = &raw[i]
	}
	shared := map[string]string{}
	var all []FacetValue // one backing array, cut per event
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
		}
		start := len(all)
		for i, b := range raw {
			for len(b) > 0 {
				v, rest, _ := bytes.Cut(b, []byte{','})
				s, ok := shared[string(v)]
				if !ok {
					s = string(v)
					shared[s] = s
				}
				all = append(all, FacetValue{i, s})
				b = rest
			}
		}
		if len(all) > start {
			out[id] = all[start:len(all):len(all)]
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	return out, nil
}

// Of returns the values of the facet at index i of the set.
func (ef EventFacets) Of(i int) []string {
	var out []string
	for _, v := range ef {
		if v.Facet == i {
			out = append(out, v.Value)
		}
	}
	return out
}
