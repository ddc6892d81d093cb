package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Why a lock besides River's unique jobs: uniqueness keeps a second crawl
// job of a source from being queued, but says nothing about whether the
// process working the running one is alive. River rescues a job only by
// age (RescueStuckJobsAfter, longer than the longest crawl), so a worker
// killed with SIGKILL would block its source for an hour or more. A
// session advisory lock dies with its connection: a crawl job that is
// "running" while its source's lock is free has lost its worker, and the
// scheduler hands it back to the queue at once (rescueOrphans).

// lockClass is the first key of Treffpunkt's crawl locks
// (pg_advisory_lock(int, int)); the second is hashtext(source id).
const lockClass = 727275

// lockPing is how often a held lock's connection is checked.
const lockPing = 2 * time.Second

// errLockLost cancels a crawl whose lock connection broke: another worker
// may now take the source, so this one stops.
var errLockLost = errors.New("crawl lock lost: database connection broken")

// sourceLock is a held crawl lock.
type sourceLock struct {
	conn   *pgxpool.Conn
	key    string
	stop   context.CancelFunc
	pinged chan struct{}
}

// CrawlLock is ingest.Pipeline.Lock with the workers' crawl locks, for
// crawls that do not run as jobs (`treffpunkt crawl`).
func CrawlLock(locks *pgxpool.Pool) func(context.Context, string) (func() bool, context.Context, bool, error) {
	return func(ctx context.Context, sourceID string) (func() bool, context.Context, bool, error) {
		l, crawlCtx, ok, err := lockSource(ctx, locks, sourceID)
		if !ok || err != nil {
			return nil, ctx, ok, err
		}
		return l.release, crawlCtx, true, nil
	}
}

// lockSource takes the source's crawl lock without waiting. ok is false
// when another live process holds it. The returned context is ctx,
// cancelled with errLockLost if the lock's connection breaks.
func lockSource(ctx context.Context, locks *pgxpool.Pool, sourceID string) (*sourceLock, context.Context, bool, error) {
	conn, err := locks.Acquire(ctx)
	if err != nil {
		return nil, ctx, false, fmt.Errorf("crawl lock for %s: %w", sourceID, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, lockClass, sourceID).Scan(&ok); err != nil {
		conn.Release()
		return nil, ctx, false, fmt.Errorf("crawl lock for %s: %w", sourceID, err)
	}
	if !ok {
		conn.Release()
		return nil, ctx, false, nil
	}
	crawlCtx, cancel := context.WithCancelCause(ctx)
	watchCtx, stop := context.WithCancel(context.Background())
	l := &sourceLock{conn: conn, key: sourceID, stop: stop, pinged: make(chan struct{})}
	go l.watch(watchCtx, cancel)
	return l, crawlCtx, true, nil
}

// watch pings the lock's connection until release; a failed ping cancels
// the crawl.
func (l *sourceLock) watch(ctx context.Context, cancel context.CancelCauseFunc) {
	defer close(l.pinged)
	t := time.NewTicker(lockPing)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel(nil)
			return
		case <-t.C:
		}
		pctx, pcancel := context.WithTimeout(ctx, lockPing)
		err := l.conn.Ping(pctx)
		pcancel()
		if err != nil && ctx.Err() == nil {
			cancel(errLockLost)
			return
		}
	}
}

// release gives the lock back and reports whether it was held to the end.
// It was not when its connection broke: then the database was unreachable
// for a moment (a restart, a failover), and the crawl may have lost pages
// it could not store. A broken connection is closed: its session, and so
// the lock, is gone already.
func (l *sourceLock) release() (held bool) {
	l.stop()
	<-l.pinged
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, lockClass, l.key).Scan(&held); err != nil {
		_ = l.conn.Conn().Close(ctx)
		held = false
	}
	l.conn.Release()
	return held
}

// lockFree reports whether nobody holds the source's crawl lock.
func lockFree(ctx context.Context, locks *pgxpool.Pool, sourceID string) (bool, error) {
	conn, err := locks.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, lockClass, sourceID).Scan(&got); err != nil {
		return false, err
	}
	if got {
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, lockClass, sourceID); err != nil {
			_ = conn.Conn().Close(ctx)
			return true, err
		}
	}
	return got, nil
}
