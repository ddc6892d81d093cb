package calendar

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/locale"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Everything the calendar shows of the facets (issue 15) comes from the
// search package's registry: the filter form's controls and counts, the
// facet values in JSON, iCal and Atom, the badges and the widget's
// attributes. A facet added there appears here without a change; only its
// words go into the message files ("f.<name>" for the control's legend,
// "f.<name>.<value>" for each value).

// facets is the registry the calendar shows: all but the hidden facets
// (the online mode, which has its own control and field).
var facets = func() search.FacetSet {
	var out search.FacetSet
	for _, fc := range search.DefaultFacets() {
		if !fc.Hidden {
			out = append(out, fc)
		}
	}
	return out
}()

// shownFacets are the facets whose values feeds and badges show beyond the
// event's own fields: all but the native ones. eventFacets index it.
var shownFacets = func() search.FacetSet {
	var out search.FacetSet
	for _, fc := range facets {
		if nativeFacets[fc.Name] == nil {
			out = append(out, fc)
		}
	}
	return out
}()

// nativeFacets are the facets an event's own fields already carry in every
// output (place.region, languages, topics), under the names they had before
// the registry: feeds do not repeat them. Their values are named from their
// own tables.
var nativeFacets = map[string]func(value, lang string) string{"region": regionName, "language": languageName, "topic": topicName}

// badgeFacets are the facets whose values are offers worth a badge on each
// event (for a yes/no facet only "yes"): what it costs, whether to
// register, what access is offered. Who an event is for (audience) is a
// filter, not a badge.
var badgeFacets = map[string]bool{"free": true, "registration": true, "access": true}

// eventFacets are an event's values of shownFacets.
type eventFacets = search.EventFacets

// accessFacet is the index of the access facet in shownFacets.
var accessFacet = slices.IndexFunc(shownFacets, func(fc *search.Facet) bool { return fc.Name == "access" })

// hasFacet reports whether an event has a value of the shown facet at
// index i.
func hasFacet(fv eventFacets, i int) bool {
	return slices.ContainsFunc(fv, func(v search.FacetValue) bool { return v.Facet == i })
}

// hasValue reports whether an event has the value of the shown facet at
// index i (without gathering the facet's values: feeds ask for every
// event).
func hasValue(fv eventFacets, i int, value string) bool {
	return slices.ContainsFunc(fv, func(v search.FacetValue) bool { return v.Facet == i && v.Value == value })
}

// loadFacets returns the shown facets' values of events (one query per
// batch).
func loadFacets(ctx context.Context, db store.DB, ids []int64) (map[int64]eventFacets, error) {
	return shownFacets.EventValues(ctx, db, ids)
}

// facetLabel names a value of a facet in the UI's language: regions,
// languages and topics from their tables, other facets from the message
// files, else the registry's German or English name, else the slug.
func facetLabel(fc *search.Facet, value, lang string) string {
	if name := nativeFacets[fc.Name]; name != nil {
		return name(value, lang)
	}
	key := "f." + fc.Name + "." + value
	if s := locale.Get(lang).T(key); s != key {
		return s
	}
	if fc.Terms != nil {
		if i := slices.IndexFunc(fc.Terms(), func(t search.Term) bool { return t.Slug == value }); i >= 0 {
			return fc.Terms()[i].Name(lang)
		}
	}
	return prettySlug(value)
}

// badge is one offer of an event, shown beside its title.
type badge struct {
	Facet, Value string
	Label        string
}

// isBadge reports whether a facet value is an offer worth a badge.
func isBadge(v search.FacetValue) bool {
	fc := shownFacets[v.Facet]
	return badgeFacets[fc.Name] && (!fc.Bool || v.Value == "true")
}

// badges are an event's offers in the UI's language. Interpreting names
// its languages ("Dolmetschung: Arabisch").
func badges(fv eventFacets, d *event.Draft, lang string) []badge {
	var out []badge
	for _, v := range fv {
		if !isBadge(v) {
			continue
		}
		label := valueLabel(v.Facet, v.Value, lang)
		if v.Value == "interpreting" {
			label = string(appendBadgeLabel(nil, v, d, lang))
		}
		out = append(out, badge{Facet: shownFacets[v.Facet].Name, Value: v.Value, Label: label})
	}
	return out
}

// appendBadgeLabel appends a badge's label to b: the value's name and,
// for interpreting, the languages interpreted into when they are known.
func appendBadgeLabel(b []byte, v search.FacetValue, d *event.Draft, lang string) []byte {
	b = append(b, valueLabel(v.Facet, v.Value, lang)...)
	if v.Value != "interpreting" || len(d.Languages) == 0 {
		return b // no languages: none interpreted into, and no need to detect the text's
	}
	n := len(b)
	b = append(b, ": "...)
	sep := len(b)
	content := interpretedFrom(draftLang(d))
	for _, c := range d.Languages {
		if c == content {
			continue
		}
		if len(b) > sep {
			b = append(b, ", "...)
		}
		b = append(b, languageName(c, lang)...)
	}
	if len(b) == sep {
		return b[:n]
	}
	return b
}

// labelKey is a value of the shown facet at index facet, named in lang.
type labelKey struct {
	facet       int
	value, lang string
}

// shownLabels are facetLabel's names of every registered value of the
// shown facets in every UI language, worked out once: a feed names the
// offers of thousands of events per request, and facetLabel builds a
// message key for each.
var shownLabels = sync.OnceValue(func() map[labelKey]string {
	out := map[labelKey]string{}
	for i, fc := range shownFacets {
		if fc.Terms == nil {
			continue
		}
		for _, t := range fc.Terms() {
			for _, l := range locale.All() {
				out[labelKey{i, t.Slug, l.Code}] = facetLabel(fc, t.Slug, l.Code)
			}
		}
	}
	return out
})

// valueLabel is facetLabel of a value of the shown facet at index i.
func valueLabel(i int, value, lang string) string {
	if s, ok := shownLabels()[labelKey{i, value, lang}]; ok {
		return s
	}
	return facetLabel(shownFacets[i], value, lang)
}

// interpreted guesses the languages an interpreted event is interpreted
// into: those it is held in other than the one its announcement is written
// in (see interpretedFrom). The normaliser counts interpreted languages
// among the event's languages without telling them apart.
func interpreted(langs []string, contentLang string) []string {
	from := interpretedFrom(contentLang)
	var out []string
	for _, c := range langs {
		if c != from {
			out = append(out, c)
		}
	}
	return out
}

// interpretedFrom is the language interpreting starts from: the
// announcement's, German when that is unknown.
func interpretedFrom(contentLang string) string {
	if contentLang == "" {
		return "de"
	}
	return contentLang
}

// appendFacetProps writes an event's facet values as iCalendar
// properties, X-TREFFPUNKT-<NAME>:<value>, one per value.
func appendFacetProps(pe *propEncoder, fv eventFacets) {
	for _, v := range fv {
		pe.text(facetProp[v.Facet], v.Value)
	}
}

// facetProp is each shown facet's iCalendar property name.
var facetProp = func() []string {
	out := make([]string, len(shownFacets))
	for i, fc := range shownFacets {
		out[i] = "X-TREFFPUNKT-" + strings.ToUpper(strings.ReplaceAll(fc.Name, "_", "-"))
	}
	return out
}()

// facetControl is one facet in the filter form: its values with their
// counts within the other filters.
type facetControl struct {
	Name, Param, Legend string
	// Kind is how the form offers it: "bool" (radio buttons: any, yes,
	// no), "check" (a checkbox per value: a short fixed list) or "select"
	// (one choice from a long or open list).
	Kind    string
	Any     string // the label of "no choice"
	Options []option
}

// maxCheckboxes is the longest list offered as checkboxes; longer lists
// (13 regions, the languages) are a select.
const maxCheckboxes = 8

// facetControls are the filter form's controls, one per facet of the
// registry, in its order.
func facetControls(f search.Filter, counts search.Facets, lang string) []facetControl {
	l := locale.Get(lang)
	out := make([]facetControl, 0, len(facets))
	for _, fc := range facets {
		c := facetControl{Name: fc.Name, Param: fc.Param, Legend: l.T("f." + fc.Name), Kind: "select", Any: l.T("f.any")}
		switch fc.Name { // the older controls keep their words
		case "region":
			c.Legend, c.Any = l.T("region"), l.T("allregions")
		case "language":
			c.Legend, c.Any = l.T("language"), l.T("alllangs")
		case "topic":
			c.Legend, c.Any = l.T("topic"), l.T("alltopics")
		}
		var base []option
		if fc.Terms != nil {
			for _, t := range fc.Terms() {
				base = append(base, option{Value: t.Slug})
			}
		}
		switch {
		case fc.Bool:
			c.Kind = "bool"
		case fc.Terms != nil && len(base) <= maxCheckboxes:
			c.Kind = "check"
		}
		c.Options = facetOptions(base, fc.Counts(counts), fc.Get(&f))
		for i := range c.Options {
			c.Options[i].Label = facetLabel(fc, c.Options[i].Value, lang)
		}
		out = append(out, c)
	}
	return out
}

// facetOptions merges facet counts into the options of a control: all of
// base (with their counts), then values only the counts know, and the
// selected values even when nothing matches them any more.
func facetOptions(base []option, counts []search.FacetCount, selected []string) []option {
	out := append([]option(nil), base...)
	idx := map[string]int{}
	for i, o := range out {
		idx[o.Value] = i
	}
	for _, c := range counts {
		if i, ok := idx[c.Value]; ok {
			out[i].Count = c.Count
			continue
		}
		idx[c.Value] = len(out)
		out = append(out, option{Value: c.Value, Label: c.Value, Count: c.Count})
	}
	for _, s := range selected {
		if i, ok := idx[s]; ok {
			out[i].Selected = true
			continue
		}
		idx[s] = len(out)
		out = append(out, option{Value: s, Label: s, Selected: true})
	}
	return out
}

// anySelected reports whether one of the options is chosen (the form's
// "any" radio button is checked otherwise).
func anySelected(opts []option) bool {
	return slices.ContainsFunc(opts, func(o option) bool { return o.Selected })
}

// appendAccess appends the names of an event's access offers (its
// access badges, comma-separated) to b: a feed's description already says
// "Kostenfrei" and "Anmeldung erforderlich" in its own words.
func appendAccess(b []byte, fv eventFacets, d *event.Draft, lang string) []byte {
	n := len(b)
	for _, v := range fv {
		if v.Facet != accessFacet {
			continue
		}
		if len(b) > n {
			b = append(b, ", "...)
		}
		b = appendBadgeLabel(b, v, d, lang)
	}
	return b
}
