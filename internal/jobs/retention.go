package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// pruneEvery is how often raw pages past the retention are pruned. Hourly
// is plenty for a retention counted in months; the work done by each run
// is only what became old since the last one.
const pruneEvery = time.Hour

// PruneRawArgs strips the raw pages of items whose events all lie further
// back than Config.RawRetention (issue 8, personal data).
type PruneRawArgs struct{}

// Kind implements river.JobArgs.
func (PruneRawArgs) Kind() string { return "prune_raw" }

// InsertOpts implements river.JobArgsWithInsertOpts. A failed run is not
// retried: the next one comes within the hour. Unique per period so two
// leaders in a handover do not both prune.
func (PruneRawArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByPeriod: pruneEvery}}
}

type pruneRawWorker struct {
	river.WorkerDefaults[PruneRawArgs]
	pool      *pgxpool.Pool
	retention time.Duration
	now       func() time.Time
	log       *slog.Logger
}

// Work implements river.Worker.
func (w *pruneRawWorker) Work(ctx context.Context, _ *river.Job[PruneRawArgs]) error {
	cutoff := w.now().Add(-w.retention)
	n, err := store.PruneRaw(ctx, w.pool, cutoff)
	if err != nil {
		return fmt.Errorf("prune raw pages: %w", err)
	}
	if n > 0 {
		w.log.Info("raw pages of past events pruned", "items", n, "before", cutoff.Format(time.DateOnly))
	}
	return nil
}
