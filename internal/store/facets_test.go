package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestFacetColumnsFromDraft checks the mapping of the normaliser's audience
// and accessibility slugs to the facet slugs (migration 00090), which the
// generated columns audience and access apply on every write.
func TestFacetColumnsFromDraft(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	cases := []struct {
		name, draft      string
		audience, access []string
	}{
		{"empty draft", `{}`, []string{}, []string{}},
		{"not arrays", `{"audience": "women", "accessibility": 3}`, []string{}, []string{}},
		{"kept and mapped", `{"audience": ["volunteers", "young_people", "families", "children", "migrants"],
			"accessibility": ["wheelchair", "interpreting", "plain_language", "hearing_loop"]}`,
			[]string{"parents", "volunteers", "youth"}, []string{"barrier_free", "interpreting"}},
		{"all offered", `{"audience": ["refugees", "multipliers", "women", "parents", "professionals"],
			"accessibility": ["barrier_free", "sign_language", "easy_language", "childcare"]}`,
			[]string{"multipliers", "parents", "professionals", "refugees", "women"},
			[]string{"barrier_free", "childcare", "easy_language", "sign_language"}},
		{"youth ages", `{"audience": ["age:14-27"]}`, []string{"youth"}, []string{}},
		{"child ages", `{"audience": ["age:6-12", "age:18+", "age:30-99"]}`, []string{}, []string{}},
		{"not barrier free wins", `{"accessibility": ["wheelchair", "not_barrier_free"]}`, []string{}, []string{}},
		{"duplicates once", `{"audience": ["young_people", "age:16-25"]}`, []string{"youth"}, []string{}},
		// Staff write the facets' own slugs (migration 00160).
		{"staff slugs", `{"audience": ["youth", "women"], "accessibility": ["interpreting"]}`, []string{"women", "youth"}, []string{"interpreting"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var aud, acc []string
			err := pool.QueryRow(context.Background(), `SELECT tp_audience($1::jsonb), tp_access($1::jsonb)`, c.draft).Scan(&aud, &acc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(aud, c.audience) || !slices.Equal(acc, c.access) {
				t.Errorf("audience %q access %q, want %q %q", aud, acc, c.audience, c.access)
			}
		})
	}
}
