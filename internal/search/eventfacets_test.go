package search_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// TestEventValues: an event's facet values as the filters see them (the
// normaliser's words mapped, yes/no as "true"/"false", none when
// unknown), grouped by facet in the set's order, for a facet added through
// the registry too.
func TestEventValues(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	fs := search.FacetSet{}
	for _, fc := range search.DefaultFacets() {
		if fc.Name != "topic" && fc.Name != "language" {
			fs = fs.With(fc)
		}
	}
	fs = fs.With(daytime)
	got, err := fs.EventValues(context.Background(), pool, []int64{ids["oeffnung"], ids["spoton"], ids["radio"], -1})
	if err != nil {
		t.Fatal(err)
	}
	byName := func(vals search.EventFacets) map[string][]string {
		out := map[string][]string{}
		last := -1
		for _, v := range vals {
			if v.Facet < last {
				t.Errorf("values not grouped by facet: %v", vals)
			}
			last = v.Facet
			out[fs[v.Facet].Name] = append(out[fs[v.Facet].Name], v.Value)
		}
		return out
	}
	want := map[string]map[string][]string{
		"oeffnung": {"region": {"dresden"}, "free": {"false"}, "registration": {"true"},
			"audience": {"multipliers", "professionals"}, "access": {"barrier_free", "childcare"}, "online": {"no"}, "source": {"kulturbuero"},
			"daytime": {"morning"}},
		"spoton": {"region": {"meissen"}, "registration": {"false"}, "audience": {"youth"}, "online": {"no"}, "source": {"kulturbuero"},
			"daytime": {"later"}},
		"radio": {"online": {"yes"}, "source": {"zwischenraum"}, "daytime": {"later"}},
	}
	for key, w := range want {
		if g := byName(got[ids[key]]); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %v, want %v", key, g, w)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d events, want 3 (a missing id is left out)", len(got))
	}
	// One facet's values, by its index in the set.
	if a := got[ids["oeffnung"]].Of(4); !reflect.DeepEqual(a, []string{"barrier_free", "childcare"}) {
		t.Errorf("Of(access) = %v", a)
	}
}
