package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// Strategies discovery can choose for a kind: auto source, in the order it
// tries them.
const (
	StrategyJSONLD  = "jsonld"     // schema.org Events in JSON-LD, microdata or h-event
	StrategyFeed    = "ical"       // an iCalendar feed the site offers
	StrategyREST    = "tribe-rest" // The Events Calendar's REST API (WordPress)
	StrategySitemap = "sitemap"    // detail pages listed in sitemap.xml
	StrategyList    = "list"       // a list of links to detail pages found on the page
	StrategyItems   = "items"      // a list page that carries whole announcements
	StrategyPosts   = "posts"      // no list on the page: the posts of its RSS or Atom feed
	StrategyPage    = "page"       // nothing found: the start page as one announcement
)

// discoverBudget is how many requests discovery may make before the crawl:
// the start page, one sample detail page, feed and REST probes, robots.txt
// and a few sitemaps.
const discoverBudget = 10

// Plan is what discovery decided for a kind: auto source.
type Plan struct {
	Strategy string
	Reason   string // why, in words for staff
	// Source is the source as it will be crawled: kind, url and selectors
	// filled in. Saved as YAML, it crawls the same way without discovery.
	Source source.Source
	// Seeds are detail pages to fetch besides the start page (sitemap).
	Seeds []string
	// Found lists everything machine-readable the site offers, used or not.
	Found    []string
	Warnings []string
	Requests int // made by discovery

	rest bool // Source.URL is The Events Calendar's REST API
}

// Discover looks at a source's start URL and picks how to crawl it: (1)
// structured data on the page and the pages it links to, (2) an iCalendar
// feed the page links or a WordPress events plugin serves, (3) sitemap.xml
// entries under the start URL's path, (4) the list of announcements on the
// page and its pagination. Every request goes through the polite collector
// (robots.txt, delay, size cap, SSRF guard) and there are at most
// discoverBudget of them.
func Discover(ctx context.Context, src source.Source, opt Options) (Plan, error) {
	src.ApplyDefaults()
	start, err := parseStart(src.URL)
	if err != nil {
		return Plan{}, err
	}
	f, err := newFetcher(ctx, src, opt, start, discoverBudget)
	if err != nil {
		return Plan{}, err
	}
	defer f.close()
	d := &discovery{f: f, src: src, start: start}
	p, err := d.run()
	p.Requests = f.used
	if err != nil {
		return p, fmt.Errorf("discover %s: %w", start.Redacted(), err)
	}
	if p.Strategy == StrategyPage {
		p.Warnings = append(p.Warnings, "auto found no structured data, feed, sitemap or list of announcements: "+
			"write selectors (follow, next, fields) for this site")
	}
	return p, nil
}

func parseStart(raw string) (*url.URL, error) {
	start, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("start url: %w", err)
	case start.Scheme != "http" && start.Scheme != "https":
		return nil, fmt.Errorf("start url %q: scheme must be http or https", raw)
	case start.Host == "":
		return nil, fmt.Errorf("start url %q: no host", raw)
	}
	start.Fragment = ""
	return start, nil
}

type discovery struct {
	f     *fetcher
	src   source.Source
	start *url.URL
	plan  Plan
}

const acceptAny = "text/html, application/xhtml+xml;q=0.9, text/calendar;q=0.8, */*;q=0.1"

func (d *discovery) run() (Plan, error) {
	page, err := d.f.get(d.start.String(), acceptAny)
	if err != nil {
		return d.plan, fmt.Errorf("start page: %w", err)
	}
	if isCalendar(page.Body) {
		return d.decide(StrategyFeed, "the start URL is an iCalendar feed", event.KindICal), nil
	}
	if n, ok := tribeEvents(page.Body); ok {
		d.plan.rest = true
		return d.decide(StrategyREST, fmt.Sprintf("the start URL is The Events Calendar's REST API (%s)", plural(n, "event")),
			event.KindJSONLD), nil
	}
	if ct := mediaType(page.ContentType, page.Body); ct != "text/html" && ct != "application/xhtml+xml" {
		return d.plan, fmt.Errorf("start page is %s, not HTML or iCalendar", ct)
	}
	hp, err := parseHTML(page.Body, page.Final)
	if err != nil {
		return d.plan, err
	}
	list := hp.inferList()
	sample, sampleText := d.sample(hp, list)

	// 1. Structured data on the detail pages, then on the page itself.
	if sample != nil {
		if n := structuredEvents(sample); n > 0 {
			d.plan.Source.Follow, d.plan.Source.Next = list.Follow, list.Next
			return d.decide(StrategyJSONLD, fmt.Sprintf("events in JSON-LD, microdata or h-event on the detail pages "+
				"(%d on %s), reached through %s", n, sample.final, list.Why), event.KindJSONLD), nil
		}
	}
	if n := structuredEvents(hp); n > 0 {
		d.plan.Source.Next = list.Next
		return d.decide(StrategyJSONLD, fmt.Sprintf("%s in JSON-LD, microdata or h-event on the start page",
			plural(n, "event")), event.KindJSONLD), nil
	}
	// 2. Feeds.
	if feed, why, rest := d.feed(hp); feed != "" {
		d.plan.Source.URL = feed
		if rest {
			d.plan.rest = true
			return d.decide(StrategyREST, why, event.KindJSONLD), nil
		}
		return d.decide(StrategyFeed, why, event.KindICal), nil
	}
	// 3. A sitemap of detail pages under the start URL.
	if seeds, why := d.sitemap(list); len(seeds) > 0 {
		d.plan.Seeds = seeds
		d.plan.Source.Fields.Title = d.title(seeds, list, sample, sampleText)
		return d.decide(StrategySitemap, why, event.KindHTML), nil
	}
	// 4. The page itself.
	switch {
	case list.Follow != "":
		d.plan.Source.Follow, d.plan.Source.Next = list.Follow, list.Next
		d.plan.Source.Fields.Title = "h1"
		if sample != nil {
			d.plan.Source.Fields.Title = sample.inferTitle(sampleText)
		}
		return d.decide(StrategyList, list.Why+d.nextWhy(list), event.KindHTML), nil
	case list.Item != "":
		d.plan.Source.Next = list.Next
		d.plan.Source.Fields.Item, d.plan.Source.Fields.Title = list.Item, list.Title
		return d.decide(StrategyItems, list.Why+d.nextWhy(list), event.KindHTML), nil
	}
	// A posts feed comes last, not with the calendar feeds: a WordPress
	// site announces the feed of all its posts on every page, and its
	// events category's list (with pagination) is the better source.
	if seeds, why := d.posts(hp); len(seeds) > 0 {
		d.plan.Seeds = seeds
		d.plan.Source.Fields.Title = d.title(seeds, list, nil, "")
		return d.decide(StrategyPosts, why, event.KindHTML), nil
	}
	d.plan.Source.Fields.Title = "h1"
	return d.decide(StrategyPage, "no list of announcements found on the start page", event.KindHTML), nil
}

func (d *discovery) nextWhy(list listGuess) string {
	if list.Next == "" {
		return "; no pagination"
	}
	return "; pagination: " + list.Next
}

// decide fills the plan's source: the original entry, its selectors
// replaced by what discovery found.
func (d *discovery) decide(strategy, why, kind string) Plan {
	p := d.plan
	s := d.src
	s.Kind = kind
	if p.Source.URL != "" {
		s.URL = p.Source.URL
	}
	s.Follow, s.Next, s.Fields = p.Source.Follow, p.Source.Next, p.Source.Fields
	p.Source, p.Strategy, p.Reason = s, strategy, why
	return p
}

// sample fetches the first detail page the list links to, and returns the
// list's text for it (to find its title).
func (d *discovery) sample(hp *htmlPage, list listGuess) (*htmlPage, string) {
	if len(list.Targets) == 0 {
		return nil, ""
	}
	target := list.Targets[0]
	text := ""
	hp.doc.Find(list.Follow).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if u := hp.resolve(s.AttrOr("href", "")); u != nil && u.String() == target {
			text = lineText(s)
			return false
		}
		return true
	})
	sp, err := d.page(target)
	if err != nil {
		d.plan.Warnings = append(d.plan.Warnings, "sample detail page: "+err.Error())
		return nil, text
	}
	return sp, text
}

// page fetches and parses one HTML page.
func (d *discovery) page(u string) (*htmlPage, error) {
	pg, err := d.f.get(u, "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	if err != nil {
		return nil, err
	}
	if ct := mediaType(pg.ContentType, pg.Body); ct != "text/html" && ct != "application/xhtml+xml" {
		return nil, fmt.Errorf("%s: not an HTML page (%s)", u, ct)
	}
	return parseHTML(pg.Body, pg.Final)
}

// structuredEvents counts the events of a page in JSON-LD, microdata and
// h-event microformats.
func structuredEvents(hp *htmlPage) int {
	items, _ := hp.jsonldItems()
	md, _ := hp.microdataItems(len(items))
	return len(items) + len(md) + len(hp.hEventItems(len(items)+len(md)))
}

// feed finds an iCalendar feed: linked from the page, else the export of
// The Events Calendar when the page is WordPress, else that plugin's REST
// API (rest: the URL is the API, not a feed).
func (d *discovery) feed(hp *htmlPage) (url, why string, rest bool) {
	for _, u := range hp.calendarLinks() {
		d.plan.Found = append(d.plan.Found, "iCalendar link: "+u)
		if d.isFeed(u) {
			return u, "the page links an iCalendar feed (" + u + ")", false
		}
	}
	api := hp.wordPressAPI()
	if api == "" {
		return "", "", false
	}
	var restURL, restWhy string
	if pg, err := d.f.get(api+"tribe/events/v1/events", "application/json"); err == nil {
		if n, ok := tribeEvents(pg.Body); ok {
			restURL = api + "tribe/events/v1/events"
			restWhy = fmt.Sprintf("The Events Calendar REST API (%s, %s)", restURL, plural(n, "event"))
			d.plan.Found = append(d.plan.Found, restWhy)
		}
	}
	ical := withQuery(d.start, "ical", "1")
	if d.isFeed(ical) {
		why := "WordPress with The Events Calendar: its iCalendar export " + ical
		if restURL != "" {
			why += "; the plugin's REST API answers too and carries the same events"
		}
		return ical, why, false
	}
	if restURL != "" {
		return restURL, "WordPress with The Events Calendar, its iCalendar export turned off: " + restWhy, true
	}
	return "", "", false
}

func (d *discovery) isFeed(u string) bool {
	pg, err := d.f.get(u, "text/calendar, text/plain;q=0.5, */*;q=0.1")
	if err != nil {
		if !errors.Is(err, errBudget) {
			d.plan.Warnings = append(d.plan.Warnings, "feed "+err.Error())
		}
		return false
	}
	return isCalendar(pg.Body)
}

// sitemap reads the sitemaps robots.txt names (else /sitemap.xml) for pages
// under the start URL. A sitemap that misses most of the list's own links is
// stale or about something else, and is not used.
func (d *discovery) sitemap(list listGuess) ([]string, string) {
	root := &url.URL{Scheme: d.start.Scheme, Host: d.start.Host}
	var maps []string
	if pg, err := d.f.get(root.JoinPath("robots.txt").String(), "text/plain"); err == nil {
		maps = robotsSitemaps(pg.Body)
	}
	if len(maps) == 0 {
		maps = []string{root.JoinPath("sitemap.xml").String()}
	}
	var all []string
	for i := 0; i < len(maps) && i < maxSitemaps; i++ {
		pg, err := d.f.get(maps[i], "application/xml, text/xml;q=0.9, */*;q=0.1")
		if err != nil {
			continue
		}
		pages, more, err := parseSitemap(pg.Body)
		if err != nil {
			d.plan.Warnings = append(d.plan.Warnings, maps[i]+": "+err.Error())
			continue
		}
		all = append(all, pages...)
		maps = append(maps, more...)
	}
	seeds := underStart(d.start, all)
	if len(seeds) < 2 {
		return nil, ""
	}
	d.plan.Found = append(d.plan.Found, fmt.Sprintf("sitemap: %s under %s", plural(len(seeds), "page"), d.start.Path))
	if len(list.Targets) > 0 {
		in := 0
		set := map[string]bool{}
		for _, s := range seeds {
			set[CanonicalURL(s)] = true
		}
		for _, t := range list.Targets {
			if set[CanonicalURL(t)] {
				in++
			}
		}
		if in*2 < len(list.Targets) {
			d.plan.Warnings = append(d.plan.Warnings, fmt.Sprintf("sitemap not used: it lists only %d of the %d announcements linked on the start page",
				in, len(list.Targets)))
			return nil, ""
		}
	}
	// More seeds than src.MaxPages are cut by the crawl, which then
	// reports itself truncated.
	return seeds, fmt.Sprintf("sitemap.xml lists %s under %s", plural(len(seeds), "page"), d.start.Path)
}

// posts reads the first RSS or Atom feed the page announces for posts on
// the site.
func (d *discovery) posts(hp *htmlPage) ([]string, string) {
	for _, u := range hp.postsFeedLinks() {
		pg, err := d.f.get(u, "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1")
		if err != nil {
			continue
		}
		links, err := postsFeed(pg.Body)
		if err != nil {
			d.plan.Warnings = append(d.plan.Warnings, u+": "+err.Error())
			continue
		}
		var seeds []string
		for _, l := range links {
			if v := hp.resolve(l); v != nil && siteOf(v.Host) == siteOf(hp.base.Host) {
				seeds = append(seeds, v.String())
			}
		}
		if len(seeds) > 0 {
			d.plan.Found = append(d.plan.Found, fmt.Sprintf("posts feed: %s (%s)", u, plural(len(seeds), "post")))
			return seeds, fmt.Sprintf("no list of announcements on the page; its posts feed %s links %s", u, plural(len(seeds), "post"))
		}
	}
	return nil, ""
}

// title infers the title selector of sitemap pages from the sample detail
// page of the list, else from the first sitemap page.
func (d *discovery) title(seeds []string, list listGuess, sample *htmlPage, text string) string {
	if sample == nil {
		sp, err := d.page(seeds[0])
		if err != nil {
			return "h1"
		}
		sample, text = sp, ""
		if h := sp.doc.Find("title").First(); h.Length() > 0 {
			text = lineText(h)
		}
	}
	return sample.inferTitle(text)
}

// Describe is the plan in a few lines for a log, the CLI and the staff UI.
func (p Plan) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "strategy: %s\nwhy: %s\n", p.Strategy, p.Reason)
	for _, f := range p.Found {
		fmt.Fprintf(&b, "found: %s\n", f)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}
