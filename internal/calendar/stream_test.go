package calendar

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// failingFinder hands over batches of the writer's events and fails
// before batch failAt (never if failAt < 0).
type failingFinder struct {
	batches, size, failAt int
}

var errBackend = errors.New("search backend went away")

func (f failingFinder) Each(ctx context.Context, _ search.Filter, limit int, fn func([]store.Event) error) error {
	base := writerEvents()
	id := int64(1)
	for i := range f.batches {
		if i == f.failAt {
			return errBackend
		}
		b := make([]store.Event, f.size)
		for j := range b {
			b[j] = base[j%len(base)]
			b[j].ID, b[j].UID = id, base[j%len(base)].UID+"-"+itoa(id)
			id++
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// serveRecovering serves a request and reports whether the handler
// aborted the response (http.ErrAbortHandler).
func serveRecovering(h http.Handler, path string) (rec *httptest.ResponseRecorder, aborted bool) {
	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.10:4711"
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler {
				panic(r)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(rec, req)
	return rec, false
}

// TestFeedStreamFailures: the stages of a streamed feed end together. A
// backend failing before anything was sent gives a 503; failing after
// part of the feed went out aborts the response, so a client never takes
// a cut feed for a whole one; a whole feed ends with END:VCALENDAR. No
// stage's goroutine outlives the request.
func TestFeedStreamFailures(t *testing.T) {
	e := setup(t, Options{})
	before := stageGoroutines()
	for _, c := range []struct {
		name    string
		f       failingFinder
		status  int
		aborted bool
	}{
		{"fails at once", failingFinder{batches: 5, size: 200, failAt: 0}, http.StatusServiceUnavailable, false},
		{"fails midway", failingFinder{batches: 20, size: 500, failAt: 12}, 0, true},
		{"whole", failingFinder{batches: 20, size: 500, failAt: -1}, http.StatusOK, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.h.find = c.f
			rec, aborted := serveRecovering(e.h, "/calendar.ics?region=leipzig")
			if aborted != c.aborted {
				t.Fatalf("aborted = %v, want %v", aborted, c.aborted)
			}
			if c.aborted {
				if rec.Body.Len() == 0 {
					t.Error("aborted before anything was sent")
				}
				return
			}
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %.200s", rec.Code, c.status, rec.Body.String())
			}
			if c.status == http.StatusOK {
				checkLines(t, rec.Body.Bytes())
				if n := len(parse(t, rec.Body.Bytes()).Events()); n != c.f.batches*c.f.size {
					t.Errorf("%d events, want %d", n, c.f.batches*c.f.size)
				}
			}
		})
	}
	t.Run("client goes away", func(t *testing.T) {
		e.h.find = failingFinder{batches: 20, size: 500, failAt: -1}
		w := &brokenWriter{h: http.Header{}, after: 100 << 10}
		req := httptest.NewRequest(http.MethodGet, "/calendar.ics?region=leipzig", nil)
		req.RemoteAddr = "192.0.2.10:4711"
		aborted := func() (aborted bool) {
			defer func() { aborted = recover() == http.ErrAbortHandler }()
			e.h.ServeHTTP(w, req)
			return false
		}()
		if !aborted {
			t.Error("a failed write did not abort the response")
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for stageGoroutines() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := stageGoroutines(); n > before {
		t.Errorf("%d of the feed's goroutines after the requests, %d before:\n%s", n, before, stacks())
	}
}

// stageGoroutines counts the goroutines running this package's code,
// the test's own aside. All goroutines would count the database pool's
// too, which opens a connection (and its reader) when the requests need
// one: that failed the test on a busy machine without any stage left.
func stageGoroutines() int {
	n := 0
	for _, g := range strings.Split(stacks(), "\n\n") {
		if strings.Contains(g, "treffpunkt/internal/calendar.") && !strings.Contains(g, "calendar.TestFeedStreamFailures") {
			n++
		}
	}
	return n
}

func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// brokenWriter fails every write once after bytes have gone through, as a
// connection to a client that went away.
type brokenWriter struct {
	h     http.Header
	after int
	n     int
}

func (w *brokenWriter) Header() http.Header { return w.h }
func (w *brokenWriter) WriteHeader(int)     {}
func (w *brokenWriter) Write(p []byte) (int, error) {
	if w.n >= w.after {
		return 0, errors.New("connection reset by peer")
	}
	w.n += len(p)
	return len(p), nil
}
