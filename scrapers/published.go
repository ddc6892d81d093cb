package scrapers

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Meta tags that carry the page's publication date, by how much we trust
// them: Open Graph article dates first, then Dublin Core and plain "date".
var publishedMeta = map[string]int{
	"article:published_time": 1, "og:article:published_time": 1, "og:published_time": 1,
	"date": 2, "dc.date": 2, "dc.date.issued": 2, "dc.date.created": 2, "dcterms.date": 2,
	"dcterms.issued": 2, "dcterms.created": 2, "datepublished": 2, "pubdate": 2, "publishdate": 2,
}

// publishedTime finds a <time> that dates the article rather than the event:
// WordPress "posted on", a time in the article header, HTML5 pubdate.
const publishedTime = `time.published[datetime], time.entry-date[datetime], time[pubdate][datetime],` +
	`[itemprop=datePublished][datetime], [itemprop=datePublished][content], .entry-meta time[datetime],` +
	`.entry-header time[datetime], article header time[datetime], .article-header time[datetime],` +
	`.news-list-date time[datetime], .news-single-item time[datetime]`

var urlDate = regexp.MustCompile(`/((?:19|20)\d\d)/(\d\d?)/(\d\d?)(?:/|$)`)

// publishedDate is the page's own publication date (YYYY-MM-DD), the
// reference for dates written without a year; "" when the page does not say.
// Sources in order: article:published_time and similar meta, JSON-LD
// datePublished, a <time> in the article header, a date in the URL path.
func (hp *htmlPage) publishedDate() string {
	if hp.publishedDone {
		return hp.published
	}
	hp.publishedDone = true
	best, bestRank := "", 99
	hp.doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		for _, key := range []string{"property", "name", "itemprop"} {
			k, _ := s.Attr(key)
			if rank, ok := publishedMeta[strings.ToLower(strings.TrimSpace(k))]; ok && rank < bestRank {
				if d := isoDay(s.AttrOr("content", "")); d != "" {
					best, bestRank = d, rank
				}
			}
		}
	})
	if bestRank == 1 {
		hp.published = best
		return best
	}
	if d := ldDatePublished(hp.ld); d != "" {
		hp.published = d
		return d
	}
	if best != "" {
		hp.published = best
		return best
	}
	hp.doc.Find(publishedTime).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		v, ok := s.Attr("datetime")
		if !ok {
			v = s.AttrOr("content", "")
		}
		best = isoDay(v)
		return best == ""
	})
	if best == "" {
		best = pathDate(hp.final)
	}
	hp.published = best
	return best
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
