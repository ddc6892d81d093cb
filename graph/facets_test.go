package graph_test

import (
	"testing"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// TestSchemaMatchesFacetRegistry: every facet of the registry with a
// GraphQL field is a filter of EventFilter and a count list of Facets, and
// Facets counts nothing the registry does not declare.
func TestSchemaMatchesFacetRegistry(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	filter, facets := schema.Types["EventFilter"], schema.Types["Facets"]
	if filter == nil || facets == nil {
		t.Fatal("EventFilter or Facets missing from the schema")
	}
	declared := map[string]bool{}
	for _, fc := range search.DefaultFacets() {
		if fc.Field == "" {
			continue
		}
		want := "[String!]"
		if fc.Bool {
			want = "Boolean"
		}
		f := filter.Fields.ForName(fc.Field)
		// A filter-only facet (the sources) may filter by ids; it has no counts.
		if f == nil || (f.Type.String() != want && !(fc.FilterOnly && f.Type.String() == "[ID!]")) {
			t.Errorf("EventFilter.%s: %v, want %s", fc.Field, f, want)
		}
		if fc.FilterOnly {
			continue
		}
		declared[fc.Field] = true
		if f := facets.Fields.ForName(fc.Field); f == nil || f.Type.String() != "[FacetCount!]!" {
			t.Errorf("Facets.%s: %v, want [FacetCount!]!", fc.Field, f)
		}
	}
	for _, f := range facets.Fields {
		if !declared[f.Name] {
			t.Errorf("Facets.%s is not declared in the facet registry (search.DefaultFacets)", f.Name)
		}
	}
}
