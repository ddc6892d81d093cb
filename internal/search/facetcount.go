package search

// Counts returns the facet's counts in fs, wherever the facet keeps them
// (its own field or Other): pages and feeds read every facet's counts
// through the registry.
func (fc *Facet) Counts(fs Facets) []FacetCount {
	if fc.out != nil {
		return *fc.out(&fs)
	}
	return fs.Other[fc.Name]
}
