package faults

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault test: skipped with -short")
	}
}

// newDB returns a fresh database with the store's and River's schema.
func newDB(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	pool, url := pgtest.NewWithURL(t)
	if _, err := jobs.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return pool, url
}

// mirror serves the partner-site mirror, plus the synthetic site with n
// detail pages when n > 0.
func mirror(t *testing.T, synthetic int) *httptest.Server {
	t.Helper()
	mux := httpMux(synthetic)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// demoYAML is sources.demo.yaml pointed at base, cut to the given ids (all
// when none), with edit applied to each entry's text.
func demoYAML(t *testing.T, base string, edit func(entry string) string, ids ...string) string {
	t.Helper()
	b, err := os.ReadFile("../../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "${DEMO_BASE:-http://127.0.0.1:8081}", base)
	var keep []string
	for _, entry := range strings.Split(text, "\n  - id: ")[1:] {
		id, _, _ := strings.Cut(entry, "\n")
		if len(ids) > 0 && !contains(ids, id) {
			continue
		}
		if edit != nil {
			entry = edit(entry)
		}
		keep = append(keep, "  - id: "+entry)
	}
	return "sources:\n" + strings.Join(keep, "\n") + "\n"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func parseSources(t *testing.T, yaml string) []source.Source {
	t.Helper()
	srcs, err := source.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	return srcs
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func upsert(t *testing.T, pool *pgxpool.Pool, srcs []source.Source) {
	t.Helper()
	for _, s := range srcs {
		if err := store.UpsertSource(context.Background(), pool, s); err != nil {
			t.Fatal(err)
		}
	}
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// cleanCrawl crawls the sources once, undisturbed, into a database of its
// own: the reference a disturbed crawl must end up equal to.
func cleanCrawl(t *testing.T, srcs []source.Source) snapshot {
	t.Helper()
	pool := pgtest.New(t)
	p := &ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Logger: quietLogger()}
	for _, rep := range p.CrawlAll(context.Background(), srcs, 2) {
		if rep.Status != "ok" && rep.Status != "partial" {
			t.Fatalf("clean crawl of %s: %+v", rep.Source, rep)
		}
	}
	return takeSnapshot(t, pool)
}

// snapshot is the content of the store that crawls produce, in a form two
// databases can be compared by: no ids, no timestamps of the crawl itself.
type snapshot struct {
	Items  []string // source|key|raw_hash|vanished
	Events []string // uid|title|start|end|venue|city|region|review|vanished|fingerprint
	// EventRows and DistinctUIDs differ when an event was stored twice.
	EventRows, DistinctUIDs int
}

func takeSnapshot(t *testing.T, db store.DB) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	s.Items = strings1(t, db, `SELECT source_id || '|' || key || '|' || raw_hash || '|' || (vanished_at IS NOT NULL)
		FROM items ORDER BY source_id, key`)
	s.Events = strings1(t, db, `SELECT uid || '|' || title || '|' || to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') || '|' ||
			coalesce(to_char(end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI'), '') || '|' || venue || '|' || city || '|' ||
			coalesce(region, '') || '|' || review || '|' || (vanished_at IS NOT NULL) || '|' || fingerprint
		FROM events ORDER BY uid`)
	if err := db.QueryRow(ctx, `SELECT count(*), count(DISTINCT uid) FROM events`).Scan(&s.EventRows, &s.DistinctUIDs); err != nil {
		t.Fatal(err)
	}
	return s
}

func strings1(t *testing.T, db store.DB, sql string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameContent reports how got differs from the clean crawl, or "".
func sameContent(want, got snapshot) string {
	var diffs []string
	if got.EventRows != got.DistinctUIDs {
		diffs = append(diffs, fmt.Sprintf("%d event rows for %d uids: duplicates", got.EventRows, got.DistinctUIDs))
	}
	for _, d := range []struct {
		what      string
		want, got []string
	}{{"items", want.Items, got.Items}, {"events", want.Events, got.Events}} {
		missing, extra := setDiff(d.want, d.got), setDiff(d.got, d.want)
		if len(missing)+len(extra) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: %d want, %d got; missing %s; extra %s", d.what, len(d.want), len(d.got),
				head(missing), head(extra)))
		}
	}
	return strings.Join(diffs, "\n")
}

func setDiff(a, b []string) []string {
	in := map[string]int{}
	for _, x := range b {
		in[x]++
	}
	var out []string
	for _, x := range a {
		if in[x] > 0 {
			in[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

func head(xs []string) string {
	if len(xs) > 3 {
		return fmt.Sprintf("%q … (%d)", xs[:3], len(xs))
	}
	return fmt.Sprintf("%q", xs)
}

type runRow struct {
	ID                  int64
	Source, Status, Err string
	Started             time.Time
	Finished            *time.Time
	Pages, New, Errors  int
	Complete            bool
}

func runs(t *testing.T, db store.DB, sourceID string) []runRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, source_id, status, coalesce(error, ''), started_at, finished_at,
			pages, events_new, errors, complete
		FROM crawl_runs WHERE source_id = $1 ORDER BY started_at, id`, sourceID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (runRow, error) {
		var x runRow
		return x, r.Scan(&x.ID, &x.Source, &x.Status, &x.Err, &x.Started, &x.Finished, &x.Pages, &x.New, &x.Errors, &x.Complete)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// startWorker runs a jobs.Worker in the test process until the test ends.
func startWorker(t *testing.T, cfg jobs.Config) (stop func() error) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := jobs.NewWorker(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(2 * time.Minute):
				runErr = fmt.Errorf("worker did not stop")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// treffpunktBinary builds cmd/treffpunkt into the test's directory (the
// Go build cache makes the second build of a run a link step).
func treffpunktBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "treffpunkt")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/treffpunkt").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// httpMux serves the mirror and, with synthetic > 0, the generated site.
func httpMux(synthetic int) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/", demosites.Handler())
	if synthetic > 0 {
		mux.Handle(demosites.SyntheticPrefix, demosites.Synthetic(synthetic))
	}
	return mux
}
