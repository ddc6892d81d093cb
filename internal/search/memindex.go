package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// memIndex answers the common searches of public events in memory, from a
// snapshot of Postgres' own search documents. A search in SQL has to visit
// every event its text and dates match to count facets (tens of
// milliseconds for a common word over 100,000 events); the snapshot holds
// per event only what filters and facets need, plus an inverted index of
// search_doc's lexemes, and answers in well under a millisecond.
//
// Postgres stays the source of truth and of the text semantics: the
// lexemes are search_doc's (its parser, German stemmer and unaccent rules),
// a query word becomes lexemes through to_tsquery as in SQL, and matching
// follows the same rules (every word as a prefix, german OR simple, stop
// words dropped). A snapshot answers a search only when it holds every
// write the search's database version counts; when the data moves, one
// applier (memindex_apply.go) reads just the events changed since and
// puts a new snapshot in place within milliseconds, and a search waits
// for it briefly before it asks SQL. Searches it does not cover
// (relevance order, typo tolerance, unpublished events) always go to SQL.
type memIndex struct {
	inner layer // answers what the index refuses
	pool  *pgxpool.Pool
	fs    FacetSet // all facets: what it refuses is a filter outside them
	// counted are held as bits per doc (facetbits.go), listed (the
	// filter-only facets) as a set of docs per value.
	counted, listed FacetSet
	ctx             context.Context // bounds the applier
	log             *slog.Logger
	o               memOptions

	snap atomic.Pointer[memSnap]

	mu        sync.Mutex
	published chan struct{} // closed when a new snapshot is in place
	lastBuild time.Duration // how long the last full read took
	disabled  error         // a permanent reason not to use the index

	kick     chan struct{} // asks the applier to catch up
	start    sync.Once
	applying sync.Mutex // sync mode: one search applies at a time

	words wordCache
	// served counts the searches answered from memory, fullReads the
	// reads of all events.
	served, fullReads atomic.Int64
}

// memSnap is one immutable snapshot. Events are numbered ("docs") in
// (start, id) order, so a page in date order is a run of doc numbers.
type memSnap struct {
	version dbVersion
	id      []int64
	start   []int64  // Unix nanoseconds
	end     []int64  // tp_event_end, Unix nanoseconds
	fs      FacetSet // the counted facets
	facets  []uint64 // len(fs) words per doc (facetbits.go)
	maxSpan int64    // the longest end - start, to bound a date window
	dicts   facetDicts
	// lists holds, per filter-only facet of listed, the docs having each
	// value (the sources: the docs each source announced).
	listed FacetSet
	lists  []map[string]docSet

	lexemes  []string  // sorted bytewise
	postings [][]int32 // docs of each lexeme, ascending
	byID     []int32   // the docs in id order

	// What changed since the base was read (memindex_apply.go): this
	// segment's docs changed or gone since (nil: none), and the next,
	// newer segment (nil: none), which holds changed events as they are
	// now; rows are a delta segment's events, doc i being rows[i].
	// pgSnap is Postgres' snapshot the first segment is current at.
	pgSnap string
	dead   docSet
	delta  *memSnap
	rows   []memRow
}

// row is doc i's facet words.
func (s *memSnap) row(i int) []uint64 {
	n := len(s.fs)
	return s.facets[i*n : (i+1)*n]
}

// memOptions configure WithMemoryIndex.
type memOptions struct {
	// minInterval is the least time between two full reads (the changes
	// in between are applied to the older one).
	minInterval time.Duration
	// wait is how long a search waits for the applier before SQL answers.
	wait time.Duration
	// poll is how often the applier looks for changes nobody searched for
	// yet, so the next search finds them applied.
	poll time.Duration
	// sync applies changes in the searching goroutine before answering
	// (tests: every search then exercises the snapshot).
	sync bool
}

// WithMemoryIndex answers the searches it can from an in-memory snapshot
// (see memIndex), kept current within ctx; a full read of all events
// happens at most every minInterval.
func (p *Postgres) WithMemoryIndex(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, minInterval time.Duration) *Postgres {
	return p.withMemoryIndex(ctx, pool, log, memOptions{minInterval: minInterval})
}

func (p *Postgres) withMemoryIndex(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, o memOptions) *Postgres {
	if log == nil {
		log = slog.Default()
	}
	if o.wait == 0 {
		o.wait = memWait
	}
	if o.poll == 0 {
		o.poll = memPoll
	}
	p.mem = &memIndex{pool: pool, ctx: ctx, log: log, o: o,
		published: make(chan struct{}), kick: make(chan struct{}, 1)}
	p.mem.setFacets(p.fs)
	p.compose()
	return p
}

// setFacets makes the index hold the facets fs (before its first read).
func (m *memIndex) setFacets(fs FacetSet) {
	m.fs, m.counted, m.listed = fs, fs.counted(), fs.filterOnly()
}

// WarmUp builds the in-memory index now if it is missing, rather than on
// the first search (which answers in SQL meanwhile), and starts keeping it
// current.
func (p *Postgres) WarmUp(ctx context.Context) error {
	if p.mem == nil {
		return nil
	}
	if p.mem.snap.Load() == nil {
		s, err := p.mem.rebuild(ctx)
		if err != nil {
			return err
		}
		p.mem.publish(s)
		p.mem.log.Info("search: in-memory index built", "events", len(s.id), "lexemes", len(s.lexemes), "took", p.mem.lastBuildTook())
	}
	p.mem.startApplier()
	return nil
}

// rebuild reads a new snapshot of all events.
func (m *memIndex) rebuild(ctx context.Context) (*memSnap, error) {
	start := time.Now()
	m.fullReads.Add(1)
	s, err := loadSnap(ctx, m.pool, m.counted, m.listed)
	m.mu.Lock()
	m.lastBuild = time.Since(start)
	if errors.Is(err, errTooManyValues) {
		m.disabled = err
	}
	m.mu.Unlock()
	return s, err
}

func (m *memIndex) lastBuildTook() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastBuild.Round(time.Millisecond)
}

// supports reports whether a search can be answered from the snapshot: it
// refuses relevance order, typo matching, unpublished events and any facet
// its set does not hold, rather than answer with a condition ignored.
func (m *memIndex) supports(f Filter, o Order, fuzzy bool) bool {
	if fuzzy || o == Relevance || f.IncludeUnpublished {
		return false
	}
	_, unknown := m.fs.unknown(&f)
	return !unknown
}

// query prepares r's filter on a snapshot holding r's database version;
// nil when the index does not answer (a search it does not support, no
// snapshot current in time, a word that is not one lexeme).
func (m *memIndex) query(ctx context.Context, r *request, o Order, fuzzy bool) (*memQuery, error) {
	if !m.supports(r.f, o, fuzzy) {
		return nil, nil // not even the version needs reading
	}
	v, err := r.version(ctx)
	if err != nil {
		return nil, err
	}
	snap := m.current(ctx, v)
	if snap == nil {
		return nil, nil
	}
	return m.memSearch(ctx, snap, r.f)
}

// answer counts and reads the keys from the snapshot (the events from
// Postgres), or passes r down when the index does not answer it.
func (m *memIndex) answer(ctx context.Context, r *request) (Result, []pageKey, error) {
	mq, err := m.query(ctx, r, r.o, r.fuzzy)
	if err != nil {
		return Result{}, nil, err
	}
	if mq == nil {
		return m.inner.answer(ctx, r)
	}
	m.served.Add(1)
	var res Result
	if r.counts {
		res = mq.counts()
	}
	var keys []pageKey
	if r.limit > 0 {
		kq := mq
		if r.keysFrom != nil {
			kq = mq.refilter(r.keyFilter())
		}
		keys, err = loadEvents(ctx, m.pool, kq.keys(r.o, r.c, r.limit), r.load)
	}
	return res, keys, err
}

// each streams from the snapshot, or passes the stream down when the
// index does not answer it or its text finds too few events (typo-tolerant
// matching is SQL's).
func (m *memIndex) each(ctx context.Context, r *request, limit int, fn func([]store.Event) error) error {
	mq, err := m.query(ctx, r, StartAsc, false)
	if err != nil {
		return err
	}
	if mq == nil || (r.f.Query != "" && r.fuzzyBelow > 0 && !mq.matchesAtLeast(r.fuzzyBelow)) {
		return m.inner.each(ctx, r, limit, fn)
	}
	m.served.Add(1)
	keys := mq.keys(StartAsc, nil, limit)
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return feedBatches(ctx, m.pool, ids, fn)
}

// memRow is one event as the index holds it.
type memRow struct {
	id         int64
	start, end int64    // Unix nanoseconds
	facets     []uint64 // len(fs) words (facetbits.go)
	lexemes    string   // search_doc's, separated by \x1f
	listed     [][]string
}

// rowScan receives the store's rows of a snapshot (store.ReadSnapshot,
// store.ReadChanges).
type rowScan struct {
	ev     store.SnapshotEvent
	facets *facetScan
	listed [][]string
	dest   []any
}

// newRowScan receives the counted facets' values and, when listed is
// given, those of the filter-only facets too (as text[]).
func newRowScan(counted, listed FacetSet) *rowScan {
	r := &rowScan{facets: newFacetScan(counted), listed: make([][]string, len(listed))}
	r.dest = slices.Clone(r.facets.dest)
	for i := range r.listed {
		r.dest = append(r.dest, &r.listed[i])
	}
	return r
}

// row is the scanned row, its facet values numbered in d (appended to
// facets).
func (r *rowScan) row(d *facetDicts, facets []uint64) (memRow, error) {
	f, err := d.appendRow(facets, r.facets)
	var listed [][]string
	if len(r.listed) > 0 {
		listed = slices.Clone(r.listed)
	}
	return memRow{id: r.ev.ID, start: r.ev.Start.UnixNano(), end: r.ev.End.UnixNano(),
		facets: f, lexemes: r.ev.Lexemes, listed: listed}, err
}

// segBuilder builds a segment (the base snapshot or a delta) from events
// added in (start, id) order.
type segBuilder struct {
	s   *memSnap
	lex map[string]int32
}

func newSegBuilder(fs, listed FacetSet, dicts facetDicts) *segBuilder {
	lists := make([]map[string]docSet, len(listed))
	for i := range lists {
		lists[i] = map[string]docSet{}
	}
	return &segBuilder{s: &memSnap{fs: fs, dicts: dicts, listed: listed, lists: lists}, lex: map[string]int32{}}
}

// add appends r as the next doc.
func (b *segBuilder) add(r *memRow) {
	s := b.s
	doc := int32(len(s.id))
	s.facets = append(s.facets, r.facets...)
	s.id = append(s.id, r.id)
	s.start = append(s.start, r.start)
	s.end = append(s.end, r.end)
	s.maxSpan = max(s.maxSpan, r.end-r.start)
	for rest := r.lexemes; rest != ""; {
		var w string
		w, rest, _ = strings.Cut(rest, "\x1f")
		k, ok := b.lex[w]
		if !ok {
			k = int32(len(s.lexemes))
			w = strings.Clone(w)
			b.lex[w] = k
			s.lexemes = append(s.lexemes, w)
			s.postings = append(s.postings, nil)
		}
		s.postings[k] = append(s.postings[k], doc)
	}
}

// done sorts the lexemes and indexes the docs by id.
func (b *segBuilder) done() *memSnap {
	s := b.s
	sort.Sort(byLexeme{s})
	s.compact()
	s.byID = make([]int32, len(s.id))
	for i := range s.byID {
		s.byID[i] = int32(i)
	}
	slices.SortFunc(s.byID, func(a, b int32) int { return cmp.Compare(s.id[a], s.id[b]) })
	return s
}

// docOf finds the doc of event id.
func (s *memSnap) docOf(id int64) (int32, bool) {
	i, ok := slices.BinarySearchFunc(s.byID, id, func(d int32, id int64) int { return cmp.Compare(s.id[d], id) })
	if !ok {
		return 0, false
	}
	return s.byID[i], true
}

// loadSnap reads a snapshot of the public events with their lexemes and
// facet values (store.ReadSnapshot), labelled with the version it holds.
func loadSnap(ctx context.Context, pool *pgxpool.Pool, counted, listed FacetSet) (*memSnap, error) {
	b := newSegBuilder(counted, listed, newFacetDicts(counted))
	scan := newRowScan(counted, nil)
	var facets []uint64
	var s *memSnap // once every event is read: the pairs need its ids
	st, err := store.ReadSnapshot(ctx, pool, counted.columns(), listed.columns(), &scan.ev, scan.dest,
		func() error {
			r, err := scan.row(&b.s.dicts, facets[:0])
			facets = r.facets
			b.add(&r)
			return err
		},
		func(facet int, id int64, v string) error {
			if s == nil {
				s = b.done()
			}
			if d, ok := s.docOf(id); ok {
				s.addListed(facet, d, v)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("search: load in-memory index: %w", err)
	}
	if s == nil {
		s = b.done()
	}
	s.version, s.pgSnap = st.Version, st.PGSnap
	return s, nil
}

// addListed records that doc d has value v of the filter-only facet at
// index facet of s.listed.
func (s *memSnap) addListed(facet int, d int32, v string) {
	set := s.lists[facet][v]
	if set == nil {
		set = newDocSet(len(s.id))
		s.lists[facet][v] = set
	}
	set.add(d)
}

// compact moves the postings into one exact-size block: appending left
// each with up to twice its length in capacity.
func (s *memSnap) compact() {
	n := 0
	for _, p := range s.postings {
		n += len(p)
	}
	block := make([]int32, 0, n)
	for i, p := range s.postings {
		start := len(block)
		block = append(block, p...)
		s.postings[i] = block[start:len(block):len(block)]
	}
}

// byLexeme sorts a snapshot's lexemes bytewise, their postings alike.
type byLexeme struct{ s *memSnap }

func (b byLexeme) Len() int           { return len(b.s.lexemes) }
func (b byLexeme) Less(i, j int) bool { return b.s.lexemes[i] < b.s.lexemes[j] }
func (b byLexeme) Swap(i, j int) {
	b.s.lexemes[i], b.s.lexemes[j] = b.s.lexemes[j], b.s.lexemes[i]
	b.s.postings[i], b.s.postings[j] = b.s.postings[j], b.s.postings[i]
}
