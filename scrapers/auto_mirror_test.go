package scrapers

import (
	"context"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// mirrorSources loads sources.demo.yaml pointed at a loopback mirror,
// without retries, so the mirror's slow page costs its timeout once.
func mirrorSources(t *testing.T) map[string]source.Source {
	t.Helper()
	srv := httptest.NewServer(demosites.Handler())
	t.Cleanup(srv.Close)
	t.Setenv("DEMO_BASE", srv.URL)
	srcs, err := source.Load("../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]source.Source{}
	for _, s := range srcs {
		if s.Disabled {
			continue
		}
		// Each source keeps its own timeout (3 s on the site with the slow
		// page): a shorter one could fail an ordinary page on a loaded
		// machine and make the two crawls differ.
		zero := 0
		s.Retries = &zero
		out[s.ID] = s
	}
	return out
}

// autoOf is a source as a partner would add it: its URL, nothing else.
func autoOf(s source.Source) source.Source {
	s.Kind, s.Follow, s.Next, s.Fields = event.KindAuto, "", "", source.Fields{}
	return s
}

// mirrorEvents crawls a source and normalises what it finds, as ingest
// does: the start times of the events, sorted.
func mirrorEvents(t *testing.T, src source.Source) ([]string, Summary) {
	t.Helper()
	ref := time.Date(2021, 6, 1, 12, 0, 0, 0, event.Berlin)
	var starts []string
	sum, err := Crawl(context.Background(), src, Options{NoPoliteness: true, AllowPrivate: true}, func(p Page) {
		for _, it := range p.Items {
			drafts, err := normalize.Normalize(it, normalize.Options{Ref: ref, DefaultRegion: src.Region,
				DefaultLanguages: src.Languages, Organizer: src.Organizer})
			if err != nil {
				continue
			}
			for _, d := range drafts {
				starts = append(starts, d.Start.In(event.Berlin).Format("2006-01-02 15:04"))
			}
		}
	})
	if err != nil {
		t.Fatalf("crawl %s (%s): %v", src.ID, src.Kind, err)
	}
	sort.Strings(starts)
	return starts, sum
}

// TestAutoMatchesSelectors is the acceptance test: every source of
// the offline mirror, its follow/next/fields removed and kind: auto, yields
// at least 90 % of the events its hand-written selectors yield, on the same
// dates. The mirror's templates are WordPress (with and without The Events
// Calendar), TYPO3, Drupal, Ghost, a hand-built table CMS, a month calendar
// and an iCal feed.
func TestAutoMatchesSelectors(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the whole mirror twice")
	}
	srcs := mirrorSources(t)
	ids := make([]string, 0, len(srcs))
	for id := range srcs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			src := srcs[id]
			hand, _ := mirrorEvents(t, src)
			auto, sum := mirrorEvents(t, autoOf(src))
			if sum.Plan == nil {
				t.Fatal("no plan recorded for kind: auto")
			}
			same := sameCount(hand, auto)
			t.Logf("%s: %d events by selectors, %d by auto, %d on the same dates; strategy %s: %s",
				id, len(hand), len(auto), same, sum.Plan.Strategy, sum.Plan.Reason)
			if len(hand) == 0 {
				t.Fatal("the hand-written selectors find no events: the mirror changed")
			}
			if same*10 < len(hand)*9 {
				t.Errorf("auto found %d of %d events on the same dates (want ≥ 90 %%)\nselectors: %v\nauto:      %v",
					same, len(hand), hand, auto)
			}
			if len(auto) > len(hand)+len(hand)/5+1 {
				t.Errorf("auto found %d events, selectors %d: auto reads too much as announcements", len(auto), len(hand))
			}
		})
	}
}

// TestAutoTribeREST: the DSM mirror's Events Calendar REST API, given as
// the start URL, yields the events the site's JSON-LD pages yield, on the
// same dates.
func TestAutoTribeREST(t *testing.T) {
	src := mirrorSources(t)["dsm-sachsen"]
	hand, _ := mirrorEvents(t, src)
	rest := autoOf(src)
	rest.URL = strings.Replace(src.URL, "/dsm/veranstaltungen/", demosites.TribeRESTPath, 1)
	auto, sum := mirrorEvents(t, rest)
	if sum.Plan == nil || sum.Plan.Strategy != StrategyREST {
		t.Fatalf("plan %+v", sum.Plan)
	}
	if same := sameCount(hand, auto); same != len(hand) || len(auto) != len(hand) {
		t.Errorf("REST: %d events, %d on the JSON-LD pages' dates, want %d\nJSON-LD: %v\nREST:    %v", len(auto), same, len(hand), hand, auto)
	}
}

// sameCount is the size of the intersection of two sorted multisets.
func sameCount(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n, i, j = n+1, i+1, j+1
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
