package store_test

import (
	"context"
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
	rows, err := pool.Query(context.Background(), `EXPLAIN SELECT e.id FROM events e WHERE `+where, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(l + "\n")
	}
	t.Log(plan.String())
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if p := plan.String(); !strings.Contains(p, "Join") || strings.Contains(p, "SubPlan") {
		t.Errorf("the source filter is not planned as a join:\n%s", p)
	}
}
