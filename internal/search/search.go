// Package search finds public events: full-text, filters on region,
// language, topic, dates, online mode and source, facets counted within the
// other filters, and cursor pagination that stays stable while events are
// added. GraphQL and the calendar both call it, so a feed and an API query
// with the same Filter hold the same events.
//
// Two implementations behave alike: Postgres (the default, no extra
// service) and Meilisearch (when MEILI_URL is set), fed from an outbox that
// is written in the same transaction as the event change.
package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Filter selects events. Empty fields do not filter. Within one list the
// values are alternatives (regions leipzig OR dresden); different fields
// combine with AND.
type Filter struct {
	// Query is free text: every word must match (German stemming, accents
	// ignored, any word may be the beginning of one); when that finds nothing,
	// titles similar to the text (typos) are added.
	Query     string
	Regions   []string // region slugs (event.Regions)
	Languages []string // ISO 639-1 codes; an event matches if it offers any
	Topics    []string // topic slugs; an event matches if it has any
	// From keeps events that have not ended before it (an event without an
	// end ends when it starts; an all-day event at the end of its last day).
	// Nil means no lower bound: callers that want "upcoming" set it to now.
	From *time.Time
	// To keeps events that start before it.
	To *time.Time
	// Online is "", "yes" (can be attended online: yes or hybrid), "no" (on
	// site: no or hybrid) or "hybrid" (both only): the registry's online
	// facet.
	Online string
	// Sources keeps events that any of these sources announced.
	Sources []string
	// Free keeps events free of charge (true) or with a fee (false); nil
	// does not filter, nor do events that do not say.
	Free *bool
	// Registration keeps events that need registration (true) or not.
	Registration *bool
	Audience     []string // audience slugs (AudienceTerms); events for any of them
	Access       []string // access slugs (AccessTerms); events offering any of them
	// Extra holds the wanted values of facets declared without a field of
	// their own (Facet.Name → values).
	Extra map[string][]string
	// IncludeUnpublished also returns pending and rejected events (staff
	// only). Events merged into another are never returned.
	IncludeUnpublished bool
}

// Order is the order of results.
type Order string

const (
	StartAsc  Order = "start_asc"  // soonest first (the default)
	StartDesc Order = "start_desc" // latest first
	// Relevance ranks by how well the text matches, then by start. Without
	// a query it is StartAsc.
	Relevance Order = "relevance"
)

// Page asks for First results (0: DefaultPageSize) after the cursor After
// ("" for the start).
type Page struct {
	First int
	After string
	// SkipCounts leaves Total and Facets empty and saves their query:
	// for callers that only walk the events (feeds, exports).
	SkipCounts bool
}

// Page size limits.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Result is one page of events.
type Result struct {
	Hits        []Hit
	Total       int // matching events in all pages
	HasNext     bool
	Facets      Facets
	FellBack    bool // an external index was unavailable and Postgres answered
	EndCursor   string
	StartCursor string
	// matched counts the events the text (with dates and sources)
	// matches before the facets (region, online mode, …): typo
	// tolerance is for text that finds nothing, not for a region that has
	// nothing.
	matched int
}

// Hit is one event with the cursor that continues after it.
type Hit struct {
	Event  store.Event
	Cursor string
}

// Facets count events per value, each within all filters but its own: the
// region counts say what choosing each region would give.
type Facets struct {
	Regions      []FacetCount
	Languages    []FacetCount
	Topics       []FacetCount
	Free         []FacetCount // "true" / "false"
	Registration []FacetCount // "true" / "false"
	Audience     []FacetCount
	Access       []FacetCount
	// Other holds the counts of facets without a field of their own, by
	// Facet.Name.
	Other map[string][]FacetCount
}

// FacetCount is one value of a facet with its number of events.
type FacetCount struct {
	Value string
	Count int
}

// Searcher finds events: the one read path of GraphQL and the calendar.
// Every backend implements all of it, so callers never ask which backend
// they have. Index and Delete keep an external index current; for Postgres
// they do nothing, its search document is a generated column.
type Searcher interface {
	Search(ctx context.Context, f Filter, p Page, o Order) (Result, error)
	// Each streams the events matching f in StartAsc order, in batches
	// of up to EachBatch, at most limit in all, without total or facets
	// (the calendar's feeds). A batch is never reused: fn may keep it.
	Each(ctx context.Context, f Filter, limit int, fn func([]store.Event) error) error
	Index(ctx context.Context, ids []int64) error
	Delete(ctx context.Context, ids []int64) error
}

// ErrInvalid wraps input errors (bad cursor, page size, filter value) so
// callers can tell them from failures.
var ErrInvalid = event.ErrInvalid

// Validate checks and normalises a filter, page and order: unknown regions,
// online modes or orders and page sizes over MaxPageSize are ErrInvalid.
func Validate(f *Filter, p *Page, o *Order) error {
	return DefaultFacets().validateSearch(f, p, o)
}

// validateSearch is Validate for a backend's facets.
func (fs FacetSet) validateSearch(f *Filter, p *Page, o *Order) error {
	switch {
	case p.First < 0 || p.First > MaxPageSize:
		return fmt.Errorf("%w: first must be between 0 and %d, got %d", ErrInvalid, MaxPageSize, p.First)
	case p.First == 0:
		p.First = DefaultPageSize
	}
	switch *o {
	case "":
		*o = StartAsc
	case StartAsc, StartDesc, Relevance:
	default:
		return fmt.Errorf("%w: unknown order %q", ErrInvalid, *o)
	}
	if err := fs.validate(f); err != nil {
		return err
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return fmt.Errorf("%w: to (%s) is before from (%s)", ErrInvalid, f.To.Format(time.RFC3339), f.From.Format(time.RFC3339))
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > 200 {
		return fmt.Errorf("%w: query longer than 200 bytes", ErrInvalid)
	}
	if *o == Relevance && len(Words(f.Query)) == 0 {
		*o = StartAsc
	}
	return nil
}

// IsInvalid reports whether err is an input error.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalid) }

// Every backend is a whole Searcher (streaming included).
var (
	_ Searcher = (*Postgres)(nil)
	_ Searcher = (*Meili)(nil)
	_ Searcher = (*Fallback)(nil)
)
