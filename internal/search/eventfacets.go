package search

import (
	"bytes"
	"context"

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
	shared := map[string]string{}
	var all []FacetValue // one backing array, cut per event
	err := store.FacetValuesOf(ctx, db, fs.columns(), ids, func(id int64, raw []pgtype.DriverBytes) {
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
	})
	if err != nil {
		return nil, err
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
