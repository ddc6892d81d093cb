package scrapers

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Meta tags that carry the page's publication date: Open Graph article
// dates name the article itself; Dublin Core and plain "date" often date
// the CMS page around it, so they rank below the article's own markup.
var (
	articleMeta = map[string]bool{"article:published_time": true, "og:article:published_time": true, "og:published_time": true}
	pageMeta    = map[string]bool{
		"date": true, "dc.date": true, "dc.date.issued": true, "dc.date.created": true, "dcterms.date": true,
		"dcterms.issued": true, "dcterms.created": true, "pubdate": true, "publishdate": true,
	}
)

// headerTime finds a <time> that dates the article rather than the event:
// WordPress "posted on", a time in the article header, HTML5 pubdate.
const headerTime = `time.published[datetime], time.entry-date[datetime], time[pubdate][datetime],` +
	`.entry-meta time[datetime], .entry-header time[datetime], article header time[datetime],` +
	`.article-header time[datetime], .post-meta time[datetime]`

var urlDate = regexp.MustCompile(`/((?:19|20)\d\d)/(\d\d?)/(\d\d?)(?:/|$)`)

// publishedDate is the page's own publication date (YYYY-MM-DD), the
// reference for dates written without a year; "" when the page does not say.
// Sources in order: article:published_time (Open Graph), JSON-LD
// datePublished, microdata datePublished, <meta name="date"> and Dublin
// Core, a <time> in the article header, a date in the URL path.
func (hp *htmlPage) publishedDate() string {
	if !hp.publishedDone {
		hp.published, hp.publishedDone = hp.findPublished(), true
	}
	return hp.published
}

func (hp *htmlPage) findPublished() string {
	if d := hp.metaDate(articleMeta); d != "" {
		return d
	}
	if d := ldDatePublished(hp.ld); d != "" {
		return d
	}
	if d := hp.attrDate("[itemprop=datePublished]"); d != "" {
		return d
	}
	if d := hp.metaDate(pageMeta); d != "" {
		return d
	}
	if d := hp.attrDate(headerTime); d != "" {
		return d
	}
	return pathDate(hp.final)
}

// metaDate reads the first <meta> named in keys (by name or property).
func (hp *htmlPage) metaDate(keys map[string]bool) string {
	var day string
	hp.doc.Find("meta[content]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for _, attr := range []string{"property", "name"} {
			if k, ok := s.Attr(attr); ok && keys[strings.ToLower(strings.TrimSpace(k))] {
				day = isoDay(s.AttrOr("content", ""))
			}
		}
		return day == ""
	})
	return day
}

// attrDate reads the datetime (or content) of the first matching element.
func (hp *htmlPage) attrDate(sel string) string {
	var day string
	hp.doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		v, ok := s.Attr("datetime")
		if !ok {
			v = s.AttrOr("content", "")
		}
		day = isoDay(v)
		return day == ""
	})
	return day
}

// pathDate reads a WordPress-style permalink date: /2019/06/10/.
func pathDate(raw string) string {
	i := strings.Index(raw, "://")
	if i >= 0 {
		raw = raw[i+3:]
	}
	m := urlDate.FindStringSubmatch(raw)
	if m == nil {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return ""
	}
	return t.Format(time.DateOnly)
}

// isoDay reduces an ISO 8601 date or timestamp to its day in Berlin
// (YYYY-MM-DD); anything else gives "".
func isoDay(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return ""
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02T15:04-07:00", "2006-01-02 15:04:05-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return plausible(t.In(event.Berlin))
		}
	}
	t, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return ""
	}
	if len(s) > 10 && s[10] != 'T' && s[10] != ' ' {
		return ""
	}
	return plausible(t)
}

// plausible drops dates no web page can have been published on.
func plausible(t time.Time) string {
	if t.Year() < 1990 || t.After(time.Now().AddDate(1, 0, 0)) {
		return ""
	}
	return t.Format(time.DateOnly)
}
