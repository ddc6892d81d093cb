package metrics

import (
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// GraphQL series. Operation names come from clients, so only well-formed
// names are kept, and only the first maxOperationNames distinct ones; later
// names are counted as "other".
var (
	GraphQLDuration = newHistogramVec("graphql_operation_duration_seconds",
		"Time from reading a GraphQL request to its response, by operation type and name.",
		[]float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, "type", "operation")
	GraphQLOperations = newCounterVec("graphql_operations_total",
		"GraphQL operations answered, by type, name and outcome (ok, error: the response carries errors).",
		"type", "operation", "outcome")
)

const maxOperationNames = 100

var operationNamePattern = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// GraphQLTracer is a gqlgen handler extension that times every operation:
//
//	srv := handler.New(schema)
//	srv.Use(metrics.GraphQL())
type GraphQLTracer struct {
	mu    sync.Mutex
	names map[string]bool
}

// GraphQL returns a new tracer.
func GraphQL() *GraphQLTracer { return &GraphQLTracer{names: map[string]bool{}} }

var (
	_ graphql.HandlerExtension    = (*GraphQLTracer)(nil)
	_ graphql.ResponseInterceptor = (*GraphQLTracer)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*GraphQLTracer) ExtensionName() string { return "TreffpunktMetrics" }

// Validate implements graphql.HandlerExtension.
func (*GraphQLTracer) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse implements graphql.ResponseInterceptor.
func (t *GraphQLTracer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	start := oc.Stats.OperationStart
	if start.IsZero() {
		start = time.Now()
	}
	resp := next(ctx)
	typ, name := "query", t.label(oc)
	if oc.Operation != nil && oc.Operation.Operation != "" {
		typ = string(oc.Operation.Operation)
	}
	outcome := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		outcome = "error"
	}
	GraphQLDuration.WithLabelValues(typ, name).Observe(time.Since(start).Seconds())
	GraphQLOperations.WithLabelValues(typ, name, outcome).Inc()
	return resp
}

// label is the operation's name as a bounded label value.
func (t *GraphQLTracer) label(oc *graphql.OperationContext) string {
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	switch {
	case name == "":
		return "anonymous"
	case !operationNamePattern.MatchString(name):
		return "other"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.names[name] {
		return name
	}
	if len(t.names) >= maxOperationNames {
		return "other"
	}
	t.names[name] = true
	return name
}
