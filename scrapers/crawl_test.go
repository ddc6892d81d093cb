package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

func wordpressSource(base string) source.Source {
	src := testSource(base+"/veranstaltungen/", event.KindHTML)
	src.Follow = "h2.entry-title a"
	src.Next = "a.next"
	src.Fields = configFields("", "h1.entry-title", ".entry-content", ".event-date", ".event-place")
	return src
}

// A second crawl with the validators of the first writes nothing, whichever
// validator the site supports. List pages are always fetched in full (their
// links lead to the detail pages) and come out unchanged by their hash.
func TestConditionalGet(t *testing.T) {
	tests := []struct {
		name          string
		etag, lastMod bool
		want304       int // detail pages answered 304
	}{
		{"etag", true, false, 5},
		{"last-modified", false, true, 5},
		{"hash only", false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, "wordpress")
			s.etag, s.lastMod = tt.etag, tt.lastMod
			src := wordpressSource(s.URL)
			first := crawlSite(t, src, testOptions())
			if first.sum.Unchanged != 0 || first.sum.Pages != 7 {
				t.Fatalf("first crawl %+v", first.sum)
			}
			opt := testOptions()
			opt.Known = first.known()
			second := crawlSite(t, src, opt)
			if want := (Summary{Pages: 7, Unchanged: 7, Complete: true}); second.sum != want {
				t.Errorf("second crawl %+v, want %+v", second.sum, want)
			}
			for _, p := range second.pages {
				if !p.Unchanged || len(p.Items) != 0 || p.Err != nil {
					t.Errorf("%s: unchanged %v, %d items, err %v", p.URL, p.Unchanged, len(p.Items), p.Err)
				}
				if p.Validators != opt.Known[p.URL] {
					t.Errorf("%s: validators %+v, stored %+v", p.URL, p.Validators, opt.Known[p.URL])
				}
			}
			if s.notMod != tt.want304 {
				t.Errorf("%d answers were 304, want %d", s.notMod, tt.want304)
			}
		})
	}
}

// A changed page is extracted again; its neighbours stay unchanged.
func TestConditionalGetChangedPage(t *testing.T) {
	s := newSite(t, "wordpress")
	s.etag = true
	src := wordpressSource(s.URL)
	first := crawlSite(t, src, testOptions())
	opt := testOptions()
	opt.Known = first.known()
	const changed = "/2021/09/01/ag-migrantinnenorganisationen/"
	k := opt.Known[s.URL+changed]
	k.ETag, k.Hash = `"older"`, "0123"
	opt.Known[s.URL+changed] = k
	second := crawlSite(t, src, opt)
	if second.sum.Unchanged != 6 {
		t.Errorf("summary %+v", second.sum)
	}
	if p := second.page(t, changed); p.Unchanged || len(p.Items) != 1 || p.Validators == k {
		t.Errorf("changed page: unchanged %v, %d items, validators %+v", p.Unchanged, len(p.Items), p.Validators)
	}
}

// ISO-8859-1 pages come out as correct UTF-8, whether the charset is in the
// Content-Type header, only in <meta>, or nowhere at all.
func TestCharset(t *testing.T) {
	const title = "Teilprojekt im Landkreis Bautzen: Förderung diversitätsorientierter Öffnung"
	tests := []struct{ name, contentType string }{
		{"header", "text/html; charset=ISO-8859-1"},
		{"no declaration", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, "typo3")
			s.types["/aktuelles/teilprojekt-bautzen.html"] = tt.contentType
			src := testSource(s.URL+"/aktuelles/teilprojekt-bautzen.html", event.KindHTML)
			src.Fields.Body = ".news-text-wrap"
			res := crawlSite(t, src, testOptions())
			p := res.page(t, "/aktuelles/teilprojekt-bautzen.html")
			if p.Err != nil || len(p.Items) != 1 {
				t.Fatalf("err %v items %d", p.Err, len(p.Items))
			}
			it := p.Items[0]
			if it.Title != title {
				t.Errorf("title %q", it.Title)
			}
			if !strings.Contains(it.Text, "Großpostwitz") || !strings.Contains(it.Text, "Bürgerhaus an der Hauptstraße") {
				t.Errorf("text %q", it.Text)
			}
			if it.Published != "2021-09-20" { // microdata datePublished beats TYPO3's page DC.date
				t.Errorf("published %q", it.Published)
			}
		})
	}
}

// 404 is final and asked once; 500 is retried (Retries+1 requests); a 503
// that recovers gives the page.
func TestHTTPErrors(t *testing.T) {
	s := newSite(t, "wordpress")
	var flaky atomic.Int32
	s.handle("/500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "kaputt", http.StatusInternalServerError) })
	s.handle("/503-once", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "<html><body><h1>Wieder da</h1></body></html>")
	})
	tests := []struct {
		path     string
		retries  int
		status   int
		requests int
		ok       bool
	}{
		{"/gibt-es-nicht", 2, 404, 1, false},
		{"/500", 2, 500, 3, false},
		{"/500", 0, 500, 1, false},
		{"/503-once", 2, 200, 2, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s retries %d", tt.path, tt.retries), func(t *testing.T) {
			before := s.hitsOf(tt.path)
			src := testSource(s.URL+tt.path, event.KindHTML)
			src.Retries = &tt.retries
			res := crawlSite(t, src, testOptions())
			p := res.page(t, tt.path)
			if got := s.hitsOf(tt.path) - before; got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if p.Status != tt.status || (p.Err == nil) != tt.ok || res.sum.Complete != tt.ok {
				t.Errorf("status %d err %v complete %v", p.Status, p.Err, res.sum.Complete)
			}
			var se *StatusError
			if !tt.ok && (!errors.As(p.Err, &se) || se.Code != tt.status) {
				t.Errorf("err %v is not StatusError %d", p.Err, tt.status)
			}
		})
	}
}

// A server that never answers costs at most Timeout per attempt.
func TestTimeout(t *testing.T) {
	s := newSite(t, "wordpress")
	s.handle("/haengt", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s.handle("/stockt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		fmt.Fprint(w, "<html><body><h1>Halb")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the body stalls half way
	})
	for _, path := range []string{"/haengt", "/stockt"} {
		t.Run(path, func(t *testing.T) {
			src := testSource(s.URL+path, event.KindHTML)
			src.Timeout.Duration = 150 * time.Millisecond
			retries := 1
			src.Retries = &retries
			start := time.Now()
			res := crawlSite(t, src, testOptions())
			took := time.Since(start)
			p := res.page(t, path)
			if !errors.Is(p.Err, errAttemptTimeout) || s.hitsOf(path) != 2 {
				t.Errorf("err %v after %d requests", p.Err, s.hitsOf(path))
			}
			if took > 3*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	s := newSite(t, "wordpress")
	other := newSite(t, "drupal")
	_, port, _ := net.SplitHostPort(other.Listener.Addr().String())
	elsewhere := "http://localhost:" + port + "/bildungsangebote" // another site: localhost is not 127.0.0.1
	s.handle("/schleife", func(w http.ResponseWriter, r *http.Request) {
		n := r.URL.Query().Get("n")
		if n == "" {
			n = "0"
		}
		http.Redirect(w, r, "/schleife?n="+n+"0", http.StatusFound)
	})
	s.handle("/ping", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/pong", http.StatusMovedPermanently)
	})
	s.handle("/pong", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ping", http.StatusMovedPermanently)
	})
	s.handle("/weg", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, elsewhere, http.StatusFound) })
	s.handle("/alt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/2021/09/01/ag-migrantinnenorganisationen/", http.StatusMovedPermanently)
	})
	tests := []struct {
		path  string
		err   error
		final string
	}{
		{"/schleife", ErrTooManyRedirects, ""},
		{"/ping", ErrTooManyRedirects, ""},
		{"/weg", ErrOffSite, ""},
		{"/alt", nil, s.URL + "/2021/09/01/ag-migrantinnenorganisationen/"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			src := testSource(s.URL+tt.path, event.KindHTML)
			res := crawlSite(t, src, testOptions())
			p := res.page(t, tt.path)
			if !errors.Is(p.Err, tt.err) {
				t.Fatalf("err %v, want %v", p.Err, tt.err)
			}
			if tt.final != "" && (p.FinalURL != tt.final || len(p.Items) != 1 || p.Items[0].Key != CanonicalURL(tt.final)) {
				t.Errorf("final %q items %+v", p.FinalURL, p.Items)
			}
		})
	}
	if other.totalHits() != 0 {
		t.Errorf("the other site was contacted %d times", other.totalHits())
	}
	if n := s.hitsOf("/ping") + s.hitsOf("/pong"); n != 1+maxRedirects {
		t.Errorf("redirect loop made %d requests, want %d", n, 1+maxRedirects)
	}
}

func TestSizeCap(t *testing.T) {
	s := newSite(t, "wordpress")
	big := "<html><body><h1>Zu groß</h1>" + strings.Repeat("<p>Zwischenraum ist eine Radiosendung.</p>", 200) + "</body></html>"
	s.handle("/gross", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, big) })
	s.handle("/gross-chunked", func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i < len(big); i += 512 { // no Content-Length: the cap must count
			fmt.Fprint(w, big[i:min(i+512, len(big))])
			w.(http.Flusher).Flush()
		}
	})
	for _, path := range []string{"/gross", "/gross-chunked"} {
		t.Run(path, func(t *testing.T) {
			src := testSource(s.URL+path, event.KindHTML)
			src.MaxBytes = 4096
			res := crawlSite(t, src, testOptions())
			p := res.page(t, path)
			if !errors.Is(p.Err, ErrTooLarge) || len(p.Items) != 0 || s.hitsOf(path) != 1 {
				t.Errorf("err %v, %d items, %d requests", p.Err, len(p.Items), s.hitsOf(path))
			}
		})
	}
	src := testSource(s.URL+"/gross", event.KindHTML)
	src.MaxBytes = int64(len(big))
	if p := crawlSite(t, src, testOptions()).page(t, "/gross"); p.Err != nil {
		t.Errorf("page of exactly the cap: %v", p.Err)
	}
}

// A disallowed page is reported, never requested; our group in robots.txt
// wins over "*".
func TestRobotsTxt(t *testing.T) {
	s := newSite(t, "wordpress")
	s.handle("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: TreffpunktBot\nDisallow: /2021/05/\nAllow: /\n")
	})
	src := wordpressSource(s.URL)
	res := crawlSite(t, src, testOptions())
	blocked := []string{
		"/2021/05/12/werkstatt-der-migrantinnenorganisationen/",
		"/2021/05/14/beteiligungskonferenz-migrantisches-leben-in-sachsen/",
		"/2021/05/20/runder-tisch-migration-und-gender-pay-gap/",
	}
	for _, uri := range blocked {
		p := res.page(t, uri)
		if !errors.Is(p.Err, ErrRobotsDisallowed) || p.Err.Error() != "disallowed by robots.txt" || s.hitsOf(uri) != 0 {
			t.Errorf("%s: err %v, %d requests", uri, p.Err, s.hitsOf(uri))
		}
	}
	if p := res.page(t, "/2021/09/01/ag-migrantinnenorganisationen/"); p.Err != nil {
		t.Errorf("allowed page: %v", p.Err)
	}
	if res.sum.Errors != 3 || !res.sum.Complete || s.hitsOf("/robots.txt") != 1 {
		t.Errorf("summary %+v, robots.txt read %d times", res.sum, s.hitsOf("/robots.txt"))
	}
}

// A redirect to a path robots.txt disallows is not followed: colly asks
// robots.txt only about the URL it was given.
func TestRedirectIntoDisallowedPath(t *testing.T) {
	s := newSite(t, "wordpress")
	s.handle("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /intern/\n")
	})
	s.handle("/mitglieder", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/intern/login?next=/mitglieder", http.StatusFound)
	})
	s.handle("/intern/login", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<html><body><h1>Anmelden</h1></body></html>")
	})
	s.handle("/alt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/2021/09/01/ag-migrantinnenorganisationen/", http.StatusMovedPermanently)
	})
	for _, tt := range []struct {
		path string
		err  error
	}{
		{"/mitglieder", ErrRobotsDisallowed},
		{"/alt", nil},
	} {
		src := testSource(s.URL+tt.path, event.KindHTML)
		p := crawlSite(t, src, testOptions()).page(t, tt.path)
		if !errors.Is(p.Err, tt.err) {
			t.Errorf("%s: err %v, want %v", tt.path, p.Err, tt.err)
		}
	}
	if n := s.hitsOf("/intern/login"); n != 0 {
		t.Errorf("the disallowed target was requested %d times", n)
	}
}

func TestPrivateAddressRefused(t *testing.T) {
	s := newSite(t, "wordpress")
	src := wordpressSource(s.URL)
	opt := testOptions()
	opt.AllowPrivate = false
	called := false
	_, err := Crawl(context.Background(), src, opt, func(Page) { called = true })
	if !errors.Is(err, ErrPrivateAddress) || called || s.totalHits() != 0 {
		t.Errorf("err %v, emitted %v, %d requests", err, called, s.totalHits())
	}
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	if _, err := Crawl(context.Background(), wordpressSource("http://localhost:"+port), opt, func(Page) {}); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("localhost resolved and not refused: %v", err)
	}
	src.AllowPrivate = true // the source may allow it
	if res := crawlSite(t, src, opt); res.sum.Pages != 7 {
		t.Errorf("with allow_private: %+v", res.sum)
	}
}

// A site that passes as public redirects to a private address: the dialer
// refuses it, so neither redirects nor DNS tricks reach the private side.
func TestRedirectToPrivateRefused(t *testing.T) {
	private := newSite(t, "drupal")
	public := newSite(t, "wordpress")
	public.handle("/intern", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/bildungsangebote", http.StatusFound)
	})
	src := testSource(public.URL+"/intern", event.KindHTML)
	opt := testOptions()
	opt.AllowPrivate = false
	opt.publicAddrs = map[string]bool{public.Listener.Addr().String(): true}
	res := crawlSite(t, src, opt)
	p := res.page(t, "/intern")
	if !errors.Is(p.Err, ErrPrivateAddress) || private.totalHits() != 0 || public.hitsOf("/intern") != 1 {
		t.Errorf("err %v, private site hit %d times, /intern %d", p.Err, private.totalHits(), public.hitsOf("/intern"))
	}
}

func TestMaxPages(t *testing.T) {
	s := newSite(t, "wordpress")
	src := wordpressSource(s.URL)
	src.MaxPages = 3
	res := crawlSite(t, src, testOptions())
	if res.sum.Pages != 3 || !res.sum.Truncated || res.sum.Complete || s.totalHits() != 3 {
		t.Errorf("summary %+v, %d requests", res.sum, s.totalHits())
	}
}

// Pagination that never ends ("next month" forever) or goes round in
// circles: each page is fetched once, and an empty page stops it.
func TestPaginationLoop(t *testing.T) {
	var listHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/kalender", func(w http.ResponseWriter, r *http.Request) {
		listHits.Add(1)
		m := r.URL.Query().Get("monat")
		n := 0
		fmt.Sscan(m, &n)
		links := ""
		if n < 3 { // months 0..2 have events, later months are empty
			links = fmt.Sprintf(`<h2><a href="/termin/%d">Termin %d</a></h2>`, n, n)
		}
		fmt.Fprintf(w, `<html><body>%s<a class="prev" href="/kalender?monat=%d">zurück</a>
			<a class="next" href="/kalender?monat=%d&amp;utm_source=kalender">vor</a><a class="next" href="/kalender?monat=0">Anfang</a></body></html>`, links, n-1, n+1)
	})
	mux.HandleFunc("/termin/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<html><body><h1>Termin %s</h1></body></html>", r.URL.Path)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	src := testSource(srv.URL+"/kalender", event.KindHTML)
	src.Follow, src.Next = "h2 a", "a.next"
	res := crawlSite(t, src, testOptions())
	// /kalender, ?monat=1..3 (3 is empty and ends it), ?monat=0 is new too.
	if listHits.Load() != 5 || res.sum.Pages != 5+3 || !res.sum.Complete {
		t.Errorf("%d list requests, summary %+v", listHits.Load(), res.sum)
	}
}

func TestContextCancelled(t *testing.T) {
	s := newSite(t, "wordpress")
	release := make(chan struct{})
	s.handle("/2021/09/01/ag-migrantinnenorganisationen/", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	src := wordpressSource(s.URL)
	src.Parallelism = 1
	emitted := 0
	start := time.Now()
	sum, err := Crawl(ctx, src, testOptions(), func(p Page) {
		emitted++
		if emitted == 2 {
			cancel()
		}
	})
	if err != nil || sum.Complete || emitted != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("err %v, summary %+v, %d emitted, %s", err, sum, emitted, time.Since(start))
	}
	if _, err := Crawl(ctx, src, testOptions(), func(Page) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("crawl with a cancelled context: %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		name string
		src  source.Source
		want string
	}{
		{"bad selector", source.Source{ID: "x", URL: "http://127.0.0.1/", Kind: "html", Follow: "h2[[a"}, "follow: bad CSS selector"},
		{"bad scheme", source.Source{ID: "x", URL: "ftp://127.0.0.1/", Kind: "html"}, "scheme must be http or https"},
		{"bad kind", source.Source{ID: "x", URL: "http://127.0.0.1/", Kind: "rss"}, `kind "rss"`},
	}
	for _, tt := range tests {
		_, err := Crawl(context.Background(), tt.src, testOptions(), func(Page) { t.Error("emitted") })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
}

// Every request carries our User-Agent and the conditional headers of Known.
func TestRequestHeaders(t *testing.T) {
	var ua, inm, ims atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.ics" {
			ua.Store(r.UserAgent())
			inm.Store(r.Header.Get("If-None-Match"))
			ims.Store(r.Header.Get("If-Modified-Since"))
			w.WriteHeader(http.StatusNotModified)
		}
	}))
	t.Cleanup(srv.Close)
	src := testSource(srv.URL+"/feed.ics", event.KindICal)
	opt := testOptions()
	stored := Validators{ETag: `W/"abc"`, LastModified: "Fri, 01 Oct 2021 08:00:00 GMT", Hash: "feed"}
	opt.Known = map[string]Validators{srv.URL + "/feed.ics": stored}
	res := crawlSite(t, src, opt)
	if ua.Load() != DefaultUserAgent || inm.Load() != stored.ETag || ims.Load() != stored.LastModified {
		t.Errorf("headers: %v / %v / %v", ua.Load(), inm.Load(), ims.Load())
	}
	if p := res.page(t, "/feed.ics"); !p.Unchanged || p.Status != 304 || p.Validators != stored || !res.sum.Complete {
		t.Errorf("page %+v summary %+v", p, res.sum)
	}
}

// An old URL that redirects to a page the list also links gives the items
// once, not twice.
func TestRedirectToLinkedPage(t *testing.T) {
	s := newSite(t, "wordpress")
	const target = "/2021/09/01/ag-migrantinnenorganisationen/"
	s.handle("/liste", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `<html><body><h2><a href="/alt">alt</a></h2><h2><a href="%s">neu</a></h2></body></html>`, target)
	})
	s.handle("/alt", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusMovedPermanently) })
	src := testSource(s.URL+"/liste", event.KindHTML)
	src.Follow = "h2 a"
	src.Parallelism = 1
	res := crawlSite(t, src, testOptions())
	keys := map[string]int{}
	for _, p := range res.pages {
		for _, it := range p.Items {
			keys[it.Key]++
		}
	}
	if len(keys) != 1 || keys[CanonicalURL(s.URL+target)] != 1 || res.sum.Pages != 3 || res.sum.Errors != 0 {
		t.Errorf("keys %v, summary %+v", keys, res.sum)
	}
}

// Colly fetches robots.txt without a context; cancelling the crawl must
// still end a robots.txt request that hangs.
func TestContextCancelledDuringRobots(t *testing.T) {
	s := newSite(t, "wordpress")
	s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	src := wordpressSource(s.URL)
	src.Timeout.Duration = 30 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	sum, err := Crawl(ctx, src, testOptions(), func(p Page) { t.Errorf("emitted %s: %v", p.URL, p.Err) })
	if err != nil || sum.Complete || time.Since(start) > 5*time.Second {
		t.Errorf("err %v summary %+v after %s", err, sum, time.Since(start))
	}
}
