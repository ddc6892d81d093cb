package metrics

// Job series, counted by the jobs package around every job it works. The
// queue depth is not here: it is read from the database at scrape time
// (jobs.Collector), so it is right whichever process worked the jobs.
var (
	JobsWorked = newCounterVec("jobs_worked_total",
		"Jobs worked, by kind and outcome (ok, error, snoozed, cancelled, panic). River retries an error until its attempts run out.",
		"kind", "outcome")
	JobDuration = newHistogramVec("job_duration_seconds", "Time spent working one job, by kind.",
		[]float64{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600}, "kind")
)
