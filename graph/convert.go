package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/treffpunkt/treffpunkt/graph/model"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// searchArgs turns the events arguments into a search: from defaults to
// now, so the API lists upcoming events unless asked otherwise.
func searchArgs(f *model.EventFilter, first *int, after *string, order *model.EventOrder, now time.Time) (search.Filter, search.Page, search.Order, error) {
	var sf search.Filter
	if f != nil {
		sf = search.Filter{Query: deref(f.Query), Regions: f.Regions, Languages: f.Languages, Topics: f.Topics,
			From: f.From, To: f.To, Sources: f.Sources, Free: f.Free, Registration: f.Registration,
			Audience: f.Audience, Access: f.Access}
		if f.Online != nil {
			sf.Online = strings.ToLower(string(*f.Online))
		}
	}
	if sf.From == nil {
		sf.From = &now
	}
	p := search.Page{First: search.DefaultPageSize, After: deref(after)}
	if first != nil {
		if *first < 1 || *first > search.MaxPageSize {
			return sf, p, "", fmt.Errorf("%w: first must be between 1 and %d, got %d", search.ErrInvalid, search.MaxPageSize, *first)
		}
		p.First = *first
	}
	o := search.StartAsc
	if order != nil {
		o = search.Order(strings.ToLower(string(*order)))
	}
	return sf, p, o, nil
}

// selects reports whether the query asks for any of these fields of the
// current resolver's result: counts cost a query of their own.
func selects(ctx context.Context, names ...string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if slices.Contains(names, f.Name) {
			return true
		}
	}
	return false
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func eventConnection(res search.Result, after bool) *model.EventConnection {
	c := &model.EventConnection{
		Edges:      make([]model.EventEdge, len(res.Hits)),
		TotalCount: res.Total,
		PageInfo:   &model.PageInfo{HasNextPage: res.HasNext, HasPreviousPage: after},
		Facets: &model.Facets{Regions: facet(res.Facets.Regions), Languages: facet(res.Facets.Languages), Topics: facet(res.Facets.Topics),
			Free: facet(res.Facets.Free), Registration: facet(res.Facets.Registration), Audience: facet(res.Facets.Audience),
			Access: facet(res.Facets.Access)},
	}
	for i, h := range res.Hits {
		c.Edges[i] = model.EventEdge{Cursor: h.Cursor, Node: model.NewEvent(h.Event)}
	}
	if res.StartCursor != "" {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &res.StartCursor, &res.EndCursor
	}
	return c
}

func facet(fs []search.FacetCount) []model.FacetCount {
	out := make([]model.FacetCount, len(fs))
	for i, f := range fs {
		out[i] = model.FacetCount{Value: f.Value, Count: f.Count}
	}
	return out
}

func changeConnection(p search.ChangePage, after bool) *model.EventChangeConnection {
	c := &model.EventChangeConnection{Edges: make([]model.EventChangeEdge, len(p.Changes)),
		PageInfo: &model.PageInfo{HasNextPage: p.HasNext, HasPreviousPage: after}}
	for i, ch := range p.Changes {
		n := model.NewEventChange(ch)
		c.Edges[i] = model.EventChangeEdge{Cursor: ch.Cursor, Node: &n}
	}
	if n := len(p.Changes); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &p.Changes[0].Cursor, &p.Changes[n-1].Cursor
	}
	return c
}

func invalidID(id string) error {
	return fmt.Errorf("%w: %q is not an event id", search.ErrInvalid, id)
}
