package calendar

import (
	"context"
	"slices"
	"strings"

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

// facets is the registry the calendar shows.
var facets = search.DefaultFacets()

// nativeFacets are the facets an event's own fields already carry in every
// output (place.region, languages, topics), under the names they had before
// the registry: feeds do not repeat them.
var nativeFacets = map[string]bool{"region": true, "language": true, "topic": true}

// badgeFacets are the facets whose values are offers worth a badge on each
// event (for a yes/no facet only "yes"): what it costs, whether to
// register, what access is offered. Who an event is for (audience) is a
// filter, not a badge.
var badgeFacets = map[string]bool{"free": true, "registration": true, "access": true}

// eventFacets are an event's values of each facet of facets, in its order
// (a yes/no facet: "true", "false" or none).
type eventFacets [][]string

// of returns the values of the facet named name.
func (fv eventFacets) of(name string) []string {
	for i, fc := range facets {
		if fc.Name == name && i < len(fv) {
			return fv[i]
		}
	}
	return nil
}

// loadFacets returns the facet values of events (one query per batch).
func loadFacets(ctx context.Context, db store.DB, ids []int64) (map[int64]eventFacets, error) {
	vals, err := facets.EventValues(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]eventFacets, len(vals))
	for id, v := range vals {
		out[id] = v
	}
	return out, nil
}

// facetLabel names a value of a facet in the UI's language: regions,
// languages and topics from their tables, other facets from the message
// files, else the registry's German or English name, else the slug.
func facetLabel(fc *search.Facet, value, lang string) string {
	switch fc.Name {
	case "region":
		return regionName(value, lang)
	case "language":
		return languageName(value, lang)
	case "topic":
		return topicName(value, lang)
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

// badges are an event's offers in the UI's language. Interpreting names
// its languages ("Dolmetschung: Arabisch").
func badges(fv eventFacets, d *event.Draft, lang string) []badge {
	var out []badge
	for i, fc := range facets {
		if !badgeFacets[fc.Name] || i >= len(fv) {
			continue
		}
		for _, v := range fv[i] {
			if fc.Bool && v != "true" {
				continue
			}
			b := badge{Facet: fc.Name, Value: v, Label: facetLabel(fc, v, lang)}
			if v == "interpreting" {
				var names []string
				for _, c := range interpreted(d.Languages, contentLang(d.Title+"\n"+d.Description)) {
					names = append(names, languageName(c, lang))
				}
				if len(names) > 0 {
					b.Label += ": " + strings.Join(names, ", ")
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// interpreted guesses the languages an interpreted event is interpreted
// into: those it is held in other than the one its announcement is written
// in (German when that is unknown). The normaliser counts interpreted
// languages among the event's languages without telling them apart.
func interpreted(langs []string, contentLang string) []string {
	if contentLang == "" {
		contentLang = "de"
	}
	var out []string
	for _, c := range langs {
		if c != contentLang {
			out = append(out, c)
		}
	}
	return out
}

// facetProps are an event's non-native facet values as iCalendar
// properties, X-TREFFPUNKT-<NAME>:<value>, one per value (the badges go
// into CATEGORIES, for people).
func appendFacetProps(pe *propEncoder, fv eventFacets) {
	for i, fc := range facets {
		if nativeFacets[fc.Name] || i >= len(fv) {
			continue
		}
		for _, v := range fv[i] {
			pe.text(facetProp[i], v)
		}
	}
}

// facetProp is each facet's iCalendar property name.
var facetProp = func() []string {
	out := make([]string, len(facets))
	for i, fc := range facets {
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

// accessBadges are the badges of the access facet: a feed's description
// already says "Kostenfrei" and "Anmeldung erforderlich" in its own words.
func accessBadges(fv eventFacets, d *event.Draft, lang string) []badge {
	if len(fv.of("access")) == 0 {
		return nil
	}
	all := badges(fv, d, lang)
	return slices.DeleteFunc(all, func(b badge) bool { return b.Facet != "access" })
}
