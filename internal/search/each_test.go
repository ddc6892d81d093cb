package search_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// eachIDs collects what Each hands over, checking batch sizes.
func eachIDs(t *testing.T, s search.Searcher, f search.Filter, limit int) []int64 {
	t.Helper()
	var got []int64
	err := s.Each(context.Background(), f, limit, func(b []store.Event) error {
		if len(b) == 0 || len(b) > search.EachBatch {
			t.Errorf("batch of %d events", len(b))
		}
		for _, e := range b {
			got = append(got, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// searchIDs pages through Search in StartAsc order, as the calendar did
// before Each.
func searchIDs(t *testing.T, s search.Searcher, f search.Filter, limit int) []int64 {
	t.Helper()
	var got []int64
	after := ""
	for len(got) < limit {
		res, err := s.Search(context.Background(), f, search.Page{First: min(search.MaxPageSize, limit-len(got)), After: after}, search.StartAsc)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			got = append(got, h.Event.ID)
		}
		if !res.HasNext {
			break
		}
		after = res.EndCursor
	}
	return got
}

// TestEachAgreesWithSearch: Each streams exactly the events Search pages
// through, in the same order, including the typo-tolerance decision.
func TestEachAgreesWithSearch(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, db := b.new(t)
			ids := searchtest.Seed(t, db)
			syncAll(t, s, db)
			ref := ptr(searchtest.Ref)
			tests := []struct {
				name  string
				f     search.Filter
				limit int
				want  []string // nil: only compare with Search
			}{
				{"all upcoming", search.Filter{From: ref}, 100, []string{"wochen", "mo-treffen", "gesundheit", "schulung", "radio", "oeffnung", "spoton", "anerkennung"}},
				{"limit cuts", search.Filter{From: ref}, 3, []string{"wochen", "mo-treffen", "gesundheit"}},
				{"limit zero", search.Filter{From: ref}, 0, []string{}},
				{"region and topic", search.Filter{From: ref, Regions: []string{"dresden"}, Topics: []string{"training"}}, 100, []string{"oeffnung"}},
				{"source and online", search.Filter{From: ref, Sources: []string{"saqsen"}, Online: "no"}, 100, nil},
				{"staff see unpublished", search.Filter{From: ref, IncludeUnpublished: true, Regions: []string{"leipzig"}}, 100, []string{"wochen", "mo-treffen", "entwurf", "gesundheit"}},
				{"text", search.Filter{From: ref, Query: "Rassismus"}, 100, []string{"wochen", "oeffnung"}},
				{"typo tolerated", search.Filter{From: ref, Query: "Radiosenung"}, 100, []string{"radio"}},
				// The typo decision looks at the text without the faceted
				// filters, as Search does: Leipzig has no radio event.
				{"typo with a region that excludes it", search.Filter{From: ref, Query: "Radiosenung", Regions: []string{"leipzig"}}, 100, nil},
				{"past included", search.Filter{}, 100, nil},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					got := eachIDs(t, s, tc.f, tc.limit)
					if want := searchIDs(t, s, tc.f, tc.limit); !slices.Equal(got, want) {
						t.Errorf("Each %v, Search %v", got, want)
					}
					if tc.want == nil {
						return
					}
					var want []int64
					for _, k := range tc.want {
						want = append(want, ids[k])
					}
					if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
						t.Errorf("got %v, want %v (%v)", got, want, tc.want)
					}
				})
			}
		})
	}
}

// TestEachBatches: more events than one batch arrive complete, in order,
// in full batches, and an error from fn stops the stream.
func TestEachBatches(t *testing.T) {
	t.Parallel()
	s, db := backends()[0].new(t)
	ctx := context.Background()
	for _, src := range searchtest.Sources {
		if err := store.UpsertSource(ctx, db, src); err != nil {
			t.Fatal(err)
		}
	}
	const n = search.EachBatch + 37
	start := time.Date(2026, 3, 2, 18, 0, 0, 0, event.Berlin)
	for i := range n {
		// Every third pair shares a start, so the id breaks ties across
		// batch boundaries.
		at := start.Add(time.Duration(i/2) * time.Hour)
		searchtest.Insert(t, db, "saqsen", fmt.Sprintf("tp-each-%d", i), "published", event.Draft{
			Title: fmt.Sprintf("Sprachcafé %d", i), Start: at, End: at.Add(time.Hour), Place: event.Place{City: "Leipzig", Region: "leipzig"}, Online: event.OnlineNo,
		})
	}
	var sizes []int
	var got []int64
	err := s.Each(ctx, search.Filter{}, 1000, func(b []store.Event) error {
		sizes = append(sizes, len(b))
		for _, e := range b {
			got = append(got, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{search.EachBatch, 37}) {
		t.Errorf("batch sizes %v", sizes)
	}
	if want := searchIDs(t, s, search.Filter{}, 1000); !slices.Equal(got, want) {
		t.Errorf("Each and Search disagree: %d and %d events", len(got), len(want))
	}
	if got := eachIDs(t, s, search.Filter{}, search.EachBatch); len(got) != search.EachBatch {
		t.Errorf("limit %d: %d events", search.EachBatch, len(got))
	}
	stop := errors.New("client gone")
	calls := 0
	err = s.Each(ctx, search.Filter{}, 1000, func([]store.Event) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("got %v after %d calls, want the error of fn after one", err, calls)
	}
	if err := s.Each(ctx, search.Filter{Regions: []string{"atlantis"}}, 10, func([]store.Event) error { return nil }); !search.IsInvalid(err) {
		t.Errorf("unknown region: got %v, want ErrInvalid", err)
	}
}

// TestFallbackEachFromPostgres: with the index down before it handed over
// anything, Fallback streams the same events from Postgres.
func TestFallbackEachFromPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := newMeiliServer(t)
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: srv.URL}, pool)
	if err != nil {
		t.Fatal(err)
	}
	searchtest.Seed(t, pool)
	pg := search.NewPostgres(pool)
	fb := &search.Fallback{Primary: m, Postgres: pg}
	srv.setDown(true)
	f := search.Filter{From: ptr(searchtest.Ref), Query: "Radiosenung"}
	got := eachIDs(t, fb, f, 100)
	if want := eachIDs(t, pg, f, 100); len(want) != 1 || !slices.Equal(got, want) {
		t.Errorf("fallback streamed %v, Postgres %v", got, want)
	}
	tried := false
	srv.mu.Lock()
	for _, r := range srv.requests {
		tried = tried || strings.HasSuffix(r.Path, "/search")
	}
	srv.mu.Unlock()
	if !tried {
		t.Error("the index was not asked first")
	}
}
