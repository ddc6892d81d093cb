package calendar

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// feedWriter renders one feed format; begin, event for each event, end.
type feedWriter interface {
	begin() error
	event(e store.Event, src sourceLink) error
	end() error
}

// feedInfo is what a feed says about itself: its name and the URLs of the
// same selection in other forms.
type feedInfo struct {
	base      string // public origin
	canonical string // the filter as a canonical query string ("" for all)
	lang      string
	name      string
	desc      string
}

func (fi feedInfo) url(path string) string {
	if fi.canonical == "" {
		return fi.base + path
	}
	return fi.base + path + "?" + fi.canonical
}

// webcal is the subscription link: calendar apps open webcal: URLs as a
// subscription rather than a one-time import.
func (fi feedInfo) webcal() string {
	u := fi.url("/calendar.ics")
	if i := strings.Index(u, "://"); i >= 0 {
		return "webcal" + u[i:]
	}
	return u
}

func (fi feedInfo) eventURL(id int64) string {
	return fi.base + "/events/" + strconv.FormatInt(id, 10)
}

func (h *Handler) feedInfo(r *http.Request, q query) feedInfo {
	fi := feedInfo{base: h.base(r), canonical: filterValues(r.URL.Query()).Encode(), lang: q.Lang}
	fi.name = feedName(h.opts.Name, q)
	fi.desc = pick(q.Lang, "Veranstaltungen von Migrant*innenorganisationen und der politischen Bildung in Sachsen",
		"Events of migrant organisations and civic education groups in Saxony")
	return fi
}

// feedName names a feed after its filter, every facet's chosen values:
// "Treffpunkt – Leipzig · Arabisch · kostenfrei".
func feedName(name string, q query) string {
	var parts []string
	for _, fc := range facets {
		for _, v := range fc.Get(&q.Filter) {
			parts = append(parts, facetLabel(fc, v, q.Lang))
		}
	}
	if q.Filter.Query != "" {
		parts = append(parts, "„"+q.Filter.Query+"“")
	}
	if len(parts) == 0 {
		return name
	}
	return name + " – " + strings.Join(parts, " · ")
}

func (h *Handler) serveICS(w http.ResponseWriter, r *http.Request) {
	h.serveFeed(w, r, "ics", "text/calendar; charset=utf-8", h.opts.MaxFeedEvents, func(bw *bufio.Writer, fi feedInfo, st dataState, _ query) feedWriter {
		return &icsWriter{w: bw, eventBase: fi.base + "/events/", meta: feedMeta{Name: fi.name, Description: fi.desc,
			URL: fi.url("/"), Lang: fi.lang, Updated: st.Events, Refresh: h.opts.Refresh}}
	})
}

func (h *Handler) serveJSON(w http.ResponseWriter, r *http.Request) {
	h.serveFeed(w, r, "json", "application/json; charset=utf-8", defaultListLimit, func(bw *bufio.Writer, fi feedInfo, st dataState, q query) feedWriter {
		return &jsonWriter{w: bw, info: fi, updated: st.Events, from: *q.Filter.From}
	})
}

func (h *Handler) serveAtom(w http.ResponseWriter, r *http.Request) {
	h.serveFeed(w, r, "atom", "application/atom+xml; charset=utf-8", defaultListLimit, func(bw *bufio.Writer, fi feedInfo, st dataState, _ query) feedWriter {
		return &atomWriter{w: bw, info: fi, updated: st.Events}
	})
}

// defaultListLimit is the number of events of a JSON or Atom feed that
// asks for no limit: what a widget or a news reader shows.
const defaultListLimit = 50

// serveFeed answers a feed request: validate the filter, answer 304 when
// the client's copy is current, else stream the events through the
// format's writer. Nothing is sent before the first 32 KB are ready, so a
// failing database still gets a proper error status; a failure after that
// aborts the response, so a client never takes a cut feed for a whole one.
func (h *Handler) serveFeed(w http.ResponseWriter, r *http.Request, kind, ctype string, defLimit int,
	mk func(*bufio.Writer, feedInfo, dataState, query) feedWriter) {
	ctx := r.Context()
	now := h.opts.Now()
	q, err := parseQuery(r.URL.Query(), now, h.opts.MaxFeedEvents)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	limit := q.Limit
	if limit == 0 {
		limit = defLimit
	}
	st, err := loadState(ctx, h.db)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fi := h.feedInfo(r, q)
	v := feedValidators(st, kind, q, fi.canonical, fi.base, limit, now)
	gz := !h.opts.NoGzip && acceptsGzip(r)
	if gz {
		// A different representation needs a different strong ETag.
		v.ETag = strings.TrimSuffix(v.ETag, `"`) + `-gz"`
	}
	hd := w.Header()
	hd.Set("Cache-Control", feedCacheControl(h.opts.FeedMaxAge))
	hd.Add("Vary", "Accept-Encoding")
	if notModified(w, r, v) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", ctype)
	if gz {
		hd.Set("Content-Encoding", "gzip")
	}
	if r.Method == http.MethodHead {
		return
	}
	cw := &countingWriter{w: w}
	var out io.Writer = cw
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(cw, gzip.BestSpeed)
		out = zw
	}
	bw := bufio.NewWriterSize(out, 32<<10)
	err = h.stream(ctx, q, limit, mk(bw, fi, st, q))
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err == nil {
		return
	}
	if cw.n == 0 {
		for _, k := range []string{"Content-Encoding", "ETag", "Last-Modified", "Cache-Control"} {
			hd.Del(k)
		}
		h.fail(w, r, err)
		return
	}
	if ctx.Err() == nil {
		h.opts.Logger.Error("calendar: feed broken off", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	panic(http.ErrAbortHandler)
}

// feedBatch is one batch of a feed's events with their source links.
type feedBatch struct {
	events []store.Event
	srcs   map[int64]sourceLink
}

// streamAhead is how many batches each stage of a feed may run ahead of
// the next: enough to keep the stages busy at once, few enough that a
// feed's memory stays a few batches.
const streamAhead = 1

// stream writes the events of q through fw in three stages that overlap:
// one goroutine reads the batches of events, a second looks up their
// source links (one query per batch), and this one writes. A feed of
// 10,000 events takes about as long as the slowest stage instead of the
// sum of all three.
func (h *Handler) stream(ctx context.Context, q query, limit int, fw feedWriter) error {
	if err := fw.begin(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	loaded := make(chan []store.Event, streamAhead)
	linked := make(chan feedBatch, streamAhead)
	var loadErr, linkErr error
	go func() {
		defer close(loaded)
		loadErr = h.find.Each(ctx, q.Filter, limit, func(b []store.Event) error {
			select {
			case loaded <- b: // a Finder does not reuse a batch
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	go func() {
		defer close(linked)
		var ids []int64
		for b := range loaded {
			if linkErr != nil {
				continue // drain, so the reader ends
			}
			ids = ids[:0]
			for _, e := range b {
				ids = append(ids, e.ID)
			}
			srcs, err := linkEvents(ctx, h.db, ids)
			if err == nil {
				select {
				case linked <- feedBatch{b, srcs}:
					continue
				case <-ctx.Done():
					err = ctx.Err()
				}
			}
			linkErr = err
			cancel()
		}
	}()
	var err error
	for b := range linked {
		if err != nil {
			continue // drain, so the other stages end
		}
		for _, e := range b.events {
			if err = fw.event(e, b.srcs[e.ID]); err != nil {
				cancel()
				break
			}
		}
	}
	// linked is closed, so both other stages have ended: their errors are
	// set. A stage cancelled by a later one reports the cancellation only.
	switch {
	case err != nil:
		return err
	case linkErr != nil:
		return linkErr
	case loadErr != nil:
		return loadErr
	}
	return fw.end()
}

// fail answers a request that could not be served: 503 for a failing
// backend (clients retry later), after logging the cause.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	h.opts.Logger.Error("calendar: request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	w.Header().Set("Retry-After", "60")
	http.Error(w, "the calendar is unavailable, please try again later", http.StatusServiceUnavailable)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		_, qv, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		q, err := strconv.ParseFloat(qv, 64)
		return err == nil && q > 0
	}
	return false
}

// countingWriter counts the bytes handed to the response.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// feedCacheControl: revalidate every time unless a max-age is configured.
func feedCacheControl(maxAge time.Duration) string {
	if maxAge <= 0 {
		return "public, no-cache"
	}
	return "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
}
