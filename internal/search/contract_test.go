package search_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend makes a searcher on a fresh database. sync pushes events to an
// external index (a no-op for Postgres).
type backend struct {
	name string
	new  func(t *testing.T) (search.Searcher, store.DB)
}

func backends() []backend {
	return []backend{
		{"postgres", func(t *testing.T) (search.Searcher, store.DB) {
			pool := pgtest.New(t)
			return search.NewPostgres(pool), pool
		}},
		{"postgres in memory", func(t *testing.T) (search.Searcher, store.DB) {
			pool := pgtest.New(t)
			return search.NewPostgresInMemory(t.Context(), pool), pool
		}},
		{"postgres without caches", func(t *testing.T) (search.Searcher, store.DB) {
			pool := pgtest.New(t)
			return search.NewPostgres(pool).WithoutCache(), pool
		}},
		{"meilisearch", func(t *testing.T) (search.Searcher, store.DB) {
			url := os.Getenv("MEILI_URL")
			if url == "" {
				t.Skip("MEILI_URL not set: the Meilisearch run of the contract suite is skipped (the httptest adapter tests still run)")
			}
			pool := pgtest.New(t)
			m, err := search.NewMeili(context.Background(), search.MeiliConfig{
				URL: url, Key: os.Getenv("MEILI_MASTER_KEY"), Index: "test_" + randomName(),
			}, pool)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = m.DropIndex(context.Background()) })
			return m, pool
		}},
	}
}

// syncAll pushes every event to the searcher's index.
func syncAll(t *testing.T, s search.Searcher, db store.DB) {
	t.Helper()
	var ids []int64
	rows, err := db.Query(context.Background(), `SELECT id FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if err := s.Index(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// keysOf maps hits back to fixture keys.
func keysOf(ids map[string]int64, hits []search.Hit) []string {
	byID := map[int64]string{}
	for k, id := range ids {
		byID[id] = k
	}
	out := []string{}
	for _, h := range hits {
		out = append(out, byID[h.Event.ID])
	}
	return out
}

func TestContract(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, db := b.new(t)
			ids := searchtest.Seed(t, db)
			syncAll(t, s, db)
			t.Run("filters", func(t *testing.T) { testFilters(t, s, ids) })
			t.Run("text", func(t *testing.T) { testText(t, s, ids) })
			t.Run("facets", func(t *testing.T) { testFacets(t, s) })
			t.Run("new facets", func(t *testing.T) { testNewFacets(t, s) })
			t.Run("invalid", func(t *testing.T) { testInvalid(t, s) })
			t.Run("relevance pages", func(t *testing.T) { testRelevancePages(t, s) })
			t.Run("skip counts", func(t *testing.T) { testSkipCounts(t, s, ids) })
			if m, ok := s.(interface{ MemoryServed() int64 }); ok && m.MemoryServed() == 0 {
				t.Error("the in-memory index answered no search")
			}
		})
		t.Run(b.name+"/cursor stable under inserts", func(t *testing.T) {
			t.Parallel()
			s, db := b.new(t)
			ids := searchtest.Seed(t, db)
			syncAll(t, s, db)
			testCursorStable(t, s, db, ids)
		})
	}
}

func testFilters(t *testing.T, s search.Searcher, ids map[string]int64) {
	upcoming := []string{"wochen", "mo-treffen", "gesundheit", "schulung", "radio", "oeffnung", "spoton", "anerkennung"}
	tests := []struct {
		name  string
		f     search.Filter
		order search.Order
		want  []string
	}{
		{"upcoming, published only, merged hidden", search.Filter{}, "", upcoming},
		{"latest first", search.Filter{}, search.StartDesc, []string{"anerkennung", "spoton", "oeffnung", "radio", "schulung", "gesundheit", "mo-treffen", "wochen"}},
		{"no lower bound includes the past", search.Filter{From: nil}, "", append([]string{"sommerfest"}, upcoming...)},
		{"region", search.Filter{Regions: []string{"leipzig"}}, "", []string{"wochen", "mo-treffen", "gesundheit"}},
		{"two regions", search.Filter{Regions: []string{"leipzig", "dresden"}}, "", []string{"wochen", "mo-treffen", "gesundheit", "oeffnung"}},
		{"language", search.Filter{Languages: []string{"ar"}}, "", []string{"gesundheit", "anerkennung"}},
		{"languages any of", search.Filter{Languages: []string{"ru", "fa"}}, "", []string{"spoton", "anerkennung"}},
		{"topic", search.Filter{Topics: []string{"training"}}, "", []string{"schulung", "oeffnung"}},
		{"topic and region", search.Filter{Topics: []string{"training"}, Regions: []string{"dresden"}}, "", []string{"oeffnung"}},
		{"topic, region and language", search.Filter{Topics: []string{"antidiscrimination"}, Regions: []string{"leipzig", "dresden"}, Languages: []string{"en"}}, "", []string{"oeffnung"}},
		{"online yes includes hybrid", search.Filter{Online: "yes"}, "", []string{"wochen", "gesundheit", "radio"}},
		{"on site includes hybrid", search.Filter{Online: "no"}, "", []string{"mo-treffen", "gesundheit", "schulung", "oeffnung", "spoton", "anerkennung"}},
		{"hybrid only", search.Filter{Online: "hybrid"}, "", []string{"gesundheit"}},
		{"source", search.Filter{Sources: []string{"kulturbuero"}}, "", []string{"schulung", "oeffnung", "spoton"}},
		{"to", search.Filter{To: ptr(searchtest.At(15, 0, 0))}, "", []string{"wochen", "mo-treffen", "gesundheit", "schulung"}},
		{"date range", search.Filter{From: ptr(searchtest.At(15, 0, 0)), To: ptr(searchtest.At(21, 0, 0))}, "", []string{"radio", "oeffnung", "spoton"}},
		{"date range, source and online", search.Filter{From: ptr(searchtest.At(11, 0, 0)), To: ptr(searchtest.At(31, 0, 0)), Sources: []string{"saqsen"}, Online: "no"}, "", []string{"gesundheit", "anerkennung"}},
		{"staff see unpublished", search.Filter{IncludeUnpublished: true, Regions: []string{"leipzig"}}, "", []string{"wochen", "mo-treffen", "entwurf", "gesundheit"}},
		{"nothing", search.Filter{Regions: []string{"nordsachsen"}}, "", []string{}},
		{"free", search.Filter{Free: ptr(true)}, "", []string{"mo-treffen", "gesundheit", "schulung", "anerkennung"}},
		{"with a fee", search.Filter{Free: ptr(false)}, "", []string{"oeffnung"}},
		{"registration", search.Filter{Registration: ptr(true)}, "", []string{"mo-treffen", "schulung", "oeffnung"}},
		{"no registration", search.Filter{Registration: ptr(false)}, "", []string{"spoton"}},
		{"audience", search.Filter{Audience: []string{"volunteers"}}, "", []string{"schulung"}},
		{"audience any of, mapped", search.Filter{Audience: []string{"youth", "women"}}, "", []string{"gesundheit", "spoton"}},
		{"access, wheelchair is barrier-free", search.Filter{Access: []string{"barrier_free"}}, "", []string{"mo-treffen", "oeffnung"}},
		{"access any of", search.Filter{Access: []string{"childcare", "sign_language"}}, "", []string{"oeffnung", "anerkennung"}},
		{"free, access and region", search.Filter{Free: ptr(true), Access: []string{"interpreting", "barrier_free"}, Regions: []string{"leipzig"}}, "", []string{"mo-treffen", "gesundheit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			if tc.name != "no lower bound includes the past" && f.From == nil {
				f.From = ptr(searchtest.Ref)
			}
			res, err := s.Search(context.Background(), f, search.Page{First: 50}, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(ids, res.Hits); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if res.Total != len(tc.want) {
				t.Errorf("total %d, want %d", res.Total, len(tc.want))
			}
		})
	}
}

func testText(t *testing.T, s search.Searcher, ids map[string]int64) {
	tests := []struct {
		name  string
		q     string
		f     search.Filter
		order search.Order
		want  []string
	}{
		{"stemmed word in title and description", "Rassismus", search.Filter{}, search.StartAsc, []string{"wochen", "oeffnung"}},
		{"prefix while typing", "leip", search.Filter{}, search.StartAsc, []string{"wochen", "mo-treffen", "gesundheit"}},
		{"accents folded", "Gorlitz", search.Filter{}, search.StartAsc, []string{"anerkennung"}},
		{"umlaut query matches", "Görlitz", search.Filter{}, search.StartAsc, []string{"anerkennung"}},
		{"plural finds singular stem", "Workshops", search.Filter{}, search.StartAsc, []string{"gesundheit"}},
		{"all words required", "Anerkennung Ausland", search.Filter{}, search.StartAsc, []string{"anerkennung"}},
		{"stop words ignored", "Fortbildung und", search.Filter{}, search.StartAsc, []string{"oeffnung"}},
		{"punctuation and quotes", `"Spot on!"`, search.Filter{}, search.StartAsc, []string{"spoton"}},
		{"typo tolerated in title", "Radiosenung", search.Filter{}, search.StartAsc, []string{"radio"}},
		{"text with region and topic", "Fortbildung", search.Filter{Regions: []string{"dresden"}, Topics: []string{"training"}}, search.StartAsc, []string{"oeffnung"}},
		{"title outranks description", "Asylverfahren", search.Filter{}, search.Relevance, []string{"schulung"}},
		{"relevance: title match before description match", "Migrant", search.Filter{}, search.Relevance, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			f.Query, f.From = tc.q, ptr(searchtest.Ref)
			res, err := s.Search(context.Background(), f, search.Page{First: 50}, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			got := keysOf(ids, res.Hits)
			switch tc.name {
			case "relevance: title match before description match":
				// "Migrant" is in the titles of mo-treffen, gesundheit and
				// spoton and only in the descriptions of radio (migrantische).
				if len(got) < 4 || got[len(got)-1] != "radio" {
					t.Errorf("got %v, want the description-only match radio last", got)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("query %q: got %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

func testFacets(t *testing.T, s search.Searcher) {
	res, err := s.Search(context.Background(), search.Filter{From: ptr(searchtest.Ref), Regions: []string{"leipzig"}}, search.Page{First: 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 || len(res.Hits) != 1 || !res.HasNext {
		t.Fatalf("total %d, %d hits, next %v", res.Total, len(res.Hits), res.HasNext)
	}
	want := search.Facets{
		// Regions ignore the region filter: what choosing each would give.
		Regions: []search.FacetCount{{"leipzig", 3}, {"bautzen", 1}, {"dresden", 1}, {"goerlitz", 1}, {"meissen", 1}},
		// Languages and topics count within the region.
		Languages: []search.FacetCount{{"de", 3}, {"ar", 1}, {"es", 1}, {"tr", 1}},
		Topics:    []search.FacetCount{{"antidiscrimination", 1}, {"culture_media", 1}, {"health", 1}, {"networking", 1}, {"participation_politics", 1}},
		// The new facets, booleans as "true"/"false"; events that do not
		// say are not counted.
		Free:         []search.FacetCount{{"true", 2}},
		Registration: []search.FacetCount{{"true", 1}},
		Audience:     []search.FacetCount{{"women", 1}},
		Access:       []search.FacetCount{{"barrier_free", 1}, {"interpreting", 1}},
		// The online mode counts what each filter value finds: the hybrid
		// event is in all three.
		Other: map[string][]search.FacetCount{"online": {{"no", 2}, {"yes", 2}, {"hybrid", 1}}},
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets\n got %+v\nwant %+v", res.Facets, want)
	}
	res, err = s.Search(context.Background(), search.Filter{From: ptr(searchtest.Ref), Languages: []string{"ar"}, Topics: []string{"health"}}, search.Page{First: 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	wantLang := []search.FacetCount{{"de", 1}, {"ar", 1}, {"es", 1}}
	slices.SortFunc(wantLang, func(a, b search.FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return cmpStr(a.Value, b.Value)
	})
	if !reflect.DeepEqual(res.Facets.Languages, wantLang) {
		t.Errorf("language facet within topic health: got %+v, want %+v", res.Facets.Languages, wantLang)
	}
	wantTopics := []search.FacetCount{{"counselling", 1}, {"health", 1}, {"work_recognition", 1}}
	if !reflect.DeepEqual(res.Facets.Topics, wantTopics) {
		t.Errorf("topic facet within language ar: got %+v, want %+v", res.Facets.Topics, wantTopics)
	}
}

// testNewFacets: each of the four facets added through the registry
// (free, registration, audience, access) filters the page and the total,
// and is counted within the other filters but not its own, on every
// backend. Each search runs twice: the second is the count cache's.
func testNewFacets(t *testing.T, s search.Searcher) {
	ctx := context.Background()
	base := search.Filter{From: ptr(searchtest.Ref)}
	all, err := s.Search(ctx, base, search.Page{First: 50}, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    search.Filter
		own  func(search.Facets) []search.FacetCount
	}{
		{"free", search.Filter{Free: ptr(false)}, func(f search.Facets) []search.FacetCount { return f.Free }},
		{"registration", search.Filter{Registration: ptr(true)}, func(f search.Facets) []search.FacetCount { return f.Registration }},
		{"audience", search.Filter{Audience: []string{"youth", "women"}}, func(f search.Facets) []search.FacetCount { return f.Audience }},
		{"access", search.Filter{Access: []string{"barrier_free"}}, func(f search.Facets) []search.FacetCount { return f.Access }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			f.From = base.From
			for range 2 {
				res, err := s.Search(ctx, f, search.Page{First: 50}, "")
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != len(res.Hits) || res.Total == 0 || res.Total >= all.Total {
					t.Errorf("total %d with %d hits, %d without the filter: not filtered", res.Total, len(res.Hits), all.Total)
				}
				if got, want := tc.own(res.Facets), tc.own(all.Facets); !reflect.DeepEqual(got, want) {
					t.Errorf("own counts %v, want those without the filter %v", got, want)
				}
				if res.Facets.Regions == nil || reflect.DeepEqual(res.Facets.Regions, all.Facets.Regions) {
					t.Errorf("region counts %v not within the filter (without it %v)", res.Facets.Regions, all.Facets.Regions)
				}
				var streamed int
				if err := s.Each(ctx, f, 100, func(b []store.Event) error { streamed += len(b); return nil }); err != nil {
					t.Fatal(err)
				}
				if streamed != res.Total {
					t.Errorf("Each streamed %d events, Search found %d", streamed, res.Total)
				}
			}
		})
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testInvalid(t *testing.T, s search.Searcher) {
	ctx := context.Background()
	bad := []struct {
		name string
		f    search.Filter
		p    search.Page
		o    search.Order
	}{
		{"page too large", search.Filter{}, search.Page{First: 101}, ""},
		{"negative page", search.Filter{}, search.Page{First: -1}, ""},
		{"garbage cursor", search.Filter{}, search.Page{After: "not-a-cursor!"}, ""},
		{"unknown region", search.Filter{Regions: []string{"atlantis"}}, search.Page{}, ""},
		{"unknown online mode", search.Filter{Online: "maybe"}, search.Page{}, ""},
		{"unknown audience", search.Filter{Audience: []string{"aliens"}}, search.Page{}, ""},
		{"unknown access", search.Filter{Access: []string{"barrier_free", "teleport"}}, search.Page{}, ""},
		{"unregistered facet", search.Filter{Extra: map[string][]string{"colour": {"red"}}}, search.Page{}, ""},
		{"to before from", search.Filter{From: ptr(searchtest.At(10, 0, 0)), To: ptr(searchtest.At(9, 0, 0))}, search.Page{}, ""},
		{"unknown order", search.Filter{}, search.Page{}, "random"},
	}
	for _, tc := range bad {
		if _, err := s.Search(ctx, tc.f, tc.p, tc.o); !errors.Is(err, search.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", tc.name, err)
		}
	}
	// A cursor of one order is refused by another.
	res, err := s.Search(ctx, search.Filter{From: ptr(searchtest.Ref)}, search.Page{First: 1}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(ctx, search.Filter{From: ptr(searchtest.Ref)}, search.Page{First: 1, After: res.EndCursor}, search.StartDesc); !errors.Is(err, search.ErrInvalid) {
		t.Errorf("cursor of another order: got %v, want ErrInvalid", err)
	}
}

// testRelevancePages walks a relevance-ordered search one hit at a time and
// gets exactly the single-page result.
func testRelevancePages(t *testing.T, s search.Searcher) {
	ctx := context.Background()
	f := search.Filter{Query: "Migrant", From: ptr(searchtest.Ref)}
	all, err := s.Search(ctx, f, search.Page{First: 50}, search.Relevance)
	if err != nil {
		t.Fatal(err)
	}
	var walked []int64
	after := ""
	for range 20 {
		res, err := s.Search(ctx, f, search.Page{First: 1, After: after}, search.Relevance)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			walked = append(walked, h.Event.ID)
		}
		if !res.HasNext {
			break
		}
		after = res.EndCursor
	}
	var want []int64
	for _, h := range all.Hits {
		want = append(want, h.Event.ID)
	}
	if len(want) < 4 || !slices.Equal(walked, want) {
		t.Errorf("walked %v, want %v", walked, want)
	}
}

// testCursorStable reads a page, inserts events before and after the
// cursor, and checks the next page continues where the first ended.
func testCursorStable(t *testing.T, s search.Searcher, db store.DB, ids map[string]int64) {
	ctx := context.Background()
	f := search.Filter{From: ptr(searchtest.Ref)}
	p1, err := s.Search(ctx, f, search.Page{First: 3}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(ids, p1.Hits); !slices.Equal(got, []string{"wochen", "mo-treffen", "gesundheit"}) {
		t.Fatalf("page 1: %v", got)
	}
	mk := func(key, title string, start time.Time) {
		d := event.Draft{Title: title, Start: start, Online: event.OnlineNo, Languages: []string{"de"}, Topics: []string{"networking"},
			Place: event.Place{City: "Leipzig", Region: "leipzig"}}
		ids[key] = searchtest.Insert(t, db, "saqsen", "tp-"+key, "published", d)
	}
	mk("neu-frueh", "Stammtisch der Vereine", searchtest.At(5, 18, 0))
	mk("neu-spaet", "Offenes Treffen im Café", searchtest.At(15, 18, 0))
	syncAll(t, s, db)
	p2, err := s.Search(ctx, f, search.Page{First: 3, After: p1.EndCursor}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(ids, p2.Hits); !slices.Equal(got, []string{"schulung", "neu-spaet", "radio"}) {
		t.Errorf("page 2 after inserts: %v", got)
	}
	if p2.Total != 10 {
		t.Errorf("total %d, want 10", p2.Total)
	}
	p3, err := s.Search(ctx, f, search.Page{First: 3, After: p2.EndCursor}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(ids, p3.Hits); !slices.Equal(got, []string{"oeffnung", "spoton", "anerkennung"}) || p3.HasNext {
		t.Errorf("page 3: %v, next %v", got, p3.HasNext)
	}
}

func randomName() string {
	return strconv.FormatInt(time.Now().UnixNano(), 36)
}

// testSkipCounts: without counts the same events come back, typo
// tolerance included, and no total or facets.
func testSkipCounts(t *testing.T, s search.Searcher, ids map[string]int64) {
	for _, f := range []search.Filter{{Regions: []string{"leipzig"}}, {Query: "Radiosenung"}} {
		f.From = ptr(searchtest.Ref)
		full, err := s.Search(context.Background(), f, search.Page{First: 2}, "")
		if err != nil {
			t.Fatal(err)
		}
		lean, err := s.Search(context.Background(), f, search.Page{First: 2, SkipCounts: true}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := keysOf(ids, lean.Hits), keysOf(ids, full.Hits); !slices.Equal(got, want) || len(got) == 0 || lean.HasNext != full.HasNext {
			t.Errorf("%+v: without counts %v (next %v), with %v (next %v)", f, got, lean.HasNext, want, full.HasNext)
		}
		if lean.Total != 0 || len(lean.Facets.Regions) != 0 {
			t.Errorf("counts computed although skipped: %d %v", lean.Total, lean.Facets)
		}
	}
}
