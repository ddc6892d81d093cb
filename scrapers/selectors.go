package scrapers

import (
	"fmt"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/treffpunkt/treffpunkt/internal/source"
)

// selectors are a source's CSS selectors, compiled once per crawl. A nil
// matcher means the selector was not given.
type selectors struct {
	follow, next                   goquery.Matcher
	title, body, date, place, item goquery.Matcher
	// readable: with no body selector, a detail page's text is its main
	// content as readability finds it (kind: auto), not mainContent's guess.
	readable bool
}

func compileSelectors(src source.Source) (selectors, error) {
	var s selectors
	for _, f := range []struct {
		name, sel string
		dst       *goquery.Matcher
	}{
		{"follow", src.Follow, &s.follow}, {"next", src.Next, &s.next},
		{"fields.title", src.Fields.Title, &s.title}, {"fields.body", src.Fields.Body, &s.body},
		{"fields.date", src.Fields.Date, &s.date}, {"fields.place", src.Fields.Place, &s.place},
		{"fields.item", src.Fields.Item, &s.item},
	} {
		if f.sel == "" {
			continue
		}
		m, err := cascadia.Compile(f.sel)
		if err != nil {
			return s, fmt.Errorf("%s: bad CSS selector %q: %w", f.name, f.sel, err)
		}
		*f.dst = m
	}
	return s, nil
}
