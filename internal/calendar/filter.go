package calendar

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// query is what a feed, widget or page URL asks for: a search filter plus
// the presentation choices that do not change which events match.
type query struct {
	Filter search.Filter
	// FromDefaulted is set when the URL gave no from: the feed then starts
	// today and changes at midnight, which the cache validators must know.
	FromDefaulted bool
	Limit         int    // events wanted; 0 means the handler's default
	Lang          string // "de" or "en": display names and labels
	After         string // page cursor (HTML page only)
}

// filterParams are the URL parameters that select events, in the order a
// canonical URL lists them: the facets' parameters come from the search
// package's facet registry.
var filterParams = func() []string {
	out := []string{"q"}
	for _, fc := range search.DefaultFacets() {
		out = append(out, fc.Param)
	}
	return append(out, "from", "to")
}()

// facetParam returns the facet whose URL parameter is name.
func facetParam(name string) *search.Facet {
	for _, fc := range search.DefaultFacets() {
		if fc.Param == name {
			return fc
		}
	}
	return nil
}

// facetValues reads a facet's parameter: a list (repeatable, comma-
// separated) or, for a yes/no facet, 1 or 0 (true or false).
func facetValues(v url.Values, fc *search.Facet) ([]string, error) {
	if !fc.Bool {
		return list(v, fc.Param), nil
	}
	switch s := strings.ToLower(strings.TrimSpace(v.Get(fc.Param))); s {
	case "":
		return nil, nil
	case "1", "true":
		return []string{"true"}, nil
	case "0", "false":
		return []string{"false"}, nil
	default:
		return nil, fmt.Errorf("%w: %s must be 1 or 0, got %q", event.ErrInvalid, fc.Param, s)
	}
}

// parseQuery reads the filter parameters of a request URL. Every list
// parameter may repeat and may hold comma-separated values
// (region=leipzig&region=dresden or region=leipzig,dresden). from and to
// accept a date (2026-05-01, Berlin time; to then includes that whole day)
// or a date-time (RFC 3339, or 2026-05-01T18:00 in Berlin time). from
// defaults to the start of today in Berlin. Bad values are
// event.ErrInvalid, reported to the client as 400.
func parseQuery(v url.Values, now time.Time, maxLimit int) (query, error) {
	var q query
	f := &q.Filter
	f.Query = strings.TrimSpace(v.Get("q"))
	for _, fc := range search.DefaultFacets() {
		vals, err := facetValues(v, fc)
		if err != nil {
			return q, err
		}
		fc.Set(f, vals)
	}
	if s := v.Get("from"); s != "" {
		t, err := parseWhen(s, false)
		if err != nil {
			return q, fmt.Errorf("from: %w", err)
		}
		f.From = &t
	} else {
		y, m, d := now.In(event.Berlin).Date()
		t := time.Date(y, m, d, 0, 0, 0, 0, event.Berlin)
		f.From, q.FromDefaulted = &t, true
	}
	if s := v.Get("to"); s != "" {
		t, err := parseWhen(s, true)
		if err != nil {
			return q, fmt.Errorf("to: %w", err)
		}
		f.To = &t
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("%w: limit must be a positive number, got %q", event.ErrInvalid, s)
		}
		q.Limit = min(n, maxLimit)
	}
	q.Lang = lang(v.Get("lang"))
	q.After = v.Get("after")
	// The search package owns the meaning of a filter; validating with it
	// here turns bad input into a 400 before any byte of a feed is sent.
	page, order := search.Page{First: 1}, search.StartAsc
	if err := search.Validate(f, &page, &order); err != nil {
		return q, err
	}
	return q, nil
}

// list collects a repeatable, comma-separated parameter, trimmed, lower
// case, without duplicates.
func list(v url.Values, name string) []string {
	var out []string
	for _, raw := range v[name] {
		for _, s := range strings.Split(raw, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// parseWhen reads a date or date-time. A bare date means the start of that
// day in Berlin, or for an upper bound (end) the start of the next day, so
// to=2026-05-31 includes the 31st.
func parseWhen(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateOnly, s, event.Berlin); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, event.Berlin); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is neither a date (2006-01-02) nor a date-time (2006-01-02T15:04 or RFC 3339)", event.ErrInvalid, s)
}

// lang picks the display language: German unless English is asked for.
func lang(s string) string {
	if strings.HasPrefix(strings.ToLower(s), "en") {
		return "en"
	}
	return "de"
}

// filterValues renders the filter part of v again, canonically (fixed
// order, only the parameters that select events, from only when given):
// feed links, ETags and "subscribe" URLs are built from it.
func filterValues(v url.Values) url.Values {
	out := url.Values{}
	for _, name := range filterParams {
		if fc := facetParam(name); fc != nil && fc.Bool {
			if vals, err := facetValues(v, fc); err == nil && len(vals) == 1 {
				out[name] = paramValues(fc, vals)
			}
			continue
		}
		switch name {
		case "q", "from", "to":
			if s := strings.TrimSpace(v.Get(name)); s != "" {
				out.Set(name, s)
			}
		default: // source and the list facets
			for _, s := range list(v, name) {
				out.Add(name, s)
			}
		}
	}
	return out
}

// paramValues are a facet's wanted values as its URL parameter (and the
// widget's attribute) writes them: a yes/no facet as 1 or 0.
func paramValues(fc *search.Facet, vals []string) []string {
	if !fc.Bool || len(vals) != 1 {
		return vals
	}
	return []string{map[string]string{"true": "1", "false": "0"}[vals[0]]}
}
