package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/event"
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
// words dropped). The snapshot is used only while the database version it
// was read at is current; a stale one is rebuilt in the background (at
// most every minInterval, and so that rebuilding takes at most a tenth of
// the time) while SQL answers. Searches it does not cover
// (relevance order, typo tolerance, unpublished events) always go to SQL.
type memIndex struct {
	pool        *pgxpool.Pool
	fs          FacetSet
	ctx         context.Context // bounds background rebuilds
	log         *slog.Logger
	minInterval time.Duration
	// sync rebuilds a stale snapshot before answering (tests: every
	// search then exercises the snapshot).
	sync bool

	snap atomic.Pointer[memSnap]

	mu        sync.Mutex // serialises rebuilds
	building  bool
	lastTry   time.Time
	lastBuild time.Duration // how long the last rebuild took
	disabled  error         // a permanent reason not to use the index

	words wordCache
	// served counts the searches answered from memory.
	served atomic.Int64
}

// memSnap is one immutable snapshot. Events are numbered ("docs") in
// (start, id) order, so a page in date order is a run of doc numbers.
type memSnap struct {
	version dbVersion
	id      []int64
	start   []int64 // Unix nanoseconds
	end     []int64 // tp_event_end, Unix nanoseconds
	online  []event.OnlineMode
	fs      FacetSet
	facets  []uint64 // len(fs) words per doc (facetbits.go)
	maxSpan int64    // the longest end - start, to bound a date window
	dicts   facetDicts
	// sources holds the docs each source announced (staying announced
	// after the page dropped them, as the SQL filter).
	sources map[string]docSet

	lexemes  []string  // sorted bytewise
	postings [][]int32 // docs of each lexeme, ascending
}

// row is doc i's facet words.
func (s *memSnap) row(i int) []uint64 {
	n := len(s.fs)
	return s.facets[i*n : (i+1)*n]
}

// memOptions configure WithMemoryIndex.
type memOptions struct {
	minInterval time.Duration
	sync        bool
}

// WithMemoryIndex answers the searches it can from an in-memory snapshot
// (see memIndex), rebuilt in the background within ctx when the data
// changes, at most every minInterval.
func (p *Postgres) WithMemoryIndex(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, minInterval time.Duration) *Postgres {
	return p.withMemoryIndex(ctx, pool, log, memOptions{minInterval: minInterval})
}

func (p *Postgres) withMemoryIndex(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, o memOptions) *Postgres {
	if log == nil {
		log = slog.Default()
	}
	p.mem = &memIndex{pool: pool, fs: p.fs, ctx: ctx, log: log, minInterval: o.minInterval, sync: o.sync}
	return p
}

// WarmUp builds the in-memory index now if it is missing or stale, rather
// than on the first search (which answers in SQL meanwhile).
func (p *Postgres) WarmUp(ctx context.Context) error {
	if p.mem == nil {
		return nil
	}
	v, err := p.version(ctx)
	if err != nil {
		return err
	}
	if p.mem.snap.Load() != nil && p.mem.snap.Load().version == *v {
		return nil
	}
	s, err := p.mem.rebuild(ctx)
	if err != nil {
		return err
	}
	p.mem.log.Info("search: in-memory index built", "events", len(s.id), "lexemes", len(s.lexemes), "took", p.mem.lastBuildTook())
	return nil
}

// rebuild reads a new snapshot and puts it in place.
func (m *memIndex) rebuild(ctx context.Context) (*memSnap, error) {
	start := time.Now()
	s, err := loadSnap(ctx, m.pool, m.fs)
	m.mu.Lock()
	m.lastBuild = time.Since(start)
	if errors.Is(err, errTooManyValues) {
		m.disabled = err
	}
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m.snap.Store(s)
	return s, nil
}

func (m *memIndex) lastBuildTook() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastBuild.Round(time.Millisecond)
}

// covers reports whether a search can be answered from the snapshot: it
// refuses relevance order, typo matching, unpublished events and any facet
// its set does not hold, rather than answer with a condition ignored.
func (m *memIndex) covers(f Filter, o Order, fuzzy bool) bool {
	if m == nil || fuzzy || o == Relevance || f.IncludeUnpublished {
		return false
	}
	_, unknown := m.fs.unknown(&f)
	return !unknown
}

// current returns the snapshot if it is of version v, else nil (starting
// a rebuild, or in sync mode rebuilding first).
func (m *memIndex) current(ctx context.Context, v dbVersion) *memSnap {
	if s := m.snap.Load(); s != nil && s.version == v {
		return s
	}
	m.mu.Lock()
	// Rebuilds take at most a tenth of the time (of one core), and are at
	// least minInterval apart.
	if m.disabled != nil || m.building || (!m.sync && time.Since(m.lastTry) < max(m.minInterval, 10*m.lastBuild)) {
		m.mu.Unlock()
		return nil
	}
	m.building, m.lastTry = true, time.Now()
	m.mu.Unlock()
	build := func(ctx context.Context) {
		s, err := m.rebuild(ctx)
		m.mu.Lock()
		m.building = false
		m.mu.Unlock()
		if err != nil {
			if ctx.Err() == nil {
				m.log.Error("search: in-memory index not rebuilt; searching in SQL", "err", err)
			}
			return
		}
		m.log.Debug("search: in-memory index rebuilt", "events", len(s.id), "lexemes", len(s.lexemes), "took", m.lastBuildTook())
	}
	if m.sync {
		build(ctx)
		if s := m.snap.Load(); s != nil && s.version == v {
			return s
		}
		return nil
	}
	go build(m.ctx)
	return nil
}

// loadSnap reads a snapshot: the version, then the public events with
// their lexemes in one query.
func loadSnap(ctx context.Context, pool *pgxpool.Pool, fs FacetSet) (*memSnap, error) {
	s := memSnap{fs: fs, dicts: newFacetDicts(fs)}
	v, err := readVersion(ctx, pool)
	if err != nil {
		return nil, err
	}
	s.version = *v
	// Repeatable read: the events and their sources from one snapshot.
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// The lexemes come as one string per event (separated by the
		// unit separator, which no lexeme contains): one allocation per
		// event instead of one per lexeme.
		rows, err := tx.Query(ctx, `SELECT e.id, e.start_at, tp_event_end(e.start_at, e.end_at, e.all_day), e.online,
				array_to_string(tsvector_to_array(e.search_doc), E'\x1f')`+fs.selectList()+`
			FROM events e WHERE `+store.PublicSQL+` ORDER BY e.start_at, e.id`)
		if err != nil {
			return err
		}
		var (
			id         int64
			start, end time.Time
			online     string
			lexemes    string
		)
		scan := newFacetScan(fs)
		lexIndex := map[string]int32{}
		_, err = pgx.ForEachRow(rows, append([]any{&id, &start, &end, &online, &lexemes}, scan.dest...), func() error {
			var err error
			s.facets, err = s.dicts.appendRow(s.facets, scan)
			doc := int32(len(s.id))
			s.id = append(s.id, id)
			s.start = append(s.start, start.UnixNano())
			s.end = append(s.end, end.UnixNano())
			s.online = append(s.online, event.OnlineMode(online))
			s.maxSpan = max(s.maxSpan, end.UnixNano()-start.UnixNano())
			for rest := lexemes; rest != ""; {
				var w string
				w, rest, _ = strings.Cut(rest, "\x1f")
				k, ok := lexIndex[w]
				if !ok {
					k = int32(len(s.lexemes))
					lexIndex[strings.Clone(w)] = k
					s.lexemes = append(s.lexemes, strings.Clone(w))
					s.postings = append(s.postings, nil)
				}
				s.postings[k] = append(s.postings[k], doc)
			}
			return err
		})
		if err != nil {
			return err
		}
		sort.Sort(byLexeme{&s})
		s.compact()
		return s.loadSources(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("search: load in-memory index: %w", err)
	}
	return &s, nil
}

// loadSources reads which sources announced each doc.
func (s *memSnap) loadSources(ctx context.Context, tx pgx.Tx) error {
	doc := make(map[int64]int32, len(s.id))
	for i, id := range s.id {
		doc[id] = int32(i)
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT ei.event_id, i.source_id
		FROM event_items ei JOIN items i ON i.id = ei.item_id JOIN events e ON e.id = ei.event_id
		WHERE `+store.PublicSQL)
	if err != nil {
		return err
	}
	s.sources = map[string]docSet{}
	var id int64
	var src string
	_, err = pgx.ForEachRow(rows, []any{&id, &src}, func() error {
		d, ok := doc[id]
		if !ok {
			return nil
		}
		set := s.sources[src]
		if set == nil {
			set = newDocSet(len(s.id))
			s.sources[strings.Clone(src)] = set
		}
		set.add(d)
		return nil
	})
	return err
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

// docSet is a set of doc numbers.
type docSet []uint64

func newDocSet(n int) docSet    { return make(docSet, (n+63)/64) }
func (d docSet) add(i int32)    { d[i>>6] |= 1 << (uint(i) & 63) }
func (d docSet) has(i int) bool { return d[i>>6]&(1<<(uint(i)&63)) != 0 }

func (d docSet) or(o docSet) {
	for i := range d {
		d[i] |= o[i]
	}
}

func (d docSet) and(o docSet) {
	for i := range d {
		d[i] &= o[i]
	}
}

// prefix adds the docs of every lexeme starting with p.
func (s *memSnap) prefix(set docSet, p string) {
	i := sort.SearchStrings(s.lexemes, p)
	for ; i < len(s.lexemes) && strings.HasPrefix(s.lexemes[i], p); i++ {
		for _, d := range s.postings[i] {
			set.add(d)
		}
	}
}

// textSet is the docs matching every word.
func (s *memSnap) textSet(terms []wordTerm) docSet {
	var all docSet
	for _, t := range terms {
		if t.stop {
			continue
		}
		set := newDocSet(len(s.id))
		s.prefix(set, t.german)
		if t.simple != "" {
			s.prefix(set, t.simple)
		}
		if all == nil {
			all = set
		} else {
			all.and(set)
		}
	}
	if all == nil {
		return newDocSet(len(s.id)) // stop words only: nothing matches, as in SQL
	}
	return all
}

// memQuery is a filter prepared for one snapshot.
type memQuery struct {
	s        *memSnap
	text     docSet // nil: no text condition
	src      docSet // nil: no source condition
	from, to int64
	online   string
	ff       facetFilter
	lo, hi   int // the docs the dates allow, by start
}

func (s *memSnap) query(f Filter, text docSet) *memQuery {
	q := &memQuery{s: s, text: text, from: math.MinInt64, to: math.MaxInt64, online: f.Online, lo: 0, hi: len(s.id)}
	if f.From != nil {
		q.from = f.From.UnixNano()
		// Nothing that starts more than the longest span before From can
		// still be on.
		if q.from > math.MinInt64+s.maxSpan {
			lo := q.from - s.maxSpan
			q.lo = sort.Search(len(s.id), func(i int) bool { return s.start[i] >= lo })
		}
	}
	if f.To != nil {
		q.to = f.To.UnixNano()
		q.hi = sort.Search(len(s.id), func(i int) bool { return s.start[i] >= q.to })
	}
	if len(f.Sources) > 0 {
		q.src = newDocSet(len(s.id))
		for _, id := range f.Sources {
			if set := s.sources[id]; set != nil {
				q.src.or(set)
			}
		}
	}
	q.ff = s.dicts.filter(s.fs, f)
	return q
}

// base reports whether doc i matches the shared conditions (text, dates,
// online mode).
func (q *memQuery) base(i int) bool {
	s := q.s
	if s.end[i] < q.from || s.start[i] >= q.to || (q.text != nil && !q.text.has(i)) || (q.src != nil && !q.src.has(i)) {
		return false
	}
	switch q.online {
	case "yes":
		return s.online[i] == event.OnlineYes || s.online[i] == event.OnlineHybrid
	case "no":
		return s.online[i] == event.OnlineNo || s.online[i] == event.OnlineHybrid
	case "hybrid":
		return s.online[i] == event.OnlineHybrid
	}
	return true
}

// matchesAtLeast reports whether n docs match the shared conditions, as
// the typo-tolerance decision counts them.
func (q *memQuery) matchesAtLeast(n int) bool {
	for i := q.lo; i < q.hi && n > 0; i++ {
		if q.base(i) {
			n--
		}
	}
	return n <= 0
}

// counts is the total, matched and facets, as countEntry.count.
func (q *memQuery) counts() Result {
	t := newFacetTally(q.ff)
	for i := q.lo; i < q.hi; i++ {
		if q.base(i) {
			t.add(q.s.row(i))
		}
	}
	return t.result(q.s.fs, &q.s.dicts)
}

// keys returns up to limit keys after c in order o (StartAsc or
// StartDesc), without events.
func (q *memQuery) keys(o Order, c *cursor, limit int) []pageKey {
	s := q.s
	if limit <= 0 {
		return nil
	}
	out := make([]pageKey, 0, limit)
	take := func(i int) bool {
		if !q.base(i) {
			return true
		}
		if q.ff.failed(s.row(i)) != 0 {
			return true
		}
		out = append(out, pageKey{cursor: cursor{Order: o, Start: time.Unix(0, s.start[i]), ID: s.id[i]}, end: time.Unix(0, s.end[i])})
		return len(out) < limit
	}
	// after is the first doc after (or, descending, at or after) c.
	after := func() int {
		cs, cid := c.Start.UnixNano(), c.ID
		return sort.Search(len(s.id), func(i int) bool {
			return s.start[i] > cs || (s.start[i] == cs && s.id[i] > cid)
		})
	}
	if o == StartDesc {
		top := q.hi
		if c != nil {
			// Docs before "after" are <= c; c itself is excluded below.
			top = min(top, after())
		}
		for i := top - 1; i >= q.lo; i-- {
			if c != nil && s.start[i] == c.Start.UnixNano() && s.id[i] == c.ID {
				continue
			}
			if !take(i) {
				break
			}
		}
		return out
	}
	first := q.lo
	if c != nil {
		first = max(first, after())
	}
	for i := first; i < q.hi; i++ {
		if !take(i) {
			break
		}
	}
	return out
}

// wordTerm is one query word as to_tsquery gives it: its german and simple
// lexemes (each matched as a prefix), or stop (the german configuration
// drops it, so SQL drops the word).
type wordTerm struct {
	german, simple string
	stop           bool
}

// errNotSingleLexeme: to_tsquery made more than one lexeme of a word; SQL
// answers such a search.
var errNotSingleLexeme = errors.New("word is not a single lexeme")

// wordCache keeps what to_tsquery made of each word asked for.
type wordCache struct {
	mu sync.Mutex
	m  map[string]wordTerm
}

const maxWordCache = 10_000

// terms resolves words (one query for the ones not cached).
func (m *memIndex) terms(ctx context.Context, words []string) ([]wordTerm, error) {
	out := make([]wordTerm, len(words))
	var missing []string
	m.words.mu.Lock()
	for i, w := range words {
		t, ok := m.words.m[w]
		if !ok {
			missing = append(missing, w)
		}
		out[i] = t
	}
	m.words.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := m.pool.Query(ctx, `SELECT w, numnode(g), g::text, numnode(s), s::text
		FROM unnest($1::text[]) w,
		     LATERAL (SELECT to_tsquery('german', quote_literal(tp_unaccent(w)) || ':*') g,
		                     to_tsquery('simple', quote_literal(tp_unaccent(w)) || ':*') s) x`, missing)
	if err != nil {
		return nil, fmt.Errorf("search: query words: %w", err)
	}
	found := map[string]wordTerm{}
	var w, g, s string
	var gn, sn int
	_, err = pgx.ForEachRow(rows, []any{&w, &gn, &g, &sn, &s}, func() error {
		var t wordTerm
		switch {
		case gn == 0:
			t.stop = true
		case gn != 1 || sn > 1:
			return fmt.Errorf("%w: %q gives %s / %s", errNotSingleLexeme, w, g, s)
		default:
			var err error
			if t.german, err = prefixLexeme(g); err != nil {
				return err
			}
			if sn == 1 {
				if t.simple, err = prefixLexeme(s); err != nil {
					return err
				}
			}
		}
		found[w] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.words.mu.Lock()
	if m.words.m == nil || len(m.words.m) > maxWordCache {
		m.words.m = map[string]wordTerm{}
	}
	for k, t := range found {
		m.words.m[k] = t
	}
	m.words.mu.Unlock()
	for i, w := range words {
		if t, ok := found[w]; ok {
			out[i] = t
		}
	}
	return out, nil
}

// prefixLexeme reads a one-lexeme prefix tsquery: 'berat':* gives berat.
func prefixLexeme(q string) (string, error) {
	if !strings.HasPrefix(q, "'") || !strings.HasSuffix(q, "':*") || len(q) < 4 {
		return "", fmt.Errorf("%w: %s", errNotSingleLexeme, q)
	}
	inner := q[1 : len(q)-3]
	// tsquery output doubles quotes and backslashes inside a lexeme.
	return strings.NewReplacer("''", "'", `\\`, `\`).Replace(inner), nil
}

// memSearch prepares a search on the snapshot: nil when the snapshot
// cannot answer it (a word that is not one lexeme).
func (m *memIndex) memSearch(ctx context.Context, s *memSnap, f Filter) (*memQuery, error) {
	words := Words(f.Query)
	var text docSet
	if len(words) > 0 {
		terms, err := m.terms(ctx, words)
		if errors.Is(err, errNotSingleLexeme) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		text = s.textSet(terms)
	}
	return s.query(f, text), nil
}
