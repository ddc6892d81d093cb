package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/gocolly/colly/v2"

	"github.com/treffpunkt/treffpunkt/internal/source"
)

// errBudget ends discovery when it has made as many requests as allowed.
var errBudget = errors.New("discovery request budget used up")

// fetched is one page discovery read.
type fetched struct {
	URL, Final  string
	ContentType string
	Body        []byte // decoded to UTF-8 for text types
}

// fetcher makes single, sequential GETs for discovery through the same
// polite collector a crawl uses (robots.txt, delay, SSRF guard, size cap,
// redirect rules), with a budget on the number of requests.
type fetcher struct {
	col    *collector
	budget int
	used   int

	mu   sync.Mutex
	resp map[string]*colly.Response
	errs map[string]error
}

func newFetcher(ctx context.Context, src source.Source, opt Options, start *url.URL, budget int) (*fetcher, error) {
	guard := dialGuard{allowPrivate: opt.AllowPrivate || src.AllowPrivate, public: opt.publicAddrs}
	if err := guard.checkStart(ctx, start); err != nil {
		return nil, err
	}
	col, err := newCollector(ctx, src, opt, guard, siteOf(start.Host))
	if err != nil {
		return nil, err
	}
	f := &fetcher{col: col, budget: budget, resp: map[string]*colly.Response{}, errs: map[string]error{}}
	col.OnResponse(func(r *colly.Response) {
		f.mu.Lock()
		f.resp[r.Ctx.Get(ctxURL)] = r
		f.mu.Unlock()
	})
	col.OnError(func(r *colly.Response, err error) {
		f.mu.Lock()
		f.errs[r.Ctx.Get(ctxURL)] = err
		f.mu.Unlock()
	})
	return f, nil
}

func (f *fetcher) close() { f.col.close() }

// get fetches one URL and fails on anything but a 2xx answer.
func (f *fetcher) get(u, accept string) (*fetched, error) {
	if f.used >= f.budget {
		return nil, errBudget
	}
	f.used++
	cctx := colly.NewContext()
	cctx.Put(ctxURL, u)
	h := http.Header{}
	h.Set("User-Agent", f.col.UserAgent)
	h.Set("Accept", accept)
	h.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
	if err := f.col.Request(http.MethodGet, u, nil, cctx, h); err != nil {
		if errors.Is(err, colly.ErrRobotsTxtBlocked) {
			err = ErrRobotsDisallowed
		}
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	f.col.Wait()
	f.mu.Lock()
	r, err := f.resp[u], f.errs[u]
	delete(f.resp, u)
	delete(f.errs, u)
	f.mu.Unlock()
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", u, err)
	case r == nil:
		return nil, fmt.Errorf("%s: no response", u)
	case r.StatusCode < 200 || r.StatusCode > 299:
		return nil, fmt.Errorf("%s: %w", u, &StatusError{Code: r.StatusCode})
	}
	out := &fetched{URL: u, Final: u, ContentType: r.Headers.Get("Content-Type")}
	if r.Request != nil && r.Request.URL != nil {
		out.Final = r.Request.URL.String()
	}
	out.Body = utf8Body(r.Body, out.ContentType)
	return out, nil
}
