package search

import (
	"errors"
	"math/bits"
)

// Facets counted in memory (the count cache and the in-memory index) work
// on bits: each facet's values are numbered as they appear (at most 64),
// an event holds the bits of its values, and a filter is a mask, so
// counting compares integers, not strings.

// facetBits are one event's region (one bit, 0 for none), languages and
// topics.
type facetBits struct{ region, languages, topics uint64 }

// facetDicts number the values of the three facets.
type facetDicts struct{ regions, languages, topics dict }

// bits numbers an event's values.
func (d *facetDicts) bits(region string, languages, topics []string) (facetBits, error) {
	var b facetBits
	var err error
	if region != "" {
		b.region, err = d.regions.bits(region)
	}
	if err == nil {
		b.languages, err = d.languages.bits(languages...)
	}
	if err == nil {
		b.topics, err = d.topics.bits(topics...)
	}
	return b, err
}

// facetFilter is the faceted part of a filter as masks; a facet the
// filter does not name does not filter.
type facetFilter struct {
	region, languages, topics     uint64
	byRegion, byLanguage, byTopic bool
}

func (d *facetDicts) filter(f Filter) facetFilter {
	var ff facetFilter
	ff.region, ff.byRegion = d.regions.mask(f.Regions)
	ff.languages, ff.byLanguage = d.languages.mask(f.Languages)
	ff.topics, ff.byTopic = d.topics.mask(f.Topics)
	return ff
}

// match reports which of the three faceted conditions an event meets.
func (ff facetFilter) match(b facetBits) (region, language, topic bool) {
	return !ff.byRegion || b.region&ff.region != 0, !ff.byLanguage || b.languages&ff.languages != 0,
		!ff.byTopic || b.topics&ff.topics != 0
}

// facetTally counts the events of one search as the SQL does: matched
// (the shared conditions), the total (all filters), and each facet within
// the other filters.
type facetTally struct {
	ff                         facetFilter
	matched, total             int
	regions, languages, topics [64]int
}

// add counts an event that meets the shared conditions.
func (t *facetTally) add(b facetBits) {
	t.matched++
	rOK, lOK, tOK := t.ff.match(b)
	if rOK && lOK && tOK {
		t.total++
	}
	if lOK && tOK && b.region != 0 {
		t.regions[bits.TrailingZeros64(b.region)]++
	}
	if rOK && tOK {
		for m := b.languages; m != 0; m &= m - 1 {
			t.languages[bits.TrailingZeros64(m)]++
		}
	}
	if rOK && lOK {
		for m := b.topics; m != 0; m &= m - 1 {
			t.topics[bits.TrailingZeros64(m)]++
		}
	}
}

// result is the counts as a Result, facets sorted like both backends.
func (t *facetTally) result(d *facetDicts) Result {
	res := Result{Total: t.total, matched: t.matched, Facets: Facets{
		Regions:   d.regions.counts(t.regions[:]),
		Languages: d.languages.counts(t.languages[:]),
		Topics:    d.topics.counts(t.topics[:]),
	}}
	res.Facets.sort()
	return res
}

// dict numbers the values of one facet as they appear.
type dict struct {
	values []string
	index  map[string]int
}

// errTooManyValues: a facet has more than 64 values; such searches are
// counted in SQL instead.
var errTooManyValues = errors.New("more than 64 values of one facet")

func (d *dict) bits(values ...string) (uint64, error) {
	var m uint64
	for _, v := range values {
		i, ok := d.index[v]
		if !ok {
			if len(d.values) == 64 {
				return 0, errTooManyValues
			}
			if d.index == nil {
				d.index = map[string]int{}
			}
			i = len(d.values)
			d.index[v] = i
			d.values = append(d.values, v)
		}
		m |= 1 << i
	}
	return m, nil
}

// mask is the bits of the wanted values that occur; ok is false when the
// filter has none (it does not filter).
func (d *dict) mask(wanted []string) (m uint64, ok bool) {
	for _, v := range wanted {
		if i, found := d.index[v]; found {
			m |= 1 << i
		}
	}
	return m, len(wanted) > 0
}

// counts lists the values with a count.
func (d *dict) counts(n []int) []FacetCount {
	out := []FacetCount{}
	for i, v := range d.values {
		if n[i] > 0 {
			out = append(out, FacetCount{Value: v, Count: n[i]})
		}
	}
	return out
}
