package search_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// meiliServer speaks the part of the Meilisearch HTTP API the adapter uses,
// keeps documents per index, records requests, and can be taken down.
type meiliServer struct {
	*httptest.Server
	mu       sync.Mutex
	indexes  map[string]map[int64]map[string]any
	requests []recorded
	task     int64
	down     bool
	// downAfterDocs takes the server down after this many document
	// upserts (0: never): an outage in the middle of an update.
	downAfterDocs int
	docPosts      int
	// multi is the canned /multi-search answer.
	multi any
}

type recorded struct {
	Method, Path string
	Body         []byte
}

func newMeiliServer(t *testing.T) *meiliServer {
	s := &meiliServer{indexes: map[string]map[int64]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *meiliServer) setDown(v bool) { s.mu.Lock(); s.down = v; s.mu.Unlock() }

func (s *meiliServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, recorded{r.Method, r.URL.Path, body})
	if s.down {
		http.Error(w, `{"message":"service unavailable","code":"unavailable","type":"system","link":""}`, http.StatusServiceUnavailable)
		return
	}
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	task := func(uid string) {
		s.task++
		reply(http.StatusAccepted, map[string]any{"taskUid": s.task, "indexUid": uid, "status": "enqueued", "type": "x", "enqueuedAt": time.Now()})
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == "GET" && r.URL.Path == "/health":
		reply(200, map[string]string{"status": "available"})
	case r.Method == "GET" && parts[0] == "tasks":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		reply(200, map[string]any{"uid": id, "status": "succeeded", "enqueuedAt": time.Now()})
	case r.Method == "POST" && r.URL.Path == "/indexes":
		var cfg struct{ UID string }
		_ = json.Unmarshal(body, &cfg)
		s.indexes[cfg.UID] = map[int64]map[string]any{}
		task(cfg.UID)
	case r.Method == "GET" && parts[0] == "indexes" && len(parts) == 2:
		if _, ok := s.indexes[parts[1]]; !ok {
			reply(404, map[string]string{"message": "Index `" + parts[1] + "` not found.", "code": "index_not_found", "type": "invalid_request", "link": ""})
			return
		}
		reply(200, map[string]string{"uid": parts[1], "primaryKey": "id"})
	case r.Method == "DELETE" && parts[0] == "indexes" && len(parts) == 2:
		delete(s.indexes, parts[1])
		task(parts[1])
	case r.Method == "PATCH" && len(parts) == 3 && parts[2] == "settings":
		task(parts[1])
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "documents":
		var docs []map[string]any
		if err := json.Unmarshal(body, &docs); err != nil {
			reply(400, map[string]string{"message": err.Error()})
			return
		}
		for _, d := range docs {
			s.indexes[parts[1]][int64(d["id"].(float64))] = d
		}
		s.docPosts++
		if s.downAfterDocs > 0 && s.docPosts >= s.downAfterDocs {
			s.down = true
		}
		task(parts[1])
	case r.Method == "POST" && len(parts) == 4 && parts[3] == "delete-batch":
		var ids []string
		_ = json.Unmarshal(body, &ids)
		for _, id := range ids {
			n, _ := strconv.ParseInt(id, 10, 64)
			delete(s.indexes[parts[1]], n)
		}
		task(parts[1])
	case r.Method == "POST" && r.URL.Path == "/swap-indexes":
		var swaps []struct{ Indexes []string }
		_ = json.Unmarshal(body, &swaps)
		for _, sw := range swaps {
			a, b := sw.Indexes[0], sw.Indexes[1]
			s.indexes[a], s.indexes[b] = s.indexes[b], s.indexes[a]
		}
		task("")
	case r.Method == "POST" && r.URL.Path == "/multi-search":
		reply(200, s.multi)
	default:
		reply(404, map[string]string{"message": "no route " + r.Method + " " + r.URL.Path, "code": "not_found"})
	}
}

func (s *meiliServer) docs(index string) map[int64]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]map[string]any{}
	for k, v := range s.indexes[index] {
		out[k] = v
	}
	return out
}

func (s *meiliServer) last(method, path string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.requests) - 1; i >= 0; i-- {
		if s.requests[i].Method == method && s.requests[i].Path == path {
			return s.requests[i].Body
		}
	}
	return nil
}

func allIDs(t *testing.T, ids map[string]int64) []int64 {
	var out []int64
	for _, id := range ids {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func TestMeiliSettingsAndDocuments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	srv := newMeiliServer(t)
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: srv.URL, BatchSize: 4}, pool)
	if err != nil {
		t.Fatal(err)
	}
	var settings struct {
		SearchableAttributes []string
		FilterableAttributes []string
		SortableAttributes   []string
		RankingRules         []string
		Synonyms             map[string][]string
	}
	if err := json.Unmarshal(srv.last("PATCH", "/indexes/events/settings"), &settings); err != nil {
		t.Fatalf("settings request: %v", err)
	}
	for _, attr := range []string{"region", "languages", "topics", "free", "registration", "audience", "access", "start", "online", "source", "status"} {
		if !slices.Contains(settings.FilterableAttributes, attr) {
			t.Errorf("%s not filterable: %v", attr, settings.FilterableAttributes)
		}
	}
	if !slices.Equal(settings.SortableAttributes, []string{"start", "id"}) || settings.SearchableAttributes[0] != "title" {
		t.Errorf("sortable %v, searchable %v", settings.SortableAttributes, settings.SearchableAttributes)
	}
	if !slices.Contains(settings.Synonyms["schulung"], "fortbildung") || !slices.Contains(settings.Synonyms["health"], "gesundheit") {
		t.Errorf("topic synonyms de/en missing: %v", settings.Synonyms["schulung"])
	}

	if err := m.Index(ctx, allIDs(t, ids)); err != nil {
		t.Fatal(err)
	}
	docs := srv.docs("events")
	if len(docs) != len(ids)-1 {
		t.Errorf("%d documents, want %d (all but the merged one)", len(docs), len(ids)-1)
	}
	if _, ok := docs[ids["dublette"]]; ok {
		t.Error("merged event indexed")
	}
	a := docs[ids["anerkennung"]]
	if a["status"] != "cancelled" || fmt.Sprint(a["online"]) != "[no]" || a["region"] != "goerlitz" || a["public"] != true ||
		fmt.Sprint(a["source"]) != "[saqsen]" || fmt.Sprint(a["languages"]) != "[de ar fa]" ||
		a["start"] != float64(searchtest.At(24, 10, 0).Unix()) {
		t.Errorf("document %v", a)
	}
	if a["free"] != "true" || a["registration"] != "" || fmt.Sprint(a["access"]) != "[sign_language]" || fmt.Sprint(a["audience"]) != "[]" {
		t.Errorf("facet attributes of document %v", a)
	}
	if docs[ids["entwurf"]]["public"] != false {
		t.Errorf("pending event indexed as public: %v", docs[ids["entwurf"]])
	}
	// Upserts went out in batches of 4.
	posts := 0
	for _, r := range srv.requests {
		if r.Method == "POST" && r.Path == "/indexes/events/documents" {
			posts++
		}
	}
	if want := (len(ids) - 1 + 3) / 4; posts != want {
		t.Errorf("%d upsert requests, want %d", posts, want)
	}
}

// seededMeili is the Meilisearch adapter against a fake server, on a
// database with the search fixtures.
func seededMeili(t *testing.T) (*search.Meili, *meiliServer, map[string]int64) {
	t.Helper()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	srv := newMeiliServer(t)
	m, err := search.NewMeili(context.Background(), search.MeiliConfig{URL: srv.URL}, pool)
	if err != nil {
		t.Fatal(err)
	}
	return m, srv, ids
}

func TestMeiliSearchRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, srv, ids := seededMeili(t)
	hit := func(key string) map[string]any { return map[string]any{"id": ids[key]} }
	srv.multi = map[string]any{"results": []any{
		map[string]any{"indexUid": "events", "hits": []any{hit("gesundheit"), hit("entwurf"), hit("mo-treffen")}},
		map[string]any{"indexUid": "events", "hits": []any{}, "totalHits": 7},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"region": map[string]int{"leipzig": 3, "dresden": 1, "": 2}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"languages": map[string]int{"de": 3, "ar": 1}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"topics": map[string]int{"health": 1}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"free": map[string]int{"true": 2, "false": 1, "": 4}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"registration": map[string]int{"true": 1}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"audience": map[string]int{"women": 1, "youth": 2}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"access": map[string]int{"childcare": 1}}},
		map[string]any{"indexUid": "events", "hits": []any{}, "facetDistribution": map[string]any{"online": map[string]int{"yes": 2, "no": 6, "hybrid": 1}}},
	}}
	f := search.Filter{
		Query: `Spot "on"`, Regions: []string{"leipzig"}, Languages: []string{"de", "ar"}, Topics: []string{"health"},
		From: ptr(searchtest.Ref), Online: "yes", Sources: []string{`we"ird\source`}, Free: ptr(true), Access: []string{"childcare"},
	}
	res, err := m.Search(ctx, f, search.Page{First: 2}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Queries []struct {
			IndexUID string
			Q        string
			Filter   string
			Sort     []string
			Limit    int
			Facets   []string
		}
	}
	if err := json.Unmarshal(srv.last("POST", "/multi-search"), &req); err != nil {
		t.Fatal(err)
	}
	if len(req.Queries) != 10 {
		t.Fatalf("%d queries", len(req.Queries))
	}
	from := strconv.FormatInt(searchtest.Ref.Unix(), 10)
	base := `(public = true) AND (end >= ` + from + `) AND (source IN ["we\"ird\\source"])`
	// The faceted conditions, by facet attribute: each facet's own query
	// leaves its condition out.
	conds := []struct{ attr, cond string }{{"region", `(region IN ["leipzig"])`}, {"languages", `(languages IN ["de", "ar"])`},
		{"topics", `(topics IN ["health"])`}, {"free", `(free IN ["true"])`}, {"registration", ""}, {"audience", ""},
		{"access", `(access IN ["childcare"])`}, {"online", `(online IN ["yes"])`}}
	without := func(skip string) string {
		out := base
		for _, c := range conds {
			if c.attr != skip && c.cond != "" {
				out += " AND " + c.cond
			}
		}
		return out
	}
	wants := []struct{ filter, facet string }{{without(""), ""}, {without(""), ""}}
	for _, c := range conds {
		wants = append(wants, struct{ filter, facet string }{without(c.attr), c.attr})
	}
	for i, w := range wants {
		q := req.Queries[i]
		if q.Filter != w.filter || q.Q != `Spot "on"` || q.IndexUID != "events" {
			t.Errorf("query %d:\n got %s (q %q)\nwant %s", i, q.Filter, q.Q, w.filter)
		}
		if w.facet != "" && !slices.Equal(q.Facets, []string{w.facet}) {
			t.Errorf("query %d facets %v, want %s", i, q.Facets, w.facet)
		}
	}
	if q := req.Queries[0]; !slices.Equal(q.Sort, []string{"start:asc", "id:asc"}) || q.Limit != 3 {
		t.Errorf("page query sort %v limit %d", q.Sort, q.Limit)
	}
	// entwurf is pending in Postgres: the index lagging never exposes it.
	if got := keysOf(ids, res.Hits); !slices.Equal(got, []string{"gesundheit"}) || !res.HasNext || res.Total != 7 {
		t.Errorf("hits %v next %v total %d", got, res.HasNext, res.Total)
	}
	wantRegions := []search.FacetCount{{Value: "leipzig", Count: 3}, {Value: "dresden", Count: 1}}
	if !slices.Equal(res.Facets.Regions, wantRegions) || len(res.Facets.Languages) != 2 || res.Facets.Topics[0].Value != "health" {
		t.Errorf("facets %+v", res.Facets)
	}
	wantFree := []search.FacetCount{{Value: "true", Count: 2}, {Value: "false", Count: 1}}
	wantAudience := []search.FacetCount{{Value: "youth", Count: 2}, {Value: "women", Count: 1}}
	if !slices.Equal(res.Facets.Free, wantFree) || !slices.Equal(res.Facets.Audience, wantAudience) ||
		len(res.Facets.Registration) != 1 || len(res.Facets.Access) != 1 {
		t.Errorf("new facets %+v", res.Facets)
	}

	// The next page filters on the key of the last hit.
	if _, err := m.Search(ctx, f, search.Page{First: 2, After: res.EndCursor}, search.StartAsc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(srv.last("POST", "/multi-search"), &req); err != nil {
		t.Fatal(err)
	}
	s, id := strconv.FormatInt(searchtest.At(12, 18, 0).Unix(), 10), strconv.FormatInt(ids["gesundheit"], 10)
	keyset := `(start > ` + s + ` OR (start = ` + s + ` AND id > ` + id + `))`
	if got := req.Queries[0].Filter; got != wants[0].filter+" AND "+keyset {
		t.Errorf("next page filter\n got %s\nwant %s", got, wants[0].filter+" AND "+keyset)
	}
	if req.Queries[1].Filter != wants[1].filter {
		t.Errorf("total query must not carry the cursor: %s", req.Queries[1].Filter)
	}

	// Without counts, one query.
	srv.mu.Lock()
	srv.multi = map[string]any{"results": []any{map[string]any{"hits": []any{hit("gesundheit")}}}}
	srv.mu.Unlock()
	res, err = m.Search(ctx, f, search.Page{First: 2, SkipCounts: true}, search.StartAsc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(srv.last("POST", "/multi-search"), &req); err != nil {
		t.Fatal(err)
	}
	if len(req.Queries) != 1 || len(res.Hits) != 1 || res.Total != 0 {
		t.Errorf("skip counts: %d queries, %d hits, total %d", len(req.Queries), len(res.Hits), res.Total)
	}
}

func TestMeiliUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	_, err = search.NewMeili(context.Background(), search.MeiliConfig{URL: addr}, pgtest.New(t))
	if !errors.Is(err, search.ErrUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Errorf("got %v, want ErrUnreachable naming %s", err, addr)
	}
}

// TestOutageMidUpdate takes the index down in the middle of an update:
// nothing is lost, searches answer from Postgres meanwhile, and the outbox
// drains once the index is back.
func TestOutageMidUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := newMeiliServer(t)
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: srv.URL, BatchSize: 3}, pool)
	if err != nil {
		t.Fatal(err)
	}
	ids := searchtest.Seed(t, pool) // the trigger queues every event
	d := &search.Drainer{Pool: pool, Index: m, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	fb := &search.Fallback{Primary: m, Postgres: search.NewPostgres(pool), Healthy: d.Healthy}

	// The second upsert request of the batch is the last one answered.
	srv.mu.Lock()
	srv.downAfterDocs = 2
	srv.mu.Unlock()
	if _, err := d.DrainOnce(ctx); err == nil {
		t.Fatal("drain with the index down succeeded")
	}
	if d.Healthy() {
		t.Error("drainer healthy after a failed push")
	}
	if n, _ := search.Pending(ctx, pool); n == 0 {
		t.Fatal("outbox emptied although the push failed")
	}
	if len(srv.docs("events")) == 0 {
		t.Fatal("the outage did not happen mid-update: nothing reached the index")
	}

	// Changes go on while the index is down.
	if _, err := pool.Exec(ctx, `UPDATE events SET title = 'Radiosendung Zwischenraum: Sondersendung' WHERE id = $1`, ids["radio"]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET review = 'published' WHERE id = $1`, ids["entwurf"]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET merged_into = $1 WHERE id = $2`, ids["mo-treffen"], ids["spoton"]); err != nil {
		t.Fatal(err)
	}
	res, err := fb.Search(ctx, search.Filter{Query: "Sondersendung", From: ptr(searchtest.Ref)}, search.Page{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !res.FellBack || len(res.Hits) != 1 || res.Hits[0].Event.ID != ids["radio"] {
		t.Errorf("search during the outage: fell back %v, %d hits", res.FellBack, len(res.Hits))
	}

	srv.setDown(false)
	srv.mu.Lock()
	srv.downAfterDocs = 0
	srv.mu.Unlock()
	if !pgtest.Wait(t, 10*time.Second, func() bool {
		_, _ = d.DrainOnce(ctx)
		n, _ := search.Pending(ctx, pool)
		return n == 0
	}) {
		t.Fatal("outbox did not drain after recovery")
	}
	if !d.Healthy() {
		t.Error("drainer not healthy after recovery")
	}
	docs := srv.docs("events")
	var want []int64
	for k, id := range ids {
		if k != "dublette" && k != "spoton" {
			want = append(want, id)
		}
	}
	var got []int64
	for id := range docs {
		got = append(got, id)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("index holds %v, want %v", got, want)
	}
	if docs[ids["radio"]]["title"] != "Radiosendung Zwischenraum: Sondersendung" || docs[ids["entwurf"]]["public"] != true {
		t.Errorf("changes made during the outage are missing: %v / %v", docs[ids["radio"]]["title"], docs[ids["entwurf"]]["public"])
	}
}

func TestMeiliRebuildSwaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	srv := newMeiliServer(t)
	m, err := search.NewMeili(ctx, search.MeiliConfig{URL: srv.URL, BatchSize: 5}, pool)
	if err != nil {
		t.Fatal(err)
	}
	n, err := m.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ids)-1 || len(srv.docs("events")) != len(ids)-1 {
		t.Errorf("rebuilt %d, live index has %d, want %d", n, len(srv.docs("events")), len(ids)-1)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.indexes) != 1 {
		t.Errorf("indexes left after the swap: %d", len(srv.indexes))
	}
	swapped := false
	for _, r := range srv.requests {
		swapped = swapped || r.Path == "/swap-indexes"
		if r.Method == "POST" && r.Path == "/indexes/events/documents" {
			t.Error("rebuild wrote into the live index instead of a new one")
		}
	}
	if !swapped {
		t.Error("no swap")
	}
}

// TestBackendStartsWhileMeiliDown: the server starts, answers from
// Postgres, and switches to Meilisearch once it is up and configured.
func TestBackendStartsWhileMeiliDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	srv := newMeiliServer(t)
	srv.setDown(true)
	b, err := search.Open(ctx, pool, search.MeiliConfig{URL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Searcher.Search(ctx, search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}}, search.Page{}, "")
	if err != nil || !res.FellBack || len(res.Hits) != 1 || res.Hits[0].Event.ID != ids["oeffnung"] {
		t.Fatalf("search while down: %v, fell back %v, %d hits", err, res.FellBack, len(res.Hits))
	}
	srv.setDown(false)
	srv.mu.Lock()
	srv.multi = map[string]any{"results": []any{
		map[string]any{"hits": []any{map[string]any{"id": ids["oeffnung"]}}},
		map[string]any{"hits": []any{}, "totalHits": 1},
		map[string]any{"hits": []any{}}, map[string]any{"hits": []any{}}, map[string]any{"hits": []any{}},
		map[string]any{"hits": []any{}}, map[string]any{"hits": []any{}}, map[string]any{"hits": []any{}}, map[string]any{"hits": []any{}},
		map[string]any{"hits": []any{}},
	}}
	srv.mu.Unlock()
	go func() { _ = b.Run(ctx) }()
	if !pgtest.Wait(t, 10*time.Second, func() bool {
		res, err := b.Searcher.Search(ctx, search.Filter{From: ptr(searchtest.Ref), Regions: []string{"dresden"}}, search.Page{}, "")
		return err == nil && !res.FellBack
	}) {
		t.Fatal("searches never moved to Meilisearch after it came up")
	}
	if srv.last("PATCH", "/indexes/events/settings") == nil {
		t.Error("settings never applied")
	}
}

// TestMeiliRelevancePagesAnchored: Meilisearch cannot filter on relevance,
// so the next relevance page reads around the previous position and
// continues after the previous page's last event, even when events were
// added ahead of it or it left the result.
func TestMeiliRelevancePagesAnchored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, srv, ids := seededMeili(t)
	page := func(hits ...any) {
		srv.mu.Lock()
		srv.multi = map[string]any{"results": []any{map[string]any{"hits": hits}}}
		srv.mu.Unlock()
	}
	hit := func(key string, score float64) any { return map[string]any{"id": ids[key], "_rankingScore": score} }
	f := search.Filter{Query: "Treffen"}
	p := search.Page{First: 2, SkipCounts: true}

	page(hit("mo-treffen", 0.9), hit("gesundheit", 0.8), hit("schulung", 0.7))
	first, err := m.Search(ctx, f, p, search.Relevance)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(ids, first.Hits); !slices.Equal(got, []string{"mo-treffen", "gesundheit"}) || !first.HasNext {
		t.Fatalf("first page %v, next %v", got, first.HasNext)
	}

	tests := []struct {
		name   string
		window []any
		want   []string
	}{
		{"unchanged", []any{hit("mo-treffen", 0.9), hit("gesundheit", 0.8), hit("schulung", 0.7), hit("radio", 0.6)},
			[]string{"schulung", "radio"}},
		{"two added ahead", []any{hit("spoton", 0.95), hit("oeffnung", 0.92), hit("mo-treffen", 0.9), hit("gesundheit", 0.8),
			hit("schulung", 0.7), hit("radio", 0.6)}, []string{"schulung", "radio"}},
		{"last event left the result", []any{hit("mo-treffen", 0.9), hit("schulung", 0.7), hit("radio", 0.6)},
			[]string{"schulung", "radio"}},
	}
	p.After = first.EndCursor
	for _, tt := range tests {
		page(tt.window...)
		res, err := m.Search(ctx, f, p, search.Relevance)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(ids, res.Hits); !slices.Equal(got, tt.want) {
			t.Errorf("%s: second page %v, want %v", tt.name, got, tt.want)
		}
		var req struct{ Queries []struct{ Offset, Limit int } }
		if err := json.Unmarshal(srv.last("POST", "/multi-search"), &req); err != nil {
			t.Fatal(err)
		}
		// The read starts at 0 (the cursor is at 2, within the slack) and
		// covers the slack beyond the page.
		if q := req.Queries[0]; q.Offset != 0 || q.Limit != 2+20+2+1 {
			t.Errorf("%s: offset %d limit %d", tt.name, q.Offset, q.Limit)
		}
	}
}
