package scrapers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
)

// redirectRobots checks redirect targets against robots.txt. Colly asks
// robots.txt only about the URL it was given; a page may redirect to a
// path robots.txt disallows (a login wall, a tracking endpoint), and a
// polite crawler does not follow it there. Redirects stay on one site, so
// this mostly reads the robots.txt colly has read already; one per host.
type redirectRobots struct {
	ctx    context.Context
	client *http.Client
	agent  string

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	once sync.Once
	data *robotstxt.RobotsData
	err  error
}

func newRedirectRobots(ctx context.Context, rt http.RoundTripper, agent string) *redirectRobots {
	// No redirects for robots.txt itself, like the pages: a robots.txt that
	// moves elsewhere counts as missing (allow), as colly treats it.
	client := &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &redirectRobots{ctx: ctx, client: client, agent: agent, hosts: map[string]*robotsEntry{}}
}

// allowed reports whether robots.txt of u's host lets the agent fetch u.
func (r *redirectRobots) allowed(u *url.URL) (bool, error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e := r.hosts[key]
	if e == nil {
		e = &robotsEntry{}
		r.hosts[key] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.data, e.err = r.fetch(key + "/robots.txt") })
	if e.err != nil {
		return false, e.err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return e.data.TestAgent(path, r.agent), nil
}

func (r *redirectRobots) fetch(robotsURL string) (*robotstxt.RobotsData, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	defer resp.Body.Close()
	// FromResponse follows RFC 9309: 4xx allows everything, 5xx nothing.
	data, err := robotstxt.FromResponse(resp)
	if err != nil {
		return nil, fmt.Errorf("robots.txt of %s: %w", robotsURL, err)
	}
	return data, nil
}
