package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestFacetFunctionsUnchanged: 00180 rewrote tp_audience and tp_access
// without a subquery (so they inline into the generated columns); they
// must answer exactly as 00160's did, whose text is 00180's Down, on every
// draft, hostile shapes included, since no stored row was recomputed.
func TestFacetFunctionsUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	raw, err := fs.ReadFile(store.MigrationsFS(), "migrations/00180_facets_inline.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, down, ok := strings.Cut(string(raw), "-- +goose Down")
	if !ok {
		t.Fatal("00180 has no Down section")
	}
	old := strings.NewReplacer("tp_audience(", "old_audience(", "tp_access(", "old_access(").Replace(down)
	if _, err := pool.Exec(ctx, old); err != nil {
		t.Fatalf("create 00160's functions: %v", err)
	}

	words := []string{"volunteers", "refugees", "multipliers", "youth", "women", "parents", "professionals",
		"young_people", "families", "seniors", "age:16-27", "age:14-14", "age:0-13", "age:12-28", "age:100-20",
		"age:1234-20", "age:16-270", "age:16-9", "age:-20", "age:16-2७", "age:16-27\n", "x\nage:16-20", " age:16-20",
		"AGE:16-20", "Youth", "barrier_free", "wheelchair", "not_barrier_free", "interpreting", "sign_language",
		"easy_language", "childcare", "braille", ""}
	drafts := []string{`{}`, `{"audience": null}`, `{"audience": "youth"}`, `{"audience": {"youth": 1}}`,
		`{"audience": [["youth"]]}`, `{"audience": [null, 5, true, {"a": "youth"}]}`, `{"accessibility": "wheelchair"}`,
		`{"accessibility": {"wheelchair": true}}`, `{"accessibility": ["wheelchair", ["not_barrier_free"]]}`,
		`{"accessibility": {"not_barrier_free": 1}, "audience": []}`, `{"audience": 17, "accessibility": false}`}
	r := rand.New(rand.NewPCG(18, 0))
	pick := func() []string {
		var s []string
		for n := r.IntN(5); n > 0; n-- {
			s = append(s, words[r.IntN(len(words))])
		}
		return s
	}
	for range 5000 {
		b, err := json.Marshal(map[string]any{"audience": pick(), "accessibility": pick()})
		if err != nil {
			t.Fatal(err)
		}
		drafts = append(drafts, string(b))
	}
	rows, err := pool.Query(ctx, `
		SELECT d::text, old_audience(d)::text, tp_audience(d)::text, old_access(d)::text, tp_access(d)::text
		FROM unnest($1::jsonb[]) AS x(d)
		WHERE old_audience(d) IS DISTINCT FROM tp_audience(d) OR old_audience(d)::text <> tp_audience(d)::text
		   OR old_access(d) IS DISTINCT FROM tp_access(d) OR old_access(d)::text <> tp_access(d)::text
		   OR array_dims(old_audience(d)) IS DISTINCT FROM array_dims(tp_audience(d))
		   OR array_dims(old_access(d)) IS DISTINCT FROM array_dims(tp_access(d))
		LIMIT 10`, drafts)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, oldAud, newAud, oldAcc, newAcc string
		if err := rows.Scan(&d, &oldAud, &newAud, &oldAcc, &newAcc); err != nil {
			t.Fatal(err)
		}
		t.Errorf("draft %s: audience %s, was %s; access %s, was %s", d, newAud, oldAud, newAcc, oldAcc)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var some int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM unnest($1::jsonb[]) AS x(d)
		WHERE cardinality(tp_audience(d)) > 1 AND 'youth' = ANY(tp_audience(d)) AND 'barrier_free' = ANY(tp_access(d))`,
		drafts).Scan(&some); err != nil {
		t.Fatal(err)
	}
	if some == 0 {
		t.Fatal("the drafts never produce several audiences and barrier_free: the comparison proves little")
	}
}

// TestFacetFunctionsInline: the point of 00180 is that the planner inlines
// the facet functions into the expressions that call them (the generated
// columns), instead of running a SQL function per row.
func TestFacetFunctionsInline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, fn := range []string{"tp_audience", "tp_access"} {
		var plan []string
		rows, err := pool.Query(ctx, fmt.Sprintf(`EXPLAIN (VERBOSE, COSTS OFF) SELECT %s(draft) FROM events`, fn))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); strings.Contains(p, fn+"(") {
			t.Errorf("%s is not inlined:\n%s", fn, p)
		}
	}
}
