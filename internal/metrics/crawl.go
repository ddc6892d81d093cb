package metrics

import (
	"strconv"
	"time"
)

// Crawl series. The source label is bounded by the sources file (dozens,
// not thousands); the status label by the HTTP status codes sites send.
var (
	PagesFetched = newCounterVec("pages_fetched_total",
		"Pages fetched by crawls, by source, HTTP status (0: no response) and result (changed, unchanged, failed).",
		"source", "status", "result")
	ExtractionFailures = newCounterVec("extraction_failures_total",
		"Pages fetched successfully whose content could not be extracted (no event, no title, not HTML, bad feed).",
		"source")
	EventsNew     = newCounterVec("events_new_total", "Events created by crawls.", "source")
	EventsUpdated = newCounterVec("events_updated_total", "Events changed by crawls.", "source")
	// StoreRetries counts page transactions run again after a deadlock or a
	// serialisation failure: rising, it warns of contention before any
	// page is lost to it.
	StoreRetries  = newCounterVec("store_retries_total", "Crawl transactions retried after a deadlock or serialisation failure.", "source")
	CrawlDuration = newHistogramVec("crawl_duration_seconds",
		"Duration of one source's crawl, by final run status (ok, partial, failed).",
		[]float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600},
		"source", "status")
	StrategyChanges = newCounterVec("strategy_changes_total",
		"Crawls that read a source another way than the run before (kind: auto discovered the site differently).",
		"source")
	DroppedToZero = newCounterVec("source_dropped_to_zero_total",
		"Crawls after which a source that had live items has none left.", "source")
)

// ObservePage counts one fetched page of a crawl: its HTTP status (0 when
// none came), its outcome ("changed", "unchanged", "failed") and whether
// the site answered with content that could not be read.
func ObservePage(sourceID string, status int, outcome string, extractionFailed bool) {
	PagesFetched.WithLabelValues(sourceID, strconv.Itoa(status), outcome).Inc()
	if extractionFailed {
		ExtractionFailures.WithLabelValues(sourceID).Inc()
	}
}

// ObserveCrawl records a finished crawl of one source.
func ObserveCrawl(sourceID, status string, eventsNew, eventsUpdated int, took time.Duration) {
	EventsNew.WithLabelValues(sourceID).Add(float64(eventsNew))
	EventsUpdated.WithLabelValues(sourceID).Add(float64(eventsUpdated))
	CrawlDuration.WithLabelValues(sourceID, status).Observe(took.Seconds())
}

// ObserveRegression counts what got worse for a source since its last run:
// alert on increase(treffpunkt_strategy_changes_total[1d]) > 0 and the same
// for treffpunkt_source_dropped_to_zero_total.
func ObserveRegression(sourceID string, strategyChanged, droppedToZero bool) {
	// Touch both series so a dashboard sees zero, not no data.
	sc, dz := StrategyChanges.WithLabelValues(sourceID), DroppedToZero.WithLabelValues(sourceID)
	if strategyChanged {
		sc.Inc()
	}
	if droppedToZero {
		dz.Inc()
	}
}

// ObserveRetries counts a finished crawl's retried transactions.
func ObserveRetries(sourceID string, n int) {
	if n > 0 {
		StoreRetries.WithLabelValues(sourceID).Add(float64(n))
	}
}
