package store_test

import (
	"context"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestVersionMovesWithTheCommit: writer A starts first and commits last, so
// its outbox id and updated_at are older than B's; the version read right
// after A's commit must differ from the one read before it (the statistics
// counters used before moved only within about a second). A rolled-back
// write leaves the version alone.
func TestVersionMovesWithTheCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	read := func() store.Version {
		t.Helper()
		v, err := store.ReadVersion(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ins := `INSERT INTO events (uid, title, start_at, fingerprint) VALUES ($1, 'x', now(), 'f') RETURNING id`
	var id int64
	if err := pool.QueryRow(ctx, ins, "tp-v1").Scan(&id); err != nil {
		t.Fatal(err)
	}
	a, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback(ctx)
	if _, err := a.Exec(ctx, `UPDATE events SET region = 'dresden' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, ins, "tp-v2"); err != nil {
		t.Fatal(err)
	}
	before := read()
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	after := read()
	if after == before {
		t.Fatalf("version unchanged by a commit: %+v", after)
	}
	// Many rows in one transaction bump it once; a rollback not at all.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE events SET topics = '{health}'`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if v := read(); v.Writes != after.Writes {
		t.Errorf("rolled-back write moved the version: %d → %d", after.Writes, v.Writes)
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET topics = '{health}'`); err != nil {
		t.Fatal(err)
	}
	v := read()
	if v.Writes != after.Writes+1 {
		t.Errorf("one transaction of two rows: %d → %d, want +1", after.Writes, v.Writes)
	}
	// Draining the outbox (Postgres alone discards it) is no data change:
	// the caches and the in-memory index stay current.
	if _, err := pool.Exec(ctx, `DELETE FROM search_outbox`); err != nil {
		t.Fatal(err)
	}
	if d := read(); d != v {
		t.Errorf("draining the outbox moved the version: %+v → %+v", v, d)
	}
}
