package graph

import (
	"context"
	"errors"
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
	"github.com/99designs/gqlgen/graphql/playground"
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
	// Path is where the handler is mounted, for GraphiQL (default /graphql).
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
	if cfg.MaxComplexity == 0 {
		cfg.MaxComplexity = 5000
	}
	if cfg.Path == "" {
		cfg.Path = "/graphql"
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
	srv.Use(depthLimit{max: cfg.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	srv.SetErrorPresenter(errorPresenter(cfg.Logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.Error("graphql: panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("internal error")
	})
	srv.AroundOperations(logOperations(cfg.Logger))

	graphiql := playground.Handler("Treffpunkt GraphQL", cfg.Path)
	api := withLoaders(cfg.DB, srv)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Query().Get("query") == "" && r.URL.Query().Get("extensions") == "" &&
			strings.Contains(r.Header.Get("Accept"), "text/html") {
			graphiql(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
	return cors(cfg.AllowedOrigins, h)
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
	c.Query.Events = func(child int, _ *model.EventFilter, first *int, _ *string, _ *model.EventOrder) int {
		return 5 + child*pageSize(first, search.DefaultPageSize)
	}
	c.Query.EventsChanged = func(child int, _ time.Time, first *int, _ *string) int {
		return 5 + child*pageSize(first, search.MaxPageSize)
	}
	c.Event.Sources = func(child int) int { return 1 + 3*child }
	c.Series.Events = func(child int) int { return 1 + 10*child }
}

func pageSize(first *int, def int) int {
	if first == nil || *first < 1 {
		return def
	}
	return min(*first, search.MaxPageSize)
}

// depthLimit refuses operations nested deeper than max fields
// (introspection excluded: GraphiQL's own query is deep).
type depthLimit struct{ max int }

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
	if n := depth(op.SelectionSet, oc.Doc.Fragments); n > d.max {
		err := gqlerror.Errorf("operation has depth %d, which exceeds the limit of %d", n, d.max)
		errcode.Set(err, CodeDepthExceeded)
		return err
	}
	return nil
}

func depth(set ast.SelectionSet, frags ast.FragmentDefinitionList) int {
	deepest := 0
	for _, s := range set {
		n := 0
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			n = 1 + depth(s.SelectionSet, frags)
		case *ast.InlineFragment:
			n = depth(s.SelectionSet, frags)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				n = depth(f.SelectionSet, frags)
			}
		}
		deepest = max(deepest, n)
	}
	return deepest
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
