package graph_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// stuckSearcher never answers on its own: it waits for its context, and
// counts how many searches wait at once.
type stuckSearcher struct{ now, peak atomic.Int32 }

func (s *stuckSearcher) Search(ctx context.Context, _ search.Filter, _ search.Page, _ search.Order) (search.Result, error) {
	n := s.now.Add(1)
	defer s.now.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	<-ctx.Done()
	return search.Result{}, ctx.Err()
}
func (*stuckSearcher) Index(context.Context, []int64) error  { return nil }
func (*stuckSearcher) Delete(context.Context, []int64) error { return nil }
func (*stuckSearcher) Each(context.Context, search.Filter, int, func([]store.Event) error) error {
	return nil
}

// TestRequestDeadline (issue 12, findings 3 and 6): a request's work is
// cancelled at its deadline, and its root fields take turns on a few
// slots instead of all holding a database connection at once.
func TestRequestDeadline(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	stuck := &stuckSearcher{}
	srv := httptest.NewServer(graph.NewHandler(graph.Options{DB: pool, Searcher: stuck,
		Timeout: 300 * time.Millisecond, MaxParallel: 2}))
	t.Cleanup(srv.Close)
	a := &api{url: srv.URL}
	var q strings.Builder
	q.WriteString("{")
	for _, alias := range []string{"a", "b", "c", "d", "e", "f"} {
		q.WriteString(" " + alias + ": events(first: 1) { edges { cursor } }")
	}
	q.WriteString(" }")
	done := make(chan response, 1)
	go func() { done <- a.do(t, map[string]any{"query": q.String()}) }()
	select {
	case r := <-done:
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "timed out") {
			t.Errorf("errors %+v, want the deadline's", r.Errors)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the request outlived its deadline by far")
	}
	if p := stuck.peak.Load(); p > 2 {
		t.Errorf("%d searches of one request at once, want at most 2", p)
	}
}
