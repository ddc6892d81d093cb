package search_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// TestCountCacheMatchesSQL counts every combination of filters both in
// memory (count cache) and in SQL, and after a change; the pages (page
// cache) are the same too, including a From within the minute the caches
// floor it to.
func TestCountCacheMatchesSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	cached, sql := search.NewPostgres(pool), search.NewPostgres(pool).WithoutCache()
	mem := search.NewPostgresInMemory(ctx, pool)
	var filters []search.Filter
	for _, q := range []string{"", "Migrant", "leip", "und", "Gesundheit in Leipzig", "GÖRL", "Sprachcafe"} {
		// The all-day "wochen" ends at midnight of 2 March: a From 30
		// seconds later, in the same minute as the cache's floor, drops it.
		for _, from := range []*time.Time{nil, ptr(searchtest.Ref), ptr(searchtest.At(2, 0, 0).Add(30 * time.Second))} {
			for _, regions := range [][]string{nil, {"leipzig"}, {"leipzig", "dresden"}} {
				for _, langs := range [][]string{nil, {"de"}, {"ar", "ru"}} {
					for _, topics := range [][]string{nil, {"training"}, {"health", "culture_media"}} {
						filters = append(filters, search.Filter{Query: q, From: from, Regions: regions, Languages: langs, Topics: topics})
					}
				}
			}
		}
	}
	filters = append(filters, search.Filter{Online: "yes", Sources: []string{"saqsen", "zwischenraum"}, To: ptr(searchtest.At(20, 0, 0))})
	// The facets of issue 15, alone and with the others.
	for _, q := range []string{"", "Migrant"} {
		for _, free := range []*bool{nil, ptr(true), ptr(false)} {
			for _, reg := range []*bool{nil, ptr(true)} {
				for _, aud := range [][]string{nil, {"women", "youth"}} {
					for _, acc := range [][]string{nil, {"barrier_free"}, {"interpreting", "childcare"}} {
						filters = append(filters, search.Filter{Query: q, From: ptr(searchtest.Ref), Free: free, Registration: reg,
							Audience: aud, Access: acc, Regions: []string{"leipzig", "dresden"}[:len(acc)]})
					}
				}
			}
		}
	}
	compare := func() {
		t.Helper()
		for _, f := range filters {
			for _, o := range []search.Order{search.StartAsc, search.StartDesc, search.Relevance} {
				b, err := sql.Search(ctx, f, search.Page{First: 2}, o)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []struct {
					name string
					s    *search.Postgres
				}{{"cached", cached}, {"cached again", cached}, {"in memory", mem}} {
					a, err := s.s.Search(ctx, f, search.Page{First: 2}, o)
					if err != nil {
						t.Fatal(err)
					}
					if a.Total != b.Total || !reflect.DeepEqual(a.Facets, b.Facets) {
						t.Fatalf("%+v:\n%s %d %+v\n   sql %d %+v", f, s.name, a.Total, a.Facets, b.Total, b.Facets)
					}
					if ha, hb := hitIDs(a), hitIDs(b); !reflect.DeepEqual(ha, hb) || a.HasNext != b.HasNext || a.EndCursor != b.EndCursor {
						t.Fatalf("%+v %s:\n%s %v next %v %s\n   sql %v next %v %s", f, o, s.name, ha, a.HasNext, a.EndCursor, hb, b.HasNext, b.EndCursor)
					}
				}
			}
		}
	}
	compare()
	if mem.MemoryServed() == 0 {
		t.Fatal("the in-memory index answered no search")
	}
	// A change committed after the counts were cached is counted.
	if _, err := pool.Exec(ctx, `UPDATE events SET region = 'dresden', languages = '{de,ar}' WHERE id = $1`, ids["mo-treffen"]); err != nil {
		t.Fatal(err)
	}
	d := event.Draft{Title: "Elterncafé für Migrant*innen", Start: searchtest.At(9, 15, 0), Online: event.OnlineNo,
		Languages: []string{"ar"}, Topics: []string{"family"}, Place: event.Place{City: "Leipzig", Region: "leipzig"}}
	searchtest.Insert(t, pool, "saqsen", "tp-elterncafe", "published", d)
	compare()
}

// TestCountCacheAfterDrain: with Postgres only the drainer empties the
// outbox right away; a change must still reach the counts.
func TestCountCacheAfterDrain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	d := &search.Drainer{Pool: pool}
	drain := func() {
		t.Helper()
		for {
			n, err := d.DrainOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
	drain()
	s := search.NewPostgres(pool)
	f := search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}}
	res, err := s.Search(ctx, f, search.Page{}, "")
	if err != nil || res.Total != 1 {
		t.Fatalf("before: %v, total %d", err, res.Total)
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET region = 'dresden', updated_at = now() WHERE id = $1`, ids["schulung"]); err != nil {
		t.Fatal(err)
	}
	drain()
	res, err = s.Search(ctx, f, search.Page{}, "")
	if err != nil || res.Total != 2 || len(res.Hits) != 2 {
		t.Errorf("after a drained change: %v, total %d, %d hits", err, res.Total, len(res.Hits))
	}
}

func TestReindexPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	if err := search.ReindexPostgres(ctx, pool); err != nil {
		t.Fatal(err)
	}
	res, err := search.NewPostgres(pool).Search(ctx, search.Filter{Query: "Görlitz", From: ptr(searchtest.Ref)}, search.Page{}, "")
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Event.ID != ids["anerkennung"] {
		t.Fatalf("search after reindex: %v %+v", err, res.Hits)
	}
}

func hitIDs(r search.Result) []int64 {
	var ids []int64
	for _, h := range r.Hits {
		ids = append(ids, h.Event.ID)
	}
	return ids
}

// TestMemoryIndexSeesOutOfOrderCommits: writer A starts first and commits
// last, so its outbox id and updated_at are both older than B's; the index
// built in between must still notice A's change.
func TestMemoryIndexSeesOutOfOrderCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	mem := search.NewPostgresInMemory(ctx, pool)
	dresden := search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}}
	count := func() int {
		t.Helper()
		res, err := mem.Search(ctx, dresden, search.Page{}, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	before := count()
	a, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback(ctx)
	if _, err := a.Exec(ctx, `UPDATE events SET region = 'dresden', updated_at = now() WHERE id = $1`, ids["mo-treffen"]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := pool.Exec(ctx, `UPDATE events SET region = 'dresden', updated_at = now() WHERE id = $1`, ids["schulung"]); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before+1 {
		t.Fatalf("after B: %d in Dresden, want %d", got, before+1)
	}
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The version counter moves with A's commit: the next search sees it.
	if got := count(); got != before+2 {
		t.Fatalf("A's change did not reach the index: %d in Dresden, want %d", got, before+2)
	}
}

// TestMemoryIndexInBackground: as served, a stale index is rebuilt in the
// background while SQL answers, and answers again once current.
func TestMemoryIndexInBackground(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	s := search.NewPostgres(pool).WithMemoryIndex(ctx, pool, nil, 0)
	f := search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}}
	total := func() int {
		t.Helper()
		res, err := s.Search(ctx, f, search.Page{}, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	want := total() // in SQL: the index is being built
	if s.MemoryServed() != 0 {
		t.Fatal("the first search was answered from an index that cannot exist yet")
	}
	waitServed := func(after int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); s.MemoryServed() <= after; {
			if time.Now().After(deadline) {
				t.Fatal("the index never answered")
			}
			if got := total(); got != want {
				t.Fatalf("%d events in Dresden, want %d", got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitServed(0)
	// A change: SQL answers with it at once, the index again after its rebuild.
	if _, err := pool.Exec(ctx, `UPDATE events SET region = 'dresden' WHERE id = $1`, ids["schulung"]); err != nil {
		t.Fatal(err)
	}
	want++
	if got := total(); got != want {
		t.Fatalf("right after the change: %d, want %d", got, want)
	}
	waitServed(s.MemoryServed())
}

// TestEveryFilterFieldOnEveryPath: each field of search.Filter, set alone
// to a value that narrows the seed, gives the same page, total, facets and
// stream on every Postgres path (SQL, count and page caches, in-memory
// index) as in SQL, and fewer events than without it. A field added to
// Filter fails here until it has a value below: then every cache and the
// index must honour it or refuse it, never answer with it ignored.
func TestEveryFilterFieldOnEveryPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	searchtest.Seed(t, pool)
	values := map[string]any{
		"Query":              "Workshop",
		"Regions":            []string{"leipzig"},
		"Languages":          []string{"ar"},
		"Topics":             []string{"health"},
		"From":               ptr(searchtest.Ref),
		"To":                 ptr(searchtest.At(14, 0, 0)),
		"Online":             "hybrid",
		"Sources":            []string{"zwischenraum"},
		"Free":               ptr(false),
		"Registration":       ptr(true),
		"Audience":           []string{"women"},
		"Access":             []string{"barrier_free"},
		"Extra":              map[string][]string{"daytime": {"later", "allday"}, "feedkind": {"ical"}},
		"IncludeUnpublished": true, // widens instead: compared, not required to narrow
	}
	fs := search.DefaultFacets().With(daytime, feedKind)
	sql := search.NewPostgres(pool).WithoutCache().WithFacets(fs)
	paths := []struct {
		name string
		s    *search.Postgres
	}{
		{"caches", search.NewPostgres(pool).WithFacets(fs)},
		{"in memory", search.NewPostgresInMemory(ctx, pool).WithFacets(fs)},
	}
	all, err := sql.Search(ctx, search.Filter{}, search.Page{First: 50}, "")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[search.Filter]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		v, ok := values[name]
		if !ok {
			t.Errorf("Filter.%s has no value in this test: give it one, and make every cache and the in-memory index honour or refuse it", name)
			continue
		}
		var f search.Filter
		reflect.ValueOf(&f).Elem().Field(i).Set(reflect.ValueOf(v))
		want, err := sql.Search(ctx, f, search.Page{First: 50}, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name != "IncludeUnpublished" && (want.Total >= all.Total || want.Total == 0) {
			t.Errorf("%s: %d events in SQL, %d without it: pick a value that narrows the seed", name, want.Total, all.Total)
		}
		wantIDs := eachIDs(t, sql, f, 100)
		for _, p := range paths {
			for range 2 { // the second time from the caches
				got, err := p.s.Search(ctx, f, search.Page{First: 50}, "")
				if err != nil {
					t.Fatalf("%s %s: %v", name, p.name, err)
				}
				if got.Total != want.Total || !reflect.DeepEqual(got.Facets, want.Facets) || !reflect.DeepEqual(hitIDs(got), hitIDs(want)) {
					t.Errorf("%s on %s: %v (total %d) %+v\n      in SQL: %v (total %d) %+v", name, p.name, hitIDs(got), got.Total, got.Facets, hitIDs(want), want.Total, want.Facets)
				}
			}
			if got := eachIDs(t, p.s, f, 100); !reflect.DeepEqual(got, wantIDs) {
				t.Errorf("%s on %s: Each %v, in SQL %v", name, p.name, got, wantIDs)
			}
		}
	}
}
