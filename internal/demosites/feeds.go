package demosites

import (
	"bytes"
	"net/http"
)

// Machine-readable endpoints of the mirror that kind: auto discovers (issue
// 17). The DSM site is WordPress with The Events Calendar, which serves its
// events as an iCal export (?ical=1 on the events page) and through its REST
// API; the SAQsen site (TYPO3) has a sitemap.xml, named in its robots.txt.
const (
	// TribeRESTPath is The Events Calendar's REST endpoint on the DSM site.
	TribeRESTPath = "/dsm/wp-json/tribe/events/v1/events"
	// TribeICalPath with the query "ical=1" is the plugin's iCal export.
	TribeICalPath = "/dsm/veranstaltungen/"
	// SitemapPath is the SAQsen sitemap.
	SitemapPath = "/saqsen/sitemap.xml"
)

// aliases map a request (path, query) to a file whose name a URL cannot
// spell: an endpoint without an extension, or a query that changes the type.
var aliases = map[[2]string]string{
	{TribeRESTPath, ""}:       "dsm/wp-json/tribe-events.json",
	{TribeRESTPath + "/", ""}: "dsm/wp-json/tribe-events.json",
	{TribeICalPath, "ical=1"}: "dsm/veranstaltungen/ical.ics",
}

func (m *mirror) alias(r *http.Request) *page {
	if f, ok := aliases[[2]string{r.URL.Path, r.URL.RawQuery}]; ok {
		return m.pages[f]
	}
	return nil
}

// basePlaceholder stands for the mirror's own origin in files that must
// carry absolute URLs (sitemaps, robots.txt Sitemap lines, feed links): the
// mirror's address is only known per request.
var basePlaceholder = []byte("{{BASE}}")

// origin is scheme://host of the request.
func origin(r *http.Request) []byte {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return []byte(scheme + "://" + r.Host)
}

func withOrigin(body []byte, r *http.Request) []byte {
	return bytes.ReplaceAll(body, basePlaceholder, origin(r))
}
