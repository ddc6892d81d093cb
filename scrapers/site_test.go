package scrapers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/source"
)

// site serves a saved partner site from testdata on loopback, counting the
// requests per URI, like the real CMS would: ETag and Last-Modified when
// asked for, 304 on matching conditional requests.
type site struct {
	*httptest.Server
	t    *testing.T
	root string

	mu       sync.Mutex
	hits     map[string]int // by request URI
	notMod   int            // 304 answers
	routes   map[string]http.HandlerFunc
	types    map[string]string // Content-Type by path
	etag     bool
	lastMod  bool
	modified time.Time
}

func newSite(t *testing.T, dir string) *site {
	t.Helper()
	s := &site{
		t: t, root: filepath.Join("testdata", dir),
		hits: map[string]int{}, routes: map[string]http.HandlerFunc{}, types: map[string]string{},
		modified: time.Date(2021, 10, 1, 8, 0, 0, 0, time.UTC),
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// handle replaces one path by a handler of the test.
func (s *site) handle(p string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[p] = h
}

func (s *site) hitsOf(uri string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[uri]
}

func (s *site) totalHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for uri, c := range s.hits {
		if uri != "/robots.txt" {
			n += c
		}
	}
	return n
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.RequestURI()]++
	h := s.routes[r.URL.Path]
	ct := s.types[r.URL.Path]
	etag, lastMod, modified := s.etag, s.lastMod, s.modified
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	body, name, ok := s.file(r.URL.Path, r.URL.RawQuery)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if ct == "" {
		switch path.Ext(name) {
		case ".ics":
			ct = "text/calendar; charset=utf-8"
		case ".txt":
			ct = "text/plain; charset=utf-8"
		default:
			ct = "text/html; charset=utf-8"
		}
	}
	w.Header().Set("Content-Type", ct)
	if etag {
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	}
	if !lastMod {
		modified = time.Time{}
	}
	rec := &statusRecorder{ResponseWriter: w}
	http.ServeContent(rec, r, name, modified, bytes.NewReader(body))
	if rec.status == http.StatusNotModified {
		s.mu.Lock()
		s.notMod++
		s.mu.Unlock()
	}
}

// file maps a URL to a saved file: /a/ → a/index.html, /a → a.html,
// /a?page=1 → a__page=1.html.
func (s *site) file(p, query string) ([]byte, string, bool) {
	name := strings.TrimPrefix(p, "/")
	if query != "" {
		name += "__" + query
	}
	for _, c := range []string{name, name + ".html", path.Join(name, "index.html")} {
		if c == "" || strings.HasSuffix(c, "/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(c)))
		if err == nil {
			return b, c, true
		}
	}
	return nil, "", false
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// testSource is a source as source.Parse would give it.
func testSource(url, kind string) source.Source {
	s := source.Source{ID: "test", Name: "Test", URL: url, Kind: kind}
	s.ApplyDefaults()
	return s
}

// testOptions allow loopback, skip delays and keep retry waits short.
func testOptions() Options {
	return Options{AllowPrivate: true, NoPoliteness: true, backoff: 10 * time.Millisecond}
}

// crawlResult is what a test crawl emitted.
type crawlResult struct {
	pages []Page
	sum   Summary
}

// page finds the emitted page of a URL path (with query).
func (r crawlResult) page(t *testing.T, uri string) Page {
	t.Helper()
	for _, p := range r.pages {
		if u, err := url.Parse(p.URL); err == nil && u.RequestURI() == uri {
			return p
		}
	}
	t.Fatalf("no page %s among %d pages", uri, len(r.pages))
	return Page{}
}

// known builds the validators a store would hand the next crawl.
func (r crawlResult) known() map[string]Validators {
	k := map[string]Validators{}
	for _, p := range r.pages {
		if p.Err == nil {
			k[p.URL] = p.Validators
		}
	}
	return k
}

// crawlSite runs a crawl and checks that emit was never called concurrently.
func crawlSite(t *testing.T, src source.Source, opt Options) crawlResult {
	t.Helper()
	var res crawlResult
	var inEmit atomic.Int32
	sum, err := Crawl(context.Background(), src, opt, func(p Page) {
		if inEmit.Add(1) != 1 {
			t.Error("emit called concurrently")
		}
		time.Sleep(time.Millisecond) // widen the window a concurrent call would need
		res.pages = append(res.pages, p)
		inEmit.Add(-1)
	})
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	res.sum = sum
	return res
}

func configFields(item, title, body, date, place string) source.Fields {
	return source.Fields{Item: item, Title: title, Body: body, Date: date, Place: place}
}

// dump renders a value for failure messages, pointers followed.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}
