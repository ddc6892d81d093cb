// Command benchload is the search benchmark harness (issue 5):
//
//	benchload load  -db URL [-n 100000]          migrate and load synthetic events
//	benchload serve -db URL [-addr 127.0.0.1:8090] [-no-cache]  serve /graphql alone
//	benchload run   -db URL -url http://127.0.0.1:8090/graphql [-c 8] [-d 20s] [-pid N] [-no-cache] [-cold] [-one] [-warmup 5s] [-writes 10] [-no-seq] [-from 2026-06-01|auto]
//	benchload feeds -addr 127.0.0.1:8093 [-feeds 10] [-size 10000] -sources feeds.yaml   serve generated iCal feeds to crawl
//
// load -keep-outbox leaves the outbox rows the insert trigger wrote, as a
// real ingest leaves them for the server's drainer. run -one repeats one
// filtered text search with facets (text, region, topic, free, dates) from
// every client, after -warmup of the same load that is not measured.
// run -writes N stores N transactions a second during the run, each
// changing -write-batch random events (free or not, updated_at), as a
// crawl storing pages does; -no-seq skips the one-at-a-time comparison.
// run -from sets the start of the searched three months: a date, or auto
// for the day of the loaded events' median start (the generated iCal
// feeds hold 2027, not the synthetic data's 2026); run says how many
// events its searches found and warns when none did.
//
// feeds serves the generated iCal feeds of internal/demosites and writes
// a sources file naming them, for `treffpunkt crawl --sources`: the real
// ingest the served-latency measurement runs on.
//
// `treffpunkt serve` can stand in for `benchload serve` (it mounts the same
// handler, with the count and page caches).
//
// run measures a typical search (text + region + topic + date range, first
// 20, with facets) from this separate process over loopback: p50/p99 and
// requests/s under concurrency c, then the same searches one at a time over
// HTTP and directly through internal/search on the database (the same SQL),
// and the server's peak RSS (VmHWM of -pid).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/graph"
	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/benchdata"
	"github.com/treffpunkt/treffpunkt/internal/server"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// ref is the centre of the generated data and the default start of the
// searched date range, so the figures do not depend on the day they are
// taken.
var ref = time.Date(2026, 6, 1, 0, 0, 0, 0, event.Berlin)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchload load|serve|run [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	db := fs.String("db", os.Getenv("DATABASE_URL"), "PostgreSQL URL")
	n := fs.Int("n", 100_000, "events to generate (load)")
	addr := fs.String("addr", "127.0.0.1:8090", "listen address (serve)")
	url := fs.String("url", "http://127.0.0.1:8090/graphql", "GraphQL endpoint (run)")
	conc := fs.Int("c", 8, "concurrent clients (run)")
	dur := fs.Duration("d", 20*time.Second, "duration of the concurrent phase (run)")
	pid := fs.Int("pid", 0, "server process id for RSS (run)")
	noCache := fs.Bool("no-cache", false, "search without the count and page caches: every search reads its page and counts in SQL (serve, and the direct searches of run)")
	cold := fs.Bool("cold", false, "make every request a different search (its date range ends a few seconds later), so no cache can answer it (run)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of serve to this file")
	keepOutbox := fs.Bool("keep-outbox", false, "leave the outbox rows for the server to drain, as after a real ingest (load)")
	one := fs.Bool("one", false, "every client repeats one filtered text search with facets (run)")
	warmup := fs.Duration("warmup", 0, "concurrent load before measuring, not counted (run)")
	writes := fs.Float64("writes", 0, "write transactions per second during the run (run)")
	writeBatch := fs.Int("write-batch", 20, "events each write transaction changes (run)")
	noSeq := fs.Bool("no-seq", false, "skip the one-at-a-time phase (run)")
	from := fs.String("from", ref.Format(time.DateOnly), "start of the searched three months: a date (YYYY-MM-DD, Berlin) or auto for the day of the loaded events' median start (run)")
	feeds := fs.Int("feeds", 10, "generated iCal feeds to serve (feeds)")
	size := fs.Int("size", 10_000, "events per generated feed (feeds)")
	sources := fs.String("sources", "", "sources file to write for the served feeds (feeds)")
	_ = fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "load":
		err = load(ctx, *db, *n, *keepOutbox)
	case "serve":
		err = serve(ctx, *db, *addr, *noCache, *cpuProfile)
	case "run":
		err = run(ctx, *db, *url, *conc, *dur, *pid, *noCache, *cold, *one, *warmup, writer{perSecond: *writes, batch: *writeBatch}, *noSeq, *from)
	case "feeds":
		err = serveFeeds(ctx, *addr, *feeds, *size, *sources)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(1)
	}
}

func load(ctx context.Context, dbURL string, n int, keepOutbox bool) error {
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := store.Migrate(ctx, pool); err != nil {
		return err
	}
	start := time.Now()
	if err := benchdata.Load(ctx, pool, benchdata.Generate(n, 1, ref)); err != nil {
		return err
	}
	// The outbox rows the trigger wrote are not needed without Meilisearch;
	// a real ingest leaves them to the server's drainer.
	if !keepOutbox {
		if _, err := pool.Exec(ctx, `DELETE FROM search_outbox`); err != nil {
			return err
		}
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE events`); err != nil {
		return err
	}
	fmt.Printf("loaded %d events in %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

func serve(ctx context.Context, dbURL, addr string, noCache bool, cpuProfile string) error {
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := searcher(ctx, pool, noCache)
	if err != nil {
		return err
	}
	h := server.New(server.Deps{Pool: pool, Logger: log},
		server.Mount{Pattern: "/graphql", Handler: graph.NewHandler(graph.Options{DB: pool, Logger: log, Searcher: s})})
	return server.Serve(ctx, addr, h, func(a string) { fmt.Fprintf(os.Stderr, "serving on %s (pid %d)\n", a, os.Getpid()) })
}

// searcher is the Postgres backend as `treffpunkt serve` runs it (caches
// and in-memory index), or with noCache every search in SQL.
func searcher(ctx context.Context, pool *pgxpool.Pool, noCache bool) (*search.Postgres, error) {
	if noCache {
		return search.NewPostgres(pool).WithoutCache(), nil
	}
	s := search.NewPostgres(pool).WithMemoryIndex(ctx, pool, nil, search.MemoryRebuildInterval)
	return s, s.WarmUp(ctx)
}

// typical are the searches the benchmark cycles through: three months
// from from.
func typical(from time.Time) []search.Filter {
	texts := []string{"Workshop", "Gesundheit", "Anerkennung", "Rassismus", "Verein", "Beratung", "Sprachcafé", "Förder"}
	topics := []string{"training", "health", "work_recognition", "antidiscrimination", "funding", "counselling", "culture_media", "participation_politics"}
	to := from.AddDate(0, 3, 0)
	var out []search.Filter
	for i, r := range event.Regions {
		for j := range texts {
			out = append(out, search.Filter{Query: texts[(i+j)%len(texts)], Regions: []string{r},
				Topics: []string{topics[j]}, From: &from, To: &to})
		}
	}
	return out
}

// searchFrom is the start of the searched window that -from names: a
// date in Berlin, or auto: the day of the median start of the loaded
// events, so the window holds events whatever their dates.
func searchFrom(ctx context.Context, pool *pgxpool.Pool, from string) (time.Time, error) {
	if from != "auto" {
		t, err := time.ParseInLocation(time.DateOnly, from, event.Berlin)
		if err != nil {
			return time.Time{}, fmt.Errorf("-from %q: want a date (YYYY-MM-DD) or auto", from)
		}
		return t, nil
	}
	var median *time.Time
	if err := pool.QueryRow(ctx, `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY start_at) FROM events`).Scan(&median); err != nil {
		return time.Time{}, fmt.Errorf("-from auto: median start of the events: %w", err)
	}
	if median == nil {
		return time.Time{}, fmt.Errorf("-from auto: no events loaded")
	}
	y, m, d := median.In(event.Berlin).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, event.Berlin), nil
}

const query = `query Search($f: EventFilter) { events(filter: $f, first: 20) {
  totalCount
  edges { cursor node { id title start end online place { city region { name } } languages topics } }
  pageInfo { hasNextPage endCursor }
  facets { regions { value count } languages { value count } topics { value count }
           free { value count } registration { value count } audience { value count } access { value count } }
} }`

func body(f search.Filter) []byte {
	vars := map[string]any{"query": f.Query, "regions": f.Regions, "topics": f.Topics,
		"from": f.From.Format(time.RFC3339), "to": f.To.Format(time.RFC3339)}
	if f.Free != nil {
		vars["free"] = *f.Free
	}
	b, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"f": vars}})
	return b
}

// oneSearch is the search of run -one: a filtered text search with facets.
func oneSearch(from time.Time) []search.Filter {
	f := typical(from)[0]
	free := true
	f.Free = &free
	return []search.Filter{f}
}

func run(ctx context.Context, dbURL, url string, conc int, dur time.Duration, pid int, noCache, cold, one bool, warmup time.Duration, w writer, noSeq bool, fromFlag string) error {
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	from, err := searchFrom(ctx, pool, fromFlag)
	if err != nil {
		return err
	}
	filters := typical(from)
	if one {
		filters = oneSearch(from)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2}, Timeout: 10 * time.Second}
	postBody := func(f search.Filter) ([]byte, time.Duration, error) {
		start := time.Now()
		resp, err := client.Post(url, "application/json", bytes.NewReader(body(f)))
		if err != nil {
			return nil, 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors"`)) {
			return nil, 0, fmt.Errorf("status %d: %s %v", resp.StatusCode, b, err)
		}
		return b, time.Since(start), nil
	}
	post := func(f search.Filter) (time.Duration, error) {
		_, d, err := postBody(f)
		return d, err
	}
	// Warm up: every search once (plans, caches, connections), counting
	// what they find.
	found := 0
	for _, f := range filters {
		b, _, err := postBody(f)
		if err != nil {
			return err
		}
		var answer struct {
			Data struct {
				Events struct{ TotalCount int }
			}
		}
		if err := json.Unmarshal(b, &answer); err != nil {
			return fmt.Errorf("answer to the warm-up search: %w", err)
		}
		found += answer.Data.Events.TotalCount
	}
	fmt.Printf("searching %s to %s: %d searches find %d events in all\n", from.Format(time.DateOnly),
		from.AddDate(0, 3, 0).Format(time.DateOnly), len(filters), found)
	if found == 0 {
		fmt.Fprintln(os.Stderr, "benchload: warning: the searches find nothing in this window (-from: a date, or auto for the loaded events' median start)")
	}
	wctx, stopWrites := context.WithCancel(ctx)
	writesDone := w.start(wctx, pool)
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var rss rssSampler
	stopRSS := rss.start(pid)
	measureFrom := time.Now().Add(warmup)
	deadline := measureFrom.Add(dur)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += conc {
				measured := time.Now().After(measureFrom)
				f := filters[i%len(filters)]
				if cold {
					// A To seconds apart is another search for every cache
					// (counts are keyed by dates, pages by the whole filter)
					// and selects practically the same events.
					to := f.To.Add(time.Duration(i) * time.Second)
					f.To = &to
				}
				d, err := post(f)
				if !measured {
					continue
				}
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	stopRSS()
	stopWrites()
	stored, werr := writesDone()
	if werr != nil {
		return werr
	}
	mode := "repeating the typical searches"
	switch {
	case cold:
		mode = "every request a new search"
	case one:
		mode = "repeating one filtered text search"
	}
	fmt.Printf("concurrent (%s): c=%d for %s: %d requests, %d errors, %.0f req/s, p50 %s, p95 %s, p99 %s\n",
		mode, conc, dur, len(lat), errs, float64(len(lat))/dur.Seconds(), pct(lat, 50), pct(lat, 95), pct(lat, 99))
	if w.perSecond > 0 {
		fmt.Printf("writes: %d transactions stored during the run\n", stored)
	}
	if pid != 0 {
		fmt.Printf("server RSS: peak sampled %.1f MB, VmHWM %.1f MB\n", rss.maxMB, hwmMB(pid))
	}

	if noSeq {
		return nil
	}
	// One at a time: HTTP API vs the same search run directly.
	pg, err := searcher(ctx, pool, noCache)
	if err != nil {
		return err
	}
	var apiLat, sqlLat []time.Duration
	for round := range 3 {
		for i, f := range filters {
			if cold && round > 0 {
				// As in the concurrent phase: a search neither process
				// has seen (To seconds before the ones used there).
				to := f.To.Add(-time.Duration(1+round*len(filters)+i) * time.Second)
				f.To = &to
			}
			if round == 0 {
				// Warm both sides alike (plans, and with caches the
				// caches of both processes), then measure.
				if _, err := pg.Search(ctx, f, search.Page{First: 20}, search.StartAsc); err != nil {
					return err
				}
				if _, err := post(f); err != nil {
					return err
				}
				continue
			}
			start := time.Now()
			if _, err := pg.Search(ctx, f, search.Page{First: 20}, search.StartAsc); err != nil {
				return err
			}
			sqlLat = append(sqlLat, time.Since(start))
			d, err := post(f)
			if err != nil {
				return err
			}
			apiLat = append(apiLat, d)
		}
	}
	fmt.Printf("sequential: API p50 %s p99 %s; direct search (same SQL, no HTTP/GraphQL) p50 %s p99 %s; ratio of p50s %.2f\n",
		pct(apiLat, 50), pct(apiLat, 99), pct(sqlLat, 50), pct(sqlLat, 99),
		float64(pct(apiLat, 50))/float64(pct(sqlLat, 50)))
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond)
}

// rssSampler polls VmRSS of a process.
type rssSampler struct{ maxMB float64 }

func (r *rssSampler) start(pid int) (stop func()) {
	if pid == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			r.maxMB = max(r.maxMB, statusMB(pid, "VmRSS:"))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func hwmMB(pid int) float64 { return statusMB(pid, "VmHWM:") }

func statusMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, field)), "%f kB", &kb); err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}

// writer stores changes during a run, as a crawl does.
type writer struct {
	perSecond float64
	batch     int
}

// start writes until ctx ends; the returned func waits and says how many
// transactions committed.
func (w writer) start(ctx context.Context, pool *pgxpool.Pool) func() (int, error) {
	if w.perSecond <= 0 {
		return func() (int, error) { return 0, nil }
	}
	n, done := 0, make(chan error, 1)
	go func() {
		var lo, hi int64
		if err := pool.QueryRow(ctx, `SELECT min(id), max(id) FROM events`).Scan(&lo, &hi); err != nil {
			done <- err
			return
		}
		tick := time.NewTicker(time.Duration(float64(time.Second) / w.perSecond))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- nil
				return
			case <-tick.C:
			}
			ids := make([]int64, w.batch)
			for i := range ids {
				ids[i] = lo + rand.Int64N(hi-lo+1)
			}
			_, err := pool.Exec(ctx, `UPDATE events SET cost_free = NOT coalesce(cost_free, false), updated_at = now() WHERE id = ANY($1)`, ids)
			if err != nil && ctx.Err() == nil {
				done <- fmt.Errorf("write: %w", err)
				return
			}
			n++
		}
	}()
	return func() (int, error) { err := <-done; return n, err }
}

// serveFeeds serves n generated iCal feeds of size events each on addr
// and writes the sources file that crawls them, until ctx ends.
func serveFeeds(ctx context.Context, addr string, n, size int, sources string) error {
	switch {
	case n < 1 || n > 100:
		return fmt.Errorf("-feeds %d: want 1 to 100", n)
	case size < 1 || size > 100_000:
		return fmt.Errorf("-size %d: want 1 to 100000", size)
	case sources == "":
		return fmt.Errorf("-sources: name the sources file to write")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	base := "http://" + ln.Addr().String()
	if err := os.WriteFile(sources, []byte(demosites.FeedSources(base, n)), 0o644); err != nil {
		ln.Close()
		return fmt.Errorf("write %s: %w", sources, err)
	}
	mux := http.NewServeMux()
	mux.Handle(demosites.FeedPrefix, demosites.Feeds(n, size))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(os.Stderr, "serving %d feeds of %d events on %s%s; sources in %s\n", n, size, base, demosites.FeedPrefix, sources)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", base, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
