package graph_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// fixedSearcher answers every search with the same page: the benchmark
// measures the API's own cost, without a database.
type fixedSearcher struct{ res search.Result }

func (s fixedSearcher) Search(context.Context, search.Filter, search.Page, search.Order) (search.Result, error) {
	return s.res, nil
}
func (fixedSearcher) Index(context.Context, []int64) error  { return nil }
func (fixedSearcher) Delete(context.Context, []int64) error { return nil }
func (fixedSearcher) Each(context.Context, search.Filter, int, func([]store.Event) error) error {
	return nil
}

// BenchmarkEventsQueryOverhead is what HTTP handling, GraphQL execution
// and JSON cost for the benchmark's typical query (20 events with facets),
// with a search that costs nothing.
func BenchmarkEventsQueryOverhead(b *testing.B) {
	pool := pgtest.New(b)
	searchtest.Seed(b, pool)
	res, err := search.NewPostgres(pool).Search(context.Background(), search.Filter{}, search.Page{First: 20}, "")
	if err != nil {
		b.Fatal(err)
	}
	for len(res.Hits) < 20 { // the seed has fewer: repeat them
		res.Hits = append(res.Hits, res.Hits...)
	}
	res.Hits = res.Hits[:20]
	h := graph.NewHandler(graph.Options{DB: pool, Searcher: fixedSearcher{res}})
	body := []byte(`{"query":"query Search($f: EventFilter) { events(filter: $f, first: 20) { totalCount edges { cursor node { id title start end online place { city region { name } } languages topics } } pageInfo { hasNextPage endCursor } facets { regions { value count } languages { value count } topics { value count } } } }","variables":{"f":{"query":"Workshop","regions":["leipzig"],"topics":["training"]}}}`)
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
