package admin

import (
	"testing"

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
