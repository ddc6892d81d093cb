package demosites

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// serve asks the handler directly: 2,000 pages through loopback would only
// test the network stack.
func serve(t *testing.T, h http.Handler, path string) (int, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.Bytes()
}

func doc(t *testing.T, b []byte) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSynthetic2000 walks the benchmark site as a crawler would: 40 list
// pages by their next links reach 2,000 distinct detail pages, each with a
// title and a body.
func TestSynthetic2000(t *testing.T) {
	const n = 2000
	h := Synthetic(n)
	details := map[string]bool{}
	lists := 0
	for next := SyntheticPrefix; next != ""; {
		code, body := serve(t, h, next)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", next, code)
		}
		lists++
		d := doc(t, body)
		d.Find(".news-list-item h3 a").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			details[href] = true
		})
		next, _ = d.Find(".f3-widget-paginator li.next a").Attr("href")
	}
	if lists != n/SyntheticPerPage || len(details) != n {
		t.Fatalf("%d list pages, %d detail pages; want %d, %d", lists, len(details), n/SyntheticPerPage, n)
	}
	styles, days := map[string]int{}, map[string]bool{}
	for href := range details {
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		code, body := serve(t, h, u.Path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", href, code)
		}
		d := doc(t, body)
		if text(d.Find(".news-single h1")) == "" || text(d.Find(".news-text-wrap")) == "" {
			t.Fatalf("%s: no title or body", href)
		}
		switch {
		case d.Find(".event-date").Length() > 0:
			styles["block"]++
			days[strings.Split(text(d.Find(".event-date")), ", ")[1]] = true
		case bytes.Contains(body, []byte(" | ")):
			styles["headline"]++
		default:
			styles["body"]++
		}
	}
	// All three ways of stating the date, spread over many days.
	for _, s := range []string{"block", "headline", "body"} {
		if styles[s] < n/5 {
			t.Errorf("only %d pages state the date in the %s (%v)", styles[s], s, styles)
		}
	}
	if len(days) < 300 {
		t.Errorf("only %d distinct dates among the Datum blocks", len(days))
	}
}

func TestSyntheticDeterministic(t *testing.T) {
	a, b := Synthetic(2000), Synthetic(2000)
	for _, p := range []string{"/synthetic/", "/synthetic/seite/17/", "/synthetic/veranstaltung/1234/"} {
		_, x := serve(t, a, p)
		_, y := serve(t, b, p)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two handlers", p)
		}
	}
	_, x := serve(t, a, "/synthetic/veranstaltung/1/")
	_, y := serve(t, a, "/synthetic/veranstaltung/2/")
	if bytes.Equal(x, y) {
		t.Error("two detail pages are identical")
	}
}

func TestSyntheticBounds(t *testing.T) {
	h := Synthetic(120)
	tests := []struct {
		path string
		code int
	}{
		{"/synthetic/", 200},
		{"/synthetic/seite/3/", 200},
		{"/synthetic/seite/4/", 404},
		{"/synthetic/seite/1/", 404}, // page 1 is /synthetic/
		{"/synthetic/veranstaltung/120/", 200},
		{"/synthetic/veranstaltung/0/", 404},
		{"/synthetic/veranstaltung/121/", 404},
		{"/synthetic/veranstaltung/x/", 404},
		{"/synthetic/anderes/", 404},
	}
	for _, tt := range tests {
		if code, _ := serve(t, h, tt.path); code != tt.code {
			t.Errorf("%s: %d, want %d", tt.path, code, tt.code)
		}
	}
	// The last list page has no next link.
	_, body := serve(t, h, "/synthetic/seite/3/")
	if doc(t, body).Find("li.next a").Length() != 0 {
		t.Error("last list page links a next page")
	}
}

func BenchmarkSyntheticDetail(b *testing.B) {
	h := Synthetic(2000)
	req := httptest.NewRequest(http.MethodGet, "/synthetic/veranstaltung/1000/", nil)
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
