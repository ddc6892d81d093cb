package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// retentionPages are two announcements of the Leipzig seed: one in
// September, one in October 2021.
var retentionPages = map[string]string{
	"/veranstaltungen/ag-mo/": `<h1>AG Migrant*innenorganisationen</h1><div class="entry-content">
		<p>Datum: Montag, 13. September 2021, 17:00 - 19:00 Uhr</p>
		<p>Ort: Werk 2, Kochstraße 132, 04277 Leipzig</p>
		<p>Das Ziel ist wieder der Austausch über Aktuelles, Herausforderungen, Projekte, Erfolge etc.</p></div>`,
	"/veranstaltungen/bfd/": `<h1>Informationsveranstaltung zum Bundesfreiwilligendienst</h1><div class="entry-content">
		<p>Datum: 21.10.2021, 16 bis 18 Uhr</p>
		<p>Ort: DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig)</p>
		<p>Wer Fragen zu dem Thema hat ist herzlich eingeladen.</p></div>`,
}

func retentionSite(w http.ResponseWriter, r *http.Request) {
	var page string
	switch {
	case r.URL.Path == "/veranstaltungen/":
		var b strings.Builder
		for p := range retentionPages {
			fmt.Fprintf(&b, `<article><h2 class="entry-title"><a href="%s">x</a></h2></article>`, p)
		}
		page = b.String()
	case retentionPages[r.URL.Path] != "":
		page = retentionPages[r.URL.Path]
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>`+page+`</body></html>`)
}

func TestPruneRaw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := httptest.NewServer(http.HandlerFunc(retentionSite))
	t.Cleanup(srv.Close)
	srcs, err := source.Parse([]byte(fmt.Sprintf(`
sources:
  - id: testverein
    name: Testverein
    url: %s/veranstaltungen/
    kind: html
    follow: "h2.entry-title a"
    fields: {title: h1, body: .entry-content}
    region: leipzig
    publish: auto
    allow_private: true
    delay: 1ms
    retries: 0
`, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2021, 8, 1, 12, 0, 0, 0, time.UTC)
	p := &ingest.Pipeline{Pool: pool, Now: func() time.Time { return ref }}
	if rep := p.CrawlSource(ctx, srcs[0]); rep.Status != "ok" || rep.EventsNew != 2 {
		t.Fatalf("first crawl: %+v", rep)
	}
	hashes := func() map[string]string {
		t.Helper()
		rows, err := pool.Query(ctx, `SELECT raw->>'title', raw_hash FROM items`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var title, hash string
			if err := rows.Scan(&title, &hash); err != nil {
				t.Fatal(err)
			}
			out[title] = hash
		}
		return out
	}
	// Two items that never became an event (no date found): one the source
	// stopped listing before the cutoff, one it still lists.
	for _, it := range []struct {
		key      string
		vanished any
	}{{"ohne-datum-alt", time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)}, {"ohne-datum-aktuell", nil}} {
		if _, err := pool.Exec(ctx, `INSERT INTO items (source_id, key, page_url, raw, raw_hash, normalize_error, vanished_at)
			VALUES ('testverein', $1, 'https://testverein.example/'||$1, jsonb_build_object('title', $1::text, 'html', '<p>x</p>', 'text', 'x'),
			        'h-'||$1, 'no date found', $2)`, it.key, it.vanished); err != nil {
			t.Fatal(err)
		}
	}
	before := hashes()

	cutoff := time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC)
	n, err := store.PruneRaw(ctx, pool, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("PruneRaw = %d, %v; want 2 (the September event's item and the item the source dropped)", n, err)
	}
	type rawState struct {
		hasHTML, hasText, pruned bool
		url, start               string
	}
	state := func(title string) rawState {
		t.Helper()
		var s rawState
		err := pool.QueryRow(ctx, `SELECT raw ? 'html', raw ? 'text', raw ? 'pruned', coalesce(raw->>'url', ''), coalesce(raw->>'start', raw->>'date', '')
			FROM items WHERE raw->>'title' = $1`, title).Scan(&s.hasHTML, &s.hasText, &s.pruned, &s.url, &s.start)
		if err != nil {
			t.Fatalf("item %q: %v", title, err)
		}
		return s
	}
	old := state("AG Migrant*innenorganisationen")
	if old.hasHTML || old.hasText || !old.pruned || !strings.HasSuffix(old.url, "/veranstaltungen/ag-mo/") {
		t.Errorf("past item after prune: %+v; want html and text gone, pruned mark, url kept", old)
	}
	later := state("Informationsveranstaltung zum Bundesfreiwilligendienst")
	if !later.hasHTML || !later.hasText || later.pruned {
		t.Errorf("later item after prune: %+v; want untouched", later)
	}
	if s := state("ohne-datum-alt"); s.hasHTML || !s.pruned {
		t.Errorf("dropped item without event after prune: %+v; want pruned", s)
	}
	if s := state("ohne-datum-aktuell"); !s.hasHTML || s.pruned {
		t.Errorf("listed item without event after prune: %+v; want untouched (staff see why it failed)", s)
	}
	if after := hashes(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("raw_hash changed by prune:\n before %v\n after  %v", before, after)
	}
	// Boilerplate learning and re-normalisation only see items that still
	// have their page.
	live, err := store.LiveItems(ctx, pool, "testverein")
	var liveTitles []string
	for _, it := range live {
		var raw struct{ Title string }
		_ = json.Unmarshal(it.Raw, &raw)
		liveTitles = append(liveTitles, raw.Title)
	}
	slices.Sort(liveTitles)
	if want := []string{"Informationsveranstaltung zum Bundesfreiwilligendienst", "ohne-datum-aktuell"}; err != nil || !slices.Equal(liveTitles, want) {
		t.Errorf("LiveItems after prune: %q, %v; want %q", liveTitles, err, want)
	}
	if n, err := store.PruneRaw(ctx, pool, cutoff); err != nil || n != 0 {
		t.Errorf("second PruneRaw = %d, %v; want 0 (already pruned)", n, err)
	}

	// A re-crawl of the unchanged pages must neither restore the page nor
	// count anything as new or updated.
	rep := p.CrawlSource(ctx, srcs[0])
	if rep.Status != "ok" || rep.EventsNew != 0 || rep.EventsUpdated != 0 || rep.Errors != 0 {
		t.Fatalf("re-crawl after prune: %+v; want 0 new, 0 updated", rep)
	}
	if s := state("AG Migrant*innenorganisationen"); s.hasHTML || !s.pruned {
		t.Errorf("re-crawl rewrote the pruned item: %+v", s)
	}

	// Everything before 2022 is past: the October item goes too.
	if n, err := store.PruneRaw(ctx, pool, time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || n != 1 {
		t.Errorf("PruneRaw(2022) = %d, %v; want 1", n, err)
	}
}
