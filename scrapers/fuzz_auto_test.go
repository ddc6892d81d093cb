package scrapers

import (
	"net/url"
	"os"
	"strings"
	"testing"
)

// Whatever a page holds, the inference of kind: auto never panics, and
// every selector it writes compiles.
func FuzzInferList(f *testing.F) {
	for _, name := range []string{"testdata/broken/veranstaltung.html", "testdata/drupal/veranstaltung/multiplikatorinnen-fortbildung.html"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<main><div class="t"><h2><a href="/a/">Workshop am 24.11.2021</a></h2></div><div class="t"><h2><a href="/b/">Infoabend am 2.12.2021</a></h2></div><a rel="next" href="?page=2">Weiter</a></main>`))
	f.Add([]byte(`<article class="termin"><h3>Fest</h3><p>19. Mär 2021 - 19:00, Leipzig, Werk 2 und so weiter</p></article><article class="termin"><h3>Treff</h3><p>24. Mär 2021 - 14:00 bis 17:00 im Büro</p></article>`))
	f.Fuzz(func(t *testing.T, page []byte) {
		hp, err := parseHTML(page, "https://example.org/termine/")
		if err != nil {
			return
		}
		g := hp.inferList()
		src := testSource("https://example.org/", "html")
		src.Follow, src.Next, src.Fields.Item, src.Fields.Title = g.Follow, g.Next, g.Item, g.Title
		if _, err := compileSelectors(src); err != nil {
			t.Fatalf("inferred selectors do not compile: %v (%+v)", err, g)
		}
		hp.readable(nil)
		hp.inferTitle("Workshop am 24.11.2021")
		hp.hEventItems(0)
		hp.calendarLinks()
		hp.postsFeedLinks()
	})
}

// Sitemaps, posts feeds and REST answers from any server parse or fail
// cleanly; what they give is bounded.
func FuzzDiscoveryDocuments(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><urlset><url><loc>https://example.org/termine/a/</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>https://example.org/s1.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte(`<rss><channel><item><link>https://example.org/p/</link></item></channel></rss>`))
	f.Add([]byte(`{"events":[{"id":1,"title":"A","start_date":"2021-11-24 17:00:00","venue":{"venue":"x"}}],"next_rest_url":"https://example.org/n"}`))
	start, _ := url.Parse("https://example.org/termine/")
	f.Fuzz(func(t *testing.T, doc []byte) {
		if pages, maps, err := parseSitemap(doc); err == nil {
			if len(pages) > maxSitemapURLs || len(maps) > maxSitemaps {
				t.Fatalf("sitemap unbounded: %d pages, %d sitemaps", len(pages), len(maps))
			}
			for _, u := range underStart(start, pages) {
				if !strings.HasPrefix(u, "https://example.org/termine/") {
					t.Fatalf("%s is not under the start URL", u)
				}
			}
		}
		if links, err := postsFeed(doc); err == nil && len(links) > maxFeedPosts {
			t.Fatalf("posts feed unbounded: %d", len(links))
		}
		if items, _, _, err := tribeItems(doc, "https://example.org/wp-json/tribe/events/v1/events"); err == nil {
			for _, it := range items {
				if it.Key == "" || it.Title == "" || it.Start == "" {
					t.Fatalf("incomplete item %+v", it)
				}
			}
		}
		isCalendar(doc)
		robotsSitemaps(doc)
	})
}
