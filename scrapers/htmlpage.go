package scrapers

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// htmlPage is one fetched HTML page, parsed once for every strategy.
type htmlPage struct {
	doc       *goquery.Document
	final     string   // URL after redirects
	base      *url.URL // for relative links: <base href>, else the final URL
	canonical string   // CanonicalURL(final): the page's identity
	lang      string   // primary language subtag of <html lang>
	ld        []any    // JSON-LD values of the page's ld+json scripts
	ldWarn    []string

	published     string
	publishedDone bool
}

func parseHTML(body []byte, finalURL string) (*htmlPage, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse HTML: %w", err)
	}
	base, err := url.Parse(finalURL)
	if err != nil {
		return nil, fmt.Errorf("page url: %w", err)
	}
	hp := &htmlPage{doc: doc, final: finalURL, base: base, canonical: CanonicalURL(finalURL)}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			hp.base = b
		}
	}
	html := doc.Find("html").First()
	lang, ok := html.Attr("lang")
	if !ok {
		lang, _ = html.Attr("xml:lang")
	}
	hp.lang = primaryLang(lang)
	hp.ld, hp.ldWarn = parseJSONLD(doc)
	return hp, nil
}

// primaryLang turns "de-DE" or "DE_de" into "de".
func primaryLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	return tag
}

// resolve makes a link absolute against the page, without its fragment.
// Links that are not http(s) (mailto:, javascript:, tel:) give nil.
func (hp *htmlPage) resolve(href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := hp.base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment, u.RawFragment = "", ""
	return u
}

// links returns the targets of the elements m matches: their own href, or
// that of the first link inside them (so "h2.entry-title" works as well as
// "h2.entry-title a").
func (hp *htmlPage) links(m goquery.Matcher) []*url.URL {
	var out []*url.URL
	hp.doc.FindMatcher(m).Each(func(_ int, s *goquery.Selection) {
		href, ok := s.Attr("href")
		if !ok {
			href, ok = s.Find("a[href]").First().Attr("href")
		}
		if !ok {
			return
		}
		if u := hp.resolve(href); u != nil {
			out = append(out, u)
		}
	})
	return out
}

// complete fills what every item of the page shares.
func (hp *htmlPage) complete(it *event.Item, kind string) {
	it.Kind = kind
	if it.URL == "" {
		it.URL = hp.final
	}
	if it.Lang == "" {
		it.Lang = hp.lang
	}
	if it.Published == "" {
		it.Published = hp.publishedDate()
	}
}
