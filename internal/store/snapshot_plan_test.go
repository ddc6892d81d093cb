package store_test

import (
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestRelatedFilterIsAJoin: a filter-only facet held in related rows (the
// sources) is planned as a semi-join, as the EXISTS it replaced, not as a
// subquery run once per event.
func TestRelatedFilterIsAJoin(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	where, args := store.SearchWhere(store.SearchSpec{Filters: []store.FacetCond{
		{FacetColumn: store.FacetColumn{Related: store.SourcesOfEvents}, Want: []string{"saqsen"}}}})
	if plan := explain(t, pool, `SELECT e.id FROM events e WHERE `+where, args...); !strings.Contains(plan, "Join") || strings.Contains(plan, "SubPlan") {
		t.Errorf("the source filter is not planned as a join:\n%s", plan)
	}
}
