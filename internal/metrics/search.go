package metrics

// SearchErrors counts failed calls to a search backend; the search code
// increments it with the backend's name, e.g.
// metrics.SearchErrors.WithLabelValues("meilisearch").Inc().
var SearchErrors = newCounterVec("search_backend_errors_total",
	"Failed calls to a search backend (searches and index updates), by backend.", "backend")
