package scrapers

import "github.com/treffpunkt/treffpunkt/internal/event"

// ParseICal reads an iCalendar feed into items as a crawl of feedURL
// would, for tools and benchmarks that start from feed bytes (the
// dedup benchmark on generated feeds); warnings are dropped.
func ParseICal(body []byte, feedURL string) ([]event.Item, error) {
	items, _, err := icalItems(body, feedURL)
	return items, err
}
