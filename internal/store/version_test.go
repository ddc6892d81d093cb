package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

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

// TestVersionWritersDoNotWaitOnEachOther: two writers whose backends share
// a counter row (pid % 16) write different events; the second commits
// while the first is still open. With the counter bumped at the first
// write, the second waited for the first's whole transaction (and two
// writers locking the same rows in turn could deadlock); bumped at commit,
// it does not wait.
func TestVersionWritersDoNotWaitOnEachOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	var x, y int64
	for _, p := range []struct {
		uid string
		id  *int64
	}{{"tp-w1", &x}, {"tp-w2", &y}} {
		if err := pool.QueryRow(ctx, `INSERT INTO events (uid, title, start_at, fingerprint) VALUES ($1, 'x', now(), 'f') RETURNING id`, p.uid).Scan(p.id); err != nil {
			t.Fatal(err)
		}
	}
	before, err := store.ReadVersion(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	bySlot := map[uint32]*pgx.Conn{}
	var a, b *pgx.Conn
	for i := 0; i < 17 && b == nil; i++ {
		c, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		slot := c.PgConn().PID() % 16
		if o, ok := bySlot[slot]; ok {
			a, b = o, c
		} else {
			bySlot[slot] = c
		}
	}
	if b == nil {
		t.Fatal("no two backends share a counter row among 17")
	}
	txA, err := a.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer txA.Rollback(ctx)
	if _, err := txA.Exec(ctx, `UPDATE events SET title = 'a' WHERE id = $1`, x); err != nil {
		t.Fatal(err)
	}
	txB, err := b.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer txB.Rollback(ctx)
	// A lock wait would last until A ends: give up after 2 s instead.
	if _, err := txB.Exec(ctx, `SET LOCAL lock_timeout = '2s'`); err != nil {
		t.Fatal(err)
	}
	if _, err := txB.Exec(ctx, `UPDATE events SET title = 'b' WHERE id = $1`, y); err != nil {
		t.Fatalf("B waited for A's open transaction: %v", err)
	}
	if err := txB.Commit(ctx); err != nil {
		t.Fatalf("B's commit waited for A's open transaction: %v", err)
	}
	mid, err := store.ReadVersion(ctx, pool)
	if err != nil || mid.Writes != before.Writes+1 {
		t.Fatalf("after B: %d, want %d (%v)", mid.Writes, before.Writes+1, err)
	}
	if err := txA.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := store.ReadVersion(ctx, pool)
	if err != nil || after.Writes != before.Writes+2 {
		t.Fatalf("after A: %d, want %d (%v)", after.Writes, before.Writes+2, err)
	}
}
