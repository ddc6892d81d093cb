package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// What PostgreSQL itself spends per written events, items and event_items
// row (issue 14 point 4), whatever the Go side batches: N rows in one
// statement (OneByOne: one statement per row), one transaction, reported
// as wall-clock µs/row and as the server backend's CPU µs/row (steadier on
// a loaded machine). The "without" variants
// take the cost apart: each drops one generated column, index or trigger
// in the benchmark's own database before writing, so the difference to
// "all" is what that part costs.
//
//	go test -run '^$' -bench 'InsertEvents|UpdateEvent|LinkItems' -benchtime 3x ./internal/store/
//
// TREFFPUNKT_PGCOST_SCHEMA=160 migrates the database down to that version
// first: the schema before this branch's migrations, for before/after
// ratios measured in one run. TREFFPUNKT_PGCOST_ROWS sets N (2,000).

// pgcostVariant removes one part of the write path; every statement uses
// IF EXISTS so one list serves both schemas.
type pgcostVariant struct {
	name string
	sql  []string
}

var pgcostVariants = []pgcostVariant{
	{"all", nil},
	{"without=triggers", []string{`ALTER TABLE events DISABLE TRIGGER USER`, `ALTER TABLE event_items DISABLE TRIGGER USER`}},
	{"without=outbox-trigger", []string{
		`DROP TRIGGER IF EXISTS events_enqueue ON events`,
		`DROP TRIGGER IF EXISTS events_enqueue_insert ON events`,
		`DROP TRIGGER IF EXISTS events_enqueue_update ON events`,
		`DROP TRIGGER IF EXISTS events_enqueue_delete ON events`}},
	{"without=version-trigger", []string{
		`DROP TRIGGER IF EXISTS events_version ON events`,
		`DROP TRIGGER IF EXISTS event_items_version_at_commit ON event_items`}},
	{"without=was-public-trigger", []string{`DROP TRIGGER IF EXISTS events_was_public ON events`}},
	{"without=search_doc", []string{`ALTER TABLE events DROP COLUMN search_doc`}},
	{"without=search_doc-index", []string{`DROP INDEX IF EXISTS events_search_doc`}},
	{"without=title-trgm-indexes", []string{`DROP INDEX IF EXISTS events_title_trgm`, `DROP INDEX IF EXISTS events_title_fold_trgm`}},
	{"without=events_title_trgm", []string{`DROP INDEX IF EXISTS events_title_trgm`}},
	{"without=array-gin-indexes", []string{`DROP INDEX IF EXISTS events_languages`, `DROP INDEX IF EXISTS events_topics`,
		`DROP INDEX IF EXISTS events_audience`, `DROP INDEX IF EXISTS events_access`}},
	{"without=audience-access", []string{`ALTER TABLE events DROP COLUMN audience`, `ALTER TABLE events DROP COLUMN access`}},
	{"without=btree-indexes", []string{`DROP INDEX IF EXISTS events_start`, `DROP INDEX IF EXISTS events_region`,
		`DROP INDEX IF EXISTS events_series`, `DROP INDEX IF EXISTS events_public_start`, `DROP INDEX IF EXISTS events_public_end`,
		`DROP INDEX IF EXISTS events_public_region_end`, `DROP INDEX IF EXISTS events_updated`, `DROP INDEX IF EXISTS events_review_queue`}},
}

// pgcostRows is the N rows written per statement.
func pgcostRows(b *testing.B) int {
	n := 2000
	if s := os.Getenv("TREFFPUNKT_PGCOST_ROWS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 100000 {
			b.Fatalf("TREFFPUNKT_PGCOST_ROWS=%q: want 1..100000", s)
		}
		n = v
	}
	return n
}

// pgcostDB is a fresh database at the schema asked for
// (TREFFPUNKT_PGCOST_SCHEMA, else the newest), with variant v applied.
func pgcostDB(b *testing.B, v pgcostVariant) *pgxpool.Pool {
	var to int64
	if s := os.Getenv("TREFFPUNKT_PGCOST_SCHEMA"); s != "" {
		var err error
		if to, err = strconv.ParseInt(s, 10, 64); err != nil {
			b.Fatalf("TREFFPUNKT_PGCOST_SCHEMA=%q: %v", s, err)
		}
	}
	return pgcostDBAt(b, to, v)
}

// pgcostDBAt is a fresh database migrated down to schema version to (0:
// the newest), with variant v applied.
func pgcostDBAt(b *testing.B, to int64, v pgcostVariant) *pgxpool.Pool {
	ctx := context.Background()
	pool := pgtest.New(b)
	if to > 0 {
		migrateDownTo(b, pool, to)
	}
	for _, q := range v.sql {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO sources (id, name, url, kind) VALUES ('bench', 'Bench', 'http://127.0.0.1/', 'ical')`); err != nil {
		b.Fatal(err)
	}
	return pool
}

// migrateDownTo runs the Down sections of every migration above version
// to; up again, it applies them once more.
func migrateDownTo(tb testing.TB, pool *pgxpool.Pool, to int64) {
	sub, err := fs.Sub(store.MigrationsFS(), "migrations")
	if err != nil {
		tb.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := p.DownTo(context.Background(), to); err != nil {
		tb.Fatalf("migrate down to %d: %v", to, err)
	}
}

// TestPgcostMigrationsDownAndUp: this branch's migrations go down to main's
// schema (which the before/after benchmark measures) and up again.
func TestPgcostMigrationsDownAndUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	triggers := func() string {
		t.Helper()
		var s string
		if err := pool.QueryRow(ctx, `SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
			WHERE tgrelid IN ('events'::regclass, 'event_items'::regclass) AND NOT tgisinternal`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := triggers()
	migrateDownTo(t, pool, 160)
	if got, want := triggers(), "event_items_version,event_items_version_at_commit,events_enqueue,events_touch,events_version,events_was_public"; got != want {
		t.Errorf("triggers at 160: %s, want %s", got, want)
	}
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if got := triggers(); got != now {
		t.Errorf("triggers up again: %s, want %s", got, now)
	}
	if err := store.CheckSchema(ctx, pool); err != nil {
		t.Fatal(err)
	}
}

// pgcostEvents are n generated feed events (realistic German titles,
// venues and descriptions of an umbrella organisation's programme) as
// column arrays for unnest, uids prefixed so every round writes new rows.
type pgcostEvents struct {
	uid, title, desc, venue, street, postal, city, region, organizer, draft, fp []string
	start, end                                                                  []time.Time
}

func genPgcostEvents(b *testing.B, prefix string, n int) pgcostEvents {
	var e pgcostEvents
	audiences := [][]string{{"young_people"}, {"volunteers", "multipliers"}, {"families"}, {"age:16-27"}, nil}
	access := [][]string{{"wheelchair"}, {"interpreting"}, nil, {"barrier_free", "not_barrier_free"}}
	for i, g := range demosites.GenFeed(3, n) {
		draft, err := json.Marshal(map[string]any{
			"title": g.Title, "description": g.Description, "start": g.Start, "end": g.End,
			"place":    map[string]any{"venue": g.Venue, "street": g.Street, "postal_code": g.PostalCode, "city": g.City},
			"audience": audiences[i%len(audiences)], "accessibility": access[i%len(access)],
			"languages": []string{"de"}, "confidence": 0.9,
		})
		if err != nil {
			b.Fatal(err)
		}
		e.uid = append(e.uid, prefix+g.UID)
		e.title = append(e.title, g.Title)
		e.desc = append(e.desc, g.Description)
		e.venue = append(e.venue, g.Venue)
		e.street = append(e.street, g.Street)
		e.postal = append(e.postal, g.PostalCode)
		e.city = append(e.city, g.City)
		e.region = append(e.region, g.Region)
		e.organizer = append(e.organizer, demosites.GenFeedOrganizer(3))
		e.draft = append(e.draft, string(draft))
		e.fp = append(e.fp, fmt.Sprintf("fp-%s-%d", prefix, i))
		e.start = append(e.start, g.Start)
		e.end = append(e.end, g.End)
	}
	return e
}

const pgcostInsertSQL = `
	INSERT INTO events (uid, title, description, start_at, end_at, venue, street, postal_code, city, region,
		languages, topics, organizer, review, draft, fingerprint)
	SELECT u, t, d, s, e, v, st, pc, c, NULLIF(r, ''), '{de}', '{education}', o, 'published', dr::jsonb, fp
	FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS x(u, t, d, s, e, v, st, pc, c, r, o, dr, fp)
	RETURNING id`

// backendCPU is the CPU time the server process behind tx has used so
// far (Linux schedstat, in ns): on a loaded machine a far steadier measure
// of PostgreSQL's own work than the wall clock. The throwaway cluster
// runs on this machine; elsewhere it reports 0 and only µs/row counts.
type backendCPU struct{ path string }

func cpuOf(b *testing.B, tx pgx.Tx) backendCPU {
	var pid int
	if err := tx.QueryRow(context.Background(), `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		b.Fatal(err)
	}
	return backendCPU{fmt.Sprintf("/proc/%d/schedstat", pid)}
}

func (c backendCPU) now() time.Duration {
	raw, err := os.ReadFile(c.path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns)
}

// pgcostCost is what writing took: wall clock and the backend's CPU.
type pgcostCost struct{ wall, cpu time.Duration }

func (c *pgcostCost) add(o pgcostCost) { c.wall += o.wall; c.cpu += o.cpu }

// timedTx runs write in one transaction and measures it, commit included
// (the deferred version trigger runs at commit).
func timedTx(b *testing.B, pool *pgxpool.Pool, write func(tx pgx.Tx) error) pgcostCost {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	cpu := cpuOf(b, tx)
	c0, t0 := cpu.now(), time.Now()
	if err := write(tx); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	return pgcostCost{time.Since(t0), cpu.now() - c0}
}

// insertPgcost writes the events in one statement and one transaction and
// returns their ids.
func insertPgcost(b *testing.B, pool *pgxpool.Pool, e pgcostEvents) ([]int64, pgcostCost) {
	var ids []int64
	c := timedTx(b, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(context.Background(), pgcostInsertSQL, e.uid, e.title, e.desc, e.start, e.end,
			e.venue, e.street, e.postal, e.city, e.region, e.organizer, e.draft, e.fp)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, c
}

// execPgcost runs one statement in its own transaction.
func execPgcost(b *testing.B, pool *pgxpool.Pool, q string, args ...any) pgcostCost {
	return timedTx(b, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	})
}

func reportPerRow(b *testing.B, c pgcostCost, rows int) {
	b.ReportMetric(float64(c.wall.Microseconds())/float64(rows), "µs/row")
	b.ReportMetric(float64(c.cpu.Microseconds())/float64(rows), "cpu-µs/row")
}

// pgcostWrite is one kind of write: setup prepares a database (a first
// round, so tables and indexes are not empty; the rows an update or link
// needs) and returns what writes round r of n rows.
type pgcostWrite struct {
	name  string
	setup func(b *testing.B, pool *pgxpool.Pool, n int) func(r int) pgcostCost
}

var (
	// N new events in one INSERT … SELECT.
	writeInsert = pgcostWrite{"insert", func(b *testing.B, pool *pgxpool.Pool, n int) func(int) pgcostCost {
		insertPgcost(b, pool, genPgcostEvents(b, "warm-", n))
		return func(r int) pgcostCost {
			_, c := insertPgcost(b, pool, genPgcostEvents(b, fmt.Sprintf("r%d-", r), n))
			return c
		}
	}}
	// The same, one INSERT statement per event (one pgx.Batch), as the
	// write path sends them: the per-statement part of the cost counts.
	writeOneByOne = pgcostWrite{"one-by-one", func(b *testing.B, pool *pgxpool.Pool, n int) func(int) pgcostCost {
		insertPgcost(b, pool, genPgcostEvents(b, "warm-", n))
		return func(r int) pgcostCost {
			e := genPgcostEvents(b, fmt.Sprintf("r%d-", r), n)
			batch := &pgx.Batch{}
			for j := range e.uid {
				batch.Queue(pgcostInsertSQL, []string{e.uid[j]}, []string{e.title[j]}, []string{e.desc[j]},
					[]time.Time{e.start[j]}, []time.Time{e.end[j]}, []string{e.venue[j]}, []string{e.street[j]},
					[]string{e.postal[j]}, []string{e.city[j]}, []string{e.region[j]}, []string{e.organizer[j]},
					[]string{e.draft[j]}, []string{e.fp[j]})
			}
			return timedTx(b, pool, func(tx pgx.Tx) error { return tx.SendBatch(context.Background(), batch).Close() })
		}
	}}
	// N existing events get a changed description in one UPDATE (a
	// re-crawl that found new text).
	writeUpdate = pgcostWrite{"update", func(b *testing.B, pool *pgxpool.Pool, n int) func(int) pgcostCost {
		ids, _ := insertPgcost(b, pool, genPgcostEvents(b, "upd-", n))
		return func(r int) pgcostCost {
			return execPgcost(b, pool, `UPDATE events SET description = description || ' Neuer Termin, Runde ' || $2::text,
				fingerprint = fingerprint || '-' || $2::text, sequence = sequence + 1, updated_at = now()
				WHERE id = ANY($1)`, ids, strconv.Itoa(r))
		}
	}}
	// N conditional updates that find the event unchanged (the write
	// path's UPDATE … WHERE fingerprint <> …), one statement each: a
	// statement-level trigger runs even when no row changed.
	writeUnchanged = pgcostWrite{"update-unchanged", func(b *testing.B, pool *pgxpool.Pool, n int) func(int) pgcostCost {
		ids, _ := insertPgcost(b, pool, genPgcostEvents(b, "same-", n))
		return func(int) pgcostCost {
			batch := &pgx.Batch{}
			for _, id := range ids {
				batch.Queue(`UPDATE events SET description = 'x', updated_at = now()
					WHERE id = $1 AND fingerprint <> fingerprint`, id)
			}
			return timedTx(b, pool, func(tx pgx.Tx) error { return tx.SendBatch(context.Background(), batch).Close() })
		}
	}}
	// N raw items saved and linked to N existing events (items, then
	// event_items) in one statement.
	writeLink = pgcostWrite{"link", func(b *testing.B, pool *pgxpool.Pool, n int) func(int) pgcostCost {
		e := genPgcostEvents(b, "link-", n)
		ids, _ := insertPgcost(b, pool, e)
		return func(r int) pgcostCost {
			keys := make([]string, n)
			for j := range keys {
				keys[j] = fmt.Sprintf("r%d-%s", r, e.uid[j])
			}
			return execPgcost(b, pool, `
				WITH it AS (
					INSERT INTO items (source_id, key, page_url, raw, raw_hash)
					SELECT 'bench', k, 'http://127.0.0.1/feed.ics', dr::jsonb, md5(dr)
					FROM unnest($1::text[], $2::text[]) AS x(k, dr)
					RETURNING id, key)
				INSERT INTO event_items (item_id, occurrence, event_id, draft)
				SELECT it.id, 0, x.ev, x.dr::jsonb
				FROM it JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS x(k, dr, ev) ON x.k = it.key`,
				keys, e.draft, ids)
		}
	}}
)

// benchVariants runs w on a fresh database per variant.
func benchVariants(b *testing.B, w pgcostWrite, variants []pgcostVariant) {
	n := pgcostRows(b)
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			round := w.setup(b, pgcostDB(b, v), n)
			var d pgcostCost
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.add(round(i))
			}
			reportPerRow(b, d, b.N*n)
		})
	}
}

func BenchmarkInsertEvents(b *testing.B) { benchVariants(b, writeInsert, pgcostVariants) }

func BenchmarkInsertEventsOneByOne(b *testing.B) {
	benchVariants(b, writeOneByOne, pgcostVariants[:2])
}

func BenchmarkUpdateEventDescriptions(b *testing.B) { benchVariants(b, writeUpdate, pgcostVariants) }

func BenchmarkLinkItems(b *testing.B) {
	benchVariants(b, writeLink, []pgcostVariant{pgcostVariants[0], pgcostVariants[1], pgcostVariants[3]})
}

// BenchmarkWriteBeforeAfter: every kind of write, rounds alternating
// between a database at schema 160 (before this branch's migrations) and
// a fully migrated one, in one process, the order swapped every round, so
// the machine's load falls on both alike. after/before is the ratio of
// their backend CPU per row. TREFFPUNKT_PGCOST_BEFORE sets another
// "before" version (to tell this branch's migrations apart).
//
//	TREFFPUNKT_PGCOST_ROWS=500 go test -run '^$' -bench WriteBeforeAfter -benchtime 8x ./internal/store/
func BenchmarkWriteBeforeAfter(b *testing.B) {
	n := pgcostRows(b)
	before := int64(160)
	if s := os.Getenv("TREFFPUNKT_PGCOST_BEFORE"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1 {
			b.Fatalf("TREFFPUNKT_PGCOST_BEFORE=%q: want a migration version", s)
		}
		before = v
	}
	for _, w := range []pgcostWrite{writeInsert, writeUpdate, writeLink, writeOneByOne, writeUnchanged} {
		b.Run(w.name, func(b *testing.B) {
			rounds := [2]func(int) pgcostCost{
				w.setup(b, pgcostDBAt(b, before, pgcostVariants[0]), n),
				w.setup(b, pgcostDBAt(b, 0, pgcostVariants[0]), n),
			}
			var cost [2]pgcostCost
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k := range 2 {
					j := (i + k) % 2
					cost[j].add(rounds[j](i))
				}
			}
			rows := float64(b.N * n)
			b.ReportMetric(float64(cost[0].cpu.Microseconds())/rows, "before-cpu-µs/row")
			b.ReportMetric(float64(cost[1].cpu.Microseconds())/rows, "after-cpu-µs/row")
			b.ReportMetric(float64(cost[1].cpu)/float64(cost[0].cpu), "after/before-cpu")
			b.ReportMetric(float64(cost[1].wall)/float64(cost[0].wall), "after/before-wall")
		})
	}
}
