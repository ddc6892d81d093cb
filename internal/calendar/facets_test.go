package calendar

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	goical "github.com/emersion/go-ical"

	"github.com/treffpunkt/treffpunkt/internal/search"
)

// setupFacets is setup with facet values on three events, as the
// normaliser writes them into the draft (the generated columns map them to
// the facet slugs).
func setupFacets(t testing.TB, opts Options) *env {
	t.Helper()
	e := setup(t, opts)
	for uid, set := range map[string]string{
		"tp-sprachcafe":  `cost_free = true, registration_required = false, draft = draft || '{"audience": ["young_people"], "accessibility": ["childcare"]}'`,
		"tp-mo-treffen":  `cost_free = true, registration_required = true, draft = draft || '{"audience": ["multipliers"], "accessibility": ["wheelchair"]}'`,
		"tp-anerkennung": `cost_free = false, draft = draft || '{"accessibility": ["sign_language", "interpreting"]}'`,
	} {
		if _, err := e.pool.Exec(context.Background(), `UPDATE events SET `+set+` WHERE uid = $1`, uid); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestFeedFacetParams: the facets of issue 15 as URL parameters (free=1,
// registration=1|0, audience=…, access=…, repeatable) select the same
// events as the search with the same filter.
func TestFeedFacetParams(t *testing.T) {
	e := setupFacets(t, Options{})
	today := berlin(2026, 3, 1, 0, 0)
	cases := []struct {
		query  string
		filter search.Filter
		want   []string
	}{
		{"free=1", search.Filter{From: tm(today), Free: ptr(true)}, []string{"tp-sprachcafe", "tp-mo-treffen"}},
		{"free=0", search.Filter{From: tm(today), Free: ptr(false)}, []string{"tp-anerkennung"}},
		{"registration=0", search.Filter{From: tm(today), Registration: ptr(false)}, []string{"tp-sprachcafe"}},
		{"audience=youth,multipliers", search.Filter{From: tm(today), Audience: []string{"youth", "multipliers"}}, []string{"tp-sprachcafe", "tp-mo-treffen"}},
		{"access=sign_language&access=barrier_free", search.Filter{From: tm(today), Access: []string{"sign_language", "barrier_free"}}, []string{"tp-mo-treffen", "tp-anerkennung"}},
		{"free=true&access=childcare&region=chemnitz", search.Filter{From: tm(today), Free: ptr(true), Access: []string{"childcare"}, Regions: []string{"chemnitz"}}, []string{"tp-sprachcafe"}},
	}
	s := search.NewPostgres(e.pool)
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			b := mustStatus(t, e.get(t, "/calendar.ics?"+c.query), http.StatusOK)
			var feed []int64
			for _, ev := range parse(t, b).Events() {
				feed = append(feed, e.ids[ev.Props.Get(goical.PropUID).Value])
			}
			if api := searchIDs(t, s, c.filter); !slices.Equal(feed, api) {
				t.Errorf("feed %v, search %v", e.names(feed), e.names(api))
			}
			if got := e.names(feed); !slices.Equal(got, c.want) {
				t.Errorf("feed has %v, want %v", got, c.want)
			}
		})
	}
	for _, q := range []string{"free=maybe", "registration=2", "audience=aliens", "access=barrier_free,teleport"} {
		if r := e.get(t, "/calendar.json?"+q); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, r.StatusCode)
		}
	}
	// Canonical URLs (ETags, subscribe links) write yes/no facets as 1/0.
	v, _ := url.ParseQuery("access=childcare&free=true&q=x&registration=FALSE&audience=youth,women")
	if got, want := filterValues(v).Encode(), "access=childcare&audience=youth&audience=women&free=1&q=x&registration=0"; got != want {
		t.Errorf("canonical %s, want %s", got, want)
	}
}
