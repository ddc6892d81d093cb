package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treffpunkt/treffpunkt/graph/model"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/metrics"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Options configure the GraphQL handler. (Config is gqlgen's generated
// executable-schema config.)
type Options struct {
	DB store.DB // the pool
	// Searcher answers events queries; nil means Postgres on DB.
	Searcher search.Searcher
	Logger   *slog.Logger
	// AllowedOrigins may call the API from a browser (CORS); "*" allows
	// any origin. Empty: same-origin only.
	AllowedOrigins []string
	MaxDepth       int // default 12
	MaxComplexity  int // default 5000
	// MaxFields caps the field selections an operation expands to, its
	// fragments spread out (default 2000).
	MaxFields int
	// MaxBodyBytes bounds a request body; larger ones get 413 before
	// anything is parsed (default 1 MB).
	MaxBodyBytes int64
	// Timeout bounds a request's work: resolvers and their database queries
	// are cancelled when it passes or the client goes (default 10 s).
	Timeout time.Duration
	// MaxParallel bounds the root fields of one request resolved at once,
	// so aliases cannot take the whole database pool (default 4).
	MaxParallel int
	// Path is where the handler is mounted, for GraphiQL (default
	// /graphql); it serves GraphiQL's files under Path+"/static/".
	Path string
	// Now is the clock for the default of filter.from (default time.Now).
	Now func() time.Time
	// Review runs the staff mutations (staff.graphqls); nil refuses them.
	// The caller is the auth.Principal in the request context: mount the
	// handler behind admin.Handler.Staff.
	Review *review.Service
}

// Error codes in extensions.code, besides gqlgen's own
// (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED, PERSISTED_QUERY_NOT_FOUND).
const (
	CodeBadInput      = "BAD_USER_INPUT"
	CodeNotFound      = "NOT_FOUND"
	CodeInternal      = "INTERNAL_SERVER_ERROR"
	CodeDepthExceeded = "DEPTH_LIMIT_EXCEEDED"
)

// NewHandler returns the /graphql endpoint: queries over POST and GET,
// persisted queries (APQ), GraphiQL for a browser's GET, CORS, per-request
// dataloaders, depth and complexity limits, and errors with codes.
func NewHandler(cfg Options) http.Handler {
	if cfg.Searcher == nil {
		cfg.Searcher = search.NewPostgres(cfg.DB)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = 12
	}
	if cfg.MaxFields == 0 {
		cfg.MaxFields = 2000
	}
	if cfg.MaxComplexity == 0 {
		cfg.MaxComplexity = 5000
	}
	if cfg.Path == "" {
		cfg.Path = "/graphql"
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxParallel == 0 {
		cfg.MaxParallel = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ec := Config{Resolvers: &Resolver{DB: cfg.DB, Searcher: cfg.Searcher, Now: cfg.Now, Review: cfg.Review}}
	setComplexity(&ec.Complexity)
	srv := handler.New(NewExecutableSchema(ec))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(metrics.GraphQL())
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(staffGate{})
	srv.Use(depthLimit{max: cfg.MaxDepth, maxFields: cfg.MaxFields})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	srv.SetErrorPresenter(errorPresenter(cfg.Logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.Error("graphql: panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("internal error")
	})
	srv.AroundOperations(logOperations(cfg.Logger))
	srv.AroundRootFields(limitParallel)

	api := withLoaders(cfg.DB, srv)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := strings.CutPrefix(r.URL.Path, cfg.Path+"/static/"); ok && r.Method == http.MethodGet {
			serveGraphiQLAsset(w, r, name)
			return
		}
		if r.Method == http.MethodGet && r.URL.Query().Get("query") == "" && r.URL.Query().Get("extensions") == "" &&
			strings.Contains(r.Header.Get("Accept"), "text/html") {
			serveGraphiQL(w, cfg.Path)
			return
		}
		if !readBody(w, r, cfg.MaxBodyBytes) {
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), cfg.Timeout)
		defer cancel()
		ctx = context.WithValue(ctx, parallelKey{}, make(chan struct{}, cfg.MaxParallel))
		api.ServeHTTP(w, r.WithContext(ctx))
	})
	return cors(cfg.AllowedOrigins, h)
}

// readBody reads the request body into memory, up to limit bytes: a larger
// one is answered 413 and never parsed (the JSON decoder would otherwise
// hold all of it, and more). It reports whether to go on.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	if r.ContentLength > limit {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return false
	}
	if int64(len(b)) > limit {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return true
}

type parallelKey struct{}

// limitParallel lets at most MaxParallel root fields of one request
// resolve at once: 800 aliased searches take their turns on a few
// connections instead of holding the pool while other clients wait.
func limitParallel(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	sem, ok := ctx.Value(parallelKey{}).(chan struct{})
	if !ok {
		return next(ctx)
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return graphql.Null
	}
	defer func() { <-sem }()
	return next(ctx)
}

// errorPresenter gives every error a machine-readable code and hides
// internal failures behind a generic message (they are logged).
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
			return gerr
		}
		switch {
		case errors.Is(err, event.ErrInvalid):
			errcode.Set(gerr, CodeBadInput)
		case errors.Is(err, event.ErrNotFound):
			errcode.Set(gerr, CodeNotFound)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			gerr.Message = "request cancelled or timed out"
			errcode.Set(gerr, CodeInternal)
		default:
			var ge *gqlerror.Error
			if errors.As(err, &ge) && ge.Rule != "" {
				return gerr
			}
			log.Error("graphql: resolver failed", "path", gerr.Path.String(), "err", err)
			gerr.Message = "internal error"
			errcode.Set(gerr, CodeInternal)
		}
		return gerr
	}
}

// logOperations logs each operation with its duration and error count.
func logOperations(log *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		start := time.Now()
		oc := graphql.GetOperationContext(ctx)
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp != nil {
				log.LogAttrs(ctx, slog.LevelDebug, "graphql", slog.String("operation", oc.OperationName),
					slog.Duration("took", time.Since(start)), slog.Int("errors", len(resp.Errors)))
			}
			return resp
		}
	}
}

// setComplexity weights lists by the number of items they can return, so a
// query's cost follows the rows it can make the server read.
func setComplexity(c *ComplexityRoot) {
	c.Query.Events = func(child int, filter *model.EventFilter, first *int, _ *string, _ *model.EventOrder) int {
		cost := 5 + child*pageSize(first, search.DefaultPageSize)
		if filter != nil && filter.Query != nil && strings.TrimSpace(*filter.Query) != "" {
			// A text search is the dearest read there is (ranking, typo
			// tolerance): measured at ~3 ms of database time against
			// ~0.1 ms for a page by date, so 800 aliases were 2.3 s.
			cost += textSearchCost
		}
		return cost
	}
	c.Query.EventsChanged = func(child int, _ time.Time, first *int, _ *string) int {
		return 5 + child*pageSize(first, search.MaxPageSize)
	}
	c.Event.Sources = func(child int) int { return 1 + 3*child }
	c.Series.Events = func(child int, first *int) int { return 1 + child*seriesPage(first) }
}

// textSearchCost is what a text search adds to a query's complexity: at
// most 50 of them fit under the default limit of 5000.
const textSearchCost = 100

// maxSeriesEvents bounds Series.events (the loader reads no more per series).
const maxSeriesEvents = search.MaxPageSize

func seriesPage(first *int) int {
	if first == nil || *first < 1 {
		return 50
	}
	return min(*first, maxSeriesEvents)
}

func pageSize(first *int, def int) int {
	if first == nil || *first < 1 {
		return def
	}
	return min(*first, search.MaxPageSize)
}

// depthLimit refuses operations nested deeper than max fields, or whose
// fragments expand to more than maxFields field selections (introspection
// excluded: GraphiQL's own query is deep). Both are computed once per
// fragment: a fragment spread twice by the next, and so on, expands to
// 2^n fields, and walking it as written took seconds for a 1 KB query. It
// runs before the complexity limit, whose walk is as naive, so that walk
// only ever sees a bounded document.
type depthLimit struct{ max, maxFields int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	m := measurer{frags: oc.Doc.Fragments, memo: map[string]shape{}}
	sh := m.set(op.SelectionSet)
	if sh.fields > d.maxFields {
		err := gqlerror.Errorf("operation expands to more than %d fields", d.maxFields)
		errcode.Set(err, CodeDepthExceeded)
		return err
	}
	if sh.depth > d.max {
		err := gqlerror.Errorf("operation has depth %d, which exceeds the limit of %d", sh.depth, d.max)
		errcode.Set(err, CodeDepthExceeded)
		return err
	}
	return nil
}

// shape is what a selection set expands to: its depth and its number of
// field selections (saturating, so 2^64 spreads cannot overflow).
type shape struct{ depth, fields int }

type measurer struct {
	frags ast.FragmentDefinitionList
	memo  map[string]shape
}

const fieldsCap = 1 << 30

func (m measurer) set(set ast.SelectionSet) shape {
	var out shape
	for _, s := range set {
		var n shape
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			n = m.set(s.SelectionSet)
			n.depth++
			n.fields++
		case *ast.InlineFragment:
			n = m.set(s.SelectionSet)
		case *ast.FragmentSpread:
			n = m.fragment(s.Name)
		}
		out.depth = max(out.depth, n.depth)
		out.fields = min(out.fields+n.fields, fieldsCap)
	}
	return out
}

// fragment measures a named fragment once. Validation has refused cycles
// before extensions run; the placeholder guards against one anyway.
func (m measurer) fragment(name string) shape {
	if sh, ok := m.memo[name]; ok {
		return sh
	}
	m.memo[name] = shape{}
	f := m.frags.ForName(name)
	if f == nil {
		return shape{}
	}
	sh := m.set(f.SelectionSet)
	m.memo[name] = sh
	return sh
}

// cors lets the listed origins call the API from browsers, answering
// preflight requests itself.
func cors(origins []string, next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.TrimRight(strings.TrimSpace(o), "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		w.Header().Add("Vary", "Origin")
		if origin != "" && (allowed["*"] || allowed[origin]) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
