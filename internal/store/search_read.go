package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// SearchKeys reads up to limit keys of the events matching s (all its
// conditions) after the key c (nil: from the start) in order o.
func SearchKeys(ctx context.Context, db DB, s SearchSpec, o SearchOrder, c *SearchKey, limit int) ([]SearchKey, error) {
	q := newSearchQuery(s)
	sql := q.keysSQL(o, c, limit)
	rows, err := db.Query(ctx, sql, q.execArgs()...)
	if err != nil {
		return nil, fmt.Errorf("search events: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SearchKey, error) {
		var k SearchKey
		err := r.Scan(&k.ID, &k.Start, &k.Rank, &k.End)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("search events: %w", err)
	}
	return keys, nil
}

// FacetCount is one value of a facet with its number of events.
type FacetCount struct {
	Value string
	Count int
}

// SearchCounts are the counts of one search.
type SearchCounts struct {
	Total   int // events meeting every condition
	Matched int // events meeting the shared conditions (no facet)
	// Facets holds each facet's counts (in the order of the spec's
	// facets, unsorted), each within all conditions but its own.
	Facets [][]FacetCount
}

// CountSearch counts the events matching s: total, matched and per facet
// value, in one query.
func CountSearch(ctx context.Context, db DB, s SearchSpec) (SearchCounts, error) {
	q := newSearchQuery(s)
	rows, err := db.Query(ctx, q.countsSQL(), q.execArgs()...)
	if err != nil {
		return SearchCounts{}, fmt.Errorf("count events: %w", err)
	}
	defer rows.Close()
	out := SearchCounts{Facets: make([][]FacetCount, len(s.Facets))}
	for rows.Next() {
		var kind, value string
		var n int
		if err := rows.Scan(&kind, &value, &n); err != nil {
			return SearchCounts{}, fmt.Errorf("count events: %w", err)
		}
		switch kind {
		case "total":
			out.Total = n
		case "matched":
			out.Matched = n
		default:
			i, err := strconv.Atoi(kind)
			if err != nil || i < 0 || i >= len(out.Facets) {
				return SearchCounts{}, fmt.Errorf("count events: unexpected row kind %q", kind)
			}
			out.Facets[i] = append(out.Facets[i], FacetCount{Value: value, Count: n})
		}
	}
	if err := rows.Err(); err != nil {
		return SearchCounts{}, fmt.Errorf("count events: %w", err)
	}
	return out, nil
}

// CountMatches counts the events meeting s's shared conditions (its facets
// left out), stopping at atMost.
func CountMatches(ctx context.Context, db DB, s SearchSpec, atMost int) (int, error) {
	s.Facets = nil
	q := newSearchQuery(s)
	var n int
	if err := db.QueryRow(ctx, q.matchesSQL(atMost), q.execArgs()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count text matches: %w", err)
	}
	return n, nil
}

// EachSearchRow reads, for every event meeting s's shared conditions (its
// facets' wanted values are ignored), when it ends and its value of each
// facet into dest (one target per facet, as FacetSelectList gives them),
// calling fn per row.
func EachSearchRow(ctx context.Context, db DB, s SearchSpec, dest []any, fn func(end time.Time) error) error {
	if len(dest) != len(s.Facets) {
		return fmt.Errorf("search rows: %d targets for %d facets", len(dest), len(s.Facets))
	}
	base := s
	base.Facets = make([]FacetCond, len(s.Facets))
	for i, fc := range s.Facets {
		base.Facets[i] = FacetCond{FacetColumn: fc.FacetColumn}
	}
	q := newSearchQuery(base)
	rows, err := db.Query(ctx, q.rowsSQL(), q.execArgs()...)
	if err != nil {
		return fmt.Errorf("search rows: %w", err)
	}
	var end time.Time
	_, err = pgx.ForEachRow(rows, append([]any{&end}, dest...), func() error { return fn(end) })
	if err != nil {
		return fmt.Errorf("search rows: %w", err)
	}
	return nil
}
