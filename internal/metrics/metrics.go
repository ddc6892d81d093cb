// Package metrics holds Treffpunkt's Prometheus series and the handler that
// serves them on /metrics: crawl outcomes, jobs, HTTP requests, GraphQL
// operations and search backend errors. The series are package variables on
// one registry, so any package can count into them without wiring; the
// process and Go runtime collectors come with it.
package metrics

import (
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "treffpunkt"

// Registry holds every Treffpunkt series. It is not the prometheus default
// registry, so a library that registers globally cannot leak into /metrics.
var Registry = prometheus.NewRegistry()

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
}

// Handler serves the registry in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{
		Registry:          Registry, // counts its own scrape errors
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	})
}

// Register adds a collector to the registry. Registering an equal
// collector twice is not an error: `treffpunkt all` assembles the API and
// the worker, and both may ask for the same database collector.
func Register(c prometheus.Collector) error {
	err := Registry.Register(c)
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		return nil
	}
	return err
}

// newCounterVec, newHistogramVec register at package initialisation; a
// clash is a programming error, so they panic like MustRegister.
func newCounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	Registry.MustRegister(c)
	return c
}

func newHistogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets}, labels)
	Registry.MustRegister(h)
	return h
}
