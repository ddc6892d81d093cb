package search

import (
	"errors"
	"math/bits"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Facets counted in memory (the count cache and the in-memory index) work
// on bits: each facet's values are numbered as they appear (at most 64),
// an event holds one word per facet of the set with the bits of its
// values, and a filter is a mask per facet, so counting compares integers,
// not strings.

// facetScan receives one row's facet values as FacetSet.selectList reads
// them: a one-value facet as a string ("" for none), others as a list.
type facetScan struct {
	fs   FacetSet
	one  []string
	many [][]string
	dest []any
}

func newFacetScan(fs FacetSet) *facetScan {
	s := &facetScan{fs: fs, one: make([]string, len(fs)), many: make([][]string, len(fs)), dest: make([]any, len(fs))}
	for i, fc := range fs {
		if fc.Column != "" {
			s.dest[i] = &s.one[i]
		} else {
			s.dest[i] = &s.many[i]
		}
	}
	return s
}

// selectList is ", v0, v1, …": each facet's values on the alias e, as
// facetScan receives them (store.FacetSelectList).
func (fs FacetSet) selectList() string { return store.FacetSelectList(fs.columns()) }

// facetDicts number the values of each facet of a set.
type facetDicts struct{ d []dict }

func newFacetDicts(fs FacetSet) facetDicts { return facetDicts{d: make([]dict, len(fs))} }

// appendRow appends the bits of a scanned row, one word per facet.
func (d *facetDicts) appendRow(dst []uint64, s *facetScan) ([]uint64, error) {
	for i, fc := range s.fs {
		var m uint64
		var err error
		if fc.Column != "" {
			if s.one[i] != "" {
				m, err = d.d[i].bits(s.one[i])
			}
		} else {
			m, err = d.d[i].bits(s.many[i]...)
		}
		if err != nil {
			return dst, err
		}
		dst = append(dst, m)
	}
	return dst, nil
}

// facetFilter is the faceted part of a filter as one mask per facet; by
// has the bit of each facet the filter names (a facet it does not name
// does not filter).
type facetFilter struct {
	masks []uint64
	by    uint64
}

func (d *facetDicts) filter(fs FacetSet, f Filter) facetFilter {
	ff := facetFilter{masks: make([]uint64, len(fs))}
	for i, fc := range fs {
		var ok bool
		ff.masks[i], ok = d.d[i].mask(fc.Get(&f))
		if ok {
			ff.by |= 1 << i
		}
	}
	return ff
}

// failed returns the facets whose condition an event (its row of words)
// does not meet, as bits.
func (ff *facetFilter) failed(row []uint64) uint64 {
	var out uint64
	for by := ff.by; by != 0; by &= by - 1 {
		i := bits.TrailingZeros64(by)
		if row[i]&ff.masks[i] == 0 {
			out |= 1 << i
		}
	}
	return out
}

// facetTally counts the events of one search as the SQL does: matched
// (the shared conditions), the total (all filters), and each facet within
// the other filters.
type facetTally struct {
	ff             facetFilter
	matched, total int
	counts         [][64]int
}

func newFacetTally(ff facetFilter) facetTally {
	return facetTally{ff: ff, counts: make([][64]int, len(ff.masks))}
}

// add counts an event that meets the shared conditions.
func (t *facetTally) add(row []uint64) {
	t.matched++
	failed := t.ff.failed(row)
	if failed == 0 {
		t.total++
	}
	if failed&(failed-1) != 0 {
		return // two facets fail: no facet's count includes the event
	}
	for i, w := range row {
		if failed&^(1<<i) != 0 {
			continue // another facet fails
		}
		for m := w; m != 0; m &= m - 1 {
			t.counts[i][bits.TrailingZeros64(m)]++
		}
	}
}

// result is the counts as a Result, facets sorted like every backend.
func (t *facetTally) result(fs FacetSet, d *facetDicts) Result {
	lists := make([][]FacetCount, len(fs))
	for i := range fs {
		lists[i] = d.d[i].counts(t.counts[i][:])
	}
	return Result{Total: t.total, matched: t.matched, Facets: fs.facetsOf(lists)}
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
