// Package scrapers fetches partner sites and reports what their pages say
// about events, as event.Items of strings: normalisation decides what they
// mean. One crawl engine (Colly, built in collector.go) serves three generic
// strategies chosen per source (src.Kind):
//
//   - jsonld: schema.org Event and subtypes in JSON-LD (top level, arrays,
//     @graph with @id references, nested lists), in microdata and as
//     h-event microformats;
//   - ical: VEVENTs of an iCalendar feed;
//   - html: the source's CSS selectors; JSON-LD events on the page win.
//
// A source of kind auto names only its URL: Discover (discover.go) picks
// one of the three and fills in what it needs — JSON-LD, microdata or
// h-event on the detail or start pages, an iCalendar feed (linked, or a
// WordPress events plugin's export; The Events Calendar's REST API when the
// export is off, tribe.go), the detail pages of sitemap.xml, or the list
// inferred from the page (listinfer.go: repeated link blocks with dates,
// pagination, or blocks holding whole announcements). Its requests go
// through the same collector; the crawl's Summary.Plan says what was
// chosen and why. Detail pages of an auto source without a body selector
// are read through a compact readability scorer (readable.go).
//
// # Pages
//
// The start page and pages reached through src.Next are list pages (an ical
// source's start page is its feed); pages reached through src.Follow are
// detail pages. When src.Follow is set, list pages only lead to detail pages;
// otherwise they are read for items themselves. Links to another site are not
// followed; pagination stops at a page already seen (by canonical URL) and at
// a list page with nothing on it, so endless calendars end.
//
// # Identity of an item within its source
//
//  1. JSON-LD/microdata: @id (relative ids resolved against the page), else
//     the canonical url, else the canonical page URL, with "#n" when a page
//     holds several events without either. A key repeated on one page (a
//     series under one URL) gets "#" + its start.
//  2. iCal: UID, with "#" + RECURRENCE-ID for a changed occurrence.
//  3. html: the canonical page URL; with fields.item, + "#" + the element's
//     id, else its position on the page.
//
// # Unchanged pages
//
// A page is Unchanged after a 304 or when its body hash equals the stored
// one; nothing is extracted and the items stored for it are still current.
// List pages that lead to other pages are never fetched conditionally, since
// their links are needed to reach the detail pages.
package scrapers
