// Package review holds the staff operations on what the crawlers found:
// approve, reject, edit (per-field overrides that survive re-crawls),
// mark cancelled, merge and split duplicates, and manage sources. Every
// operation checks the caller's role, runs in one transaction and writes
// the audit log in it, so the log has an entry if and only if the action
// happened. The admin UI and the GraphQL mutations both call these.
package review

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Service runs staff operations.
type Service struct {
	pool *pgxpool.Pool
	o    Options

	// In-process crawls ("crawl now" without a job queue).
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	running map[string]bool
}

// Options configure a Service.
type Options struct {
	Logger *slog.Logger
	// Enqueue queues a crawl of a source in the caller's transaction
	// (jobs.EnqueueCrawl). When nil, "crawl now" runs the crawl in this
	// process with Pipeline.
	Enqueue func(ctx context.Context, tx pgx.Tx, sourceID string) (queued bool, err error)
	// Pipeline crawls in-process when Enqueue is nil.
	Pipeline *ingest.Pipeline
	// AllowPrivateSources lets staff add sources with allow_private (the
	// demo and tests, whose sites are on loopback). Off in production: the
	// SSRF guard then refuses any source on a non-public address.
	AllowPrivateSources bool
	Now                 func() time.Time
}

// New returns a Service; Close stops its in-process crawls.
func New(pool *pgxpool.Pool, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{pool: pool, o: o, ctx: ctx, cancel: cancel, running: map[string]bool{}}
}

// Close cancels in-process crawls and waits for them to end.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// Pool is the database the service works on.
func (s *Service) Pool() *pgxpool.Pool { return s.pool }

// do runs fn in a transaction for a caller with the role.
func (s *Service) do(ctx context.Context, need auth.Role, fn func(tx pgx.Tx, p auth.Principal) error) error {
	p, err := auth.Require(ctx, need)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(tx, p) })
}

// read checks the role for a read-only operation.
func read(ctx context.Context, need auth.Role) error {
	_, err := auth.Require(ctx, need)
	return err
}

// audit writes one entry for p.
func audit(ctx context.Context, tx store.DB, p auth.Principal, action, targetType string, targetID any, before, after any, note string) error {
	return store.Audit(ctx, tx, store.AuditEntry{ActorID: p.ActorID(), Actor: p.Actor(), Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(targetID), Note: note}, before, after)
}
