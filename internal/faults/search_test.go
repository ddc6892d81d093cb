package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/app/apptest"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// graphqlTotal asks the API how many events there are since 2000.
func graphqlTotal(t *testing.T, url string) int {
	t.Helper()
	q, _ := json.Marshal(map[string]string{"query": `{ events(filter: {from: "2000-01-01T00:00:00Z"}, first: 100) { totalCount edges { node { id } } } }`})
	resp, err := http.Post(url, "application/json", bytes.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Events struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(out.Errors) > 0 {
		t.Fatalf("GraphQL: %d %v", resp.StatusCode, out.Errors)
	}
	if len(out.Data.Events.Edges) != out.Data.Events.TotalCount {
		t.Errorf("GraphQL: %d edges for totalCount %d", len(out.Data.Events.Edges), out.Data.Events.TotalCount)
	}
	return out.Data.Events.TotalCount
}

func published(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE review = 'published' AND merged_into IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// indexDiff compares the index with the events table: every event that is
// not merged away must be there with its title and public flag, and
// nothing else.
func indexDiff(t *testing.T, pool *pgxpool.Pool, docs map[int64]map[string]any) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT id, title, review = 'published' FROM events WHERE merged_into IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var diffs []string
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var title string
		var public bool
		if err := rows.Scan(&id, &title, &public); err != nil {
			t.Fatal(err)
		}
		seen[id] = true
		d, ok := docs[id]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+title)
		case d["title"] != title || d["public"] != public:
			diffs = append(diffs, "stale "+title)
		}
	}
	for id, d := range docs {
		if !seen[id] {
			diffs = append(diffs, "extra "+d["title"].(string))
		}
	}
	return diffs
}

// TestSearchBackendOutage takes Meilisearch down while crawls add events
// and staff reject one: the API keeps answering, from Postgres, with the
// new state; the index updates wait in the outbox; once Meilisearch is
// back they land and the index matches the database again.
func TestSearchBackendOutage(t *testing.T) {
	skipShort(t)
	t.Parallel()
	ctx := context.Background()
	pool, _ := newDB(t)
	site := mirror(t, 0)
	srcs := parseSources(t, demoYAML(t, site.URL, nil, "pokubi", "ntsachsen", "dsm-sachsen", "saqsen"))
	meili := newFakeMeili(t)
	// The `serve` process as the binary builds it, on Meilisearch.
	a := apptest.Start(t, pool, app.Serve, map[string]string{"MEILI_URL": meili.URL, "MEILI_KEY": "test-key"},
		app.WithSearch(func(b *search.Backend) {
			b.Drainer.Poll, b.Drainer.MinBackoff, b.Drainer.MaxBackoff = 50*time.Millisecond, 100*time.Millisecond, 400*time.Millisecond
		}))
	backend, apiURL := a.Search(), "http://"+a.Addr()
	crawl := &ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Logger: quietLogger()}
	synced := func() bool {
		n, err := search.Pending(ctx, pool)
		return err == nil && n == 0 && backend.Drainer.Healthy()
	}
	since2000 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	searchAll := func() search.Result {
		res, err := backend.Searcher.Search(ctx, search.Filter{From: &since2000}, search.Page{First: 100}, search.StartAsc)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Meilisearch up: two sources crawled and indexed.
	crawl.CrawlAll(ctx, srcs[:2], 2)
	if !pgtest.Wait(t, 30*time.Second, synced) {
		t.Fatal("index not in sync before the outage")
	}
	if d := indexDiff(t, pool, meili.docs("events")); len(d) > 0 {
		t.Fatalf("index before the outage: %v", d)
	}
	before := published(t, pool)
	if res := searchAll(); res.FellBack || res.Total != before {
		t.Errorf("before the outage: FellBack=%v total=%d, want the index answering with %d", res.FellBack, res.Total, before)
	}

	// Meilisearch down: two more sources crawled, one event rejected by staff.
	meili.setDown(true)
	crawl.CrawlAll(ctx, srcs[2:], 2)
	if _, err := pool.Exec(ctx, `UPDATE events SET review = 'rejected'
		WHERE id = (SELECT min(id) FROM events WHERE review = 'published')`); err != nil {
		t.Fatal(err)
	}
	if !pgtest.Wait(t, 10*time.Second, func() bool { return !backend.Drainer.Healthy() }) {
		t.Fatal("drainer did not notice the outage")
	}
	during := published(t, pool)
	if during == before {
		t.Fatalf("the crawls during the outage changed nothing (%d published)", during)
	}
	for range 3 { // a while: several failed pushes
		res := searchAll()
		if !res.FellBack || res.Total != during {
			t.Errorf("during the outage: FellBack=%v total=%d, want Postgres answering with %d", res.FellBack, res.Total, during)
		}
		if got := graphqlTotal(t, apiURL+"/graphql"); got != during {
			t.Errorf("GraphQL during the outage: %d events, want %d", got, during)
		}
		time.Sleep(time.Second)
	}
	pending, _ := search.Pending(ctx, pool)
	meili.mu.Lock()
	refused := meili.refused
	meili.mu.Unlock()
	t.Logf("outage: %d published before, %d during; %d outbox rows waiting; %d requests refused", before, during, pending, refused)
	if pending == 0 || refused == 0 {
		t.Errorf("outage: %d pending, %d refused; want the updates waiting", pending, refused)
	}

	// Meilisearch back: everything lands.
	meili.setDown(false)
	recoverStart := time.Now()
	if !pgtest.Wait(t, 30*time.Second, synced) {
		n, _ := search.Pending(ctx, pool)
		t.Fatalf("index not in sync 30 s after the outage; %d rows pending", n)
	}
	t.Logf("index in sync %s after Meilisearch came back", time.Since(recoverStart).Round(10*time.Millisecond))
	if d := indexDiff(t, pool, meili.docs("events")); len(d) > 0 {
		t.Errorf("index after the outage: %v", d)
	}
	if res := searchAll(); res.FellBack || res.Total != during {
		t.Errorf("after the outage: FellBack=%v total=%d, want the index answering with %d", res.FellBack, res.Total, during)
	}
	if got := graphqlTotal(t, apiURL+"/graphql"); got != during {
		t.Errorf("GraphQL after the outage: %d events, want %d", got, during)
	}
}
