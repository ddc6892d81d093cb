package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/review"
)

// mutationExamples has an operation for every mutation of the schema; the
// test fails for a mutation missing here, so none goes untested. Admin
// marks those reviewers may not call.
var mutationExamples = map[string]struct {
	query string
	admin bool
}{
	"approveEvent": {`mutation { approveEvent(id: "%[1]d") { state } }`, false},
	"rejectEvent":  {`mutation { rejectEvent(id: "%[1]d", reason: "Dublette") { state } }`, false},
	"updateEvent":  {`mutation { updateEvent(id: "%[1]d", input: {title: "Neu"}) { event { title } } }`, false},
	"mergeEvents":  {`mutation { mergeEvents(keep: "%[1]d", drop: "%[2]d") { state } }`, false},
	"splitEvent":   {`mutation { splitEvent(id: "%[1]d", item: "1") { state } }`, false},
	"createSource": {`mutation { createSource(input: {id: "neu", name: "Neu", url: "https://example.org/"}) { id } }`, true},
	"updateSource": {`mutation { updateSource(input: {id: "verein-blog", name: "Blog", url: "https://example.org/"}) { id } }`, true},
	"triggerCrawl": {`mutation { triggerCrawl(source: "verein-blog") { queued } }`, true},
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// TestMutationPermissions: every staff mutation (listed by introspection)
// is refused without a session or key, with a revoked key, with too small
// a role, and cross-origin with a session; with the right key it works and
// the audit log names the key.
func TestMutationPermissions(t *testing.T) {
	f := setup(t)
	f.crawl(t, "verein-blog")
	ctx := context.Background()
	api := httptest.NewServer(f.h.Staff(graph.NewHandler(graph.Options{DB: f.pool, Review: f.svc})))
	t.Cleanup(api.Close)
	var ids []int64
	rows, err := f.pool.Query(ctx, `SELECT id FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		t.Fatalf("want two events, have %v", ids)
	}
	revoked, _, _ := review.CreateKey(ctx, f.pool, auth.CLI, "old", auth.RoleAdmin, "")
	if err := review.RevokeKey(ctx, f.pool, auth.CLI, revoked); err != nil {
		t.Fatal(err)
	}
	reviewerKey, _, _ := review.CreateKey(ctx, f.pool, auth.CLI, "bot", auth.RoleReviewer, "")

	post := func(query string, hdr map[string]string) (int, gqlResponse) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, api.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out gqlResponse
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	code := func(r gqlResponse) string {
		if len(r.Errors) == 0 {
			return ""
		}
		c, _ := r.Errors[0].Extensions["code"].(string)
		return c
	}

	_, intro := post(`{ __schema { mutationType { fields { name } } } }`, nil)
	var schema struct {
		Schema struct {
			MutationType struct{ Fields []struct{ Name string } } `json:"mutationType"`
		} `json:"__schema"`
	}
	if err := json.Unmarshal(intro.Data, &schema); err != nil || len(schema.Schema.MutationType.Fields) == 0 {
		t.Fatalf("introspection: %v %s", err, intro.Data)
	}
	auditBefore := auditCount(t, f)
	for _, fld := range schema.Schema.MutationType.Fields {
		ex, ok := mutationExamples[fld.Name]
		if !ok {
			t.Errorf("mutation %s has no example in the permission test", fld.Name)
			continue
		}
		q := ex.query
		if strings.Contains(q, "%[") {
			q = fmt.Sprintf(q, ids[0], ids[1])
		}
		if _, r := post(q, nil); code(r) != graph.CodeUnauthenticated {
			t.Errorf("%s anonymously: %+v", fld.Name, r)
		}
		if status, _ := post(q, map[string]string{"Authorization": "Bearer " + revoked}); status != http.StatusUnauthorized {
			t.Errorf("%s with a revoked key: HTTP %d", fld.Name, status)
		}
		if ex.admin {
			if _, r := post(q, map[string]string{"Authorization": "Bearer " + reviewerKey}); code(r) != graph.CodeForbidden {
				t.Errorf("%s with a reviewer key: %+v", fld.Name, r)
			}
		}
	}
	if n := auditCount(t, f); n != auditBefore {
		t.Errorf("refused mutations wrote %d audit entries", n-auditBefore)
	}

	// A staff session works from the same origin only.
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	cookie := ""
	for _, c := range b.c.Jar.Cookies(mustParse(t, f.srv.URL)) {
		cookie += c.Name + "=" + c.Value + "; "
	}
	q := fmt.Sprintf(mutationExamples["approveEvent"].query, ids[0])
	if status, _ := post(q, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}); status != http.StatusForbidden {
		t.Errorf("approveEvent with a session from another site: HTTP %d", status)
	}
	if _, r := post(q, map[string]string{"Cookie": cookie, "X-CSRF-Token": b.csrf}); len(r.Errors) > 0 {
		t.Errorf("approveEvent with a same-origin session: %+v", r.Errors)
	}

	// The reviewer key may edit; the log names it.
	if _, r := post(fmt.Sprintf(mutationExamples["updateEvent"].query, ids[1]), map[string]string{"Authorization": "Bearer " + reviewerKey}); len(r.Errors) > 0 || !bytes.Contains(r.Data, []byte(`"Neu"`)) {
		t.Errorf("updateEvent with a reviewer key: %s %+v", r.Data, r.Errors)
	}
	var actor string
	if err := f.pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'event.edit'`).Scan(&actor); err != nil || actor != "key:bot" {
		t.Errorf("audit actor of the key's edit: %q %v", actor, err)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
