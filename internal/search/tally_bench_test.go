package search

import "testing"

// BenchmarkFacetTally: counting 20,000 events in memory with the three
// facets before issue 15 and with all counted ones (a region filter set).
func BenchmarkFacetTally(b *testing.B) {
	counted := DefaultFacets().counted()
	for _, n := range []int{3, len(counted)} {
		fs := counted[:n]
		d := newFacetDicts(fs)
		sc := newFacetScan(fs)
		var rows []uint64
		for i := range 20_000 {
			for j, fc := range fs {
				if fc.Column != "" {
					sc.one[j] = []string{"a", "b", "c", "d", "", "e"}[(i+j)%6]
				} else {
					sc.many[j] = [][]string{{"x"}, {"x", "y"}, nil, {"z"}}[(i+j)%4]
				}
			}
			var err error
			if rows, err = d.appendRow(rows, sc); err != nil {
				b.Fatal(err)
			}
		}
		ff := d.filter(fs, Filter{Regions: []string{"a", "b"}})
		b.Run(fs[n-1].Name, func(b *testing.B) {
			for b.Loop() {
				t := newFacetTally(ff)
				for i := range 20_000 {
					t.add(rows[i*n : (i+1)*n])
				}
				_ = t.result(fs, &d)
			}
		})
	}
}
