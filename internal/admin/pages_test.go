package admin

import (
	"net/http"
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
		{"/partners/saqsen", "https://schema.org"},
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
