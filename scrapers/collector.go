package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/treffpunkt/treffpunkt/internal/source"
)

// DefaultUserAgent names the bot and where to learn about it, so a site
// owner who sees it in a log knows who to ask.
const DefaultUserAgent = "TreffpunktBot/1.0 (+https://github.com/treffpunkt/treffpunkt; events aggregator)"

// maxRedirects is how many redirects one fetch may follow.
const maxRedirects = 10

// defaultBackoff is the wait before the first retry; it doubles per retry.
const defaultBackoff = 500 * time.Millisecond

// Redirect failures, matched with errors.Is.
var (
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrOffSite          = errors.New("redirect to another site")
)

// collector is a configured colly collector plus the transport it owns.
type collector struct {
	*colly.Collector
	transport *http.Transport
}

// close drops idle connections so a finished crawl leaves no goroutines.
func (c *collector) close() { c.transport.CloseIdleConnections() }

// newCollector is the one place a colly.Collector is built. Every crawl gets
// polite defaults: robots.txt respected, an honest User-Agent, per-host delay
// and parallelism, timeouts, bounded retries, a size cap that fails instead of
// truncating, at most 10 redirects, none to another site and none robots.txt
// disallows, and a dialer that
// refuses private addresses unless allowed.
func newCollector(ctx context.Context, src source.Source, opt Options, guard dialGuard, site string) (*collector, error) {
	ua := opt.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	timeout := src.Timeout.Duration
	if timeout <= 0 {
		timeout = source.DefaultTimeout
	}
	retries := source.DefaultRetries
	if src.Retries != nil {
		retries = max(*src.Retries, 0)
	}
	maxBytes := src.MaxBytes
	if maxBytes <= 0 {
		maxBytes = source.DefaultMaxBytes
	}
	parallelism := max(src.Parallelism, 1)
	delay := src.Delay.Duration
	if opt.NoPoliteness {
		delay = 0
	}
	backoff := opt.backoff
	if backoff <= 0 {
		backoff = defaultBackoff
	}

	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: guard.control}
	base := &http.Transport{
		Proxy:                 nil, // a proxy would be dialled instead of the site and bypass the guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * parallelism,
		MaxIdleConnsPerHost:   2 * parallelism, // the default of 2 churns connections at higher parallelism
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
	}
	ft := &fetchTransport{crawl: ctx, base: base, timeout: timeout, retries: retries, backoff: backoff, maxBytes: maxBytes}

	c := colly.NewCollector(colly.Async(true), colly.StdlibContext(ctx))
	// NewCollector also reads COLLY_* environment variables; every setting it
	// could touch is set explicitly here so the environment cannot loosen the
	// crawler (e.g. COLLY_IGNORE_ROBOTSTXT).
	c.UserAgent = ua
	c.IgnoreRobotsTxt = false
	c.AllowedDomains, c.DisallowedDomains = nil, nil
	c.CacheDir = ""
	c.DetectCharset = false // charset.go decodes; chardet guesses are worse than <meta charset>
	c.MaxDepth, c.MaxRequests = 0, 0
	c.TraceHTTP = false
	// fetchTransport enforces the cap and fails over it; colly's own limit
	// would truncate silently.
	c.MaxBodySize = 0
	// Crawl keeps its own frontier keyed by canonical URL. Colly's revisit
	// filter keys on the raw URL, and would also refuse a redirect to a page
	// already seen.
	c.AllowURLRevisit = true
	// 304, 404 and 500 all reach OnResponse, where a page is built for each.
	c.ParseHTTPErrorResponse = true

	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	c.SetCookieJar(jar)
	c.WithTransport(ft)
	// The client deadline bounds one URL end to end, retries and redirects
	// included; each attempt has its own, shorter deadline in fetchTransport.
	c.SetRequestTimeout(time.Duration(retries+1)*timeout + backoff<<retries + maxRetryAfter)
	robots := newRedirectRobots(ctx, ft, ua)
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects { // via holds the requests made so far
			return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, maxRedirects)
		}
		if s := siteOf(req.URL.Host); s != site {
			return fmt.Errorf("%w: %s is not on %s", ErrOffSite, req.URL.Redacted(), site)
		}
		ok, err := robots.allowed(req.URL)
		if err != nil {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
		}
		if !ok {
			return fmt.Errorf("%w: redirect to %s", ErrRobotsDisallowed, req.URL.Redacted())
		}
		return nil
	})
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallelism, Delay: delay}); err != nil {
		return nil, fmt.Errorf("limit rule: %w", err)
	}
	return &collector{Collector: c, transport: base}, nil
}
