package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// FacetValuesOf reads, for each of the events ids, every facet's values
// as one text: a one-value facet cast to text ("" for none: a yes/no
// facet gives "true" or "false"), a many-value facet's values joined by
// commas (facet values are slugs). fn gets them in the order of cols,
// as bytes that are valid only during the call, so a feed's batch of 500
// is read without a copy per value. Missing ids are left out.
func FacetValuesOf(ctx context.Context, db DB, cols []FacetColumn, ids []int64, fn func(id int64, vals []pgtype.DriverBytes)) error {
	if len(ids) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("SELECT e.id")
	for _, fc := range cols {
		if fc.Column != "" {
			q.WriteString(", coalesce((" + fc.Column + ")::text, '')")
		} else {
			q.WriteString(", coalesce(array_to_string(" + fc.ValuesSQL() + ", ','), '')")
		}
	}
	q.WriteString(" FROM events e WHERE e.id = ANY($1::bigint[])")
	rows, err := db.Query(ctx, q.String(), IDArray(ids))
	if err != nil {
		return fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	defer rows.Close()
	var id int64
	raw := make([]pgtype.DriverBytes, len(cols))
	dest := make([]any, len(cols)+1)
	dest[0] = &id
	for i := range raw {
		dest[i+1] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("facet values of %d events: %w", len(ids), err)
		}
		fn(id, raw)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("facet values of %d events: %w", len(ids), err)
	}
	return nil
}
