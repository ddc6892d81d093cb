package search

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Facet is one filterable and counted property of events, declared once.
// Everything a backend does with a facet comes from this declaration: the
// SQL condition and counts (store.SearchSpec), the bits of the count cache and the
// in-memory index (facetbits.go), Meilisearch's filterable attribute, its
// documents and facet distribution (meili*.go), and the calendar's URL
// parameter. Adding a filter is one entry in DefaultFacets (plus a
// migration when the value needs a column, and the normaliser's output):
// see README, "Adding a filter".
//
// Values of one facet are alternatives (region leipzig OR dresden);
// different facets combine with AND; each facet is counted within all
// filters but its own.
type Facet struct {
	// Name is the facet's name: its key in Filter.Extra and Facets.Other
	// when it has no field of its own.
	Name string
	// Param is the calendar's URL parameter (repeatable).
	Param string
	// Field is the GraphQL field in EventFilter and in Facets (a test in
	// graph checks the schema against it); "" for none.
	Field string
	// Attr is the Meilisearch attribute holding the values.
	Attr string
	// Column, for a facet with at most one value per event, is an SQL
	// expression of that value as text (NULL: none), on the table alias e.
	// It is filtered with = ANY (so an index on it is used) and grouped on
	// directly; Meilisearch holds it as a string.
	Column string
	// Values, for a facet with any number of values per event, is an SQL
	// expression of them as text[] on the alias e (filtered with &&, which
	// a GIN index on it serves).
	Values string
	// Related, for values held in other rows, is a query of (event id,
	// value) pairs (store.SourcesOfEvents), filtered with EXISTS.
	Related string
	// FilterOnly marks a facet that filters but is not counted, so it may
	// have any number of values (the sources: hundreds, more than the 64
	// bits per facet of the in-memory tally). It is a shared condition of
	// every query (store.SearchSpec.Filters, Meilisearch's base filter, a
	// set of docs per value in the in-memory index), has no facet
	// distribution and no field in Facets.
	FilterOnly bool
	// Bool marks a yes/no facet: its values are "true" and "false" (URL
	// parameters 1 and 0).
	Bool bool
	// Terms lists the values with their display names; nil: any value (the
	// names come from elsewhere, as for languages).
	Terms func() []Term
	// Strict makes a value outside Terms an input error.
	Strict bool
	// Hidden keeps the facet out of what shows facets to people (the
	// calendar's controls, feed values and badges, the widget, the staff
	// forms); it filters and is counted like any other. The online mode is
	// hidden: every output carries it as the event's own field, the pages
	// have a control of their own, and its facet values are what it
	// matches, not what the event is (a hybrid event has all three).
	Hidden bool

	// get reads the facet's wanted values from a filter, set writes them;
	// out is where its counts go in Facets. nil: Filter.Extra and
	// Facets.Other under Name.
	get func(*Filter) []string
	set func(*Filter, []string)
	out func(*Facets) *[]FacetCount
}

// FacetSet is the facets a backend filters and counts, in a fixed order.
type FacetSet []*Facet

// maxFacets bounds a FacetSet's counted facets: the in-memory tally keeps
// which facets an event fails as bits of one word.
const maxFacets = 64

// counted is the facets of the set that are counted (all but the
// filter-only ones): those the in-memory tally holds as bits and every
// backend counts, in the order of their counts.
func (fs FacetSet) counted() FacetSet {
	return slices.DeleteFunc(slices.Clone(fs), func(fc *Facet) bool { return fc.FilterOnly })
}

// filterOnly is the facets of the set that only filter.
func (fs FacetSet) filterOnly() FacetSet {
	return slices.DeleteFunc(slices.Clone(fs), func(fc *Facet) bool { return !fc.FilterOnly })
}

// DefaultFacets are the facets of Treffpunkt's events.
func DefaultFacets() FacetSet { return defaultFacets }

var defaultFacets = FacetSet{
	{Name: "region", Param: "region", Field: "regions", Attr: "region", Column: "e.region", Terms: Regions, Strict: true,
		get: func(f *Filter) []string { return f.Regions }, set: func(f *Filter, v []string) { f.Regions = v },
		out: func(f *Facets) *[]FacetCount { return &f.Regions }},
	{Name: "language", Param: "language", Field: "languages", Attr: "languages", Values: "e.languages",
		get: func(f *Filter) []string { return f.Languages }, set: func(f *Filter, v []string) { f.Languages = v },
		out: func(f *Facets) *[]FacetCount { return &f.Languages }},
	{Name: "topic", Param: "topic", Field: "topics", Attr: "topics", Values: "e.topics", Terms: Topics,
		get: func(f *Filter) []string { return f.Topics }, set: func(f *Filter, v []string) { f.Topics = v },
		out: func(f *Facets) *[]FacetCount { return &f.Topics }},
	{Name: "free", Param: "free", Field: "free", Attr: "free", Column: "e.cost_free::text", Bool: true, Terms: freeTerms, Strict: true,
		get: func(f *Filter) []string { return boolValues(f.Free) }, set: func(f *Filter, v []string) { f.Free = valuesBool(v) },
		out: func(f *Facets) *[]FacetCount { return &f.Free }},
	{Name: "registration", Param: "registration", Field: "registration", Attr: "registration", Column: "e.registration_required::text", Bool: true,
		Terms: registrationTerms, Strict: true,
		get: func(f *Filter) []string { return boolValues(f.Registration) }, set: func(f *Filter, v []string) { f.Registration = valuesBool(v) },
		out: func(f *Facets) *[]FacetCount { return &f.Registration }},
	{Name: "audience", Param: "audience", Field: "audience", Attr: "audience", Values: "e.audience", Terms: AudienceTerms, Strict: true,
		get: func(f *Filter) []string { return f.Audience }, set: func(f *Filter, v []string) { f.Audience = v },
		out: func(f *Facets) *[]FacetCount { return &f.Audience }},
	{Name: "access", Param: "access", Field: "access", Attr: "access", Values: "e.access", Terms: AccessTerms, Strict: true,
		get: func(f *Filter) []string { return f.Access }, set: func(f *Filter, v []string) { f.Access = v },
		out: func(f *Facets) *[]FacetCount { return &f.Access }},
	// The online filter's "yes" means "can be attended online" and "no"
	// "can be attended on site", so a hybrid event matches both: its
	// values are every filter value that finds it. Its counts (under
	// Facets.Other) are thus how many events each filter value finds.
	{Name: "online", Param: "online", Attr: "online", Values: onlineValues, Terms: onlineTerms, Strict: true, Hidden: true,
		get: func(f *Filter) []string { return stringValues(f.Online) }, set: func(f *Filter, v []string) { f.Online = strings.Join(v, ",") }},
	// The sources that announced an event (ids of the sources file): any
	// number of them, so filter-only; hidden, as the pages link sources
	// rather than offer them as a control.
	{Name: "source", Param: "source", Field: "sources", Attr: "source", Related: store.SourcesOfEvents, FilterOnly: true, Hidden: true,
		get: func(f *Filter) []string { return f.Sources }, set: func(f *Filter, v []string) { f.Sources = v }},
}

// onlineValues is an event's online mode as the online filter's values
// (the column holds no, yes or hybrid: migration 00001).
const onlineValues = `CASE e.online WHEN 'hybrid' THEN '{yes,no,hybrid}'::text[] ELSE ARRAY[e.online] END`

func onlineTerms() []Term {
	return []Term{{"yes", "online", "online"}, {"no", "vor Ort", "on site"}, {"hybrid", "online und vor Ort", "online and on site"}}
}

// stringValues is a one-value filter as facet values.
func stringValues(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// With returns the set with more facets (tests add one through it). A set
// holds at most maxFacets: more is a programming error.
func (fs FacetSet) With(more ...*Facet) FacetSet {
	out := append(slices.Clip(fs), more...)
	if n := len(out.counted()); n > maxFacets {
		panic(fmt.Sprintf("search: %d counted facets, at most %d", n, maxFacets))
	}
	return out
}

// Get returns the facet's wanted values in f (nil: it does not filter).
func (fc *Facet) Get(f *Filter) []string {
	if fc.get != nil {
		return fc.get(f)
	}
	return f.Extra[fc.Name]
}

// Set writes the facet's wanted values into f.
func (fc *Facet) Set(f *Filter, v []string) {
	if fc.set != nil {
		fc.set(f, v)
		return
	}
	// A copy: Filter is passed by value, and its map must not change under
	// the caller (the counts clear the facets of their own copy).
	m := maps.Clone(f.Extra)
	if m == nil {
		m = map[string][]string{}
	}
	if len(v) == 0 {
		delete(m, fc.Name)
	} else {
		m[fc.Name] = v
	}
	f.Extra = m
}

// setCounts stores a facet's counts in fs.
func (fc *Facet) setCounts(fs *Facets, l []FacetCount) {
	if fc.out != nil {
		*fc.out(fs) = l
		return
	}
	if fs.Other == nil {
		fs.Other = map[string][]FacetCount{}
	}
	fs.Other[fc.Name] = l
}

// unknown returns a facet f filters by that the set does not hold (one
// of Filter.Extra's names). Validation refuses such a filter, and so does
// every cache or index of a set (a decorator answering with the condition
// ignored would be wrong, not slow).
func (fs FacetSet) unknown(f *Filter) (string, bool) {
	for name := range f.Extra {
		if !slices.ContainsFunc(fs, func(fc *Facet) bool { return fc.Name == name && fc.get == nil }) {
			return name, true
		}
	}
	return "", false
}

// validate checks the facet values of f: only facets of the set, and for a
// strict facet only its terms.
func (fs FacetSet) validate(f *Filter) error {
	if name, ok := fs.unknown(f); ok {
		return fmt.Errorf("%w: unknown filter %q", ErrInvalid, name)
	}
	for _, fc := range fs {
		vals := fc.Get(f)
		if len(vals) > 50 {
			return fmt.Errorf("%w: more than 50 values of %s", ErrInvalid, fc.Name)
		}
		if !fc.Strict || len(vals) == 0 {
			continue
		}
		terms := fc.Terms()
		for _, v := range vals {
			if !slices.ContainsFunc(terms, func(t Term) bool { return t.Slug == v }) {
				return fmt.Errorf("%w: unknown %s %q", ErrInvalid, fc.Name, v)
			}
		}
	}
	return nil
}

// boolValues is a yes/no filter as facet values.
func boolValues(b *bool) []string {
	switch {
	case b == nil:
		return nil
	case *b:
		return []string{"true"}
	default:
		return []string{"false"}
	}
}

// valuesBool is the inverse of boolValues; both values, or none, do not
// filter.
func valuesBool(v []string) *bool {
	if len(v) != 1 || (v[0] != "true" && v[0] != "false") {
		return nil
	}
	b := v[0] == "true"
	return &b
}

// AudienceTerms are who an event is for, as the audience filter offers
// them (migration 00090 maps the normaliser's groups to these).
func AudienceTerms() []Term {
	return []Term{
		{"volunteers", "Ehrenamtliche", "Volunteers"},
		{"refugees", "Geflüchtete", "Refugees"},
		{"multipliers", "Multiplikator:innen", "Multipliers"},
		{"youth", "Jugendliche", "Young people"},
		{"women", "Frauen", "Women"},
		{"parents", "Eltern", "Parents"},
		{"professionals", "Fachkräfte", "Professionals"},
	}
}

// AccessTerms are the access offers the access filter knows.
func AccessTerms() []Term {
	return []Term{
		{"barrier_free", "barrierefrei", "Step-free access"},
		{"interpreting", "Dolmetschung", "Interpreting"},
		{"sign_language", "Gebärdensprache (DGS)", "Sign language"},
		{"easy_language", "Leichte Sprache", "Easy-to-read language"},
		{"childcare", "Kinderbetreuung", "Childcare"},
	}
}

func freeTerms() []Term {
	return []Term{{"true", "kostenfrei", "free of charge"}, {"false", "kostenpflichtig", "with a fee"}}
}

func registrationTerms() []Term {
	return []Term{{"true", "Anmeldung nötig", "registration required"}, {"false", "ohne Anmeldung", "no registration needed"}}
}
