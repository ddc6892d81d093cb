package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// meiliFilter is a filter translated to Meilisearch filter expressions, the
// shared part (with the filter-only facets) and the counted facets' (in
// the order of fs.counted(), "" when the filter has none) kept apart like
// store.SearchSpec.
type meiliFilter struct {
	base  []string
	facet []string
}

// quote makes a Meilisearch string literal: double quotes, with backslash
// and double quote escaped, so a value can never end the literal.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func in(attr string, vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = quote(v)
	}
	return attr + " IN [" + strings.Join(q, ", ") + "]"
}

func newMeiliFilter(fs FacetSet, f Filter) meiliFilter {
	m := meiliFilter{facet: make([]string, 0, len(fs))}
	if !f.IncludeUnpublished {
		m.base = append(m.base, "public = true")
	}
	if f.From != nil {
		m.base = append(m.base, "end >= "+strconv.FormatInt(f.From.Unix(), 10))
	}
	if f.To != nil {
		m.base = append(m.base, "start < "+strconv.FormatInt(f.To.Unix(), 10))
	}
	for _, fc := range fs {
		cond := ""
		if vals := fc.Get(&f); len(vals) > 0 {
			cond = in(fc.Attr, vals)
		}
		switch {
		case !fc.FilterOnly:
			m.facet = append(m.facet, cond)
		case cond != "":
			m.base = append(m.base, cond)
		}
	}
	return m
}

// expr joins the shared conditions, the faceted ones except the one at
// index skip (-1: none), and extra, with AND.
func (m meiliFilter) expr(skip int, extra ...string) string {
	parts := append([]string{}, m.base...)
	for i, cond := range m.facet {
		if cond != "" && i != skip {
			parts = append(parts, cond)
		}
	}
	parts = append(parts, extra...)
	for i, p := range parts {
		parts[i] = "(" + p + ")"
	}
	return strings.Join(parts, " AND ")
}

// relevanceSlack is how far the last hit of a relevance page may move
// between two pages (events added or removed ahead of it) and the next
// page still continue right after it.
const relevanceSlack = 20

// searchRequests builds the multi-search: the page, the total, and one
// request per facet with that facet's own filter left out.
func (m *Meili) searchRequests(f Filter, p Page, o Order, c *cursor) []*meilisearch.SearchRequest {
	mf := newMeiliFilter(m.fs, f)
	page := &meilisearch.SearchRequest{IndexUID: m.cfg.Index, Query: f.Query, Limit: int64(p.First + 1),
		AttributesToRetrieve: []string{"id", "start"}, ShowRankingScore: o == Relevance}
	var keyset []string
	switch o {
	case StartAsc:
		page.Sort = []string{"start:asc", "id:asc"}
		if c != nil {
			s, id := strconv.FormatInt(c.Start.Unix(), 10), strconv.FormatInt(c.ID, 10)
			keyset = append(keyset, "start > "+s+" OR (start = "+s+" AND id > "+id+")")
		}
	case StartDesc:
		page.Sort = []string{"start:desc", "id:desc"}
		if c != nil {
			s, id := strconv.FormatInt(c.Start.Unix(), 10), strconv.FormatInt(c.ID, 10)
			keyset = append(keyset, "start < "+s+" OR (start = "+s+" AND id < "+id+")")
		}
	case Relevance:
		// Meilisearch's relevance score cannot be filtered on, so a
		// relevance page is read by offset, with relevanceSlack hits on
		// either side of the previous page's last hit: Search continues
		// after that hit wherever events added or removed ahead have
		// moved it.
		if c != nil {
			start := max(0, c.Offset-relevanceSlack)
			page.Offset = int64(start)
			page.Limit = int64(c.Offset - start + relevanceSlack + p.First + 1)
		}
	}
	page.Filter = mf.expr(-1, keyset...)
	if p.SkipCounts {
		return []*meilisearch.SearchRequest{page}
	}
	zero := int64(0)
	total := &meilisearch.SearchRequest{IndexUID: m.cfg.Index, Query: f.Query, HitsPerPage: &zero, Page: 1, Filter: mf.expr(-1)}
	reqs := []*meilisearch.SearchRequest{page, total}
	for i, fc := range m.fs.counted() {
		reqs = append(reqs, &meilisearch.SearchRequest{IndexUID: m.cfg.Index, Query: f.Query, Limit: 1, AttributesToRetrieve: []string{"id"},
			Facets: []string{fc.Attr}, Filter: mf.expr(i)})
	}
	return reqs
}

// Search runs one multi-search request and loads the hits from Postgres.
func (m *Meili) Search(ctx context.Context, f Filter, p Page, o Order) (Result, error) {
	if err := m.fs.validateSearch(&f, &p, &o); err != nil {
		return Result{}, err
	}
	c, err := decodeCursor(p.After, o)
	if err != nil {
		return Result{}, err
	}
	resp, err := m.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: m.searchRequests(f, p, o, c)})
	if err != nil {
		return Result{}, m.wrap("search", err)
	}
	counted := m.fs.counted()
	want := 2 + len(counted)
	if p.SkipCounts {
		want = 1
	}
	if len(resp.Results) != want {
		return Result{}, fmt.Errorf("meilisearch search: %d results for %d queries", len(resp.Results), want)
	}
	var res Result
	if !p.SkipCounts {
		res.Total = int(resp.Results[1].TotalHits)
		lists := make([][]FacetCount, len(counted))
		for i := range counted {
			if lists[i], err = facetCounts(resp.Results[2+i].FacetDistribution); err != nil {
				return Result{}, err
			}
		}
		res.Facets = counted.facetsOf(lists)
	}
	hits, err := pageHits(resp.Results[0].Hits, p, o, c)
	if err != nil {
		return Result{}, err
	}
	if len(hits) > p.First {
		hits, res.HasNext = hits[:p.First], true
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	evs, err := store.ListingEventsByID(ctx, m.db, ids)
	if err != nil {
		return Result{}, err
	}
	for i, j := 0, 0; i < len(evs); i++ {
		e := evs[i]
		for hits[j].ID != e.ID { // EventsByID skips ids it did not find
			j++
		}
		h := hits[j]
		// The index may lag the database by a moment: Postgres decides
		// what is public.
		if e.MergedInto != nil || (!f.IncludeUnpublished && !e.Public()) {
			continue
		}
		k := cursor{Order: o, Start: e.Draft.Start, ID: e.ID}
		if o == Relevance {
			k = cursor{Order: o, ID: e.ID, Offset: h.pos, Rank: h.Score}
		}
		res.Hits = append(res.Hits, Hit{Event: e, Cursor: k.encode()})
	}
	if n := len(res.Hits); n > 0 {
		res.StartCursor, res.EndCursor = res.Hits[0].Cursor, res.Hits[n-1].Cursor
	}
	return res, nil
}

// meiliHit is one hit of a page query: the event, its score in relevance
// order, and (relevance order) its position in the whole result, counted
// from 1.
type meiliHit struct {
	ID    int64   `json:"id"`
	Score float32 `json:"_rankingScore"`
	pos   int
}

// pageHits decodes the page query's hits, at most First+1. In relevance
// order after a cursor, the hits read around the cursor's position are
// cut after the cursor's event; if that event left the result, after the
// hits scored above it.
func pageHits(raw meilisearch.Hits, p Page, o Order, c *cursor) ([]meiliHit, error) {
	start := 0
	if o == Relevance && c != nil {
		start = max(0, c.Offset-relevanceSlack)
	}
	hits := make([]meiliHit, 0, len(raw))
	for i, h := range raw {
		var x meiliHit
		if err := h.DecodeInto(&x); err != nil {
			return nil, fmt.Errorf("meilisearch hit: %w", err)
		}
		x.pos = start + i + 1
		hits = append(hits, x)
	}
	if o == Relevance && c != nil {
		after := slices.IndexFunc(hits, func(h meiliHit) bool { return h.ID == c.ID })
		if after < 0 {
			after = slices.IndexFunc(hits, func(h meiliHit) bool { return h.Score <= c.Rank }) - 1
			if after < -1 {
				after = len(hits) - 1 // every hit read ranks above the cursor
			}
		}
		hits = hits[after+1:]
	}
	return hits[:min(len(hits), p.First+1)], nil
}

// facetCounts reads {"attr": {"value": n}} of a single-facet response,
// leaving out the empty value (events without a region).
func facetCounts(raw json.RawMessage) ([]FacetCount, error) {
	out := []FacetCount{}
	if len(raw) == 0 {
		return out, nil
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(raw, &dist); err != nil {
		return nil, fmt.Errorf("meilisearch facets: %w", err)
	}
	for _, vals := range dist {
		for v, n := range vals {
			if v != "" && n > 0 {
				out = append(out, FacetCount{Value: v, Count: n})
			}
		}
	}
	return out, nil
}
