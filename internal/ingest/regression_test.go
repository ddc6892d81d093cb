package ingest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestRegressionsShow: each run records its strategy and why; when all of
// a source's events disappear, or kind: auto reads the site another way
// than the run before, the report says so (staff pages and metrics read it).
func TestRegressionsShow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, s, srv := setup(t)

	// Selectors that stop matching after a redesign: every item vanishes.
	src := testSource(t, "redesign", srv.URL)
	first := p.CrawlSource(ctx, src)
	if first.Strategy != event.KindHTML || first.Regression.Any() {
		t.Fatalf("first crawl: %+v", first)
	}
	for _, path := range []string{"/veranstaltungen/ag-mo/", "/veranstaltungen/bfd/", "/veranstaltungen/selbstfuersorge/"} {
		s.set(path, "")
	}
	second := p.CrawlSource(ctx, src)
	if !second.Regression.DroppedToZero || second.Regression.StrategyChanged {
		t.Errorf("all items gone: regression %+v", second.Regression)
	}
	runs, err := store.RecentRuns(ctx, p.Pool, "redesign", 2)
	if err != nil || len(runs) != 2 || runs[0].LiveItems == nil || *runs[0].LiveItems != 0 || *runs[1].LiveItems != 3 {
		t.Fatalf("live items of the runs: %+v %v", runs, err)
	}
	if runs[0].Strategy != "html" || runs[0].StrategyReason == "" {
		t.Errorf("strategy recorded: %q %q", runs[0].Strategy, runs[0].StrategyReason)
	}

	// kind: auto on a site that first offers a list, then JSON-LD.
	var mu sync.Mutex
	jsonld := false
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ld := jsonld
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/termine/":
			head := ""
			if ld {
				head = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event","name":"Workshop",` +
					`"url":"/termine/a/","startDate":"2021-11-24T17:00:00+01:00"}</script>`
			}
			_, _ = w.Write([]byte(`<html lang="de"><head>` + head + `</head><body><main>` +
				`<div class="t"><h2><a href="/termine/a/">Workshop am 24.11.2021 in Leipzig</a></h2></div>` +
				`<div class="t"><h2><a href="/termine/b/">Infoabend am 2.12.2021 in Dresden</a></h2></div></main></body></html>`))
		case "/termine/a/", "/termine/b/":
			title := map[string]string{"/termine/a/": "Workshop am 24.11.2021 in Leipzig", "/termine/b/": "Infoabend am 2.12.2021 in Dresden"}[r.URL.Path]
			_, _ = w.Write([]byte(`<html lang="de"><body><article><h1>` + title + `</h1><p>` +
				strings.Repeat("Wir laden herzlich ein, mit uns zu diskutieren, zu lernen und zu feiern. ", 3) + `</p></article></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	auto := source.Source{ID: "auto-site", Name: "Auto", URL: site.URL + "/termine/", AllowPrivate: true}
	auto.ApplyDefaults()
	if auto.Kind != event.KindAuto {
		t.Fatalf("a source with only its URL is kind %q, want auto", auto.Kind)
	}
	auto.Delay.Duration = 0
	rep := p.CrawlSource(ctx, auto)
	if rep.Strategy != "list" || rep.EventsNew != 2 {
		t.Fatalf("auto, first crawl: %+v", rep)
	}
	mu.Lock()
	jsonld = true
	mu.Unlock()
	rep = p.CrawlSource(ctx, auto)
	if rep.Strategy != "jsonld" || !rep.Regression.StrategyChanged || rep.Regression.From != "list" || rep.Regression.To != "jsonld" {
		t.Errorf("auto, site now with JSON-LD: %+v", rep)
	}
}
