package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Collector reports, at scrape time, what lives in the database rather
// than in one process: the job queue by queue, kind and state (River keeps
// finished jobs for a day, discarded ones for a week), and each source's
// staleness. Every process may register it; the numbers are the same.
type Collector struct {
	db  store.DB
	log *slog.Logger
}

// NewCollector returns a collector reading db.
func NewCollector(db store.DB, log *slog.Logger) *Collector {
	if log == nil {
		log = slog.Default()
	}
	return &Collector{db: db, log: log}
}

var (
	jobsDesc = prometheus.NewDesc("treffpunkt_job_queue_jobs",
		"Jobs in the queue by queue, kind and state (available and scheduled: waiting; retryable: failed, will retry; discarded: gave up).",
		[]string{"queue", "kind", "state"}, nil)
	staleDesc = prometheus.NewDesc("treffpunkt_source_stale",
		"1 when a source is stale: no success for 3× its interval, or no events any more after having some.",
		[]string{"source"}, nil)
	lastSuccessDesc = prometheus.NewDesc("treffpunkt_source_last_success_timestamp_seconds",
		"End of the source's latest successful crawl (absent: never).", []string{"source"}, nil)
	sourceEventsDesc = prometheus.NewDesc("treffpunkt_source_events",
		"Events the source announces now.", []string{"source"}, nil)
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- staleDesc
	ch <- lastSuccessDesc
	ch <- sourceEventsDesc
}

// Collect implements prometheus.Collector. A failed query is reported as
// an invalid metric: the rest of the scrape still answers.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.collectJobs(ctx, ch); err != nil {
		c.log.Warn("metrics: job queue not readable", "err", err)
		ch <- prometheus.NewInvalidMetric(jobsDesc, err)
	}
	health, err := SourcesHealth(ctx, c.db, time.Now())
	if err != nil {
		c.log.Warn("metrics: source health not readable", "err", err)
		ch <- prometheus.NewInvalidMetric(staleDesc, err)
		return
	}
	for _, h := range health {
		stale := 0.0
		if h.Stale {
			stale = 1
		}
		ch <- prometheus.MustNewConstMetric(staleDesc, prometheus.GaugeValue, stale, h.SourceID)
		ch <- prometheus.MustNewConstMetric(sourceEventsDesc, prometheus.GaugeValue, float64(h.Events), h.SourceID)
		if h.LastSuccess != nil {
			ch <- prometheus.MustNewConstMetric(lastSuccessDesc, prometheus.GaugeValue,
				float64(h.LastSuccess.UnixMilli())/1000, h.SourceID)
		}
	}
}

func (c *Collector) collectJobs(ctx context.Context, ch chan<- prometheus.Metric) error {
	rows, err := c.db.Query(ctx, `SELECT queue, kind, state::text, count(*) FROM river_job GROUP BY 1, 2, 3`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var queue, kind, state string
		var n int64
		if err := rows.Scan(&queue, &kind, &state, &n); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), queue, kind, state)
	}
	return rows.Err()
}
