package jobs

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// setup returns a migrated database (store and River) and the partner-site
// mirror's sources from sources.demo.yaml, pointed at an httptest server.
func setup(t *testing.T) (*pgxpool.Pool, map[string]source.Source) {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(demosites.Handler())
	t.Cleanup(srv.Close)
	b, err := os.ReadFile("../../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := source.Parse([]byte(strings.ReplaceAll(string(b), "${DEMO_BASE:-http://127.0.0.1:8081}", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]source.Source{}
	for _, s := range srcs {
		byID[s.ID] = s
	}
	return pool, byID
}

func upsert(t *testing.T, pool *pgxpool.Pool, srcs ...source.Source) {
	t.Helper()
	for _, s := range srcs {
		if err := store.UpsertSource(context.Background(), pool, s); err != nil {
			t.Fatal(err)
		}
	}
}

// quietLogger keeps River's and the crawl's info lines out of test output.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// pastRun records a finished run of a source that started ago before now.
func pastRun(t *testing.T, pool *pgxpool.Pool, sourceID, status string, complete bool, ago time.Duration) {
	t.Helper()
	ctx := context.Background()
	r, err := store.StartRun(ctx, pool, sourceID)
	if err != nil {
		t.Fatal(err)
	}
	r.Status, r.Complete = status, complete
	if err := store.FinishRun(ctx, pool, r); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE crawl_runs SET started_at = now() - $2 * interval '1 second',
		finished_at = now() - $2 * interval '1 second' + interval '5 seconds' WHERE id = $1`, r.ID, ago.Seconds()); err != nil {
		t.Fatal(err)
	}
}

func TestDueSources(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	// The demo sources crawl every hour; the disabled synthetic one never.
	upsert(t, pool, srcs["pokubi"], srcs["saqsen"], srcs["ntsachsen"], srcs["dsm-sachsen"], srcs["synthetic"])
	pastRun(t, pool, "pokubi", "ok", true, 30*time.Minute)      // not yet
	pastRun(t, pool, "saqsen", "ok", true, 61*time.Minute)      // due
	pastRun(t, pool, "ntsachsen", "failed", false, 2*time.Hour) // a failed run counts as a run
	pastRun(t, pool, "ntsachsen", "failed", false, 5*time.Minute)
	// dsm-sachsen was never crawled: due first.

	due, err := DueSources(ctx, pool, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(due, ","), "dsm-sachsen,saqsen"; got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
	due, _ = DueSources(ctx, pool, time.Now().Add(56*time.Minute))
	if got, want := strings.Join(due, ","), "dsm-sachsen,saqsen,pokubi,ntsachsen"; got != want {
		t.Errorf("an hour later: due = %s, want %s", got, want)
	}
}

func TestSourcesHealth(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["pokubi"], srcs["saqsen"], srcs["ntsachsen"], srcs["dsm-sachsen"], srcs["kulturbuero-dresden"])
	// Intervals are 1h: stale after 3h without success.
	pastRun(t, pool, "pokubi", "ok", true, 2*time.Hour)
	pastRun(t, pool, "saqsen", "ok", true, 4*time.Hour)
	pastRun(t, pool, "saqsen", "failed", false, 10*time.Minute)
	// Start page down: partial, not complete, proves nothing.
	pastRun(t, pool, "ntsachsen", "ok", true, 5*time.Hour)
	pastRun(t, pool, "ntsachsen", "partial", false, 20*time.Minute)
	// One detail page broken, list read: a success.
	pastRun(t, pool, "kulturbuero-dresden", "partial", true, 20*time.Minute)
	// dsm-sachsen: added just now, never crawled: not stale yet.

	// pokubi had events and its latest crawl found none of them again.
	var itemID int64
	if err := pool.QueryRow(ctx, `INSERT INTO items (source_id, key, page_url, raw, raw_hash, vanished_at)
		VALUES ('pokubi', 'https://pokubi.example/a', 'https://pokubi.example/a', '{}', 'h', now()) RETURNING id`).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	var eventID int64
	if err := pool.QueryRow(ctx, `INSERT INTO events (uid, title, start_at, fingerprint)
		VALUES ('u1', 'Fachtag Diversität', now(), 'f') RETURNING id`).Scan(&eventID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO event_items (item_id, occurrence, event_id, draft) VALUES ($1, 0, $2, '{}')`,
		itemID, eventID); err != nil {
		t.Fatal(err)
	}

	all, err := SourcesHealth(ctx, pool, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pokubi":              "announces no events",
		"saqsen":              "last successful crawl 4h",
		"ntsachsen":           "last successful crawl 5h",
		"kulturbuero-dresden": "",
		"dsm-sachsen":         "",
	}
	for _, h := range all {
		w, ok := want[h.SourceID]
		if !ok {
			t.Errorf("unexpected source %s", h.SourceID)
			continue
		}
		if h.Stale != (w != "") || !strings.Contains(h.Reason, w) {
			t.Errorf("%s: stale=%v reason=%q; want reason containing %q", h.SourceID, h.Stale, h.Reason, w)
		}
	}
	if all[0].SourceID != "dsm-sachsen" || all[0].Interval != time.Hour {
		t.Errorf("first = %+v, want dsm-sachsen with its 1h interval", all[0])
	}
	// A source never crawled goes stale 3 intervals after it was added.
	later, err := StaleSources(ctx, pool, time.Now().Add(3*time.Hour+time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range later {
		ids = append(ids, h.SourceID)
	}
	if got := strings.Join(ids, ","); got != "dsm-sachsen,kulturbuero-dresden,ntsachsen,pokubi,saqsen" {
		t.Errorf("stale 3h later: %s", got)
	}
}

func TestEnqueueCrawl(t *testing.T) {
	t.Parallel()
	pool, srcs := setup(t)
	ctx := context.Background()
	upsert(t, pool, srcs["pokubi"])
	enqueue := func(id string) (bool, error) {
		var queued bool
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var err error
			queued, err = EnqueueCrawl(ctx, tx, id)
			return err
		})
		return queued, err
	}
	if q, err := enqueue("pokubi"); err != nil || !q {
		t.Fatalf("first crawl now: queued=%v err=%v", q, err)
	}
	if q, err := enqueue("pokubi"); err != nil || q {
		t.Errorf("second crawl now while the first waits: queued=%v err=%v, want not queued", q, err)
	}
	if _, err := enqueue("no-such-source"); !errors.Is(err, event.ErrNotFound) {
		t.Errorf("unknown source: err = %v, want ErrNotFound", err)
	}
	// Inside a transaction that rolls back, nothing is queued.
	tx, _ := pool.Begin(ctx)
	upsertTx := srcs["saqsen"]
	if err := store.UpsertSource(ctx, tx, upsertTx); err != nil {
		t.Fatal(err)
	}
	if q, err := EnqueueCrawl(ctx, tx, "saqsen"); err != nil || !q {
		t.Fatalf("in tx: queued=%v err=%v", q, err)
	}
	_ = tx.Rollback(ctx)
	var n int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'crawl_source'`).Scan(&n)
	if n != 1 {
		t.Errorf("crawl jobs = %d, want 1 (pokubi only; the rolled-back one is gone)", n)
	}
	var prio int
	var args string
	_ = pool.QueryRow(ctx, `SELECT priority, args::text FROM river_job WHERE kind = 'crawl_source'`).Scan(&prio, &args)
	if prio != 1 || !strings.Contains(args, `"trigger": "staff"`) {
		t.Errorf("staff crawl: priority %d args %s, want priority 1 and trigger staff", prio, args)
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 15 * time.Second, 30 * time.Second},
		{2, 60 * time.Second, 120 * time.Second},
		{3, 4 * time.Minute, 8 * time.Minute},
		{9, 30 * time.Minute, time.Hour},
	} {
		for range 20 {
			if d := backoff(30*time.Second, tt.attempt); d < tt.min || d > tt.max {
				t.Errorf("attempt %d: %s, want %s–%s", tt.attempt, d, tt.min, tt.max)
			}
		}
	}
}
