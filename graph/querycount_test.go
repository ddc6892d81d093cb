package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// queryCounter counts the SQL statements a pool runs.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestNoNPlusOne shows the dataloaders at work: listing events with their
// sources, each source's details and each event's series costs the same
// number of queries for 5 events as for 40.
func TestNoNPlusOne(t *testing.T) {
	t.Parallel()
	counts := map[int]int64{}
	for _, n := range []int{5, 40} {
		counts[n] = queriesFor(t, n)
	}
	if counts[5] != counts[40] {
		t.Errorf("queries grow with the page: %d for 5 events, %d for 40", counts[5], counts[40])
	}
	// facets, page keys, events, event sources, sources, series.
	if counts[40] > 6 {
		t.Errorf("%d queries for one page, want at most 6", counts[40])
	}
}

func queriesFor(t *testing.T, n int) int64 {
	_, url := pgtest.NewWithURL(t)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	seedMany(t, pool, n)

	srv := httptest.NewServer(graph.NewHandler(graph.Options{DB: pool, Now: func() time.Time { return searchtest.Ref }}))
	defer srv.Close()
	a := &api{url: srv.URL, db: pool}
	counter.n.Store(0)
	var d struct {
		Events struct {
			Edges []struct {
				Node struct {
					Sources []struct{ Source struct{ Name string } }
					Series  *struct{ Events []struct{ ID string } }
				}
			}
		}
	}
	a.query(t, `query($n: Int) { events(first: $n) { edges { node { id
		sources { url source { id name region { name } } }
		series { id events(first: 10) { id title } } } } } }`, map[string]any{"n": n}, &d)
	got := counter.n.Load()
	if len(d.Events.Edges) != n {
		b, _ := json.Marshal(d)
		t.Fatalf("%d edges, want %d: %s", len(d.Events.Edges), n, b)
	}
	for _, e := range d.Events.Edges {
		if len(e.Node.Sources) != 1 || e.Node.Sources[0].Source.Name == "" || e.Node.Series == nil || len(e.Node.Series.Events) == 0 {
			t.Fatalf("incomplete event %+v", e.Node)
		}
	}
	return got
}

// seedMany writes n weekly events from three sources, in series of four.
func seedMany(t *testing.T, db store.DB, n int) {
	ctx := context.Background()
	for i := range 3 {
		s := source.Source{ID: fmt.Sprintf("quelle-%d", i), Name: fmt.Sprintf("Verein %d", i), URL: "http://127.0.0.1:8081/", Kind: "html", Publish: "auto", Region: "leipzig"}
		if err := store.UpsertSource(ctx, db, s); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		d := event.Draft{Title: fmt.Sprintf("Sprachcafé Deutsch–Arabisch %d", i), Start: searchtest.At(2, 18, 0).AddDate(0, 0, i),
			Online: event.OnlineNo, Status: event.StatusScheduled, Languages: []string{"de", "ar"}, Topics: []string{"networking"},
			Place: event.Place{City: "Leipzig", Region: "leipzig"}}
		id := searchtest.Insert(t, db, fmt.Sprintf("quelle-%d", i%3), fmt.Sprintf("tp-many-%d", i), "published", d)
		if _, err := db.Exec(ctx, `UPDATE events SET series_id = $2 WHERE id = $1`, id, fmt.Sprintf("sprachcafe-%d", i/4)); err != nil {
			t.Fatal(err)
		}
	}
}
