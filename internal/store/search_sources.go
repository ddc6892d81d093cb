package store

import (
	"context"
	"fmt"
)

// SourcesByID loads the given sources in one query.
func SourcesByID(ctx context.Context, db DB, ids []string) (map[string]SourceRow, error) {
	out := make(map[string]SourceRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, sourceSelect+` WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("sources %v: %w", ids, err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("sources %v: %w", ids, err)
		}
		out[s.ID] = s
	}
	return out, rows.Err()
}
