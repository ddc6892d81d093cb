package metrics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The page's classification is scrapers.Page's (TestPageOutcome); here,
// that each page is counted under its labels.
func TestObservePage(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		outcome     string
		extractFail bool
	}{
		{"detail page read", 200, "changed", false},
		{"304 not modified", 304, "unchanged", false},
		{"timeout, no response", 0, "failed", false},
		{"no title on a detail page", 200, "failed", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "observe-" + strings.ReplaceAll(tt.name, " ", "-")
			ObservePage(src, tt.status, tt.outcome, tt.extractFail)
			if got := testutil.ToFloat64(PagesFetched.WithLabelValues(src, strconv.Itoa(tt.status), tt.outcome)); got != 1 {
				t.Errorf("pages_fetched_total{status=%d,result=%s} = %v, want 1", tt.status, tt.outcome, got)
			}
			want := 0.0
			if tt.extractFail {
				want = 1
			}
			if got := testutil.ToFloat64(ExtractionFailures.WithLabelValues(src)); got != want {
				t.Errorf("extraction_failures_total = %v, want %v", got, want)
			}
		})
	}
}

func TestObserveCrawl(t *testing.T) {
	ObserveCrawl("observe-crawl", "partial", 3, 2, 1500*time.Millisecond)
	ObserveCrawl("observe-crawl", "ok", 0, 1, 200*time.Millisecond)
	if got := testutil.ToFloat64(EventsNew.WithLabelValues("observe-crawl")); got != 3 {
		t.Errorf("events_new_total = %v, want 3", got)
	}
	if got := testutil.ToFloat64(EventsUpdated.WithLabelValues("observe-crawl")); got != 3 {
		t.Errorf("events_updated_total = %v, want 3", got)
	}
	if n := testutil.CollectAndCount(CrawlDuration, "treffpunkt_crawl_duration_seconds"); n < 2 {
		t.Errorf("crawl_duration_seconds has %d series, want one per source and status", n)
	}
}

func TestObserveRegression(t *testing.T) {
	ObserveRegression("observe-regression", false, false)
	ObserveRegression("observe-regression", true, false)
	ObserveRegression("observe-regression", true, true)
	if got := testutil.ToFloat64(StrategyChanges.WithLabelValues("observe-regression")); got != 2 {
		t.Errorf("strategy_changes_total = %v, want 2", got)
	}
	if got := testutil.ToFloat64(DroppedToZero.WithLabelValues("observe-regression")); got != 1 {
		t.Errorf("source_dropped_to_zero_total = %v, want 1", got)
	}
}

func TestHTTPRoutesAndRequestIDs(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&logs, nil)))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{id}", func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "event shown", "id", r.PathValue("id"))
		io.WriteString(w, RequestID(r.Context()))
	})
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
	})
	srv := httptest.NewServer(HTTP(mux))
	defer srv.Close()

	before := testutil.ToFloat64(HTTPRequests.WithLabelValues("GET", "GET /events/{id}", "200"))
	req, _ := http.NewRequest("GET", srv.URL+"/events/42", nil)
	req.Header.Set("X-Request-ID", "lb-7f3a9c01")
	body, id := get(t, req)
	if id != "lb-7f3a9c01" || body != id {
		t.Errorf("request id from the load balancer: header %q, in context %q; want it kept", id, body)
	}
	if !strings.Contains(logs.String(), `"request_id":"lb-7f3a9c01"`) {
		t.Errorf("log line lacks the request id: %s", logs.String())
	}

	// An id that is not one (too long, odd characters) is replaced.
	req, _ = http.NewRequest("GET", srv.URL+"/events/43", nil)
	req.Header.Set("X-Request-ID", "<script>alert(1)</script>")
	body, id = get(t, req)
	if !requestIDPattern.MatchString(id) || body != id {
		t.Errorf("replacement id: header %q, context %q", id, body)
	}
	if got := testutil.ToFloat64(HTTPRequests.WithLabelValues("GET", "GET /events/{id}", "200")) - before; got != 2 {
		t.Errorf("requests counted under the route pattern: %v, want 2", got)
	}

	req, _ = http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader("{}"))
	get(t, req)
	if got := testutil.ToFloat64(HTTPRequests.WithLabelValues("POST", "POST /graphql", "422")); got != 1 {
		t.Errorf("status code label: %v, want 1 request with 422", got)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/wp-login.php", nil)
	get(t, req)
	if got := testutil.ToFloat64(HTTPRequests.WithLabelValues("GET", "unmatched", "404")); got != 1 {
		t.Errorf("a probe for a random path: %v, want 1 under route \"unmatched\"", got)
	}
}

func get(t *testing.T, req *http.Request) (body, requestID string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.Header.Get("X-Request-ID")
}

func TestGraphQLTracer(t *testing.T) {
	tr := GraphQL()
	run := func(oc *graphql.OperationContext, errs gqlerror.List) {
		ctx := graphql.WithOperationContext(context.Background(), oc)
		tr.InterceptResponse(ctx, func(context.Context) *graphql.Response {
			return &graphql.Response{Errors: errs}
		})
	}
	named := func(name string, op ast.Operation) *graphql.OperationContext {
		return &graphql.OperationContext{OperationName: name,
			Operation: &ast.OperationDefinition{Operation: op, Name: name},
			Stats:     graphql.Stats{OperationStart: time.Now().Add(-30 * time.Millisecond)}}
	}
	run(named("UpcomingEvents", ast.Query), nil)
	run(named("UpcomingEvents", ast.Query), gqlerror.List{gqlerror.Errorf("bad cursor")})
	run(named("TriggerCrawl", ast.Mutation), nil)
	run(&graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}, nil)

	for _, c := range []struct {
		typ, op, outcome string
	}{
		{"query", "UpcomingEvents", "ok"},
		{"query", "UpcomingEvents", "error"},
		{"mutation", "TriggerCrawl", "ok"},
		{"query", "anonymous", "ok"},
	} {
		if got := testutil.ToFloat64(GraphQLOperations.WithLabelValues(c.typ, c.op, c.outcome)); got != 1 {
			t.Errorf("graphql_operations_total{%s,%s,%s} = %v, want 1", c.typ, c.op, c.outcome, got)
		}
	}
	if n := testutil.CollectAndCount(GraphQLDuration, "treffpunkt_graphql_operation_duration_seconds"); n != 3 {
		t.Errorf("duration series: %d, want 3 (UpcomingEvents, TriggerCrawl, anonymous)", n)
	}
}

func TestGraphQLOperationNamesBounded(t *testing.T) {
	tr := GraphQL()
	for i := range maxOperationNames {
		tr.label(&graphql.OperationContext{OperationName: fmt.Sprintf("Op%d", i)})
	}
	if got := tr.label(&graphql.OperationContext{OperationName: "OneTooMany"}); got != "other" {
		t.Errorf("name after the cap = %q, want other", got)
	}
	if got := tr.label(&graphql.OperationContext{OperationName: "Op7"}); got != "Op7" {
		t.Errorf("known name after the cap = %q, want Op7", got)
	}
	if got := GraphQL().label(&graphql.OperationContext{OperationName: "drop table; --"}); got != "other" {
		t.Errorf("malformed name = %q, want other", got)
	}
}

func TestHandlerServesSeries(t *testing.T) {
	SearchErrors.WithLabelValues("meilisearch").Inc()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		"treffpunkt_search_backend_errors_total{backend=\"meilisearch\"}",
		"process_resident_memory_bytes",
		"go_goroutines",
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
