// Package admin is the staff UI: the review queue, event review with
// per-field edits, duplicates, sources and their health, the audit log,
// login. (Partner pages are public: internal/calendar.) Pages are server-rendered
// Go templates; a small embedded script (no CDN) adds partial updates and
// keyboard shortcuts. Every route is declared in one table with the role
// it needs, so none can be mounted unguarded.
package admin

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/review"
)

// Options configure the handler.
type Options struct {
	// Review runs the staff operations (required).
	Review *review.Service
	// InsecureCookies drops the cookies' Secure attribute: plain-HTTP
	// development and tests only.
	InsecureCookies bool
	// TrustedOrigins may post forms besides the same origin.
	TrustedOrigins []string
	// TrustProxy: the login throttle takes the client address from
	// X-Forwarded-For (behind a proxy that sets it).
	TrustProxy bool
	// BaseURL is the public origin for links on partner pages (default:
	// the request's).
	BaseURL string
	Logger  *slog.Logger
	Now     func() time.Time
}

// Handler serves the staff UI.
type Handler struct {
	pool  *pgxpool.Pool
	svc   *review.Service
	gate  *auth.Gate
	o     Options
	pages *pages
	h     http.Handler
}

// Patterns are the paths to mount the handler on (with Go's ServeMux).
var Patterns = []string{"/admin/", "/login", "/logout", "/lang"}

// Route is one entry of the route table.
type Route struct {
	Method, Pattern string
	// Role is the role the route needs; "" is public.
	Role auth.Role
	// Example is a concrete path for tests that enumerate the routes.
	Example string
	handle  func(h *Handler, w http.ResponseWriter, r *http.Request) error
}

// NewHandler returns the staff UI. It serves /admin/ (queue, events,
// duplicates, sources, runs, audit), /login, /logout and /lang.
func NewHandler(pool *pgxpool.Pool, o Options) (*Handler, error) {
	if o.Review == nil {
		return nil, errors.New("admin: Options.Review is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	gate, err := auth.NewGate(pool, auth.GateOptions{InsecureCookies: o.InsecureCookies,
		TrustedOrigins: o.TrustedOrigins, TrustProxy: o.TrustProxy, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	h := &Handler{pool: pool, svc: o.Review, gate: gate, o: o, pages: p}
	mux := http.NewServeMux()
	for _, rt := range Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, h.guard(rt))
	}
	mux.Handle("GET /admin/static/", http.StripPrefix("/admin/static/", staticFiles()))
	mux.HandleFunc("GET /admin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
	})
	h.h = gate.Middleware(securityHeaders(mux))
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.h.ServeHTTP(w, r) }

// Staff wraps another handler (the GraphQL endpoint) so that it sees the
// caller's Principal: a Bearer API key, or the staff session when the
// request is same-origin (cross-origin state changes are refused).
func (h *Handler) Staff(next http.Handler) http.Handler {
	return h.gate.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.FromContext(r.Context()); ok && r.Method != http.MethodGet && r.Method != http.MethodOptions {
			if err := h.gate.CheckCSRF(r); err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	}))
}

// Gate is the authenticator the handler uses.
func (h *Handler) Gate() *auth.Gate { return h.gate }

// guard applies the route's protections: CSRF on every state-changing
// request, then the role.
func (h *Handler) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.gate.CheckCSRF(r); err != nil {
			h.fail(w, r, err)
			return
		}
		// A one-time password must be replaced before anything else: its
		// account may only open the password page (auth.Require refuses it
		// everywhere else).
		if p, ok := auth.FromContext(r.Context()); ok && rt.Role != "" && p.MustChangePassword && p.KeyID == 0 {
			if rt.Pattern == "/admin/password" {
				if err := rt.handle(h, w, r); err != nil {
					h.fail(w, r, err)
				}
				return
			}
			if r.Method == http.MethodGet && r.Header.Get("X-Partial") == "" {
				http.Redirect(w, r, "/admin/password", http.StatusSeeOther)
				return
			}
			h.fail(w, r, errMustChangePassword)
			return
		}
		if rt.Role != "" {
			if _, err := auth.Require(r.Context(), rt.Role); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if err := rt.handle(h, w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// securityHeaders: a strict CSP (no inline script or style, nothing from
// other origins), no framing, no sniffing, no referrer to partner sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if r.URL.Path != "/partners/" && len(r.URL.Path) > 6 && r.URL.Path[:7] == "/admin/" {
			hd.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
