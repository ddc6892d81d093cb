package metrics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// HTTP series. The route label is the ServeMux pattern that matched
// ("GET /readyz", "/graphql"), never the raw path, so scanners probing
// random URLs cannot blow up the number of series.
var (
	HTTPRequests = newCounterVec("http_requests_total",
		"HTTP requests answered, by method, route pattern and status code.", "method", "route", "code")
	HTTPDuration = newHistogramVec("http_request_duration_seconds",
		"Time to answer an HTTP request, by method and route pattern.",
		prometheus.DefBuckets, "method", "route")
	HTTPInFlight = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace,
		Name: "http_requests_in_flight", Help: "HTTP requests being answered now."})
)

func init() { Registry.MustRegister(HTTPInFlight) }

// HTTP wraps the service's handler: it gives every request an id (the
// client's X-Request-ID when it looks like one, else a new one), returns it
// in the X-Request-ID header, puts it in the request context for the logs
// (LogHandler), and counts the request. Wrap the outermost handler, around
// the ServeMux, so the matched pattern is known.
func HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		HTTPInFlight.Inc()
		defer HTTPInFlight.Dec()
		id := r.Header.Get("X-Request-ID")
		if !requestIDPattern.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		inner := r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, inner)
		// ServeMux records the pattern it matched on the request it was
		// given, which is inner.
		route := inner.Pattern
		if route == "" {
			route = "unmatched"
		}
		HTTPRequests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
		HTTPDuration.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
	})
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,64}$`)

type requestIDKey struct{}

// RequestID returns the id HTTP gave the request, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes streaming responses (feeds, server-sent events) through.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// LogHandler adds the request id of the record's context to every log
// record, so each line logged while answering a request (with
// slog.InfoContext or LogAttrs(r.Context(), …)) can be traced to it:
//
//	slog.New(metrics.LogHandler(slog.NewJSONHandler(os.Stderr, opts)))
func LogHandler(h slog.Handler) slog.Handler { return contextHandler{h} }

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(as)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
