package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestPublicUsesPartialIndex: tp_public, the one SQL definition of a public
// event, is inlined, so the public listing still reads the partial index
// on (start_at, id) instead of sorting every event.
func TestPublicUsesPartialIndex(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO events (uid, title, start_at, fingerprint, review)
		SELECT 'u'||g, 't', now() + g * interval '1 minute', 'f', CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'published' END
		FROM generate_series(1, 5000) g; ANALYZE events`)
	if err != nil {
		t.Fatal(err)
	}
	if plan := explain(t, pool, `SELECT e.id FROM events e WHERE `+store.PublicSQL+` ORDER BY e.start_at, e.id LIMIT 20`); !strings.Contains(plan, "events_public_start") {
		t.Errorf("public listing does not use events_public_start:\n%s", plan)
	}
	// The Go definition agrees with the SQL one.
	for _, c := range []struct {
		review string
		merged *int64
		want   bool
	}{{"published", nil, true}, {"pending", nil, false}, {"rejected", nil, false}, {"published", new(int64), false}} {
		var sql bool
		if err := pool.QueryRow(ctx, `SELECT tp_public($1, $2)`, c.review, c.merged).Scan(&sql); err != nil {
			t.Fatal(err)
		}
		if got := (store.Event{Review: c.review, MergedInto: c.merged}).Public(); got != sql || got != c.want {
			t.Errorf("%s merged %v: Go %v, SQL %v, want %v", c.review, c.merged != nil, got, sql, c.want)
		}
	}
}

// explain is the plan of query with args, one line per node.
func explain(t *testing.T, db store.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query(context.Background(), `EXPLAIN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(l + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
