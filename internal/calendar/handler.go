// Package calendar publishes Treffpunkt's combined calendar to partner
// sites and calendar apps: iCalendar, JSON and Atom feeds filtered like the
// GraphQL events query, an embeddable widget (embed.js and an iframe page)
// and the public calendar pages. The events of every feed come from
// internal/search, so a feed and the API agree on what a filter means.
package calendar

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ratelimit"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Options configure the handler. The zero value works.
type Options struct {
	// BaseURL is the public origin, e.g. https://treffpunkt.example. Links
	// in feeds use it; empty means the request's own scheme and host.
	BaseURL string
	// Name is the calendar's name in feeds and pages ("Treffpunkt").
	Name string
	// MaxFeedEvents caps one feed (default 10,000).
	MaxFeedEvents int
	// FeedMaxAge is the Cache-Control max-age of feeds. The default, 0,
	// makes caches revalidate every time (ETag, answered 304 from one cheap
	// query), so an approval shows in widgets and calendar apps at once
	// rather than after a 10-minute max-age.
	FeedMaxAge time.Duration
	// Refresh is the refresh interval announced to calendar apps (default 1 h).
	Refresh time.Duration
	// Rate and Burst are the token bucket of one client (default 10/s and
	// 60); Rate < 0 turns rate limiting off.
	Rate  float64
	Burst int
	// TrustProxy takes the client address from X-Forwarded-For (the
	// address the nearest proxy saw); set it only behind a proxy that
	// sets the header.
	TrustProxy bool
	// Gzip compresses feeds for clients that accept it (default on; set
	// NoGzip to turn it off).
	NoGzip bool
	Logger *slog.Logger
	// MapTiles is a tile server URL template ("https://…/{z}/{x}/{y}.png")
	// for a small map on event pages; without it they link to OpenStreetMap.
	MapTiles string
	// ImpressumURL and PrivacyURL are the site's legal notice and privacy
	// pages, linked from every page's footer (required for a German site).
	ImpressumURL, PrivacyURL string
	// Now is the clock (tests).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Name == "" {
		o.Name = "Treffpunkt"
	}
	if o.MaxFeedEvents <= 0 {
		o.MaxFeedEvents = 10000
	}
	if o.Refresh <= 0 {
		o.Refresh = time.Hour
	}
	if o.Rate == 0 {
		o.Rate = 10
	}
	if o.Burst <= 0 {
		o.Burst = 60
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
}

// Patterns are the routes the handler serves, for mounting them one by one
// on another mux. Mounting the handler at "/" serves the same.
var Patterns = []string{
	"/calendar.ics", "/calendar.json", "/calendar.atom",
	"/embed.js", "/embed",
	"/{$}", "/events/{id}", "/events/{id}/calendar.ics", "/partners/{source}",
	"/static/",
}

// Handler serves the calendar routes (see Patterns).
type Handler struct {
	db     store.DB
	search search.Searcher
	find   Finder
	opts   Options
	assets *assets
	mux    *http.ServeMux
	limit  *ratelimit.Limiter
}

// NewHandler returns the calendar's handler. db is read for the event
// pages, source links and cache validators; s finds the events (with
// search.NewPostgres(db) the feeds hold what GraphQL returns). If s also
// implements Finder, feeds stream through it; otherwise they page through
// s.Search.
func NewHandler(db store.DB, s search.Searcher, opts Options) (*Handler, error) {
	opts.defaults()
	if opts.BaseURL != "" {
		if u, err := url.Parse(opts.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("calendar: base URL %q is not an absolute URL", opts.BaseURL)
		}
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	h := &Handler{db: db, search: s, find: s, opts: opts, assets: a, mux: http.NewServeMux()}
	if opts.Rate > 0 {
		h.limit = ratelimit.New(opts.Rate, opts.Burst)
	}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	feed := func(f func(http.ResponseWriter, *http.Request)) http.Handler { return cors(http.HandlerFunc(f)) }
	h.mux.Handle("GET /calendar.ics", feed(h.serveICS))
	h.mux.Handle("GET /calendar.json", feed(h.serveJSON))
	h.mux.Handle("GET /calendar.atom", feed(h.serveAtom))
	h.mux.Handle("GET /embed.js", cors(http.HandlerFunc(h.serveEmbedJS)))
	for _, p := range []string{"/calendar.ics", "/calendar.json", "/calendar.atom", "/embed.js"} {
		h.mux.Handle("OPTIONS "+p, cors(http.HandlerFunc(preflight)))
	}
	h.mux.HandleFunc("GET /embed", h.serveEmbedPage)
	h.mux.HandleFunc("GET /{$}", h.serveIndex)
	h.mux.HandleFunc("GET /events/{id}", h.serveEvent)
	h.mux.HandleFunc("GET /events/{id}/calendar.ics", h.serveEventICS)
	h.mux.HandleFunc("GET /partners/{source}", h.servePartner)
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(h.serveStatic)))
	// Every other path: the public layout's 404 in the visitor's language
	// (the calendar is mounted at "/", so this is the site's 404).
	h.mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		lang := h.pageLang(r)
		h.renderError(w, r, lang, http.StatusNotFound, uiText(lang, "pagenotfound"))
	})
}

// ServeHTTP applies the per-client rate limit and common headers, then
// routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if h.opts.BaseURL == "" {
		// Links are made from the request's Host (and scheme): a shared
		// cache must not hand one host's feed to another (set BASE_URL in
		// production).
		w.Header().Add("Vary", "Host")
		if h.opts.TrustProxy {
			w.Header().Add("Vary", "X-Forwarded-Proto")
		}
	}
	if h.limit != nil {
		if ok, wait := h.limit.Allow(ratelimit.ClientIP(r, h.opts.TrustProxy), h.opts.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// base is the public origin for links in a response.
func (h *Handler) base(r *http.Request) string {
	if h.opts.BaseURL != "" {
		return h.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil || (h.opts.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// cors lets partner sites read the feeds and load the widget: the data is
// public and no credentials are involved, so any origin may.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Expose-Headers", "ETag, Last-Modified")
		// Pages that isolate themselves (COEP) may still load the widget.
		hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
		next.ServeHTTP(w, r)
	})
}

func preflight(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
	hd.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
