package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

// TestPagesRender logs in and opens every page over a crawled mirror: each
// answers 200 with its CSP, in German by default and in English on request.
func TestPagesRender(t *testing.T) {
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen", "saqsen")
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	var evID string
	if err := f.pool.QueryRow(t.Context(), `SELECT id::text FROM events ORDER BY id LIMIT 1`).Scan(&evID); err != nil {
		t.Fatal(err)
	}
	var runID string
	if err := f.pool.QueryRow(t.Context(), `SELECT id::text FROM crawl_runs ORDER BY id LIMIT 1`).Scan(&runID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/admin/", "Prüfliste"},
		{"/admin/?state=all", "Prüfliste"},
		{"/admin/events/" + evID, "Rohdaten der Quelle"},
		{"/admin/duplicates", "Dubletten"},
		{"/admin/sources", "Kulturbüro Sachsen"},
		{"/admin/sources/saqsen", "Abrufe"},
		{"/admin/sources/saqsen/edit", "Quelle bearbeiten"},
		{"/admin/sources/new", "Quelle hinzufügen"},
		{"/admin/runs/" + runID, "Abruf #" + runID},
		{"/admin/audit", "Protokoll"},
	} {
		res, body := b.get(tc.path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want %q in\n%.2000s", tc.path, res.StatusCode, tc.want, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", tc.path, csp)
		}
	}
	b.get("/lang?l=en")
	if _, body := b.get("/admin/"); !strings.Contains(body, "Review queue") {
		t.Errorf("English switch: no English queue page")
	}
}

// TestBulk approves two entries and rejects a third from the queue form.
func TestBulk(t *testing.T) {
	f := setup(t)
	f.crawl(t, "verein-blog")
	b := f.browser(t)
	b.login("r@example.org", f.user(t, "r@example.org", auth.RoleReviewer))
	rows, err := f.pool.Query(t.Context(), `SELECT id::text FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		t.Fatalf("events: %v", ids)
	}
	res, _ := b.post("/admin/bulk", url.Values{"ids": ids, "action": {"reject"}, "reason": {"Doppelt"}, "next": {"/admin/"}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/?flash=saved" {
		t.Fatalf("bulk reject: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	var n int
	f.pool.QueryRow(t.Context(), `SELECT count(*) FROM events WHERE review = 'rejected'`).Scan(&n)
	if n != len(ids) {
		t.Errorf("%d of %d rejected", n, len(ids))
	}
	b.post("/admin/bulk", url.Values{"ids": ids[:1], "action": {"approve"}}, nil)
	f.pool.QueryRow(t.Context(), `SELECT count(*) FROM events WHERE review = 'published'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d published, want 1", n)
	}
	if res, _ := b.post("/admin/bulk", url.Values{"ids": {"x"}, "action": {"approve"}}, nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad id: %d", res.StatusCode)
	}
}
