package demosites

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/temoto/robotstxt"
	"golang.org/x/net/html/charset"

	"github.com/treffpunkt/treffpunkt/internal/source"
)

// setup serves the mirror (and the synthetic site) on a loopback server and
// loads sources.demo.yaml pointed at it.
func setup(t *testing.T) (*httptest.Server, map[string]source.Source) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", Handler())
	mux.Handle(SyntheticPrefix, Synthetic(120))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Setenv("DEMO_BASE", srv.URL)
	srcs, err := source.Load("../../sources.demo.yaml")
	if err != nil {
		t.Fatalf("load sources.demo.yaml: %v", err)
	}
	byID := map[string]source.Source{}
	for _, s := range srcs {
		byID[s.ID] = s
	}
	return srv, byID
}

// client does not follow redirects, so a redirect shows as what it is.
func client() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, c *http.Client, u string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", u, err)
	}
	return response{res.StatusCode, res.Header, b}
}

// parse decodes the body by its declared charset, as a crawler must.
func parse(t *testing.T, r response) *goquery.Document {
	t.Helper()
	rd, err := charset.NewReader(bytes.NewReader(r.body), r.header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("charset: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(rd)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func links(t *testing.T, doc *goquery.Document, base, sel string) []string {
	t.Helper()
	if sel == "" {
		return nil
	}
	b, _ := url.Parse(base)
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
		href, ok := s.Attr("href")
		if !ok {
			return
		}
		u, err := b.Parse(href)
		if err != nil {
			t.Errorf("%s: bad link %q: %v", base, href, err)
			return
		}
		u.Fragment = ""
		out = append(out, u.String())
	})
	return out
}

func text(s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }

// crawlResult is what following a source's selectors through the mirror found.
type crawlResult struct {
	lists   int
	details []string       // detail URLs in the order found
	status  map[string]int // by path; 0 = not fetched on purpose
	items   int            // with fields.item: announcements found on list pages
	// count of detail pages (or items) where each field selector found text
	found map[string]int
}

// crawl follows the source as the html strategy would: start URL, next
// links, follow links, then the field selectors on each detail page. Known
// bad URLs are checked by their own tests and only recorded here.
func crawl(t *testing.T, src source.Source, robots *robotstxt.RobotsData) crawlResult {
	t.Helper()
	c := client()
	res := crawlResult{status: map[string]int{}, found: map[string]int{}}
	seen := map[string]bool{}
	for next := src.URL; next != ""; {
		if seen[next] {
			t.Fatalf("%s: pagination loops back to %s", src.ID, next)
		}
		seen[next] = true
		r := get(t, c, next)
		if r.status != http.StatusOK {
			t.Fatalf("%s: list page %s: status %d", src.ID, next, r.status)
		}
		res.lists++
		doc := parse(t, r)
		if src.Fields.Item != "" {
			doc.Find(src.Fields.Item).Each(func(_ int, s *goquery.Selection) {
				res.items++
				res.countFields(src, s)
			})
		}
		for _, l := range links(t, doc, next, src.Follow) {
			if !seen[l] {
				seen[l] = true
				res.details = append(res.details, l)
			}
		}
		nexts := links(t, doc, next, src.Next)
		next = ""
		if len(nexts) > 0 {
			next = nexts[0]
		}
	}
	for _, d := range res.details {
		u, _ := url.Parse(d)
		switch {
		case !robots.TestAgent(u.Path, "treffpunkt"):
			res.status[u.Path] = 0
			continue
		case u.Path == SlowPath:
			res.status[u.Path] = 0
			continue
		}
		r := get(t, c, d)
		res.status[u.Path] = r.status
		if r.status != http.StatusOK || u.Path == OversizePath {
			continue
		}
		res.countFields(src, parse(t, r).Selection)
	}
	return res
}

func (res *crawlResult) countFields(src source.Source, s *goquery.Selection) {
	for name, sel := range map[string]string{"title": src.Fields.Title, "body": src.Fields.Body,
		"date": src.Fields.Date, "place": src.Fields.Place} {
		if sel != "" && text(s.Find(sel)) != "" {
			res.found[name]++
		}
	}
}

func loadRobots(t *testing.T, base string) *robotstxt.RobotsData {
	t.Helper()
	r := get(t, client(), base+"/robots.txt")
	robots, err := robotstxt.FromStatusAndBytes(r.status, r.body)
	if err != nil {
		t.Fatalf("robots.txt: %v", err)
	}
	return robots
}

// TestDemoSourcesMatchMirror follows every html source of sources.demo.yaml
// through the mirror with its own selectors: the follow and next selectors
// must reach every detail page, and the field selectors must find text on
// them. The numbers are the mirror's content; a selector that stops
// matching, or a page that is lost, changes them.
func TestDemoSourcesMatchMirror(t *testing.T) {
	srv, srcs := setup(t)
	robots := loadRobots(t, srv.URL)
	tests := []struct {
		id      string
		lists   int
		details int
		items   int
		found   map[string]int
		status  map[string]int // the bad ones
	}{
		{id: "kulturbuero-sachsen", lists: 3, details: 10,
			// one post has an empty title, as WordPress allows
			found:  map[string]int{"title": 8, "body": 9},
			status: map[string]int{NotFoundPath: 404}},
		{id: "pokubi", lists: 2, details: 6,
			// the open consultation hour has no date field and no place
			found: map[string]int{"title": 6, "body": 6, "date": 5, "place": 5}},
		{id: "saqsen", lists: 6, details: 54,
			found:  map[string]int{"title": 53, "body": 53, "date": 32, "place": 32},
			status: map[string]int{DisallowedPath: 0}},
		{id: "kulturbuero-dresden", lists: 2, details: 9,
			// the broken page still yields title, date and place; the
			// oversize page is not parsed
			found:  map[string]int{"title": 7, "body": 7, "date": 7, "place": 7},
			status: map[string]int{ServerErrorPath: 500}},
		{id: "dsm-sachsen", lists: 2, details: 8,
			found: map[string]int{"title": 8, "body": 8}},
		{id: "adb-sachsen", lists: 9, details: 0, items: 11,
			found: map[string]int{"title": 11, "body": 11, "date": 11, "place": 11}},
		{id: "buendnis-leipzig", lists: 2, details: 9,
			found:  map[string]int{"title": 7, "body": 7},
			status: map[string]int{RedirectLoopPath: 302, SlowPath: 0}},
		{id: "synthetic", lists: 3, details: 120,
			found: map[string]int{"title": 120, "body": 120}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			src, ok := srcs[tt.id]
			if !ok {
				t.Fatalf("no source %q in sources.demo.yaml", tt.id)
			}
			res := crawl(t, src, robots)
			if res.lists != tt.lists || len(res.details) != tt.details || res.items != tt.items {
				t.Errorf("lists/details/items = %d/%d/%d, want %d/%d/%d",
					res.lists, len(res.details), res.items, tt.lists, tt.details, tt.items)
			}
			for name, want := range tt.found {
				if res.found[name] != want {
					t.Errorf("fields.%s found on %d pages, want %d", name, res.found[name], want)
				}
			}
			for p, st := range res.status {
				want, bad := tt.status[p]
				if !bad {
					want = http.StatusOK
				}
				if st != want {
					t.Errorf("%s: status %d, want %d", p, st, want)
				}
			}
			for p := range tt.status {
				if _, ok := res.status[p]; !ok {
					t.Errorf("bad link %s is not linked from the list pages", p)
				}
			}
		})
	}
}

func TestDemoSourcesAllChecked(t *testing.T) {
	_, srcs := setup(t)
	kinds := map[string]string{}
	for id, s := range srcs {
		kinds[id] = s.Kind
		if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || !s.AllowPrivate {
			t.Errorf("%s: url %s, allow_private %v: want the loopback mirror", id, s.URL, s.AllowPrivate)
		}
	}
	want := map[string]string{"kulturbuero-sachsen": "html", "pokubi": "html", "saqsen": "html",
		"kulturbuero-dresden": "html", "dsm-sachsen": "jsonld", "ntsachsen": "ical", "adb-sachsen": "html",
		"buendnis-leipzig": "html", "demo-aktuell": "jsonld", "synthetic": "html"}
	if len(kinds) != len(want) {
		t.Errorf("sources: %v, want %v", kinds, want)
	}
	for id, k := range want {
		if kinds[id] != k {
			t.Errorf("%s: kind %q, want %q", id, kinds[id], k)
		}
	}
	if !srcs["synthetic"].Disabled {
		t.Error("the synthetic source must stay disabled: the demo crawl would fetch 404s")
	}
}

func TestRealSourcesParse(t *testing.T) {
	srcs, err := source.Load("../../sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if !strings.HasPrefix(s.URL, "https://") || s.AllowPrivate {
			t.Errorf("%s: %s: a real partner site is public https", s.ID, s.URL)
		}
	}
}

func TestRobots(t *testing.T) {
	srv, _ := setup(t)
	robots := loadRobots(t, srv.URL)
	tests := []struct {
		path, agent string
		allowed     bool
	}{
		{DisallowedPath, "treffpunkt", false},
		{"/saqsen/veranstaltungen/", "treffpunkt", true},
		{"/kulturbuero-sachsen/wp-admin/options.php", "treffpunkt", false},
		{"/kulturbuero-sachsen/wp-admin/admin-ajax.php", "treffpunkt", true},
		{"/pokubi/user/login", "treffpunkt", false},
		{"/ntsachsen/termine.ics", "treffpunkt", true},
		{"/ntsachsen/termine.ics", "GPTBot", false},
		{"/adb-sachsen/termine/2021-03/", "treffpunkt", true},
	}
	for _, tt := range tests {
		if got := robots.TestAgent(tt.path, tt.agent); got != tt.allowed {
			t.Errorf("robots.txt: %s for %s: allowed %v, want %v", tt.path, tt.agent, got, tt.allowed)
		}
	}
	// The disallowed page exists: only robots.txt keeps a crawler out.
	if r := get(t, client(), srv.URL+DisallowedPath); r.status != http.StatusOK {
		t.Errorf("%s: status %d, want 200", DisallowedPath, r.status)
	}
	// Each site also serves its own robots.txt, as it would at its own host.
	r := get(t, client(), srv.URL+"/saqsen/robots.txt")
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("Disallow: /intern/")) {
		t.Errorf("/saqsen/robots.txt: %d %q", r.status, r.body)
	}
}

func TestStatuses(t *testing.T) {
	srv, _ := setup(t)
	c := client()
	tests := []struct {
		path     string
		status   int
		location string
	}{
		{NotFoundPath, 404, ""},
		{ServerErrorPath, 500, ""},
		{RedirectLoopPath, 302, redirectLoopOther},
		{redirectLoopOther, 302, RedirectLoopPath},
		{"/saqsen/veranstaltungen", 301, "/saqsen/veranstaltungen/"},
		{"/pokubi/veranstaltungen?page=1", 200, ""},
		{"/pokubi/veranstaltungen?utm_source=x", 200, ""},
		{"/synthetic/veranstaltung/121/", 404, ""},
		{"/nirgendwo/", 404, ""},
	}
	for _, tt := range tests {
		r := get(t, c, srv.URL+tt.path)
		if r.status != tt.status || r.header.Get("Location") != tt.location {
			t.Errorf("%s: %d %q, want %d %q", tt.path, r.status, r.header.Get("Location"), tt.status, tt.location)
		}
	}
	res, err := c.Post(srv.URL+"/saqsen/veranstaltungen/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}

func TestSlowPageTimesOut(t *testing.T) {
	srv, _ := setup(t)
	c := &http.Client{Timeout: 300 * time.Millisecond}
	start := time.Now()
	_, err := c.Get(srv.URL + SlowPath)
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("GET %s: err %v, want a client timeout", SlowPath, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("timeout took %v", time.Since(start))
	}
}

func TestOversizePage(t *testing.T) {
	srv, srcs := setup(t)
	r := get(t, client(), srv.URL+OversizePath)
	limit := srcs["kulturbuero-dresden"].MaxBytes
	if r.status != http.StatusOK || int64(len(r.body)) <= limit || int64(len(r.body)) > 4*limit {
		t.Errorf("%s: status %d, %d bytes; want 200 and a little over max_bytes %d", OversizePath, r.status, len(r.body), limit)
	}
}

func TestBrokenPageIsBroken(t *testing.T) {
	srv, _ := setup(t)
	r := get(t, client(), srv.URL+BrokenPath)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	if bytes.Contains(r.body, []byte("</html>")) || bytes.Contains(r.body, []byte("</h1>")) {
		t.Error("the broken page should lack its closing tags")
	}
	if !bytes.Contains(r.body, []byte{0xff, 0xfe, 0x00}) {
		t.Error("the broken page should carry garbage bytes")
	}
}
