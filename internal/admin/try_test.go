package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/browsertest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// rowCounts is what a preview must leave alone: every table a crawl
// writes to.
func rowCounts(t *testing.T, f *fixture) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"sources", "crawl_runs", "items", "events", "fetches", "audit_log"} {
		var n int
		if err := f.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// TestTryForm posts the "Test this source" form: admins get the preview,
// reviewers are refused before anything is fetched, bad input is answered
// in words, and nothing is written.
func TestTryForm(t *testing.T) {
	f := setup(t)
	adminPW := f.user(t, "admin@example.org", auth.RoleAdmin)
	reviewerPW := f.user(t, "reviewer@example.org", auth.RoleReviewer)
	before := rowCounts(t, f)

	rv := f.browser(t)
	rv.login("reviewer@example.org", reviewerPW)
	if res, _ := rv.post("/admin/sources/try", url.Values{"url": {f.mirror.URL + "/pokubi/veranstaltungen"}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer: %d, want 403", res.StatusCode)
	}

	ad := f.browser(t)
	ad.login("admin@example.org", adminPW)
	ad.get("/admin/sources/try")
	res, body := ad.post("/admin/sources/try", url.Values{"url": {f.mirror.URL + "/adb-sachsen/termine/2021-03/"}, "max_pages": {"2"}}, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{`id="try-strategy">items<`, `id="try-events"`, "kind: auto", "article.termin"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview page lacks %q", want)
		}
	}
	res, body = ad.post("/admin/sources/try", url.Values{"url": {"javascript:alert(1)"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "http://") {
		t.Errorf("bad URL: %d", res.StatusCode)
	}
	if after := rowCounts(t, f); !equalCounts(before, after) {
		t.Errorf("the preview wrote to the database: before %v, after %v", before, after)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestRegressionNote: when a source's strategy changes between runs, its
// staff pages say so (the public partner page: calendar.TestPartnerPage).
func TestRegressionNote(t *testing.T) {
	f := setup(t)
	f.crawl(t, "saqsen")
	ctx := context.Background()
	r, err := store.StartRun(ctx, f.pool, "saqsen")
	if err != nil {
		t.Fatal(err)
	}
	r.Status, r.Strategy, r.StrategyReason = "ok", "sitemap", "sitemap.xml lists 53 pages"
	if err := store.FinishRun(ctx, f.pool, r); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	if _, body := b.get("/admin/sources/saqsen"); !strings.Contains(body, `id="regression"`) {
		t.Error("source page shows no strategy change")
	}
	if _, body := b.get(fmt.Sprintf("/admin/runs/%d", r.ID)); !strings.Contains(body, "sitemap.xml lists 53 pages") {
		t.Error("run page shows no strategy and reason")
	}
}

// TestBrowserTrySource drives "Test this source" in headless Chromium: from
// the sources list to the preview of a mirror site, its events and the
// YAML entry, then on to the new-source form prefilled with kind auto.
func TestBrowserTrySource(t *testing.T) {
	if _, ok := browsertest.Path(); !ok {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set CHROMIUM); skipping the source preview browser test")
	}
	f := setup(t)
	pw := f.user(t, "redaktion@example.org", auth.RoleAdmin)
	before := rowCounts(t, f)
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 900, Timeout: 2 * time.Minute})
	consoleErrors := browsertest.Console(ctx)
	shots := browsertest.ArtifactDir(t, "screenshots")
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// follow clicks (or submits) what leads to another page, waits until
	// that page has loaded, then for ready. Waiting for ready alone could
	// find the node while the navigation was still under way; the document
	// update that ends it (DOM.documentUpdated) drops every node id, and the
	// next action then failed with "Could not find node with given id"
	// (seen once under -race).
	follow := func(what string, click chromedp.Action[chromedp.Void], ready string) {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, click)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if resp.Status >= 400 {
			t.Fatalf("%s: HTTP %d", what, resp.Status)
		}
		run(what, chromedp.WaitVisible(ready))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	run("log in", chromedp.Navigate(f.srv.URL+"/login"), chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, "redaktion@example.org"), chromedp.SendKeys(`input[name=password]`, pw))
	follow("log in", chromedp.Submit(`input[name=password]`), `a[href="/admin/sources"]`)
	run("sources", chromedp.Navigate(f.srv.URL+"/admin/sources"), chromedp.WaitVisible(`a[href="/admin/sources/try"]`))
	follow("open the preview", chromedp.Click(`a[href="/admin/sources/try"]`), `#try-url`)
	run("type the URL", chromedp.SendKeys(`#try-url`, f.mirror.URL+"/kulturbuero-dresden/spot-on/termine.html"),
		chromedp.SetValue(`input[name=max_pages]`, "3"))
	if _, err := browsertest.Screenshot(ctx, shots, "admin-try-form"); err != nil {
		t.Fatal(err)
	}
	follow("test", chromedp.Click(`#try-run`), `#try-result`)
	if _, err := browsertest.Screenshot(ctx, shots, "admin-try-result"); err != nil {
		t.Fatal(err)
	}
	if s := text(`#try-strategy`); s != "list" {
		t.Errorf("strategy %q, want list", s)
	}
	events := text(`#try-events tbody`)
	for _, want := range []string{"Digitalisierung im Ehrenamt", "17.09.2022 10:00", "Meißen"} {
		if !strings.Contains(events, want) {
			t.Errorf("events lack %q:\n%s", want, events)
		}
	}
	if y := text(`#try-yaml`); !strings.Contains(y, "kind: auto") {
		t.Errorf("yaml entry: %q", y)
	}
	if y := text(`#try-yaml-sel`); !strings.Contains(y, "follow: td.titel a") {
		t.Errorf("selectors entry: %q", y)
	}
	follow("save as source", chromedp.Click(`#try-save`), `input[name=id]`)
	url, err := chromedp.Run(ctx, chromedp.Value(`input[name=url]`))
	if err != nil || !strings.HasSuffix(url, "/kulturbuero-dresden/spot-on/termine.html") {
		t.Errorf("new-source form URL %q (%v)", url, err)
	}
	kind, err := chromedp.Run(ctx, chromedp.Value(`select[name=kind]`))
	if err != nil || kind != "auto" {
		t.Errorf("new-source form kind %q (%v), want auto", kind, err)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	if after := rowCounts(t, f); !equalCounts(before, after) {
		t.Errorf("the preview wrote to the database: before %v, after %v", before, after)
	}
}
