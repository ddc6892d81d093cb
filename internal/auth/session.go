package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Session keys.
const (
	sessionUser = "user_id"
	sessionCSRF = "csrf"
	sessionLang = "lang"
)

// CookieName is the session cookie's name.
const CookieName = "treffpunkt_session"

// Gate authenticates requests: by a Bearer API key or a session cookie,
// and guards state-changing requests against cross-site forgery.
type Gate struct {
	Pool     *pgxpool.Pool
	Sessions *scs.SessionManager
	Throttle *Throttle
	Logger   *slog.Logger
	Now      func() time.Time
	cop      *http.CrossOriginProtection
	secure   bool // cookies are Secure
}

// GateOptions configure a Gate.
type GateOptions struct {
	// InsecureCookies drops the Secure attribute (plain-HTTP development
	// and tests only).
	InsecureCookies bool
	// TrustedOrigins may send state-changing requests besides the same
	// origin (e.g. "https://treffpunkt.example").
	TrustedOrigins []string
	Lifetime       time.Duration // default 12 h
	IdleTimeout    time.Duration // default 2 h
	// TrustProxy takes the client address for the login throttle from
	// X-Forwarded-For (set it behind a proxy, as for the API's limit).
	TrustProxy bool
	Logger     *slog.Logger
}

// NewGate sets up sessions in Postgres (the sessions table, pgxstore layout)
// with Secure, HttpOnly, SameSite=Lax cookies. The store's own cleanup
// goroutine is off: SweepSessions deletes expired ones, for as long as the
// caller's context lives.
func NewGate(pool *pgxpool.Pool, o GateOptions) (*Gate, error) {
	sm := scs.New()
	sm.Store = pgxstore.NewWithCleanupInterval(pool, 0)
	sm.Lifetime, sm.IdleTimeout = o.Lifetime, o.IdleTimeout
	if sm.Lifetime == 0 {
		sm.Lifetime = 12 * time.Hour
	}
	if sm.IdleTimeout == 0 {
		sm.IdleTimeout = 2 * time.Hour
	}
	sm.HashTokenInStore = true
	sm.Cookie.Name = CookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = !o.InsecureCookies
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session", "err", err, "path", r.URL.Path)
		http.Error(w, "session error", http.StatusInternalServerError)
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range o.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	return &Gate{Pool: pool, Sessions: sm, Throttle: NewThrottle(o.TrustProxy), Logger: log, Now: time.Now, cop: cop,
		secure: !o.InsecureCookies}, nil
}

// SweepSessions deletes expired sessions every interval until ctx ends.
func (g *Gate) SweepSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := store.DeleteExpiredSessions(ctx, g.Pool); err != nil && ctx.Err() == nil {
			g.Logger.Warn("delete expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Middleware loads the session and puts the caller's Principal in the
// request context. A request with an Authorization header is judged by it
// alone: a bad or revoked key is refused with 401, never downgraded to the
// session. Requests from disabled accounts lose their session.
func (g *Gate) Middleware(next http.Handler) http.Handler {
	return g.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			p, err := ResolveKey(ctx, g.Pool, strings.TrimSpace(token))
			if !ok || err != nil {
				if err != nil && !errors.Is(err, ErrBadKey) {
					g.Logger.Error("api key", "err", err)
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="treffpunkt", error="invalid_token"`)
				http.Error(w, ErrBadKey.Error(), http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
			return
		}
		if id := g.Sessions.GetInt64(ctx, sessionUser); id != 0 {
			p, err := UserPrincipal(ctx, g.Pool, id)
			switch {
			case errors.Is(err, ErrUnauthenticated):
				_ = g.Sessions.Destroy(ctx)
			case err != nil:
				g.Logger.Error("load session user", "err", err)
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			default:
				r = r.WithContext(WithPrincipal(ctx, p))
			}
		}
		next.ServeHTTP(w, r)
	}))
}

// CheckCSRF refuses a state-changing request that is cross-origin (Go's
// CrossOriginProtection: Sec-Fetch-Site, else Origin against Host) or,
// when made with the session cookie, lacks the session's token (form field
// "csrf" or header X-CSRF-Token) — the token also covers old browsers that
// send neither header. API-key requests carry no ambient credentials and
// need no token.
func (g *Gate) CheckCSRF(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if err := g.cop.Check(r); err != nil {
		return ErrCSRF
	}
	if p, ok := FromContext(r.Context()); ok && p.KeyID != 0 {
		return nil
	}
	want := g.Sessions.GetString(r.Context(), sessionCSRF)
	if want == "" {
		want = anonToken(r) // the login form of a visitor without a session
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrCSRF
	}
	return nil
}

// CSRFToken returns the session's CSRF token, creating it on first use.
func (g *Gate) CSRFToken(ctx context.Context) string {
	if t := g.Sessions.GetString(ctx, sessionCSRF); t != "" {
		return t
	}
	t := newToken()
	g.Sessions.Put(ctx, sessionCSRF, t)
	return t
}

// FormToken is the CSRF token for a page's forms. A visitor without a
// session gets none, except on the login form (anonForm), which gets a
// token in a cookie of its own: anonymous pages write no session row, so
// a thousand GETs of /login or a partner page leave nothing in the
// database.
func (g *Gate) FormToken(w http.ResponseWriter, r *http.Request, anonForm bool) string {
	ctx := r.Context()
	if _, ok := FromContext(ctx); ok || g.Sessions.GetString(ctx, sessionCSRF) != "" {
		return g.CSRFToken(ctx)
	}
	if !anonForm {
		return ""
	}
	if t := anonToken(r); t != "" {
		return t
	}
	t := newToken()
	http.SetCookie(w, &http.Cookie{Name: anonCSRFCookie, Value: t, Path: "/login", MaxAge: 3600,
		HttpOnly: true, Secure: g.secure, SameSite: http.SameSiteStrictMode})
	return t
}

// anonCSRFCookie holds the login form's token for a visitor without a
// session (double submit: the form must carry the cookie's value).
const anonCSRFCookie = "treffpunkt_login_csrf"

// anonToken is the login form cookie's token, if well-formed.
func anonToken(r *http.Request) string {
	c, err := r.Cookie(anonCSRFCookie)
	if err != nil || len(c.Value) != 43 {
		return ""
	}
	if _, err := base64.RawURLEncoding.DecodeString(c.Value); err != nil {
		return ""
	}
	return c.Value
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Login checks the credentials of a login form and starts a session. The
// session token is renewed (no fixation) and so is the CSRF token.
func (g *Gate) Login(r *http.Request, email, password string) (Principal, error) {
	ctx := r.Context()
	now := g.Now()
	if !g.Throttle.Allow(r, email, now) {
		return Principal{}, ErrRateLimited
	}
	p, err := Authenticate(ctx, g.Pool, email, password, now)
	if err != nil {
		return p, err
	}
	if err := g.Sessions.RenewToken(ctx); err != nil {
		return p, err
	}
	g.Sessions.Put(ctx, sessionUser, p.UserID)
	g.Sessions.Remove(ctx, sessionCSRF)
	return p, nil
}

// Logout ends the session.
func (g *Gate) Logout(r *http.Request) error {
	return g.Sessions.Destroy(r.Context())
}

// Lang returns the language the session chose ("" when none).
func (g *Gate) Lang(ctx context.Context) string { return g.Sessions.GetString(ctx, sessionLang) }

// SetLang keeps a language choice in the session.
func (g *Gate) SetLang(ctx context.Context, lang string) { g.Sessions.Put(ctx, sessionLang, lang) }
