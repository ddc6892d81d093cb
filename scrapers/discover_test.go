package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

const testICal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1@x\r\nDTSTART:20211124T170000Z\r\n" +
	"SUMMARY:Werkstattgespräch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// discoverSite serves a handful of paths on loopback and records which
// were asked for.
type discoverSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string
}

func newDiscoverSite(t *testing.T, files map[string]string) *discoverSite {
	t.Helper()
	s := &discoverSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits = append(s.hits, r.URL.RequestURI())
		s.mu.Unlock()
		body, ok := files[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body = strings.ReplaceAll(body, "{{BASE}}", "http://"+r.Host)
		switch {
		case strings.HasPrefix(body, "BEGIN:VCALENDAR"):
			w.Header().Set("Content-Type", "text/calendar")
		case strings.HasPrefix(body, "{"):
			w.Header().Set("Content-Type", "application/json")
		case strings.HasPrefix(body, "<?xml"):
			w.Header().Set("Content-Type", "application/xml")
		case r.URL.Path == "/robots.txt":
			w.Header().Set("Content-Type", "text/plain")
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *discoverSite) asked(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hits {
		if h == uri {
			return true
		}
	}
	return false
}

func autoSource(u string) source.Source {
	return source.Source{ID: "t", Name: "T", URL: u, Kind: event.KindAuto, AllowPrivate: true}
}

const plainList = `<html><body><main><h1>Termine</h1>
<div class="termin"><h2><a href="/t/a/">Workshop am 24.11.2021 in Leipzig</a></h2></div>
<div class="termin"><h2><a href="/t/b/">Infoabend am 2.12.2021 in Dresden</a></h2></div>
</main></body></html>`

func TestDiscoverStrategies(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		start    string
		strategy string
		url      string // the plan's source URL, when it changes
		follow   string
		noAsk    string // a URI discovery must not request
	}{
		{name: "feed at the start URL", start: "/feed.ics", strategy: StrategyFeed,
			files: map[string]string{"/feed.ics": testICal}},
		{name: "linked calendar", start: "/termine/", strategy: StrategyFeed, url: "/export/termine.ics",
			files: map[string]string{"/termine/": `<html><head><link rel="alternate" type="text/calendar" href="/export/termine.ics"></head>` +
				`<body><p>Unsere Termine</p></body></html>`, "/export/termine.ics": testICal}},
		{name: "webcal link", start: "/termine/", strategy: StrategyFeed, url: "/cal.ics",
			files: map[string]string{"/termine/": `<html><body><a href="webcal://{{HOST}}/cal.ics">Abonnieren</a></body></html>`,
				"/cal.ics": testICal}},
		{name: "per-event exports are not the feed", start: "/t/", strategy: StrategyList, noAsk: "/e1.ics",
			files: map[string]string{"/t/": strings.Replace(plainList, "</main>", `<a href="/e1.ics">ics</a><a href="/e2.ics">ics</a><a href="/e3.ics">ics</a></main>`, 1),
				"/e1.ics": testICal, "/t/a/": `<html><body><h1>Workshop am 24.11.2021 in Leipzig</h1></body></html>`}},
		{name: "events calendar export", start: "/events/", strategy: StrategyFeed, url: "/events/?ical=1",
			files: map[string]string{"/events/": `<html><head><link rel="https://api.w.org/" href="/wp-json/"></head><body><p>Kalender</p></body></html>`,
				"/events/?ical=1": testICal, "/wp-json/tribe/events/v1/events": `{"events":[{"id":1}],"total":1}`}},
		{name: "events calendar REST API without the export", start: "/events/", strategy: StrategyREST, url: "/wp-json/tribe/events/v1/events",
			files: map[string]string{"/events/": `<html><head><link rel="https://api.w.org/" href="/wp-json/"></head><body><p>Kalender</p></body></html>`,
				"/wp-json/tribe/events/v1/events": `{"events":[{"id":1,"title":"A","start_date":"2021-11-24 17:00:00"}],"total":1}`}},
		{name: "JSON-LD on the page", start: "/ev/", strategy: StrategyJSONLD,
			files: map[string]string{"/ev/": `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"Event",` +
				`"name":"Fest","startDate":"2021-11-24T17:00:00+01:00"}</script></head><body></body></html>`}},
		{name: "h-event microformats", start: "/ev/", strategy: StrategyJSONLD,
			files: map[string]string{"/ev/": `<html><body><div class="h-event"><h2 class="p-name">Fest</h2>` +
				`<time class="dt-start" datetime="2021-11-24 17:00">24.11.</time></div></body></html>`}},
		{name: "sitemap from robots.txt", start: "/t/", strategy: StrategySitemap,
			files: map[string]string{"/t/": plainList, "/robots.txt": "User-agent: *\nDisallow:\nSitemap: {{BASE}}/maps/s.xml\n",
				"/maps/s.xml": `<?xml version="1.0"?><urlset><url><loc>{{BASE}}/t/a/</loc></url><url><loc>{{BASE}}/t/b/</loc></url>` +
					`<url><loc>{{BASE}}/t/page/2/</loc></url><url><loc>{{BASE}}/impressum/</loc></url></urlset>`,
				"/t/a/": `<html><body><h1>Workshop am 24.11.2021 in Leipzig</h1><p>Text</p></body></html>`}},
		{name: "list of links", start: "/t/", strategy: StrategyList, follow: "h2 a",
			files: map[string]string{"/t/": plainList, "/t/a/": `<html><body><h1>Workshop am 24.11.2021 in Leipzig</h1></body></html>`}},
		{name: "robots.txt keeps discovery off the sitemap", start: "/t/", strategy: StrategyList, noAsk: "/maps/s.xml",
			files: map[string]string{"/t/": plainList, "/robots.txt": "User-agent: *\nDisallow: /maps/\nSitemap: {{BASE}}/maps/s.xml\n",
				"/maps/s.xml": `<?xml version="1.0"?><urlset><url><loc>{{BASE}}/t/a/</loc></url><url><loc>{{BASE}}/t/b/</loc></url></urlset>`}},
		{name: "posts feed when there is no list", start: "/blog/", strategy: StrategyPosts,
			files: map[string]string{"/blog/": `<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head><body><h1>Blog</h1></body></html>`,
				"/feed/": `<?xml version="1.0"?><rss version="2.0"><channel><item><link>{{BASE}}/p/1/</link></item>` +
					`<item><link>https://elsewhere.example/p/2/</link></item></channel></rss>`,
				"/p/1/": `<html><head><title>Fest am 3.9.</title></head><body><h1>Fest am 3.9.</h1></body></html>`}},
		{name: "nothing found", start: "/about/", strategy: StrategyPage,
			files: map[string]string{"/about/": `<html><body><h1>Über uns</h1><p>Wir sind ein Verein.</p></body></html>`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			site := newDiscoverSite(t, files)
			for k, v := range tc.files {
				files[k] = strings.ReplaceAll(v, "{{HOST}}", strings.TrimPrefix(site.URL, "http://"))
			}
			p, err := Discover(context.Background(), autoSource(site.URL+tc.start), Options{NoPoliteness: true})
			if err != nil {
				t.Fatal(err)
			}
			if p.Strategy != tc.strategy {
				t.Fatalf("strategy %s (%s), want %s", p.Strategy, p.Reason, tc.strategy)
			}
			if p.Reason == "" {
				t.Error("no reason given")
			}
			if tc.url != "" && p.Source.URL != site.URL+tc.url {
				t.Errorf("source url %s, want %s", p.Source.URL, site.URL+tc.url)
			}
			if tc.follow != "" && p.Source.Follow != tc.follow {
				t.Errorf("follow %q, want %q", p.Source.Follow, tc.follow)
			}
			if p.Source.Kind == event.KindAuto {
				t.Error("the plan's source is still kind auto")
			}
			if tc.noAsk != "" && site.asked(tc.noAsk) {
				t.Errorf("discovery fetched %s", tc.noAsk)
			}
			if p.Requests > discoverBudget {
				t.Errorf("%d requests, budget %d", p.Requests, discoverBudget)
			}
			if tc.strategy == StrategyPosts && len(p.Seeds) != 1 {
				t.Errorf("seeds %v, want the one post on the site", p.Seeds)
			}
			if tc.strategy == StrategySitemap && len(p.Seeds) != 2 {
				t.Errorf("seeds %v, want the two pages under /t/ (not its pagination, not /impressum/)", p.Seeds)
			}
		})
	}
}

// TestDiscoverGuarded: discovery is refused a private address like any
// crawl, and a start page that is neither HTML nor a feed is an error.
func TestDiscoverGuarded(t *testing.T) {
	site := newDiscoverSite(t, map[string]string{"/x.json": `{"a":1}`})
	src := autoSource(site.URL + "/")
	src.AllowPrivate = false
	if _, err := Discover(context.Background(), src, Options{}); err == nil {
		t.Error("discovery of a loopback URL without allow_private: no error")
	}
	_, err := Discover(context.Background(), autoSource(site.URL+"/x.json"), Options{NoPoliteness: true})
	if err == nil || !strings.Contains(err.Error(), "not HTML") {
		t.Errorf("JSON start page: err %v", err)
	}
	_, err = Discover(context.Background(), autoSource(site.URL+"/missing/"), Options{NoPoliteness: true})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusNotFound {
		t.Errorf("missing start page: err %v, want a 404 StatusError", err)
	}
}

// TestHEvent maps h-event microformats to items like JSON-LD: name, start
// and end (with the space microformats allow), location, url, content.
func TestHEvent(t *testing.T) {
	hp, err := parseHTML([]byte(`<html><body>
<article class="h-event"><h1 class="p-name">Werkstattgespräch Leipzig</h1>
<p><time class="dt-start" datetime="2021-11-24 17:00">24. November, 17 Uhr</time> bis <abbr class="dt-end" title="2021-11-24T19:00:00+01:00">19 Uhr</abbr></p>
<p class="p-location">Werk 2, Kochstraße 132, 04277 Leipzig</p>
<a class="u-url" href="/termine/werkstatt/">Link</a>
<div class="e-content"><p>Mitreden bei den <b>Integrativen Maßnahmen</b>.</p></div>
<div class="h-event"><span class="p-name">Teil 2</span><data class="dt-start" value="2021-12-08"></data></div>
</article>
<div class="h-event"><span class="p-name">Ohne Datum</span></div>
</body></html>`), "https://example.org/termine/")
	if err != nil {
		t.Fatal(err)
	}
	items := hp.hEventItems(0)
	if len(items) != 1 {
		t.Fatalf("%d items, want 1 (the nested event belongs to its parent, one without a start is none): %+v", len(items), items)
	}
	it := items[0]
	if it.Title != "Werkstattgespräch Leipzig" || it.Start != "2021-11-24T17:00" || it.End != "2021-11-24T19:00:00+01:00" ||
		it.URL != "https://example.org/termine/werkstatt/" || it.Key != it.URL ||
		it.Location == nil || !strings.Contains(it.Location.Text, "Kochstraße 132") || !strings.Contains(it.Text, "Integrativen Maßnahmen") {
		t.Errorf("item: %+v (location %+v)", it, it.Location)
	}
	if got := hp.hEventItems(1); got != nil {
		t.Errorf("with JSON-LD events on the page, h-event is skipped: %+v", got)
	}
}

// TestCrawlTribeREST crawls a site whose only machine-readable source is
// The Events Calendar's REST API, over two pages of it.
func TestCrawlTribeREST(t *testing.T) {
	site := newDiscoverSite(t, map[string]string{
		"/events/": `<html><head><link rel="https://api.w.org/" href="{{BASE}}/wp-json/"></head><body><p>Kalender</p></body></html>`,
		"/wp-json/tribe/events/v1/events": `{"events":[{"id":1,"url":"{{BASE}}/event/a/","title":"Werkstattgespr&auml;ch",` +
			`"description":"<p>Mitreden</p>","start_date":"2021-11-24 17:00:00","end_date":"2021-11-24 19:00:00","timezone":"Europe/Berlin",` +
			`"venue":{"venue":"Werk 2","address":"Kochstraße 132","city":"Leipzig","zip":"04277"},"organizer":[{"organizer":"DSM"}]}],` +
			`"total":2,"total_pages":2,"next_rest_url":"{{BASE}}/wp-json/tribe/events/v1/events?page=2"}`,
		"/wp-json/tribe/events/v1/events?page=2": `{"events":[{"id":2,"url":"{{BASE}}/event/b/","title":"Tag der offenen Tür",` +
			`"start_date":"2021-12-04 00:00:00","end_date":"2021-12-04 23:59:59","all_day":true,"venue":[]}],"total":2,"total_pages":2}`,
	})
	var items []event.Item
	sum, err := Crawl(context.Background(), autoSource(site.URL+"/events/"), Options{NoPoliteness: true}, func(p Page) {
		if p.Err != nil {
			t.Errorf("%s: %v", p.URL, p.Err)
		}
		items = append(items, p.Items...)
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Plan == nil || sum.Plan.Strategy != StrategyREST || !sum.Complete || sum.Pages != 2 {
		t.Fatalf("summary %+v plan %+v", sum, sum.Plan)
	}
	if len(items) != 2 {
		t.Fatalf("%d items, want 2: %+v", len(items), items)
	}
	a, b := items[0], items[1]
	if a.URL == site.URL+"/event/b/" {
		a, b = b, a
	}
	if a.Title != "Werkstattgespräch" || a.Start != "2021-11-24T17:00:00" || a.End != "2021-11-24T19:00:00" ||
		a.Location == nil || a.Location.City != "Leipzig" || a.Organizer != "DSM" || a.Text != "Mitreden" {
		t.Errorf("timed event: %+v %+v", a, a.Location)
	}
	if b.Start != "2021-12-04" || b.End != "2021-12-04" || b.Location != nil {
		t.Errorf("all-day event: %+v", b)
	}
}

func TestPostsFeed(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want []string
	}{
		"rss":  {`<rss version="2.0"><channel><title>x</title><item><link> https://e.org/a/ </link></item><item><link>https://e.org/b/</link></item></channel></rss>`, []string{"https://e.org/a/", "https://e.org/b/"}},
		"atom": {`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="https://e.org/s"/><link rel="alternate" href="https://e.org/a/"/></entry><entry><link href="https://e.org/b/"/></entry></feed>`, []string{"https://e.org/a/", "https://e.org/b/"}},
	} {
		got, err := postsFeed([]byte(tc.body))
		if err != nil || strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: %v %v, want %v", name, got, err, tc.want)
		}
	}
	if _, err := postsFeed([]byte(`<html><body>no</body></html>`)); err == nil {
		t.Error("HTML read as a feed")
	}
}

// TestNumberedPager: a pager of page numbers alone, as WordPress and
// Drupal render it without a "next" link, is followed page by page.
func TestNumberedPager(t *testing.T) {
	list := func(n int) string {
		var b strings.Builder
		b.WriteString(`<html><body><main>`)
		for i := 0; i < 2; i++ {
			fmt.Fprintf(&b, `<div class="t"><h2><a href="/t/%d-%d/">Workshop %d am %d.11.2021 in Leipzig</a></h2></div>`, n, i, i, 10+n)
		}
		b.WriteString(`<nav class="pagination">`)
		for p := 1; p <= 3; p++ {
			if p == n {
				fmt.Fprintf(&b, `<span aria-current="page" class="page-numbers current">%d</span>`, p)
			} else {
				fmt.Fprintf(&b, `<a class="page-numbers" href="/t/page/%d/">%d</a>`, p, p)
			}
		}
		b.WriteString(`</nav></main></body></html>`)
		return b.String()
	}
	files := map[string]string{"/t/": list(1), "/t/page/1/": list(1), "/t/page/2/": list(2), "/t/page/3/": list(3)}
	for n := 1; n <= 3; n++ {
		for i := 0; i < 2; i++ {
			files[fmt.Sprintf("/t/%d-%d/", n, i)] = fmt.Sprintf(`<html><body><h1>Workshop %d am %d.11.2021 in Leipzig</h1></body></html>`, i, 10+n)
		}
	}
	site := newDiscoverSite(t, files)
	items := 0
	sum, err := Crawl(context.Background(), autoSource(site.URL+"/t/"), Options{NoPoliteness: true}, func(p Page) { items += len(p.Items) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Plan.Source.Next != "span.current + a" || items != 6 {
		t.Errorf("next %q, %d items (want span.current + a, 6 from three pages); %s", sum.Plan.Source.Next, items, sum.Plan.Reason)
	}
}
