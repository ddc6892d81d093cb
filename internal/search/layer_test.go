package search_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// TestMemoryLayerRefuses: the in-memory index answers what it supports
// and passes everything else to the layer below (SQL here), never
// answering with a condition ignored: relevance order, typo matching,
// unpublished events, in searches and streams alike.
func TestMemoryLayerRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	searchtest.Seed(t, pool)
	sql := search.NewPostgres(pool).WithoutCache()
	mem := search.NewPostgresInMemory(ctx, pool).WithoutCache()
	below := mem.CountBelowMemory()
	from := ptr(searchtest.Ref)
	cases := []struct {
		name  string
		f     search.Filter
		o     search.Order
		below bool // the index must pass it down
	}{
		{"region", search.Filter{From: from, Regions: []string{"leipzig"}}, "", false},
		{"source", search.Filter{From: from, Sources: []string{"zwischenraum"}}, "", false},
		{"text", search.Filter{From: from, Query: "Workshop"}, search.StartDesc, false},
		{"relevance", search.Filter{From: from, Query: "Workshop"}, search.Relevance, true},
		{"unpublished", search.Filter{From: from, IncludeUnpublished: true}, "", true},
		// No event matches the typo: the index answers the first run, the
		// typo-tolerant second run is SQL's.
		{"typo", search.Filter{From: from, Query: "Wrokshop"}, "", true},
	}
	for _, tc := range cases {
		before := below.Load()
		got, err := mem.Search(ctx, tc.f, search.Page{First: 50}, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, err := sql.Search(ctx, tc.f, search.Page{First: 50}, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.Total != want.Total || !reflect.DeepEqual(hitIDs(got), hitIDs(want)) || !reflect.DeepEqual(got.Facets, want.Facets) {
			t.Errorf("%s: %v (total %d), in SQL %v (total %d)", tc.name, hitIDs(got), got.Total, hitIDs(want), want.Total)
		}
		if passed := below.Load() > before; passed != tc.below {
			t.Errorf("%s: passed below the index: %v, want %v", tc.name, passed, tc.below)
		}
		if tc.o == search.Relevance {
			continue // streams are in date order
		}
		before = below.Load()
		if g, w := eachIDs(t, mem, tc.f, 100), eachIDs(t, sql, tc.f, 100); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: Each %v, in SQL %v", tc.name, g, w)
		}
		if passed := below.Load() > before; passed != tc.below {
			t.Errorf("%s: Each passed below the index: %v, want %v", tc.name, passed, tc.below)
		}
	}
}
