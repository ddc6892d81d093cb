package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The reads of internal/search's in-memory index: a snapshot of every
// public event (its dates, search_doc's lexemes and facet values), the
// events changed since such a snapshot (the search_changes log, migration
// 00140), and what to_tsquery makes of a query word.

// SourcesOfEvents pairs each event with the sources that announced it (an
// event stays announced after the page dropped it): the source filter's
// values (FacetColumn.Related).
const SourcesOfEvents = `SELECT ei.event_id, i.source_id FROM event_items ei JOIN items i ON i.id = ei.item_id`

// SnapshotEvent is one public event as the in-memory index holds it.
type SnapshotEvent struct {
	ID         int64
	Start, End time.Time // End as tp_event_end
	// Lexemes are search_doc's, separated by the unit separator (which no
	// lexeme contains): one allocation per event instead of one per lexeme.
	Lexemes string
}

// SnapshotState labels a snapshot: the data version it holds and
// Postgres' own snapshot it was read at, which ReadChanges reads from.
type SnapshotState struct {
	Version Version
	PGSnap  string
}

// snapshotSelect selects the public events, then facets' values
// (FacetSelectList).
func snapshotSelect(facets []FacetColumn) string {
	return `SELECT e.id, e.start_at, tp_event_end(e.start_at, e.end_at, e.all_day),
			array_to_string(tsvector_to_array(e.search_doc), E'\x1f')` + FacetSelectList(facets) + `
		FROM events e WHERE ` + PublicSQL
}

// snapshotState is the SQL columns of a SnapshotState.
const snapshotState = VersionColumns + `, pg_current_snapshot()::text`

func (s *SnapshotState) dest() []any { return append(s.Version.Dest(), &s.PGSnap) }

// ReadSnapshot reads every public event in (start, id) order, all in one
// repeatable-read transaction, so the state it returns labels exactly the
// data read. For each event it scans into ev and facetDest (one target per
// facet of facets, as FacetSelectList gives them) and calls row; then, for
// each facet of pairs (values that a single pass would read with a
// subquery per event, such as the sources), it calls pair with every
// (public event, value).
func ReadSnapshot(ctx context.Context, pool *pgxpool.Pool, facets, pairs []FacetColumn, ev *SnapshotEvent, facetDest []any,
	row func() error, pair func(facet int, id int64, value string) error) (SnapshotState, error) {
	var st SnapshotState
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT `+snapshotState).Scan(st.dest()...); err != nil {
			return fmt.Errorf("read version: %w", err)
		}
		rows, err := tx.Query(ctx, snapshotSelect(facets)+` ORDER BY e.start_at, e.id`)
		if err != nil {
			return err
		}
		if _, err := pgx.ForEachRow(rows, append([]any{&ev.ID, &ev.Start, &ev.End, &ev.Lexemes}, facetDest...), row); err != nil {
			return err
		}
		for i, fc := range pairs {
			rows, err := tx.Query(ctx, pairsSQL(fc))
			if err != nil {
				return err
			}
			var id int64
			var v string
			if _, err := pgx.ForEachRow(rows, []any{&id, &v}, func() error { return pair(i, id, v) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("read all public events: %w", err)
	}
	return st, nil
}

// pairsSQL selects (event id, value) of every public event and each of
// its values of fc: related rows joined once rather than one subquery per
// event.
func pairsSQL(fc FacetColumn) string {
	if fc.Related != "" {
		return `SELECT DISTINCT r.event_id, r.value FROM (` + fc.Related + `) r(event_id, value)
			JOIN events e ON e.id = r.event_id WHERE r.value IS NOT NULL AND ` + PublicSQL
	}
	vals := fc.ValuesSQL()
	if fc.Column != "" {
		vals = "ARRAY[(" + fc.Column + ")::text]"
	}
	return `SELECT e.id, v FROM events e, unnest(` + vals + `) v WHERE v IS NOT NULL AND ` + PublicSQL
}

// changedSQL selects the events changed since the snapshot $1 (at most
// $2): the log rows whose transaction that snapshot did not see. The xid
// index narrows them to transactions at least as new as the oldest one
// it did not see.
const changedSQL = `ARRAY(SELECT DISTINCT event_id FROM search_changes
	WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot) LIMIT $2)`

// Changes is what changed since a snapshot.
type Changes struct {
	State SnapshotState
	IDs   []int64 // the events changed (at most the limit + 1)
	// Pruned: the log no longer reaches back to the snapshot; read
	// everything again.
	Pruned bool
}

// ReadChanges reads the events changed since Postgres' snapshot since, in
// one repeatable-read transaction sent as one round trip (searches may be
// waiting for it): the ids of up to limit+1 of them, and those public now
// in (start, id) order, scanned as ReadSnapshot scans (facets' values into
// facetDest) with row called for each.
func ReadChanges(ctx context.Context, pool *pgxpool.Pool, since string, limit int, facets []FacetColumn, ev *SnapshotEvent, facetDest []any,
	row func() error) (Changes, error) {
	var c Changes
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	b.Queue(`SELECT `+snapshotState+`,
		(SELECT horizon FROM search_changes_horizon) >= pg_snapshot_xmin($1::pg_snapshot), `+changedSQL, since, limit+1).
		QueryRow(func(r pgx.Row) error {
			return r.Scan(append(c.State.dest(), &c.Pruned, &c.IDs)...)
		})
	b.Queue(snapshotSelect(facets)+` AND e.id = ANY(`+changedSQL+`) ORDER BY e.start_at, e.id`, since, limit+1).
		Query(func(rows pgx.Rows) error {
			_, err := pgx.ForEachRow(rows, append([]any{&ev.ID, &ev.Start, &ev.End, &ev.Lexemes}, facetDest...), row)
			return err
		})
	b.Queue(`COMMIT`)
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		return c, fmt.Errorf("read changed events: %w", err)
	}
	return c, nil
}

// PruneSearchChanges deletes the change log's rows older than keep and
// records the newest transaction it deleted, so a reader older than that
// knows to read everything again. It returns how many rows it deleted.
func PruneSearchChanges(ctx context.Context, db DB, keep time.Duration) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `WITH d AS (DELETE FROM search_changes WHERE at < now() - $1 * interval '1 millisecond' RETURNING xid),
		h AS (UPDATE search_changes_horizon SET horizon = greatest(horizon, (SELECT max(xid) FROM d))
			WHERE EXISTS (SELECT 1 FROM d))
		SELECT count(*) FROM d`, keep.Milliseconds()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("prune search change log: %w", err)
	}
	return n, nil
}

// WordLexemes is what to_tsquery makes of a word as a prefix query
// (accents folded) in the german and simple configurations: how many
// lexemes (german 0: a stop word) and the query as text ('berat':*).
type WordLexemes struct {
	Word                     string
	GermanNodes, SimpleNodes int
	German, Simple           string
}

// PrefixLexemes resolves words as the search SQL does (searchQuery's
// textQuery), in one query.
func PrefixLexemes(ctx context.Context, db DB, words []string) ([]WordLexemes, error) {
	rows, err := db.Query(ctx, `SELECT w, numnode(g), g::text, numnode(s), s::text
		FROM unnest($1::text[]) w,
		     LATERAL (SELECT to_tsquery('german', quote_literal(tp_unaccent(w)) || ':*') g,
		                     to_tsquery('simple', quote_literal(tp_unaccent(w)) || ':*') s) x`, words)
	if err != nil {
		return nil, fmt.Errorf("query words: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WordLexemes, error) {
		var w WordLexemes
		err := r.Scan(&w.Word, &w.GermanNodes, &w.German, &w.SimpleNodes, &w.Simple)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("query words: %w", err)
	}
	return out, nil
}

// ReindexSearch rebuilds the search indexes of events (after bloat or
// corruption); the search document itself is a generated column.
func ReindexSearch(ctx context.Context, db DB) error {
	for _, idx := range []string{"events_search_doc", "events_title_fold_trgm"} {
		if _, err := db.Exec(ctx, `REINDEX INDEX CONCURRENTLY `+idx); err != nil {
			return fmt.Errorf("reindex %s: %w", idx, err)
		}
	}
	return nil
}
