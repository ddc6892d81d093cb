package admin

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

// TestDuplicateSuggested: the blog's two posts of one event come up as a
// pair; once staff say they differ, the pair is gone.
func TestDuplicateSuggested(t *testing.T) {
	f := setup(t)
	f.crawl(t, "verein-blog")
	ctx := auth.WithPrincipal(t.Context(), auth.Principal{Email: "r@example.org", Role: auth.RoleReviewer})
	pairs, err := f.svc.Duplicates(ctx, clock, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 {
		t.Fatalf("got %d pairs, want the blog's two posts", len(pairs))
	}
	t.Logf("score %.2f %s %v", pairs[0].Evidence.Score, pairs[0].Evidence.Verdict, pairs[0].Evidence.Reasons)
	if err := f.svc.NotDuplicates(ctx, pairs[0].A.ID, pairs[0].B.ID); err != nil {
		t.Fatal(err)
	}
	if pairs, _ = f.svc.Duplicates(ctx, clock, 10); len(pairs) != 0 {
		t.Errorf("dismissed pair still suggested: %+v", pairs)
	}
}

// TestDuplicatesDefaultFrom: without a date the duplicates page starts at
// the earliest event awaiting review, so a pair announced for dates already
// past still shows (it once started at yesterday and showed nothing).
func TestDuplicatesDefaultFrom(t *testing.T) {
	f := setup(t)
	f.crawl(t, "verein-blog")
	later := clock.AddDate(1, 0, 0) // the blog's events (September 2021) are past
	h, err := NewHandler(f.pool, Options{Review: f.svc, InsecureCookies: true, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := f.browser(t)
	b.base = srv.URL
	b.login("r@example.org", f.user(t, "r@example.org", auth.RoleReviewer))
	res, body := b.get("/admin/duplicates")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="/admin/duplicates/merge"`) {
		t.Errorf("GET /admin/duplicates: %d, want the blog's pair in\n%.1500s", res.StatusCode, body)
	}
	if !strings.Contains(body, `value="2021-09-03"`) {
		t.Errorf("the date field does not show where the list starts (2021-09-03)")
	}
}

// TestMergeFlashLinks: after a merge the message links to the event kept
// (it once said "Gespeichert." and linked nowhere).
func TestMergeFlashLinks(t *testing.T) {
	f := setup(t)
	f.crawl(t, "verein-blog")
	ctx := auth.WithPrincipal(t.Context(), auth.Principal{Email: "r@example.org", Role: auth.RoleReviewer})
	pairs, err := f.svc.Duplicates(ctx, clock, 10)
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs: %v %v", pairs, err)
	}
	b := f.browser(t)
	b.login("r@example.org", f.user(t, "r@example.org", auth.RoleReviewer))
	b.get("/admin/duplicates")
	keep, drop := pairs[0].A.ID, pairs[0].B.ID
	res, _ := b.post("/admin/duplicates/merge", url.Values{"keep": {fmt.Sprint(keep)}, "drop": {fmt.Sprint(drop)}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", res.StatusCode)
	}
	_, body := b.get(res.Header.Get("Location"))
	if want := fmt.Sprintf(`<a href="/admin/events/%d">Termin ansehen</a>`, keep); !strings.Contains(body, want) {
		t.Errorf("after the merge, want %s in the flash of\n%.1500s", want, body)
	}
}
