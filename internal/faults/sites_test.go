package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/jobs"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// hangingListener accepts connections and never answers: a server whose
// application is stuck behind a live TCP port.
func hangingListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never written to
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// trickle answers at once and then sends its body a byte every 200 ms,
// forever: a connection that never times out on reads alone.
func trickle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "<!doctype html><html><body><h1>Veranstaltungen</h1>")
	for {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := w.Write([]byte("<p>")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

// garbage is a site whose list page is fine and whose pages are not.
func garbage(w http.ResponseWriter, r *http.Request) {
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = byte(rnd.UintN(256))
	}
	switch r.URL.Path {
	case "/termine/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><h2><a href="/termine/binaer">1</a></h2><h2><a href="/termine/gzip">2</a></h2>
			<h2><a href="/termine/ohne-titel">3</a></h2></body></html>`)
	case "/termine/binaer":
		w.Header().Set("Content-Type", "text/html")
		w.Write(noise)
	case "/termine/gzip":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(noise)
	case "/termine/ohne-titel":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><div class="text">Datum: 21.10.2021</div></body></html>`)
	case "/kalender.ics":
		w.Header().Set("Content-Type", "text/calendar")
		w.Write(noise)
	default:
		http.NotFound(w, r)
	}
}

func badSource(id, url, kind, extra string) string {
	s := fmt.Sprintf(`
  - id: %s
    name: Kaputte Seite %s
    url: %s
    kind: %s
    publish: auto
    timeout: 2s
    retries: 1
    delay: 10ms
`, id, id, url, kind)
	if kind == "html" {
		s += "    follow: \"h2 a\"\n    fields: {title: h1, body: .text}\n"
	}
	return s + extra
}

// TestMisbehavingSites: a partner site that hangs, one that trickles, one
// that sends garbage, one whose feed is garbage and one in a private
// network, crawled by the worker beside two healthy sources. Each bad one
// ends in bounded time with a clear run record; the healthy ones are
// crawled as if nothing happened.
func TestMisbehavingSites(t *testing.T) {
	skipShort(t)
	t.Parallel()
	pool, _ := newDB(t)
	ctx := context.Background()
	trickleSrv := httptest.NewServer(http.HandlerFunc(trickle))
	defer trickleSrv.Close()
	garbageSrv := httptest.NewServer(http.HandlerFunc(garbage))
	defer garbageSrv.Close()
	privateSrv := httptest.NewServer(httpMux(0))
	defer privateSrv.Close()
	good := mirror(t, 0)

	allow := "    allow_private: true\n"
	yaml := demoYAML(t, good.URL, nil, "pokubi", "ntsachsen") +
		badSource("haengt", hangingListener(t)+"/termine/", "html", allow) +
		badSource("troepfelt", trickleSrv.URL+"/termine/", "html", allow) +
		badSource("muell", garbageSrv.URL+"/termine/", "html", allow) +
		badSource("muell-ical", garbageSrv.URL+"/kalender.ics", "ical", allow) +
		// No allow_private: a sources file pointing into the local network.
		badSource("intranet", privateSrv.URL+"/pokubi/veranstaltungen", "html", "")
	srcs := parseSources(t, yaml)
	upsert(t, pool, srcs)

	start := time.Now()
	stop := startWorker(t, jobs.Config{Pool: pool, Concurrency: 3, ScheduleEvery: time.Second, RetryBase: time.Hour,
		Pipeline: ingest.Pipeline{NoPoliteness: false}})
	all := func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(DISTINCT source_id) FROM crawl_runs WHERE finished_at IS NOT NULL`).Scan(&n)
		return n == len(srcs)
	}
	if !pgtest.Wait(t, 90*time.Second, all) {
		t.Fatalf("not every source finished a run within 90 s")
	}
	took := time.Since(start)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	type want struct {
		status  string // run status
		message string // in the run's error or one of its page errors
		maxTime time.Duration
	}
	// timeout 2s × 2 attempts, plus robots.txt, plus the retry wait.
	const bound = 15 * time.Second
	for id, w := range map[string]want{
		"haengt":     {"failed", "timeout", bound},
		"troepfelt":  {"failed", "timeout", bound},
		"muell":      {"partial", "no title", bound},
		"muell-ical": {"failed", "not an iCalendar feed", bound},
		"intranet":   {"failed", "refusing non-public address", bound},
		"pokubi":     {"ok", "", bound},
		"ntsachsen":  {"ok", "", bound},
	} {
		rs := runs(t, pool, id)
		if len(rs) != 1 {
			t.Errorf("%s: %d runs, want 1", id, len(rs))
			continue
		}
		r := rs[0]
		dur := r.Finished.Sub(r.Started)
		msgs := r.Err
		errs, err := store.RunErrors(ctx, pool, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			msgs += "\n" + e.URL + ": " + e.Message
		}
		t.Logf("%-10s %-7s %5.1fs pages=%d new=%d errors=%d%s", id, r.Status, dur.Seconds(), r.Pages, r.New, r.Errors,
			strings.ReplaceAll("\n"+strings.TrimSpace(msgs), "\n", "\n\t\t"))
		if r.Status != w.status {
			t.Errorf("%s: status %s, want %s", id, r.Status, w.status)
		}
		if !strings.Contains(strings.ToLower(msgs), strings.ToLower(w.message)) {
			t.Errorf("%s: errors lack %q", id, w.message)
		}
		if dur > w.maxTime {
			t.Errorf("%s: run took %s, want ≤ %s", id, dur, w.maxTime)
		}
		if w.status == "ok" && r.New == 0 {
			t.Errorf("%s: healthy source found no events", id)
		}
	}
	// Every page of the garbage site is accounted for, none as an event.
	var garbageErrs, garbageEvents int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM crawl_errors e JOIN crawl_runs r ON r.id = e.run_id WHERE r.source_id = 'muell'`).Scan(&garbageErrs)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE source_id IN ('muell', 'muell-ical')`).Scan(&garbageEvents)
	if garbageErrs != 3 || garbageEvents != 0 {
		t.Errorf("garbage site: %d page errors (want 3), %d items (want 0)", garbageErrs, garbageEvents)
	}
	t.Logf("all %d sources finished in %s", len(srcs), took.Round(100*time.Millisecond))
}
