package scrapers

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// maxCalendarAnchors is how many calendar links in the page's text may be
// taken for the site's feed.
const maxCalendarAnchors = 2

// calendarLinks are the iCalendar feeds a page offers: <link
// rel=alternate type=text/calendar>, webcal: links, .ics links and the
// export links of WordPress event plugins (The Events Calendar's ?ical=1,
// Events Manager's and Modern Events Calendar's ical feeds).
func (hp *htmlPage) calendarLinks() []string {
	var out []string
	add := func(href string) {
		href = strings.TrimSpace(href)
		if rest, ok := strings.CutPrefix(strings.ToLower(href), "webcal://"); ok {
			href = hp.base.Scheme + "://" + href[len(href)-len(rest):]
		}
		if u := hp.resolve(href); u != nil && siteOf(u.Host) == siteOf(hp.base.Host) {
			if s := u.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	hp.doc.Find(`link[rel~="alternate"][type^="text/calendar"][href]`).Each(func(_ int, s *goquery.Selection) {
		add(s.AttrOr("href", ""))
	})
	var anchors []string
	hp.doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		href := strings.TrimSpace(s.AttrOr("href", ""))
		l := strings.ToLower(href)
		p := l
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		if (strings.HasPrefix(l, "webcal:") || strings.HasSuffix(p, ".ics") || strings.Contains(l, "ical=1") ||
			strings.Contains(l, "mec-ical-feed")) && !slices.Contains(anchors, href) {
			anchors = append(anchors, href)
		}
	})
	// Many calendar links are the "add to calendar" exports of single
	// events (one per list entry): a feed of one event is not the site's
	// calendar. A page that links one or two is offering its feed.
	if len(anchors) <= maxCalendarAnchors {
		for _, a := range anchors {
			add(a)
		}
	}
	return out
}

// wordPressAPI is the REST root a WordPress page announces (<link
// rel="https://api.w.org/">), or "" for a page that is not WordPress.
func (hp *htmlPage) wordPressAPI() string {
	if href, ok := hp.doc.Find(`link[rel="https://api.w.org/"][href]`).First().Attr("href"); ok {
		if u := hp.resolve(href); u != nil {
			return strings.TrimSuffix(u.String(), "/") + "/"
		}
	}
	return ""
}

// isCalendar says whether a body is an iCalendar feed with events.
func isCalendar(body []byte) bool {
	head := body[:min(len(body), 512)]
	return bytes.Contains(bytes.ToUpper(head), []byte("BEGIN:VCALENDAR")) && bytes.Contains(body, []byte("BEGIN:VEVENT"))
}

// tribeEvents counts the events of a The Events Calendar REST answer
// (/wp-json/tribe/events/v1/events).
func tribeEvents(body []byte) (int, bool) {
	var v struct {
		Events []json.RawMessage `json:"events"`
		Total  int               `json:"total"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Events == nil {
		return 0, false
	}
	return max(len(v.Events), v.Total), true
}

// withQuery adds key=value to a URL's query.
func withQuery(u *url.URL, key, value string) string {
	c := *u
	q := c.Query()
	q.Set(key, value)
	c.RawQuery = q.Encode()
	return c.String()
}
