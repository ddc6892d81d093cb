package faults

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeMeili speaks the part of the Meilisearch API the search adapter
// uses — indexes, settings, tasks, documents, multi-search — keeps the
// documents in memory, and can be taken down (every request 503, as a
// Meilisearch behind a proxy answers while it restarts).
type fakeMeili struct {
	*httptest.Server
	mu      sync.Mutex
	down    bool
	indexes map[string]map[int64]map[string]any
	task    int64
	refused int // requests answered 503
}

func newFakeMeili(t *testing.T) *fakeMeili {
	m := &fakeMeili{indexes: map[string]map[int64]map[string]any{}}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *fakeMeili) setDown(v bool) { m.mu.Lock(); m.down = v; m.mu.Unlock() }

// docs returns a copy of an index's documents.
func (m *fakeMeili) docs(index string) map[int64]map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]map[string]any{}
	for k, v := range m.indexes[index] {
		out[k] = v
	}
	return out
}

func (m *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		m.refused++
		http.Error(w, `{"message":"service unavailable","code":"unavailable","type":"system","link":""}`, http.StatusServiceUnavailable)
		return
	}
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	task := func(uid string) {
		m.task++
		reply(http.StatusAccepted, map[string]any{"taskUid": m.task, "indexUid": uid, "status": "enqueued", "type": "x", "enqueuedAt": time.Now()})
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == "GET" && r.URL.Path == "/health":
		reply(200, map[string]string{"status": "available"})
	case r.Method == "GET" && parts[0] == "tasks" && len(parts) == 2:
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		reply(200, map[string]any{"uid": id, "status": "succeeded", "enqueuedAt": time.Now()})
	case r.Method == "POST" && r.URL.Path == "/indexes":
		var cfg struct{ UID string }
		_ = json.Unmarshal(body, &cfg)
		m.indexes[cfg.UID] = map[int64]map[string]any{}
		task(cfg.UID)
	case r.Method == "GET" && parts[0] == "indexes" && len(parts) == 2:
		if _, ok := m.indexes[parts[1]]; !ok {
			reply(404, map[string]string{"message": "Index `" + parts[1] + "` not found.", "code": "index_not_found", "type": "invalid_request", "link": ""})
			return
		}
		reply(200, map[string]string{"uid": parts[1], "primaryKey": "id"})
	case r.Method == "PATCH" && len(parts) == 3 && parts[2] == "settings":
		task(parts[1])
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "documents":
		var docs []map[string]any
		if err := json.Unmarshal(body, &docs); err != nil {
			reply(400, map[string]string{"message": err.Error(), "code": "bad_request"})
			return
		}
		for _, d := range docs {
			m.indexes[parts[1]][int64(d["id"].(float64))] = d
		}
		task(parts[1])
	case r.Method == "POST" && len(parts) == 4 && parts[3] == "delete-batch":
		var ids []string
		_ = json.Unmarshal(body, &ids)
		for _, id := range ids {
			n, _ := strconv.ParseInt(id, 10, 64)
			delete(m.indexes[parts[1]], n)
		}
		task(parts[1])
	case r.Method == "POST" && r.URL.Path == "/multi-search":
		m.multiSearch(body, reply)
	default:
		reply(404, map[string]string{"message": "no route " + r.Method + " " + r.URL.Path, "code": "not_found"})
	}
}

// multiSearch answers every query with the public documents whose title
// contains the query text, in start order. Filters other than "public"
// are not evaluated: the tests search without them.
func (m *fakeMeili) multiSearch(body []byte, reply func(int, any)) {
	var req struct {
		Queries []struct {
			IndexUID string `json:"indexUid"`
			Q        string `json:"q"`
			Limit    int    `json:"limit"`
			Offset   int    `json:"offset"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		reply(400, map[string]string{"message": err.Error(), "code": "bad_request"})
		return
	}
	var results []map[string]any
	for _, q := range req.Queries {
		var hits []map[string]any
		for _, d := range m.indexes[q.IndexUID] {
			title, _ := d["title"].(string)
			if d["public"] == true && strings.Contains(strings.ToLower(title), strings.ToLower(q.Q)) {
				hits = append(hits, map[string]any{"id": d["id"], "start": d["start"]})
			}
		}
		sort.Slice(hits, func(i, j int) bool {
			a, b := hits[i]["start"].(float64), hits[j]["start"].(float64)
			return a < b || a == b && hits[i]["id"].(float64) < hits[j]["id"].(float64)
		})
		total := len(hits)
		hits = hits[min(q.Offset, len(hits)):]
		if q.Limit > 0 && len(hits) > q.Limit {
			hits = hits[:q.Limit]
		}
		results = append(results, map[string]any{"indexUid": q.IndexUID, "hits": hits, "query": q.Q,
			"totalHits": total, "estimatedTotalHits": total, "facetDistribution": map[string]any{}, "processingTimeMs": 0})
	}
	reply(200, map[string]any{"results": results})
}
