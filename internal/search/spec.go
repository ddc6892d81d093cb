package search

import (
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// spec translates a validated filter into the store's search: the shared
// conditions (a filter-only facet's among them) and one condition per
// counted facet of the set (store.SearchSpec), in the order of
// fs.counted(). fuzzy adds typo-tolerant title matches to the full-text
// ones.
func (fs FacetSet) spec(f Filter, fuzzy bool) store.SearchSpec {
	s := store.SearchSpec{IncludeUnpublished: f.IncludeUnpublished, From: f.From, To: f.To,
		Words: Words(f.Query), Fuzzy: fuzzy, Facets: make([]store.FacetCond, 0, len(fs))}
	for _, fc := range fs {
		c := store.FacetCond{FacetColumn: fc.column(), Want: fc.Get(&f)}
		switch {
		case !fc.FilterOnly:
			s.Facets = append(s.Facets, c)
		case len(c.Want) > 0:
			s.Filters = append(s.Filters, c)
		}
	}
	return s
}

// columns is where the facets' values are, in the order of the set.
func (fs FacetSet) columns() []store.FacetColumn {
	out := make([]store.FacetColumn, len(fs))
	for i, fc := range fs {
		out[i] = fc.column()
	}
	return out
}

// ColumnOf is where the facet's values are, for the store's conditions
// (the search's and the review queue's).
func (fc *Facet) ColumnOf() store.FacetColumn { return fc.column() }

func (fc *Facet) column() store.FacetColumn {
	return store.FacetColumn{Column: fc.Column, Values: fc.Values, Related: fc.Related}
}

// keyOrder is o as the store orders keys.
func keyOrder(o Order) store.SearchOrder {
	switch o {
	case StartDesc:
		return store.ByStartDesc
	case Relevance:
		return store.ByRank
	}
	return store.ByStart
}

// key is the store's key of a cursor (nil: from the start).
func (c *cursor) key() *store.SearchKey {
	if c == nil {
		return nil
	}
	return &store.SearchKey{ID: c.ID, Start: c.Start, Rank: c.Rank}
}
