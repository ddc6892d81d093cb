package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Keeping the in-memory index current. Every write to events or
// event_items logs the event's id with its transaction id in
// search_changes (migration 00140). A snapshot remembers Postgres' own
// snapshot it was read at; the changes since are the log rows whose
// transaction that snapshot does not see, whatever order the writers
// committed in. Applying them reads only those events, marks their old
// docs dead and keeps their current state in small delta segments: tens
// of rows to read and one small segment to build instead of reading
// 100,000 events again (1.1–1.5 s, during which searches went to SQL).
// Once the deltas outgrow maxDelta, a full read runs in the background
// while changes are still applied to the old base, and the changes since
// the full read are applied to it before it replaces the old one.

const (
	// memWait is how long a search that sees a newer version than the
	// snapshot's waits for the applier (one apply takes a few
	// milliseconds) before SQL answers it.
	memWait = 50 * time.Millisecond
	// memPoll is how often the applier looks for changes on its own.
	memPoll = 200 * time.Millisecond
)

// maxDelta is how many changed events a snapshot of n keeps in its delta
// segments before a full read replaces it: searches skip their old
// versions in the base one by one, and merges copy them.
func maxDelta(n int) int { return 1000 + n/20 }

// errFullRead: the changes cannot be applied (too many, or pruned from the
// log); read everything again.
var errFullRead = errors.New("read all events again")

// changes is what happened since a snapshot.
type changes struct {
	version dbVersion
	pgSnap  string
	ids     []int64  // the events changed
	rows    []memRow // those of them public now, in (start, id) order
	dicts   facetDicts
}

// readChanges reads the events changed since Postgres' snapshot since
// (store.ReadChanges); their facet values are numbered in a copy of
// dicts. limit bounds how many changed events are applied (errFullRead
// beyond).
func readChanges(ctx context.Context, pool *pgxpool.Pool, counted, listed FacetSet, since string, dicts facetDicts, limit int) (*changes, error) {
	c := &changes{dicts: dicts.clone()}
	scan := newRowScan(counted, listed)
	cols := append(counted.columns(), listed.columns()...)
	sc, err := store.ReadChanges(ctx, pool, since, limit, cols, &scan.ev, scan.dest, func() error {
		r, err := scan.row(&c.dicts, make([]uint64, 0, len(counted)))
		c.rows = append(c.rows, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if sc.Pruned || len(sc.IDs) > limit {
		return nil, errFullRead
	}
	c.version, c.pgSnap, c.ids = sc.State.Version, sc.State.PGSnap, sc.IDs
	return c, nil
}

// clone copies the dictionaries, so new values can be numbered without
// touching the ones searches read.
func (d facetDicts) clone() facetDicts {
	out := facetDicts{d: make([]dict, len(d.d))}
	for i, x := range d.d {
		out.d[i] = dict{values: slices.Clone(x.values)}
		if x.index != nil {
			out.d[i].index = make(map[string]int, len(x.index))
			for k, v := range x.index {
				out.d[i].index[k] = v
			}
		}
	}
	return out
}

// with is s with the changes applied: a new snapshot sharing s's
// segments, their dead docs updated, and a new segment of the changed
// events that are public now. Small segments are merged as they pile up
// (each merge at least doubles a segment's size, so an event is copied
// O(log n) times), which keeps an apply's work near the size of its
// changes.
func (s *memSnap) with(c *changes) *memSnap {
	head := *s
	head.version, head.pgSnap = c.version, c.pgSnap
	if len(c.ids) == 0 {
		return &head
	}
	head.dicts = c.dicts
	head.dead = s.withDead(c.ids)
	var deltas []*memSnap
	for d := s.delta; d != nil; d = d.delta {
		nd := *d
		nd.dead = d.withDead(c.ids)
		deltas = append(deltas, &nd)
	}
	if len(c.rows) > 0 {
		deltas = append(deltas, newSegment(c.rows, s.fs, s.listed, c.dicts))
	}
	for n := len(deltas); n >= 2 && (n > maxSegments || 2*deltas[n-1].live() >= deltas[n-2].live()); n = len(deltas) {
		rows := append(deltas[n-2].liveRows(), deltas[n-1].liveRows()...)
		slices.SortFunc(rows, func(a, b memRow) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.id, b.id)) })
		deltas = append(deltas[:n-2], newSegment(rows, s.fs, s.listed, c.dicts))
	}
	prev := &head
	prev.delta = nil
	for _, d := range deltas {
		prev.delta, prev = d, d
	}
	prev.delta = nil
	return &head
}

// maxSegments bounds the delta segments a search visits.
const maxSegments = 8

// withDead is the segment's dead docs with those of ids added (copied
// when any is in the segment).
func (s *memSnap) withDead(ids []int64) docSet {
	dead := s.dead
	copied := false
	for _, id := range ids {
		d, ok := s.docOf(id)
		if !ok || (dead != nil && dead.has(int(d))) {
			continue
		}
		if !copied {
			dead, copied = newDocSet(len(s.id)), true
			copy(dead, s.dead)
		}
		dead.add(d)
	}
	return dead
}

// live is how many of the segment's docs are current.
func (s *memSnap) live() int {
	n := len(s.id)
	for _, w := range s.dead {
		n -= bits.OnesCount64(w)
	}
	return n
}

// liveRows is a delta segment's current events.
func (s *memSnap) liveRows() []memRow {
	out := make([]memRow, 0, len(s.rows))
	for i, r := range s.rows {
		if s.dead == nil || !s.dead.has(i) {
			out = append(out, r)
		}
	}
	return out
}

// deltaRows is how many events the delta segments hold.
func (s *memSnap) deltaRows() int {
	n := 0
	for d := s.delta; d != nil; d = d.delta {
		n += len(d.rows)
	}
	return n
}

// newSegment builds a delta segment of rows in (start, id) order.
func newSegment(rows []memRow, fs, listed FacetSet, dicts facetDicts) *memSnap {
	b := newSegBuilder(fs, listed, dicts)
	for i := range rows {
		b.add(&rows[i])
	}
	seg := b.done()
	seg.rows = rows
	for i, r := range rows {
		for j, vals := range r.listed {
			for _, v := range vals {
				seg.addListed(j, int32(i), v)
			}
		}
	}
	return seg
}

// apply reads the changes since s and returns s with them applied.
func (m *memIndex) apply(ctx context.Context, s *memSnap) (*memSnap, error) {
	c, err := readChanges(ctx, m.pool, m.counted, m.listed, s.pgSnap, s.dicts, maxDelta(len(s.id)))
	if err != nil {
		if errors.Is(err, errTooManyValues) {
			return nil, errFullRead // the full read disables the index
		}
		return nil, fmt.Errorf("search: apply changes to the in-memory index: %w", err)
	}
	return s.with(c), nil
}

// publish puts s in place and wakes the searches waiting for it. Only
// one goroutine applies at a time (the applier, or in sync mode the
// search holding m.applying), so snapshots come in order.
func (m *memIndex) publish(s *memSnap) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Store(s)
	close(m.published)
	m.published = make(chan struct{})
}

// holds reports whether s holds every write of version v. Each writing
// transaction adds one to the counter as it commits, and a later
// Postgres snapshot sees every transaction an earlier one saw, so a
// snapshot read at a count at least v's holds all v holds (and what
// committed since, as SQL would see it a moment later). The other parts
// of a version (partner names) are not in the index.
func (s *memSnap) holds(v dbVersion) bool {
	return s != nil && s.version.Writes >= v.Writes
}

// current returns a snapshot holding version v, waiting up to o.wait for
// the applier; nil when none does in time (SQL answers).
func (m *memIndex) current(ctx context.Context, v dbVersion) *memSnap {
	if s := m.snap.Load(); s.holds(v) {
		return s
	}
	m.mu.Lock()
	disabled, wake := m.disabled, m.published
	m.mu.Unlock()
	if disabled != nil {
		return nil
	}
	if m.o.sync {
		m.catchUp(ctx)
		if s := m.snap.Load(); s.holds(v) {
			return s
		}
		return nil
	}
	m.startApplier()
	select {
	case m.kick <- struct{}{}:
	default: // already asked
	}
	if m.snap.Load() == nil {
		return nil // a full read takes seconds: no use waiting
	}
	timer := time.NewTimer(m.o.wait)
	defer timer.Stop()
	for {
		select {
		case <-wake:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return nil
		}
		if s := m.snap.Load(); s.holds(v) {
			return s
		}
		m.mu.Lock()
		wake = m.published
		m.mu.Unlock()
	}
}

// catchUp applies the changes in the caller's goroutine (sync mode).
func (m *memIndex) catchUp(ctx context.Context) {
	m.applying.Lock()
	defer m.applying.Unlock()
	s := m.snap.Load()
	var err error
	if s != nil {
		s, err = m.apply(ctx, s)
	}
	if s == nil || errors.Is(err, errFullRead) {
		s, err = m.rebuild(ctx)
	}
	if err != nil {
		m.log.Error("search: in-memory index not current; searching in SQL", "err", err)
		return
	}
	m.publish(s)
}

func (m *memIndex) startApplier() {
	if !m.o.sync {
		m.start.Do(func() { go m.run() })
	}
}

// run is the applier: it applies changes when a search asks and every
// o.poll, and replaces the base with a full read in the background when
// needed, until m.ctx ends.
func (m *memIndex) run() {
	poll := time.NewTicker(m.o.poll)
	defer poll.Stop()
	read := make(chan *memSnap, 1) // a finished full read
	var fresh *memSnap             // a full read to continue from
	reading, failing := false, false
	var lastRead time.Time
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.kick:
		case <-poll.C:
		case s := <-read:
			reading, fresh = false, s
		}
		from := m.snap.Load()
		if fresh != nil {
			from, fresh = fresh, nil
		}
		full := from == nil
		if from != nil {
			next, err := m.apply(m.ctx, from)
			switch {
			case err == nil:
				m.publish(next)
				full = next.deltaRows() > maxDelta(len(next.id))
				if failing {
					m.log.Info("search: in-memory index current again")
				}
				failing = false
			case errors.Is(err, errFullRead):
				full = true
			case m.ctx.Err() == nil:
				if !failing {
					m.log.Error("search: in-memory index not current; searching in SQL", "err", err)
				}
				failing = true
			}
		}
		m.mu.Lock()
		disabled := m.disabled
		m.mu.Unlock()
		if full && !reading && disabled == nil && time.Since(lastRead) >= m.o.minInterval {
			reading, lastRead = true, time.Now()
			go func() {
				s, err := m.rebuild(m.ctx)
				if err != nil && m.ctx.Err() == nil {
					m.log.Error("search: in-memory index not read; searching in SQL", "err", err)
				}
				if s != nil {
					m.log.Debug("search: in-memory index read", "events", len(s.id), "lexemes", len(s.lexemes), "took", m.lastBuildTook())
				}
				read <- s
			}()
		}
	}
}
