package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
)

// changer makes random writes of every kind that changes what a search
// finds: new events (with facet values the index has not seen), edits of
// text, dates and facets, deletions, merges and unmerges, publishing and
// unpublishing, source links moving between events, and a transaction
// rolled back to a savepoint.
type changer struct {
	t    testing.TB
	db   *pgxpool.Pool
	rnd  *rand.Rand
	ids  []int64
	next int
}

func newChanger(t testing.TB, db *pgxpool.Pool, seed uint64) *changer {
	c := &changer{t: t, db: db, rnd: rand.New(rand.NewPCG(seed, 15))}
	rows, err := db.Query(context.Background(), `SELECT id FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		c.ids = append(c.ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *changer) pick() int64 { return c.ids[c.rnd.IntN(len(c.ids))] }

func (c *changer) pickOf(l []string) string { return l[c.rnd.IntN(len(l))] }

var (
	changeTitles  = []string{"Workshop Bewerbung", "Beratung für Neuzugewanderte", "Gesundheit im Alltag", "Sprachcafé Leipzig", "Neujahrsempfang"}
	changeRegions = []string{"leipzig", "dresden", "chemnitz", "bautzen"}
	changeLangs   = []string{"de", "ar", "uk", "ru"}
	changeTopics  = []string{"training", "health", "counselling", "culture_media"}
	changeSources = []string{"saqsen", "kulturbuero", "zwischenraum"}
)

// change makes one random write and says which.
func (c *changer) change(ctx context.Context) string {
	exec := func(sql string, args ...any) {
		c.t.Helper()
		if _, err := c.db.Exec(ctx, sql, args...); err != nil {
			c.t.Fatalf("%s: %v", sql, err)
		}
	}
	switch op := c.rnd.IntN(10); op {
	case 0, 1:
		c.next++
		d := event.Draft{Title: c.pickOf(changeTitles), Start: searchtest.At(1+c.rnd.IntN(27), 8+c.rnd.IntN(10), 0),
			Online: event.OnlineNo, Place: event.Place{City: "Ort", Region: c.pickOf(changeRegions)},
			Languages: []string{c.pickOf(changeLangs)}, Topics: []string{c.pickOf(changeTopics)}, CostFree: ptr(c.rnd.IntN(2) == 0)}
		review := "published"
		if c.rnd.IntN(4) == 0 {
			review = "pending"
		}
		c.ids = append(c.ids, searchtest.Insert(c.t, c.db, c.pickOf(changeSources), fmt.Sprintf("tp-change-%d", c.next), review, d))
		return "insert"
	case 2:
		exec(`UPDATE events SET title = $2, region = $3, languages = $4 WHERE id = $1`, c.pick(), c.pickOf(changeTitles), c.pickOf(changeRegions), []string{c.pickOf(changeLangs)})
		return "edit"
	case 3:
		exec(`UPDATE events SET start_at = start_at + $2 * interval '1 hour', end_at = end_at + $2 * interval '1 hour' WHERE id = $1`, c.pick(), c.rnd.IntN(200)-100)
		return "move"
	case 4:
		i := c.rnd.IntN(len(c.ids))
		exec(`WITH u AS (UPDATE events SET merged_into = NULL WHERE merged_into = $1) DELETE FROM events WHERE id = $1`, c.ids[i])
		c.ids = slices.Delete(c.ids, i, i+1)
		return "delete"
	case 5:
		a, b := c.pick(), c.pick()
		if a != b {
			exec(`UPDATE events SET merged_into = $1 WHERE id = $2 AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM events WHERE merged_into = $2)`, a, b)
		}
		return "merge"
	case 6:
		exec(`UPDATE events SET merged_into = NULL WHERE id = $1`, c.pick())
		return "unmerge"
	case 7:
		exec(`UPDATE events SET review = $2 WHERE id = $1`, c.pick(), c.pickOf([]string{"published", "pending", "rejected"}))
		return "review"
	case 8:
		exec(`UPDATE event_items SET event_id = $2 WHERE event_id = $1`, c.pick(), c.pick())
		return "relink"
	default:
		// Only the first write survives: the savepoint's is undone.
		tx, err := c.db.Begin(ctx)
		if err != nil {
			c.t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		a, b := c.pick(), c.pick()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE events SET region = 'dresden' WHERE id = $1`, []any{a}},
			{`SAVEPOINT s`, nil},
			{`UPDATE events SET review = 'rejected' WHERE id = $1`, []any{b}},
			{`UPDATE event_items SET event_id = $1 WHERE event_id = $2`, []any{a, b}},
			{`ROLLBACK TO SAVEPOINT s`, nil},
			{`COMMIT`, nil},
		} {
			if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
				c.t.Fatalf("%s: %v", st.sql, err)
			}
		}
		return "savepoint"
	}
}

// compareWithSQL runs searches of every kind on both and fails on any
// difference in totals, facets or pages (two pages deep).
func compareWithSQL(t *testing.T, ctx context.Context, mem, sql *search.Postgres, what string) {
	t.Helper()
	for _, q := range []string{"", "Workshop", "gesundheit", "Neujahr"} {
		for _, src := range [][]string{nil, {"saqsen"}, {"zwischenraum", "kulturbuero"}} {
			for _, facets := range []search.Filter{{}, {Regions: []string{"leipzig"}}, {Languages: []string{"uk", "ar"}, Free: ptr(true)}} {
				for _, from := range []*time.Time{nil, ptr(searchtest.Ref)} {
					f := facets
					f.Query, f.Sources, f.From = q, src, from
					for _, o := range []search.Order{search.StartAsc, search.StartDesc} {
						after := ""
						for page := range 2 {
							pg := search.Page{First: 3, After: after}
							b, err := sql.Search(ctx, f, pg, o)
							if err != nil {
								t.Fatal(err)
							}
							a, err := mem.Search(ctx, f, pg, o)
							if err != nil {
								t.Fatal(err)
							}
							if a.Total != b.Total || !reflect.DeepEqual(a.Facets, b.Facets) {
								t.Fatalf("after %s, %+v %s page %d:\nmemory %d %+v\n   sql %d %+v", what, f, o, page, a.Total, a.Facets, b.Total, b.Facets)
							}
							if ha, hb := hitIDs(a), hitIDs(b); !reflect.DeepEqual(ha, hb) || a.HasNext != b.HasNext || a.EndCursor != b.EndCursor {
								t.Fatalf("after %s, %+v %s page %d:\nmemory %v next %v\n   sql %v next %v", what, f, o, page, ha, a.HasNext, hb, b.HasNext)
							}
							if !b.HasNext {
								break
							}
							after = b.EndCursor
						}
					}
				}
			}
		}
	}
}

// TestMemoryIndexAppliesChanges: random writes of every kind, a few
// transactions at a time, applied to the index incrementally (one full
// read in all), and every search answered from memory as SQL answers it.
func TestMemoryIndexAppliesChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.New(t)
	searchtest.Seed(t, pool)
	mem, sql := search.NewPostgresInMemory(ctx, pool), search.NewPostgres(pool).WithoutCache()
	compareWithSQL(t, ctx, mem, sql, "seeding")
	c := newChanger(t, pool, 1)
	for round := range 12 {
		var did []string
		for range 1 + c.rnd.IntN(6) {
			did = append(did, c.change(ctx))
		}
		compareWithSQL(t, ctx, mem, sql, fmt.Sprintf("round %d %v", round, did))
	}
	if n := mem.MemoryFullReads(); n != 1 {
		t.Errorf("%d full reads of all events, want 1 (the rest applied as changes)", n)
	}
	if mem.MemoryServed() == 0 {
		t.Fatal("the in-memory index answered no search")
	}
}

// TestMemoryIndexAfterPrune: an index older than the pruned part of the
// change log reads all events again instead of missing a change.
func TestMemoryIndexAfterPrune(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	mem, sql := search.NewPostgresInMemory(ctx, pool), search.NewPostgres(pool).WithoutCache()
	compareWithSQL(t, ctx, mem, sql, "seeding")
	if _, err := pool.Exec(ctx, `UPDATE events SET region = 'dresden' WHERE id = $1`, ids["schulung"]); err != nil {
		t.Fatal(err)
	}
	n, err := search.PruneChanges(ctx, pool, 0)
	if err != nil || n == 0 {
		t.Fatalf("pruned %d rows: %v", n, err)
	}
	compareWithSQL(t, ctx, mem, sql, "a change pruned from the log")
	if n := mem.MemoryFullReads(); n != 2 {
		t.Errorf("%d full reads, want 2", n)
	}
}

// TestMemoryIndexUnderConcurrentWrites: as served (applier in the
// background), searches run while a writer changes events; once the
// writer stops, the index catches up and answers as SQL. Run with -race.
func TestMemoryIndexUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.New(t)
	searchtest.Seed(t, pool)
	mem := search.NewPostgres(pool).WithMemoryIndex(ctx, pool, nil, time.Hour)
	if err := mem.WarmUp(ctx); err != nil {
		t.Fatal(err)
	}
	sql := search.NewPostgres(pool).WithoutCache()
	c := newChanger(t, pool, 2)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := search.Filter{Query: []string{"", "Workshop"}[w%2], From: ptr(searchtest.Ref)}
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := mem.Search(ctx, f, search.Page{First: 5}, search.StartAsc); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 60 {
		c.change(ctx)
	}
	close(done)
	wg.Wait()
	served := mem.MemoryServed()
	compareWithSQL(t, ctx, mem, sql, "concurrent writes")
	if mem.MemoryServed() == served {
		t.Error("no search was answered from memory after the writes")
	}
}
