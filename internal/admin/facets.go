package admin

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The edit form offers a picker for every facet of the search registry
// that staff can override (an editable field of the same name) and that
// has a fixed list of values: today audience and access. The yes/no facets
// free and registration are the older cost_free and registration_required
// selects.

// pickerFacet returns the facet edited by the field name through a picker.
func pickerFacet(name string) *search.Facet {
	if !slices.Contains(store.EditableFields, name) {
		return nil
	}
	for _, fc := range search.DefaultFacets() {
		if fc.Name == name && fc.Terms != nil && !fc.Bool && !fc.Hidden {
			return fc
		}
	}
	return nil
}

// facetPicker is one facet's checkboxes in the edit form.
type facetPicker struct {
	Name    string
	Choices []choice
	// Shown is what the boxes showed, comma-separated: a form sent back
	// unchanged leaves the field alone rather than turning the
	// normaliser's words ("young_people") into an override of the same
	// meaning ("youth").
	Shown string
}

// facetPickers are the edit form's facet pickers, ticked as the filters
// see the event.
func facetPickers(lang string, d review.EventDetail) []facetPicker {
	var out []facetPicker
	for i, fc := range search.DefaultFacets() {
		if pickerFacet(fc.Name) == nil {
			continue
		}
		have := d.Facets.Of(i)
		p := facetPicker{Name: fc.Name, Shown: strings.Join(sortedCopy(have), ",")}
		for _, t := range fc.Terms() {
			p.Choices = append(p.Choices, choice{Value: t.Slug, Label: t.Name(lang), Checked: slices.Contains(have, t.Slug)})
		}
		out = append(out, p)
	}
	return out
}

// pickerValue reads a facet picker from the form: its ticked values
// (only the facet's own), or ok false when they are what the form showed.
func pickerValue(fc *search.Facet, vals []string, shown string) (list []string, ok bool, err error) {
	list = []string{}
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" && !slices.Contains(list, s) {
				if !slices.ContainsFunc(fc.Terms(), func(t search.Term) bool { return t.Slug == s }) {
					return nil, false, fmt.Errorf("%s %q: not one of the filter's values: %w", fc.Name, s, event.ErrInvalid)
				}
				list = append(list, s)
			}
		}
	}
	if strings.Join(sortedCopy(list), ",") == shown {
		return nil, false, nil
	}
	return list, true, nil
}

// termLabel names a facet value in the staff UI, or returns it as it is
// (the normaliser's own words, "young_people", stay readable).
func termLabel(lang, field, code string) (string, bool) {
	fc := pickerFacet(field)
	if fc == nil {
		return "", false
	}
	if i := slices.IndexFunc(fc.Terms(), func(t search.Term) bool { return t.Slug == code }); i >= 0 {
		return fc.Terms()[i].Name(lang), true
	}
	return code, true
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// queueFacet is a facet filter of the review queue: one choice (or none)
// from the facet's values.
type queueFacet struct {
	Name, Param string
	Options     []choice // Checked: the current choice
}

// queueFacets reads the queue's facet filters from the URL: every facet of
// the registry with a fixed list of values that the queue has no filter of
// its own for (region). An unknown value is an input error.
func queueFacets(lang string, q url.Values) ([]queueFacet, []store.FacetCond, error) {
	var out []queueFacet
	var conds []store.FacetCond
	for _, fc := range search.DefaultFacets() {
		if fc.Terms == nil || fc.Name == "region" || fc.Hidden {
			continue
		}
		v := strings.TrimSpace(q.Get(fc.Param))
		if fc.Bool { // the URL's 1 and 0, as the calendar's
			v = map[string]string{"1": "true", "0": "false"}[v]
		}
		qf := queueFacet{Name: fc.Name, Param: fc.Param}
		found := false
		for _, t := range fc.Terms() {
			val := t.Slug
			if fc.Bool {
				val = map[string]string{"true": "1", "false": "0"}[t.Slug]
			}
			qf.Options = append(qf.Options, choice{Value: val, Label: t.Name(lang), Checked: t.Slug == v})
			found = found || t.Slug == v
		}
		if v != "" {
			if !found {
				return nil, nil, fmt.Errorf("%s %q: not one of the filter's values: %w", fc.Param, q.Get(fc.Param), event.ErrInvalid)
			}
			conds = append(conds, store.FacetCond{FacetColumn: fc.ColumnOf(), Want: []string{v}})
		}
		out = append(out, qf)
	}
	return out, conds, nil
}
