package search_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// daytime is a facet declared only here, through the registry: when an
// event starts (all day, morning, later). No backend knows it by name, so
// a backend that ignored any part of a registered facet fails below.
var daytime = &search.Facet{Name: "daytime", Param: "daytime", Attr: "daytime",
	Column: `CASE WHEN e.all_day THEN 'allday' WHEN extract(hour FROM e.start_at AT TIME ZONE 'Europe/Berlin') < 12 THEN 'morning' ELSE 'later' END`}

// TestRegisteredFacetOnEveryBackend adds a facet through the registry alone
// and sees it filter (alone and with other facets), stream and count on
// every Postgres path: SQL, count and page caches, in-memory index.
func TestRegisteredFacetOnEveryBackend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	fs := search.DefaultFacets().With(daytime)
	backends := []struct {
		name string
		s    *search.Postgres
	}{
		{"sql", search.NewPostgres(pool).WithoutCache().WithFacets(fs)},
		{"caches", search.NewPostgres(pool).WithFacets(fs)},
		{"in memory", search.NewPostgresInMemory(ctx, pool).WithFacets(fs)},
	}
	morning := search.Filter{From: ptr(searchtest.Ref), Extra: map[string][]string{"daytime": {"morning"}}}
	withFree := search.Filter{From: ptr(searchtest.Ref), Free: ptr(true), Extra: map[string][]string{"daytime": {"morning", "allday"}}}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			// Twice: the count cache answers a repeated text from memory.
			for range 2 {
				res, err := b.s.Search(ctx, morning, search.Page{First: 50}, "")
				if err != nil {
					t.Fatal(err)
				}
				if got, want := keysOf(ids, res.Hits), []string{"schulung", "oeffnung", "anerkennung"}; !slices.Equal(got, want) || res.Total != 3 {
					t.Errorf("daytime=morning: %v (total %d), want %v", got, res.Total, want)
				}
				// Counted within the other filters, not its own.
				wantCounts := []search.FacetCount{{"later", 4}, {"morning", 3}, {"allday", 1}}
				if got := res.Facets.Other["daytime"]; !reflect.DeepEqual(got, wantCounts) {
					t.Errorf("daytime counts %v, want %v", got, wantCounts)
				}
				if got := res.Facets.Free; !reflect.DeepEqual(got, []search.FacetCount{{"true", 2}, {"false", 1}}) {
					t.Errorf("free counts within daytime=morning: %v", got)
				}
				res, err = b.s.Search(ctx, withFree, search.Page{First: 50}, search.StartDesc)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := keysOf(ids, res.Hits), []string{"anerkennung", "schulung"}; !slices.Equal(got, want) {
					t.Errorf("free and daytime: %v, want %v", got, want)
				}
			}
			if got, want := eachIDs(t, b.s, morning, 100), []int64{ids["schulung"], ids["oeffnung"], ids["anerkennung"]}; !slices.Equal(got, want) {
				t.Errorf("Each: %v, want %v", got, want)
			}
		})
	}
	if backends[2].s.MemoryServed() == 0 {
		t.Error("the in-memory index answered no search")
	}
	// A backend without the facet refuses its filter instead of ignoring it.
	if _, err := search.NewPostgres(pool).Search(ctx, morning, search.Page{}, ""); !search.IsInvalid(err) {
		t.Errorf("unknown facet: %v, want ErrInvalid", err)
	}
}

// TestRegisteredFacetOnMeilisearch: the same facet reaches the Meilisearch
// adapter through the registry alone: filterable, in every document, in
// the filter of every query but its own, and counted.
func TestRegisteredFacetOnMeilisearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	srv := newMeiliServer(t)
	fs := search.DefaultFacets().With(daytime)
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: srv.URL}, pool)
	if err != nil {
		t.Fatal(err)
	}
	m.WithFacets(fs)
	if _, err := m.Rebuild(ctx); err != nil { // applies the settings of fs
		t.Fatal(err)
	}
	var settings struct{ FilterableAttributes []string }
	if err := json.Unmarshal(srv.last("PATCH", "/indexes/events/settings"), &settings); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(settings.FilterableAttributes, "daytime") {
		t.Errorf("daytime not filterable: %v", settings.FilterableAttributes)
	}
	if d := srv.docs("events")[ids["oeffnung"]]; d["daytime"] != "morning" {
		t.Errorf("document %v", d)
	}
	results := []any{map[string]any{"hits": []any{map[string]any{"id": ids["oeffnung"]}}}, map[string]any{"hits": []any{}, "totalHits": 1}}
	for _, fc := range fs {
		dist := map[string]any{}
		if fc.Attr == "daytime" {
			dist["daytime"] = map[string]int{"morning": 3, "later": 4}
		}
		results = append(results, map[string]any{"hits": []any{}, "facetDistribution": dist})
	}
	srv.mu.Lock()
	srv.multi = map[string]any{"results": results}
	srv.mu.Unlock()
	f := search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}, Extra: map[string][]string{"daytime": {"morning"}}}
	res, err := m.Search(ctx, f, search.Page{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Facets.Other["daytime"]; !reflect.DeepEqual(got, []search.FacetCount{{"later", 4}, {"morning", 3}}) {
		t.Errorf("daytime counts %v", got)
	}
	var req struct {
		Queries []struct {
			Filter string
			Facets []string
		}
	}
	if err := json.Unmarshal(srv.last("POST", "/multi-search"), &req); err != nil {
		t.Fatal(err)
	}
	if len(req.Queries) != 2+len(fs) {
		t.Fatalf("%d queries, want %d", len(req.Queries), 2+len(fs))
	}
	for i, q := range req.Queries {
		own := len(q.Facets) == 1 && q.Facets[0] == "daytime"
		if has := strings.Contains(q.Filter, `(daytime IN ["morning"])`); has == own {
			t.Errorf("query %d (facets %v) filter %s", i, q.Facets, q.Filter)
		}
	}
}
