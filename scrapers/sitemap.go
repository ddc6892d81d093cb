package scrapers

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// maxSitemapURLs bounds what one sitemap may hand to a crawl; the crawl's
// own max_pages applies on top.
const maxSitemapURLs = 5000

// maxSitemaps bounds how many sitemaps of a sitemap index are read.
const maxSitemaps = 3

// sitemapDoc is a <urlset> or a <sitemapindex>: both have <loc> children.
type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapLoc `xml:"url"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

// parseSitemap reads a sitemap: page URLs, or the sitemaps of an index.
func parseSitemap(body []byte) (pages, sitemaps []string, err error) {
	var d sitemapDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	if err := dec.Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("sitemap: %w", err)
	}
	if d.XMLName.Local != "urlset" && d.XMLName.Local != "sitemapindex" {
		return nil, nil, fmt.Errorf("sitemap: root element <%s>, want <urlset> or <sitemapindex>", d.XMLName.Local)
	}
	for _, l := range d.URLs {
		if loc := strings.TrimSpace(l.Loc); loc != "" && len(pages) < maxSitemapURLs {
			pages = append(pages, loc)
		}
	}
	for _, l := range d.Sitemaps {
		if loc := strings.TrimSpace(l.Loc); loc != "" && len(sitemaps) < maxSitemaps {
			sitemaps = append(sitemaps, loc)
		}
	}
	return pages, sitemaps, nil
}

// robotsSitemaps lists the Sitemap: lines of a robots.txt.
func robotsSitemaps(body []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() && len(out) < maxSitemaps {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "sitemap") {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// listPagePath matches pagination pages, which a sitemap lists beside the
// announcements: /page/2/, /seite/3/, ?page=1.
var listPagePath = regexp.MustCompile(`(?i)/(page|seite)/\d+/?$|[?&](page|seite|p)=\d+`)

// underStart keeps the sitemap URLs under the start URL's directory on its
// host that are not the start page itself or a pagination page.
func underStart(start *url.URL, urls []string) []string {
	dir := start.Path
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir(dir) + "/"
	}
	self := CanonicalURL(start.String())
	var out []string
	seen := map[string]bool{}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host != start.Host || !strings.HasPrefix(u.Path, dir) {
			continue
		}
		c := CanonicalURL(u.String())
		if c == self || seen[c] || listPagePath.MatchString(u.RequestURI()) {
			continue
		}
		seen[c] = true
		out = append(out, u.String())
	}
	return out
}
