package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestTriggersRecordEveryRow: the outbox and search_changes get one row per
// changed event and the data version moves once per committed transaction,
// whether a statement writes one row or many (00181 made the triggers
// statement-level and the version trigger queue once per transaction);
// a rolled-back savepoint takes its rows and its version mark with it.
func TestTriggersRecordEveryRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := pool.Exec(ctx, `INSERT INTO sources (id, name, url, kind) VALUES ('s', 'S', 'http://127.0.0.1/', 'ical')`); err != nil {
		t.Fatal(err)
	}
	version := func() int64 {
		t.Helper()
		var n int64
		if err := pool.QueryRow(ctx, `SELECT sum(n) FROM data_version`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// logged returns the outbox's and the change log's event ids since the
	// last call, sorted, and empties both.
	logged := func() (outbox, changes []int64) {
		t.Helper()
		for _, q := range []struct {
			sql string
			to  *[]int64
		}{{`SELECT event_id FROM search_outbox`, &outbox}, {`SELECT event_id FROM search_changes`, &changes}} {
			rows, err := pool.Query(ctx, q.sql)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			*q.to = ids
		}
		if _, err := pool.Exec(ctx, `TRUNCATE search_outbox, search_changes`); err != nil {
			t.Fatal(err)
		}
		return outbox, changes
	}
	// inTx runs the statements in one transaction.
	inTx := func(stmts ...string) {
		t.Helper()
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			for _, s := range stmts {
				if _, err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var a, b, c int64 // the three events' ids
	v := version()
	if err := pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO events (uid, title, start_at, fingerprint, review)
			SELECT 'tp-' || g, 'Sprachcafé ' || g, now(), 'f', CASE WHEN g = 1 THEN 'published' ELSE 'pending' END
			FROM generate_series(1, 3) g RETURNING id)
		SELECT min(id), min(id) + 1, max(id) FROM ins`).Scan(&a, &b, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO items (source_id, key, page_url, raw, raw_hash)
		SELECT 's', 'k' || g, 'http://127.0.0.1/', '{}', 'h' FROM generate_series(1, 2) g`); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name             string
		stmts            []string
		outbox, changes  []int64
		versionMoves     int64
		wantPublicEvents int
	}{
		{"insert of three in one statement", nil, []int64{a, b, c}, []int64{a, b, c}, 1, 1},
		{"update of two, and one of none", []string{
			`UPDATE events SET description = 'neu' WHERE uid IN ('tp-2', 'tp-3')`,
			`UPDATE events SET description = 'neu' WHERE uid = 'none'`},
			[]int64{b, c}, []int64{b, c}, 1, 1},
		{"publishing marks was_public", []string{`UPDATE events SET review = 'published' WHERE uid = 'tp-2'`},
			[]int64{b}, []int64{b}, 1, 2},
		{"two links to one event in one statement", []string{`INSERT INTO event_items (item_id, occurrence, event_id, draft)
			SELECT id, 0, (SELECT id FROM events WHERE uid = 'tp-1'), '{}' FROM items`},
			nil, []int64{a, a}, 1, 2},
		{"a link moved logs both events", []string{`UPDATE event_items SET event_id = (SELECT id FROM events WHERE uid = 'tp-2')
			WHERE item_id = (SELECT min(id) FROM items)`},
			nil, []int64{a, b}, 1, 2},
		{"a rolled-back savepoint, then a write", []string{`SAVEPOINT s`,
			`UPDATE events SET description = 'weg' WHERE uid = 'tp-1'`, `ROLLBACK TO SAVEPOINT s`,
			`UPDATE events SET description = 'da' WHERE uid = 'tp-3'`},
			[]int64{c}, []int64{c}, 1, 2},
		{"only a rolled-back savepoint", []string{`SAVEPOINT s`,
			`UPDATE events SET description = 'weg' WHERE uid = 'tp-1'`, `ROLLBACK TO SAVEPOINT s`},
			nil, nil, 0, 2},
		{"delete, links cascading", []string{`DELETE FROM events WHERE uid = 'tp-2'`},
			[]int64{b}, []int64{b, b}, 1, 1},
	}
	for i, s := range steps {
		if i > 0 {
			v = version()
			inTx(s.stmts...)
		}
		outbox, changes := logged()
		if !slices.Equal(outbox, s.outbox) || !slices.Equal(changes, s.changes) {
			t.Errorf("%s: outbox %v, changes %v; want %v, %v", s.name, outbox, changes, s.outbox, s.changes)
		}
		if got := version() - v; got != s.versionMoves {
			t.Errorf("%s: version moved by %d, want %d", s.name, got, s.versionMoves)
		}
		var public int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE was_public`).Scan(&public); err != nil {
			t.Fatal(err)
		}
		if public != s.wantPublicEvents {
			t.Errorf("%s: %d events were public, want %d", s.name, public, s.wantPublicEvents)
		}
	}
}
