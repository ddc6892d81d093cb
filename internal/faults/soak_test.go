package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// soakDuration is TREFFPUNKT_SOAK (a Go duration), 20 s by default so
// `make test` runs a short soak; `make faults` runs the 10 minutes.
func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("TREFFPUNKT_SOAK")
	if v == "" {
		return 20 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("TREFFPUNKT_SOAK=%q: %v", v, err)
	}
	return d
}

// endpoint is one kind of request of the load, sent at a steady rate.
type endpoint struct {
	name   string
	rate   float64 // per second
	method string
	path   string
	body   string
}

// The load: what a partner's widget, calendar apps and API clients ask
// for. The calendar routes stay under their per-client limit (10/s), since
// the whole load comes from one address.
var soakLoad = []endpoint{
	{"graphql list", 15, "POST", "/graphql", `{"query":"query Upcoming { events(filter: {from: \"2000-01-01T00:00:00Z\"}, first: 20) { totalCount edges { node { id title start } } } }"}`},
	{"graphql search", 10, "POST", "/graphql", `{"query":"query Search { events(filter: {query: \"Workshop\", from: \"2000-01-01T00:00:00Z\"}, first: 10, orderBy: RELEVANCE) { totalCount edges { node { id title } } } }"}`},
	{"healthz", 5, "GET", "/healthz", ""},
	{"calendar.ics", 3, "GET", "/calendar.ics", ""},
	{"index page", 3, "GET", "/", ""},
	{"calendar.json", 2, "GET", "/calendar.json", ""},
	{"metrics", 0.2, "GET", metricsPath, ""},
}

// metricsPath marks the one request that goes to the metrics listener:
// /metrics is not served on the public port.
const metricsPath = "/metrics"

type loadStats struct {
	mu       sync.Mutex
	took     map[string][]time.Duration
	failures map[string]int
	samples  []string // first failures, for the log
}

func (s *loadStats) record(name string, d time.Duration, failure string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.took[name] = append(s.took[name], d)
	if failure != "" {
		s.failures[name]++
		if len(s.samples) < 10 {
			s.samples = append(s.samples, name+": "+failure)
		}
	}
}

// runLoad sends the load to base (and /metrics to metricsBase) until ctx
// ends.
func runLoad(ctx context.Context, base, metricsBase string, stats *loadStats) {
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for _, e := range soakLoad {
		wg.Go(func() {
			tick := time.NewTicker(time.Duration(float64(time.Second) / e.rate))
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				url := base + e.path
				if e.path == metricsPath {
					url = metricsBase + e.path
				}
				req, _ := http.NewRequest(e.method, url, strings.NewReader(e.body))
				if e.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				start := time.Now()
				resp, err := client.Do(req)
				failure := ""
				if err != nil {
					failure = err.Error()
				} else {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					switch {
					case resp.StatusCode != http.StatusOK:
						failure = fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, body)
					case e.path == "/graphql" && bytes.Contains(body, []byte(`"errors"`)):
						failure = fmt.Sprintf("GraphQL errors: %.200s", body)
					}
				}
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the soak
				}
				stats.record(e.name, time.Since(start), failure)
			}
		})
	}
	wg.Wait()
}

// rssKiB reads a process's resident set size.
func rssKiB(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// TestSoak runs `treffpunkt all` over the partner-site mirror (plus a
// 200-page generated site) with short crawl intervals, and puts the API
// under steady load from this process for TREFFPUNKT_SOAK. No request may
// fail, the server may log no error, and its memory must stay flat.
func TestSoak(t *testing.T) {
	skipShort(t)
	dur := soakDuration(t)
	ctx := context.Background()
	interval := min(max(dur/5, 10*time.Second), time.Minute)
	site := mirror(t, 200)
	yaml := demoYAML(t, site.URL, func(entry string) string {
		entry = syntheticEntry(entry)
		entry = strings.Replace(entry, "    interval: 1h\n", "", 1)
		return entry + fmt.Sprintf("    interval: %s\n", interval)
	})
	sources := writeFile(t, "sources.yaml", yaml)
	pool, dbURL := newDB(t)
	bin := treffpunktBinary(t)
	addr := freeAddr(t)
	logPath := filepath.Join(t.TempDir(), "all.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := freeAddr(t)
	cmd := exec.Command(bin, "all", "--database-url", dbURL, "--sources", sources, "--addr", addr,
		"--metrics-addr", metricsAddr, "--schedule-every", "5s", "--concurrency", "2")
	// The load comes from one address at well over the default per-client
	// API limit; the soak measures the service, not the rate limiter.
	cmd.Env = append(os.Environ(), "LOG_FORMAT=json", "MEILI_URL=", "API_RATE=0")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	base := "http://" + addr
	ready := func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	if !pgtest.Wait(t, 60*time.Second, ready) {
		t.Fatalf("server not ready")
	}
	var enabled int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM sources WHERE enabled`).Scan(&enabled)
	firstRound := func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(DISTINCT source_id) FROM crawl_runs WHERE finished_at IS NOT NULL`).Scan(&n)
		return n == enabled
	}
	if !pgtest.Wait(t, 2*time.Minute, firstRound) {
		t.Fatalf("first crawl round not finished")
	}
	var runsBefore int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM crawl_runs`).Scan(&runsBefore)

	stats := &loadStats{took: map[string][]time.Duration{}, failures: map[string]int{}}
	// Warm up (caches, pools, the heap's working size), then measure.
	warm, cancelWarm := context.WithTimeout(ctx, 10*time.Second)
	runLoad(warm, base, "http://"+metricsAddr, &loadStats{took: map[string][]time.Duration{}, failures: map[string]int{}})
	cancelWarm()
	pid := cmd.Process.Pid
	rssStart, err := rssKiB(pid)
	if err != nil {
		t.Fatal(err)
	}
	loadCtx, stopLoad := context.WithTimeout(ctx, dur)
	defer stopLoad()
	rssMax := rssStart
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-loadCtx.Done():
				return
			case <-tick.C:
				if r, err := rssKiB(pid); err == nil {
					rssMax = max(rssMax, r)
				}
			}
		}
	}()
	started := time.Now()
	runLoad(loadCtx, base, "http://"+metricsAddr, stats)
	elapsed := time.Since(started)
	<-sampled
	rssEnd, err := rssKiB(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exit after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Errorf("server still running 60 s after SIGTERM")
	}
	logf.Close()

	// Figures.
	total, failed := 0, 0
	var all []time.Duration
	var lines []string
	for _, e := range soakLoad {
		ds := stats.took[e.name]
		total += len(ds)
		failed += stats.failures[e.name]
		all = append(all, ds...)
		lines = append(lines, fmt.Sprintf("  %-15s %6d requests %5d failed  p50 %6.1f ms  p99 %6.1f ms", e.name, len(ds),
			stats.failures[e.name], ms(percentile(ds, 0.5)), ms(percentile(ds, 0.99))))
	}
	var runsDuring int
	var statuses string
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM crawl_runs`).Scan(&runsDuring)
	_ = pool.QueryRow(ctx, `SELECT string_agg(status || '=' || n, ' ' ORDER BY status) FROM
		(SELECT status, count(*) AS n FROM crawl_runs GROUP BY status) s`).Scan(&statuses)
	logErrors := errorLines(t, logPath)
	report := fmt.Sprintf("soak %s: %d requests (%.1f/s), %d failed; p50 %.1f ms, p99 %.1f ms\n%s\n"+
		"RSS of treffpunkt all: %.1f MiB after warm-up, %.1f MiB at the end, %.1f MiB max (sampled every 5 s)\n"+
		"crawl runs: %d during the soak (interval %s), all runs: %s; server log ERROR lines: %d",
		elapsed.Round(time.Second), total, float64(total)/elapsed.Seconds(), failed, ms(percentile(all, 0.5)), ms(percentile(all, 0.99)),
		strings.Join(lines, "\n"), float64(rssStart)/1024, float64(rssEnd)/1024, float64(rssMax)/1024,
		runsDuring-runsBefore, interval, statuses, len(logErrors))
	t.Log("\n" + report)
	if p := os.Getenv("TREFFPUNKT_SOAK_REPORT"); p != "" {
		_ = os.WriteFile(p, []byte(report+"\n"), 0o644)
	}
	if failed > 0 {
		t.Errorf("%d requests failed, e.g. %v", failed, stats.samples)
	}
	if len(logErrors) > 0 {
		t.Errorf("server logged %d errors, e.g. %s", len(logErrors), logErrors[0])
	}
	if runsDuring == runsBefore && dur >= 2*interval {
		t.Errorf("no crawl ran during the soak")
	}
	// Flat: the end may not exceed the start by more than half, plus 32 MiB
	// of slack for a short soak's noise (GC pacing, pools growing).
	if rssEnd > rssStart*3/2+32<<10 {
		t.Errorf("RSS grew from %d KiB to %d KiB", rssStart, rssEnd)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errorLines returns the server's JSON log lines at level ERROR.
func errorLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec struct{ Level string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Level == "ERROR" {
			out = append(out, sc.Text())
		}
	}
	return out
}
