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
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// daytime is a facet declared only here, through the registry: when an
// event starts (all day, morning, later). No backend knows it by name, so
// a backend that ignored any part of a registered facet fails below.
var daytime = &search.Facet{Name: "daytime", Param: "daytime", Attr: "daytime",
	Column: `CASE WHEN e.all_day THEN 'allday' WHEN extract(hour FROM e.start_at AT TIME ZONE 'Europe/Berlin') < 12 THEN 'morning' ELSE 'later' END`}

// feedKind is a filter-only facet declared only here: the kind of feed
// (html, ical) of the sources that announced an event, held in other rows
// like the source filter's values. It filters and streams everywhere and
// is counted nowhere.
var feedKind = &search.Facet{Name: "feedkind", Param: "feedkind", Attr: "feedkind", FilterOnly: true,
	Related: `SELECT ei.event_id, s.kind FROM event_items ei JOIN items i ON i.id = ei.item_id JOIN sources s ON s.id = i.source_id`}

// TestRegisteredFacetOnEveryBackend adds a facet and a filter-only facet
// through the registry alone and sees them filter (alone and with other
// facets), stream and (the facet) count on every Postgres path: SQL, count
// and page caches, in-memory index.
func TestRegisteredFacetOnEveryBackend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	fs := search.DefaultFacets().With(daytime, feedKind)
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
	ical := search.Filter{From: ptr(searchtest.Ref), Extra: map[string][]string{"feedkind": {"ical"}}}
	icalLater := search.Filter{From: ptr(searchtest.Ref), Extra: map[string][]string{"feedkind": {"ical"}, "daytime": {"later"}}}
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
				// The filter-only facet filters (a shared condition of
				// the counts too) and is not counted.
				res, err = b.s.Search(ctx, ical, search.Page{First: 50}, "")
				if err != nil {
					t.Fatal(err)
				}
				if got, want := keysOf(ids, res.Hits), []string{"wochen", "radio"}; !slices.Equal(got, want) || res.Total != 2 {
					t.Errorf("feedkind=ical: %v (total %d), want %v", got, res.Total, want)
				}
				if _, counted := res.Facets.Other["feedkind"]; counted {
					t.Errorf("filter-only facet counted: %v", res.Facets.Other)
				}
				if got := res.Facets.Other["daytime"]; !reflect.DeepEqual(got, []search.FacetCount{{"allday", 1}, {"later", 1}}) {
					t.Errorf("daytime counts within feedkind=ical: %v", got)
				}
				res, err = b.s.Search(ctx, icalLater, search.Page{First: 50}, search.StartDesc)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := keysOf(ids, res.Hits), []string{"radio"}; !slices.Equal(got, want) {
					t.Errorf("feedkind and daytime: %v, want %v", got, want)
				}
			}
			if got, want := eachIDs(t, b.s, morning, 100), []int64{ids["schulung"], ids["oeffnung"], ids["anerkennung"]}; !slices.Equal(got, want) {
				t.Errorf("Each: %v, want %v", got, want)
			}
			if got, want := eachIDs(t, b.s, ical, 100), []int64{ids["wochen"], ids["radio"]}; !slices.Equal(got, want) {
				t.Errorf("Each feedkind=ical: %v, want %v", got, want)
			}
		})
	}
	if backends[2].s.MemoryServed() == 0 {
		t.Error("the in-memory index answered no search")
	}
	// A backend without the facets refuses their filters instead of
	// ignoring them.
	for _, f := range []search.Filter{morning, ical} {
		if _, err := search.NewPostgres(pool).Search(ctx, f, search.Page{}, ""); !search.IsInvalid(err) {
			t.Errorf("unknown facet %v: %v, want ErrInvalid", f.Extra, err)
		}
		if err := search.NewPostgres(pool).Each(ctx, f, 10, func([]store.Event) error { return nil }); !search.IsInvalid(err) {
			t.Errorf("Each, unknown facet %v: %v, want ErrInvalid", f.Extra, err)
		}
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
	fs := search.DefaultFacets().With(daytime, feedKind)
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
	for _, attr := range []string{"daytime", "feedkind", "source"} {
		if !slices.Contains(settings.FilterableAttributes, attr) {
			t.Errorf("%s not filterable: %v", attr, settings.FilterableAttributes)
		}
	}
	if d := srv.docs("events")[ids["oeffnung"]]; d["daytime"] != "morning" || !reflect.DeepEqual(d["feedkind"], []any{"html"}) ||
		!reflect.DeepEqual(d["source"], []any{"kulturbuero"}) {
		t.Errorf("document %v", d)
	}
	if d := srv.docs("events")[ids["radio"]]; !reflect.DeepEqual(d["feedkind"], []any{"ical"}) {
		t.Errorf("document %v", d)
	}
	counted := 0
	for _, fc := range fs {
		if !fc.FilterOnly {
			counted++
		}
	}
	results := []any{map[string]any{"hits": []any{map[string]any{"id": ids["oeffnung"]}}}, map[string]any{"hits": []any{}, "totalHits": 1}}
	for _, fc := range fs {
		if fc.FilterOnly {
			continue
		}
		dist := map[string]any{}
		if fc.Attr == "daytime" {
			dist["daytime"] = map[string]int{"morning": 3, "later": 4}
		}
		results = append(results, map[string]any{"hits": []any{}, "facetDistribution": dist})
	}
	srv.mu.Lock()
	srv.multi = map[string]any{"results": results}
	srv.mu.Unlock()
	f := search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}, Sources: []string{"saqsen"},
		Extra: map[string][]string{"daytime": {"morning"}, "feedkind": {"html"}}}
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
	if _, ok := res.Facets.Other["feedkind"]; ok {
		t.Errorf("filter-only facet counted: %v", res.Facets.Other)
	}
	if len(req.Queries) != 2+counted {
		t.Fatalf("%d queries, want %d (no facet distribution of a filter-only facet)", len(req.Queries), 2+counted)
	}
	for i, q := range req.Queries {
		own := len(q.Facets) == 1 && q.Facets[0] == "daytime"
		if has := strings.Contains(q.Filter, `(daytime IN ["morning"])`); has == own {
			t.Errorf("query %d (facets %v) filter %s", i, q.Facets, q.Filter)
		}
		// Filter-only facets are shared conditions of every query.
		for _, cond := range []string{`(feedkind IN ["html"])`, `(source IN ["saqsen"])`} {
			if !strings.Contains(q.Filter, cond) {
				t.Errorf("query %d (facets %v) without %s: %s", i, q.Facets, cond, q.Filter)
			}
		}
		if slices.Contains(q.Facets, "feedkind") || slices.Contains(q.Facets, "source") {
			t.Errorf("query %d asks for the distribution of a filter-only facet: %v", i, q.Facets)
		}
	}
}
