package scrapers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// hostileLinks are links a partner page may carry that must never become an
// item's URL or image: browsers run or render them.
var hostileLinks = []string{
	"javascript:alert(document.domain)",
	"JaVaScRiPt:alert(1)",
	" javascript:alert(1)",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"vbscript:msgbox(1)",
	"mailto:info@example.org",
	"file:///etc/passwd",
	"http://",
}

// Finding 11 of issue 12: only http(s) URLs leave the scrapers, whatever
// the strategy. A hostile iCal URL: falls back to the feed, a hostile
// JSON-LD or microdata url to the page; a relative iCal URL: is resolved.
func TestOnlyWebURLs(t *testing.T) {
	s := newSite(t, "wordpress")
	var feed strings.Builder
	feed.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
	links := append([]string{"/veranstaltung/7", "HTTPS://www.example.org/treff"}, hostileLinks...)
	for i, l := range links {
		fmt.Fprintf(&feed, "BEGIN:VEVENT\r\nUID:e%d\r\nDTSTART:20210901T150000Z\r\nSUMMARY:Treff %d\r\nURL:%s\r\nEND:VEVENT\r\n", i, i, l)
	}
	feed.WriteString("END:VCALENDAR\r\n")
	s.handle("/feed.ics", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, feed.String()) })

	var ld, md strings.Builder
	for i, l := range hostileLinks {
		fmt.Fprintf(&ld, `<script type="application/ld+json">{"@type":"Event","@id":"#e%d","name":"Treff %d","startDate":"2021-09-01","url":%q,"image":%q}</script>`, i, i, l, l)
		fmt.Fprintf(&md, `<div itemscope itemtype="https://schema.org/Event"><span itemprop="name">Treff %d</span>`+
			`<meta itemprop="startDate" content="2021-09-01"><a itemprop="url" href=%q>mehr</a><img itemprop="image" src=%q></div>`, i, l, l)
	}
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<html><head>"+body+"</head><body></body></html>")
		}
	}
	s.handle("/jsonld", page(ld.String()))
	s.handle("/microdata", page("</head><body>"+md.String()))

	t.Run("ical", func(t *testing.T) {
		p := crawlSite(t, testSource(s.URL+"/feed.ics", event.KindICal), testOptions()).page(t, "/feed.ics")
		if p.Err != nil || len(p.Items) != len(links) {
			t.Fatalf("err %v, %d items", p.Err, len(p.Items))
		}
		want := []string{s.URL + "/veranstaltung/7", "https://www.example.org/treff"}
		for i, it := range p.Items {
			w := s.URL + "/feed.ics"
			if i < len(want) {
				w = want[i]
			}
			if it.URL != w {
				t.Errorf("URL:%s → %q, want %q", links[i], it.URL, w)
			}
		}
		if n := len(p.Warnings); n != len(hostileLinks) {
			t.Errorf("%d warnings, want %d: %q", n, len(hostileLinks), p.Warnings)
		}
	})
	for _, path := range []string{"/jsonld", "/microdata"} {
		t.Run(path, func(t *testing.T) {
			p := crawlSite(t, testSource(s.URL+path, event.KindJSONLD), testOptions()).page(t, path)
			if p.Err != nil || len(p.Items) != len(hostileLinks) {
				t.Fatalf("err %v, %d items", p.Err, len(p.Items))
			}
			for i, it := range p.Items {
				if it.URL != s.URL+path || it.Image != "" {
					t.Errorf("%s → url %q, image %q", hostileLinks[i], it.URL, it.Image)
				}
			}
		})
	}
}
