package scrapers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// Page roles: how a page was reached.
const (
	RoleList   = "list"   // the start page and pages reached through src.Next
	RoleDetail = "detail" // pages reached through src.Follow
	RoleFeed   = "feed"   // the start page of an ical source
)

// Validators are what the last crawl stored for a URL, for conditional GET.
type Validators struct{ ETag, LastModified, Hash string } // Hash: hex sha256 of the body

// Options tune one crawl.
type Options struct {
	AllowPrivate bool                  // allow private/loopback targets (also allowed when src.AllowPrivate)
	NoPoliteness bool                  // benchmark/tests: no per-host delay (robots.txt still read)
	UserAgent    string                // default: DefaultUserAgent
	Known        map[string]Validators // by Page.URL, from the store
	Now          func() time.Time      // crawl time; default time.Now

	// Test hooks.
	publicAddrs map[string]bool // "ip:port" the SSRF guard treats as public
	backoff     time.Duration   // first retry wait; default defaultBackoff
}

// Page is the outcome of fetching one URL.
type Page struct {
	URL, FinalURL string // URL as queued (the key of Options.Known); URL after redirects
	Status        int
	Validators    Validators // as received now (ETag, Last-Modified, body hash)
	FetchedAt     time.Time
	// Unchanged: a 304, or the same body hash as Known. Nothing is extracted:
	// the items stored for this URL are still current.
	Unchanged bool
	Items     []event.Item // extracted announcements (detail pages; list pages may carry items too)
	Role      string       // RoleList | RoleDetail | RoleFeed
	// Err is a page-level failure (fetch, HTTP status, size cap, robots,
	// extraction); it never aborts the crawl.
	Err error
	// Warnings are item-level problems (a malformed iCal event skipped, a
	// selector that matched nothing, a link to another site not followed).
	Warnings []string
}

// Summary of one crawl.
type Summary struct {
	Pages, Unchanged, Errors int
	// Complete: every list/feed page was fetched OK and nothing was cut off,
	// so items not seen again have really gone from the site.
	Complete bool
	// Truncated: src.MaxPages was reached and further URLs were not fetched.
	Truncated bool
	// Plan is what discovery chose for a kind: auto source (nil otherwise).
	Plan *Plan
}

// ErrRobotsDisallowed is the error of a page robots.txt does not let us fetch.
var ErrRobotsDisallowed = errors.New("disallowed by robots.txt")

// StatusError is an HTTP status that is neither success nor 304.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Keys of the colly request context.
const (
	ctxURL  = "treffpunkt.url"
	ctxRole = "treffpunkt.role"
)

// Crawl crawls one source. emit is called once per fetched URL, serially
// (never concurrently), in any order. The error return is only for a crawl
// that could not start (bad config, SSRF refusal of the start URL, ctx
// cancelled before start); page failures are Pages with Err set. After ctx is
// cancelled nothing more is emitted and the summary is not Complete.
func Crawl(ctx context.Context, src source.Source, opt Options, emit func(Page)) (Summary, error) {
	if err := ctx.Err(); err != nil {
		return Summary{}, fmt.Errorf("crawl %s: %w", src.ID, err)
	}
	var plan *Plan
	if src.Kind == event.KindAuto {
		p, err := Discover(ctx, src, opt)
		if err != nil {
			return Summary{Plan: &p}, fmt.Errorf("crawl %s: %w", src.ID, err)
		}
		plan, src = &p, p.Source
		// The crawl's collector starts with a fresh per-host limit: wait
		// the delay after discovery's last request, as between any two.
		if !opt.NoPoliteness {
			if err := sleepCtx(ctx, src.Delay.Duration); err != nil {
				return Summary{Plan: plan}, fmt.Errorf("crawl %s: %w", src.ID, err)
			}
		}
	}
	cr, err := newCrawl(ctx, src, opt)
	if err != nil {
		return Summary{Plan: plan}, fmt.Errorf("crawl %s: %w", src.ID, err)
	}
	if plan != nil {
		cr.seeds, cr.rest = plan.Seeds, plan.rest
		// Discovery gives no body selector: readability finds the text.
		cr.sel.readable = src.Fields.Body == ""
	}
	ctx, cancel := context.WithCancel(ctx)
	cr.ctx = ctx
	col, err := newCollector(ctx, cr.src, opt, cr.guard, cr.site)
	if err != nil {
		cancel()
		return Summary{}, fmt.Errorf("crawl %s: %w", src.ID, err)
	}
	cr.col = col
	col.OnResponse(cr.onResponse)
	col.OnError(cr.onError)
	defer func() {
		// Normally the channel is closed and drained already. If emit
		// panicked, stop the crawl and let its goroutines finish.
		cancel()
		for range cr.pages {
		}
		col.close()
	}()

	go func() {
		cr.visitStart()
		col.Wait()
		close(cr.pages)
	}()
	sum := Summary{Plan: plan}
	listOK, sawList := true, len(cr.seeds) > 0
	for p := range cr.pages {
		if ctx.Err() != nil {
			continue
		}
		sum.Pages++
		if p.Unchanged {
			sum.Unchanged++
		}
		if p.Err != nil {
			sum.Errors++
		}
		if p.Role == RoleList || p.Role == RoleFeed {
			sawList = true
			listOK = listOK && p.Err == nil
		}
		emit(p)
	}
	cr.mu.Lock()
	sum.Truncated = cr.truncated
	sum.Complete = listOK && sawList && !cr.truncated && !cr.incomplete && ctx.Err() == nil
	cr.mu.Unlock()
	return sum, nil
}

// crawl is the state of one Crawl: its frontier and its configuration.
type crawl struct {
	ctx   context.Context
	src   source.Source
	opt   Options
	sel   selectors
	guard dialGuard
	start *url.URL
	seeds []string // detail pages from discovery (sitemap), fetched instead of the start page
	rest  bool     // the start URL is The Events Calendar's REST API (tribe.go)
	site  string   // registrable domain of the start URL
	now   func() time.Time
	col   *collector
	pages chan Page

	mu         sync.Mutex
	seen       map[string]bool // canonical URLs already queued
	queued     int
	truncated  bool // MaxPages reached
	incomplete bool // a pagination link could not be followed
}

func newCrawl(ctx context.Context, src source.Source, opt Options) (*crawl, error) {
	start, err := url.Parse(src.URL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("start url: %w", err)
	case start.Scheme != "http" && start.Scheme != "https":
		return nil, fmt.Errorf("start url %q: scheme must be http or https", src.URL)
	case start.Host == "":
		return nil, fmt.Errorf("start url %q: no host", src.URL)
	}
	start.Fragment = ""
	src.ApplyDefaults() // a source not read by source.Parse still gets the polite limits
	switch src.Kind {
	case event.KindHTML, event.KindJSONLD, event.KindICal:
	default:
		return nil, fmt.Errorf("kind %q: want html, jsonld or ical", src.Kind)
	}
	sel, err := compileSelectors(src)
	if err != nil {
		return nil, err
	}
	guard := dialGuard{allowPrivate: opt.AllowPrivate || src.AllowPrivate, public: opt.publicAddrs}
	if err := guard.checkStart(ctx, start); err != nil {
		return nil, err
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	return &crawl{
		src: src, opt: opt, sel: sel, guard: guard, start: start, site: siteOf(start.Host), now: now,
		pages: make(chan Page, 16), seen: map[string]bool{},
	}, nil
}

// visitStart queues the start page, or the detail pages discovery found
// in a sitemap, which replace the list.
func (cr *crawl) visitStart() {
	if len(cr.seeds) == 0 {
		cr.visit(cr.start, cr.startRole())
		return
	}
	for _, raw := range cr.seeds {
		u, err := url.Parse(raw)
		if err != nil || siteOf(u.Host) != cr.site {
			continue
		}
		cr.visit(u, RoleDetail)
	}
}

func (cr *crawl) startRole() string {
	if cr.src.Kind == event.KindICal || cr.rest {
		return RoleFeed
	}
	return RoleList
}

// known returns the validators stored for a URL.
func (cr *crawl) known(u string) (Validators, bool) {
	if v, ok := cr.opt.Known[u]; ok {
		return v, true
	}
	v, ok := cr.opt.Known[CanonicalURL(u)]
	return v, ok
}

// conditional says whether a page may be fetched with If-None-Match /
// If-Modified-Since. A list page that leads to other pages may not: a 304
// has no body, and without its links the crawl could not reach the detail
// pages, which would then look vanished.
func (cr *crawl) conditional(role string) bool {
	if cr.rest {
		return false // a REST page leads to the next one
	}
	return role != RoleList || (cr.sel.follow == nil && cr.sel.next == nil)
}

func (cr *crawl) headers(u, role string) http.Header {
	h := http.Header{}
	h.Set("User-Agent", cr.col.UserAgent)
	h.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
	switch {
	case cr.rest:
		h.Set("Accept", "application/json")
	case cr.src.Kind == event.KindICal:
		h.Set("Accept", "text/calendar, text/plain;q=0.5, */*;q=0.1")
	default:
		h.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	}
	if v, ok := cr.known(u); ok && cr.conditional(role) {
		if v.ETag != "" {
			h.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			h.Set("If-Modified-Since", v.LastModified)
		}
	}
	return h
}

// visit queues u unless it was queued before or the page cap is reached. A
// URL the collector refuses before fetching (robots.txt) becomes an error page.
func (cr *crawl) visit(u *url.URL, role string) {
	if cr.ctx.Err() != nil {
		return
	}
	key := CanonicalURL(u.String())
	cr.mu.Lock()
	if cr.seen[key] {
		cr.mu.Unlock()
		return
	}
	if cr.src.MaxPages > 0 && cr.queued >= cr.src.MaxPages {
		cr.truncated = true
		cr.mu.Unlock()
		return
	}
	cr.seen[key] = true
	cr.queued++
	cr.mu.Unlock()

	raw := u.String()
	cctx := colly.NewContext()
	cctx.Put(ctxURL, raw)
	cctx.Put(ctxRole, role)
	err := cr.col.Request(http.MethodGet, raw, nil, cctx, cr.headers(raw, role))
	if err == nil || cr.ctx.Err() != nil {
		return
	}
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		err = ErrRobotsDisallowed
	}
	cr.pages <- Page{URL: raw, FinalURL: raw, Role: role, FetchedAt: cr.now(), Err: err}
}

func (cr *crawl) newPage(r *colly.Response) Page {
	p := Page{
		URL:       r.Ctx.Get(ctxURL),
		Role:      r.Ctx.Get(ctxRole),
		Status:    r.StatusCode,
		FetchedAt: cr.now(),
	}
	p.FinalURL = p.URL
	if r.Request != nil && r.Request.URL != nil {
		p.FinalURL = r.Request.URL.String()
	}
	return p
}

func (cr *crawl) onError(r *colly.Response, err error) {
	if cr.ctx.Err() != nil {
		return
	}
	p := cr.newPage(r)
	p.Err = err
	cr.pages <- p
}

func (cr *crawl) onResponse(r *colly.Response) {
	if cr.ctx.Err() != nil {
		return
	}
	p := cr.newPage(r)
	known, hasKnown := cr.known(p.URL)
	switch {
	case r.StatusCode == http.StatusNotModified && hasKnown:
		p.Unchanged = true
		p.Validators = known
		if v := r.Headers.Get("ETag"); v != "" {
			p.Validators.ETag = v
		}
		if v := r.Headers.Get("Last-Modified"); v != "" {
			p.Validators.LastModified = v
		}
	case r.StatusCode < 200 || r.StatusCode > 299:
		p.Err = &StatusError{Code: r.StatusCode}
	default:
		sum := sha256.Sum256(r.Body)
		p.Validators = Validators{
			ETag:         r.Headers.Get("ETag"),
			LastModified: r.Headers.Get("Last-Modified"),
			Hash:         hex.EncodeToString(sum[:]),
		}
		unchanged := hasKnown && known.Hash != "" && known.Hash == p.Validators.Hash
		cr.safeProcess(&p, r, unchanged)
	}
	if cr.ctx.Err() != nil {
		return
	}
	cr.pages <- p
}

// safeProcess keeps a bug in extraction, triggered by one odd page, from
// killing the process: callbacks run on colly's goroutines, out of reach of
// any recover in the caller.
func (cr *crawl) safeProcess(p *Page, r *colly.Response, unchanged bool) {
	defer func() {
		if v := recover(); v != nil {
			p.Items, p.Unchanged = nil, false
			p.Err = fmt.Errorf("extraction failed: %v", v)
		}
	}()
	cr.process(p, r, unchanged)
}

// process follows a page's links and extracts its items. An unchanged list
// page is still read for its links; an unchanged detail page is not parsed.
func (cr *crawl) process(p *Page, r *colly.Response, unchanged bool) {
	if cr.redirectedToSeen(p) {
		return
	}
	if cr.rest {
		cr.processREST(p, r.Body, unchanged)
		return
	}
	links := p.Role == RoleList && cr.src.Kind != event.KindICal && (cr.sel.follow != nil || cr.sel.next != nil)
	if unchanged && !links {
		p.Unchanged = true
		return
	}
	body := utf8Body(r.Body, r.Headers.Get("Content-Type"))
	if cr.src.Kind == event.KindICal {
		p.Items, p.Warnings, p.Err = icalItems(body, p.FinalURL)
		return
	}
	if ct := mediaType(r.Headers.Get("Content-Type"), body); ct != "text/html" && ct != "application/xhtml+xml" {
		p.Err = fmt.Errorf("not an HTML page (%s)", ct)
		return
	}
	hp, err := parseHTML(body, p.FinalURL)
	if err != nil {
		p.Err = err
		return
	}
	if links {
		cr.followLinks(p, hp)
	}
	if unchanged {
		p.Unchanged = true
		return
	}
	if p.Role == RoleList && cr.sel.follow != nil {
		return // a list page only leads to the detail pages
	}
	var warn []string
	p.Items, warn, p.Err = cr.extract(hp, p.Role)
	p.Warnings = append(p.Warnings, warn...)
	for i := range p.Items {
		hp.complete(&p.Items[i], cr.src.Kind)
	}
}

// processREST reads a page of The Events Calendar's REST API and queues
// the next one; an unchanged page is still read for that link.
func (cr *crawl) processREST(p *Page, body []byte, unchanged bool) {
	items, next, warn, err := tribeItems(body, p.FinalURL)
	p.Warnings = append(p.Warnings, warn...)
	if err != nil {
		p.Err = err
		return
	}
	if next != "" {
		if u, err := url.Parse(next); err == nil && (u.Scheme == "http" || u.Scheme == "https") && cr.sameSite(p, u, "next") {
			cr.visit(u, RoleFeed)
		}
	}
	if unchanged {
		p.Unchanged = true
		return
	}
	p.Items = items
}

// redirectedToSeen handles a page that redirected to a URL of its own: the
// target is claimed for this crawl, and if another link already queued it,
// that page reports the content, so the same items do not come twice.
func (cr *crawl) redirectedToSeen(p *Page) bool {
	target := CanonicalURL(p.FinalURL)
	if target == CanonicalURL(p.URL) {
		return false
	}
	cr.mu.Lock()
	dup := cr.seen[target]
	cr.seen[target] = true
	cr.mu.Unlock()
	if dup {
		p.Warnings = append(p.Warnings, "redirects to "+p.FinalURL+", which this crawl fetches itself")
	}
	return dup
}

// extract runs the source's strategy on one page.
func (cr *crawl) extract(hp *htmlPage, role string) ([]event.Item, []string, error) {
	items, warn := hp.jsonldItems()
	switch cr.src.Kind {
	case event.KindJSONLD:
		md, mdWarn := hp.microdataItems(len(items))
		items, warn = append(items, md...), append(warn, mdWarn...)
		items = append(items, hp.hEventItems(len(items))...)
		if len(items) == 0 && role == RoleDetail {
			return nil, warn, errors.New("no schema.org Event in JSON-LD or microdata")
		}
		return items, warn, nil
	default:
		if len(items) > 0 { // JSON-LD first: structured data beats selectors
			return items, warn, nil
		}
		sel, selWarn, err := hp.selectorItems(cr.sel, cr.src.Fields)
		return sel, append(warn, selWarn...), err
	}
}

// followLinks queues a list page's detail links and its next page. An empty
// list page ends pagination, so endless "next month" calendars stop early.
func (cr *crawl) followLinks(p *Page, hp *htmlPage) {
	found := 0
	if cr.sel.follow != nil {
		for _, u := range hp.links(cr.sel.follow) {
			if cr.sameSite(p, u, "detail") {
				cr.visit(u, RoleDetail)
			}
			found++
		}
	}
	if cr.sel.item != nil {
		found += hp.doc.FindMatcher(cr.sel.item).Length()
	}
	if cr.sel.next == nil || (found == 0 && (cr.sel.follow != nil || cr.sel.item != nil)) {
		return
	}
	for _, u := range hp.links(cr.sel.next) {
		if cr.sameSite(p, u, "next") {
			cr.visit(u, RoleList)
		} else {
			cr.mu.Lock()
			cr.incomplete = true
			cr.mu.Unlock()
		}
	}
}

// sameSite keeps the crawl on the start URL's site; other links are noted.
func (cr *crawl) sameSite(p *Page, u *url.URL, what string) bool {
	if siteOf(u.Host) == cr.site {
		return true
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("%s link to another site not followed: %s", what, u.Redacted()))
	return false
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
