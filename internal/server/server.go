// Package server assembles Treffpunkt's HTTP surface: health and readiness,
// the GraphQL API, the calendar feeds and widget, and the staff UI. Each
// feature package provides its own handler; this package only mounts them.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Deps are what the handlers need.
type Deps struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// CheckSchema reports whether every migration is applied (default:
	// the store's own).
	CheckSchema func(ctx context.Context, pool *pgxpool.Pool) error
}

// Mount is a feature's contribution to the mux: a pattern and its handler.
type Mount struct {
	Pattern string
	Handler http.Handler
}

// New returns the service's handler with health endpoints and the given
// feature mounts.
func New(d Deps, mounts ...Mount) http.Handler {
	if d.CheckSchema == nil {
		d.CheckSchema = store.CheckSchema
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{"database": "ok", "migrations": "ok"}
		code := http.StatusOK
		if err := d.Pool.Ping(ctx); err != nil {
			checks["database"], code = err.Error(), http.StatusServiceUnavailable
		} else if err := d.CheckSchema(ctx, d.Pool); err != nil {
			checks["migrations"], code = err.Error(), http.StatusServiceUnavailable
		}
		writeJSON(w, code, checks)
	})
	for _, m := range mounts {
		mux.Handle(m.Pattern, m.Handler)
	}
	return logRequests(d.Logger, mux)
}

// MaxHeaderBytes bounds a request's headers (Go's default is 1 MB): every
// header is the client's choice, and a rate limiter or log may keep one.
// Larger requests get 431.
const MaxHeaderBytes = 32 << 10

// Serve runs the handler on addr until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(addr string)) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(l.Addr().String())
	}
	return ServeListener(ctx, l, h)
}

// ServeListener runs the handler on l until ctx ends, then stops accepting
// and waits up to 15 s for the requests in flight. It closes l.
func ServeListener(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		MaxHeaderBytes:    MaxHeaderBytes,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func logRequests(l *slog.Logger, next http.Handler) http.Handler {
	if l == nil {
		l = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		l.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}
