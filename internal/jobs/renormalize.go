package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// renormalizeEvery is how often the worker looks for items read by an
// older normaliser. It runs at start-up too, which is when an upgrade
// brings a new normalize.Version; the check is one indexed count.
const renormalizeEvery = time.Hour

// RenormalizeArgs reads items stamped with an older normalize.Version
// again (ingest.Pipeline.Renormalize), so a better normaliser reaches the
// events of pages that never change.
type RenormalizeArgs struct{}

// Kind implements river.JobArgs.
func (RenormalizeArgs) Kind() string { return "renormalize" }

// InsertOpts implements river.JobArgsWithInsertOpts: one per period (two
// leaders in a handover do not both run it); a failed run is not retried,
// the next one comes within the hour and starts where this one stopped.
func (RenormalizeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByPeriod: renormalizeEvery}}
}

type renormalizeWorker struct {
	river.WorkerDefaults[RenormalizeArgs]
	pool     *pgxpool.Pool
	pipeline ingest.Pipeline
	timeout  time.Duration
	log      *slog.Logger
}

// Timeout implements river.Worker: re-reading 100,000 items takes minutes,
// so it gets a crawl's time (which River's stuck-job rescue allows for);
// a run cut off resumes with the items not yet stamped.
func (w *renormalizeWorker) Timeout(*river.Job[RenormalizeArgs]) time.Duration { return w.timeout }

// Work implements river.Worker.
func (w *renormalizeWorker) Work(ctx context.Context, _ *river.Job[RenormalizeArgs]) error {
	n, err := store.StaleItems(ctx, w.pool, normalize.Version)
	if err != nil || n == 0 {
		return err
	}
	w.log.Info("reading items of an older normaliser again", "items", n, "version", normalize.Version)
	reps, err := w.pipeline.Renormalize(ctx, "", false)
	for _, r := range reps {
		if r.Status != "ok" {
			w.log.Warn("renormalize incomplete", "source", r.Source, "status", r.Status, "err", r.Error)
		}
	}
	if err != nil {
		return fmt.Errorf("renormalize: %w", err)
	}
	return nil
}
