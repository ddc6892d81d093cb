package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Why one scheduler tick rather than a River PeriodicJob per source:
// River's periodic schedule lives in the leader's memory and starts over
// whenever a process restarts or the leadership moves, so a source with a
// 6h interval in a deployment restarted every few hours would never be
// crawled (or, with RunOnStart, be crawled at every restart). Sources also
// change at run time (the sources file at start, the staff UI). The tick
// reads both from Postgres — each enabled source's interval and its last
// run in crawl_runs — so "due" survives restarts, counts crawls made by
// `treffpunkt crawl` too, and needs no re-registration when sources change.

// ScheduleArgs is the scheduler's tick: queue a crawl for every due source.
type ScheduleArgs struct{}

// Kind implements river.JobArgs.
func (ScheduleArgs) Kind() string { return "schedule_crawls" }

// InsertOpts implements river.JobArgsWithInsertOpts. A failed tick is not
// retried: the next one comes soon.
func (ScheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 1}
}

// scheduleOpts makes ticks unique per period, so two leaders in a
// handover do not both tick. Not unique by state alone: a tick left
// "running" by a killed worker would then block every later tick until
// River's rescuer, an hour on.
func scheduleOpts(every time.Duration) *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: max(every, time.Second)}}
}

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	pool        *pgxpool.Pool
	locks       *pgxpool.Pool
	orphanGrace time.Duration
	now         func() time.Time
	log         *slog.Logger
}

// Work implements river.Worker.
func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	if n, err := rescueOrphans(ctx, w.pool, w.locks, w.orphanGrace); err != nil {
		w.log.Warn("could not check for orphaned crawls", "err", err)
	} else if n > 0 {
		w.log.Warn("crawl jobs of a vanished worker handed back to the queue", "jobs", n)
	}
	due, err := DueSources(ctx, w.pool, w.now())
	if err != nil || len(due) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, id := range due {
		params[i] = river.InsertManyParams{Args: CrawlSourceArgs{SourceID: id, Trigger: TriggerSchedule},
			InsertOpts: &river.InsertOpts{Priority: 2}}
	}
	res, err := river.ClientFromContext[pgx.Tx](ctx).InsertMany(ctx, params)
	if err != nil {
		return fmt.Errorf("queue due crawls: %w", err)
	}
	var queued []string
	for i, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			queued = append(queued, due[i])
		}
	}
	if len(queued) > 0 {
		w.log.Info("crawls queued", "sources", queued)
	}
	return nil
}

// DueSources lists the enabled sources whose interval has passed since
// their last crawl started (or that were never crawled), oldest first.
func DueSources(ctx context.Context, db store.DB, now time.Time) ([]string, error) {
	rows, err := db.Query(ctx, `
		SELECT s.id, s.config, r.last
		FROM sources s
		LEFT JOIN LATERAL (SELECT max(started_at) AS last FROM crawl_runs WHERE source_id = s.id) r ON true
		WHERE s.enabled
		ORDER BY r.last NULLS FIRST, s.id`)
	if err != nil {
		return nil, fmt.Errorf("due sources: %w", err)
	}
	defer rows.Close()
	var due []string
	for rows.Next() {
		var id string
		var cfg []byte
		var last *time.Time
		if err := rows.Scan(&id, &cfg, &last); err != nil {
			return nil, fmt.Errorf("due sources: %w", err)
		}
		interval, err := sourceInterval(cfg)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", id, err)
		}
		if last == nil || !now.Before(last.Add(interval)) {
			due = append(due, id)
		}
	}
	return due, rows.Err()
}

// sourceInterval reads the crawl interval from a stored source config.
func sourceInterval(cfg []byte) (time.Duration, error) {
	var src source.Source
	if err := json.Unmarshal(cfg, &src); err != nil {
		return 0, fmt.Errorf("decode source config: %w", err)
	}
	if src.Interval.Duration <= 0 {
		return source.DefaultInterval, nil
	}
	return src.Interval.Duration, nil
}

// rescueOrphans hands crawl jobs whose worker is gone back to the queue:
// "running" for longer than grace (a live worker takes its lock within
// milliseconds of starting) while the source's crawl lock is free. It does
// what River's own rescuer does for stuck jobs, only without waiting for
// RescueStuckJobsAfter: the job becomes retryable now, or discarded when
// its attempts are used up.
func rescueOrphans(ctx context.Context, pool, locks *pgxpool.Pool, grace time.Duration) (int, error) {
	rows, err := pool.Query(ctx, `
		SELECT id, args->>'source_id', attempted_at FROM river_job
		WHERE kind = $1 AND state = 'running' AND attempted_at < now() - $2 * interval '1 millisecond'`,
		CrawlSourceArgs{}.Kind(), grace.Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("running crawl jobs: %w", err)
	}
	type running struct {
		id        int64
		source    string
		attempted time.Time
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (running, error) {
		var j running
		return j, r.Scan(&j.id, &j.source, &j.attempted)
	})
	if err != nil {
		return 0, fmt.Errorf("running crawl jobs: %w", err)
	}
	n := 0
	for _, j := range jobs {
		free, err := lockFree(ctx, locks, j.source)
		if err != nil {
			return n, fmt.Errorf("crawl lock of %s: %w", j.source, err)
		}
		if !free {
			continue
		}
		msg, _ := json.Marshal(map[string]any{"at": time.Now().UTC(),
			"error": "worker gone (crawl lock free while the job was running); handed back to the queue", "trace": ""})
		// The attempted_at guard: if the job was picked up again in the
		// meantime, it is not ours to touch.
		tag, err := pool.Exec(ctx, `
			UPDATE river_job SET
				state = CASE WHEN attempt >= max_attempts THEN 'discarded'::river_job_state ELSE 'retryable'::river_job_state END,
				finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
				scheduled_at = now(),
				errors = array_append(errors, jsonb_set($3::jsonb, '{attempt}', to_jsonb(attempt)))
			WHERE id = $1 AND state = 'running' AND attempted_at = $2`, j.id, j.attempted, msg)
		if err != nil {
			return n, fmt.Errorf("hand back crawl job %d: %w", j.id, err)
		}
		n += int(tag.RowsAffected())
	}
	return n, nil
}
