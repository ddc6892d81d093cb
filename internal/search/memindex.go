package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
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
// words dropped). A snapshot answers a search only when it holds every
// write the search's database version counts; when the data moves, one
// applier (memindex_apply.go) reads just the events changed since and
// puts a new snapshot in place within milliseconds, and a search waits
// for it briefly before it asks SQL. Searches it does not cover
// (relevance order, typo tolerance, unpublished events) always go to SQL.
type memIndex struct {
	pool *pgxpool.Pool
	fs   FacetSet
	ctx  context.Context // bounds the applier
	log  *slog.Logger
	o    memOptions

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
	p.mem = &memIndex{pool: pool, fs: p.fs, ctx: ctx, log: log, o: o,
		published: make(chan struct{}), kick: make(chan struct{}, 1)}
	return p
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
	s, err := loadSnap(ctx, m.pool, m.fs)
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

// covers reports whether a search can be answered from the snapshot: it
// refuses relevance order, typo matching, unpublished events and any facet
// its set does not hold, rather than answer with a condition ignored.
func (m *memIndex) covers(f Filter, o Order, fuzzy bool) bool {
	if m == nil || fuzzy || o == Relevance || f.IncludeUnpublished {
		return false
	}
	for name := range f.Extra {
		if !slices.ContainsFunc(m.fs, func(fc *Facet) bool { return fc.Name == name && fc.get == nil }) {
			return false
		}
	}
	return true
}

// memSelect reads the public events as the index holds them; the lexemes
// come as one string per event (separated by the unit separator, which no
// lexeme contains): one allocation per event instead of one per lexeme.
// With sources, the last column is the ids of the sources that announced
// the event.
func memSelect(fs FacetSet, sources bool) string {
	q := `SELECT e.id, e.start_at, tp_event_end(e.start_at, e.end_at, e.all_day), e.online,
			array_to_string(tsvector_to_array(e.search_doc), E'\x1f')` + fs.selectList()
	if sources {
		q += `, ARRAY(SELECT DISTINCT i.source_id FROM event_items ei JOIN items i ON i.id = ei.item_id WHERE ei.event_id = e.id)`
	}
	return q + ` FROM events e WHERE ` + store.PublicSQL
}

// memRow is one event as the index holds it.
type memRow struct {
	id         int64
	start, end int64 // Unix nanoseconds
	online     event.OnlineMode
	facets     []uint64 // len(fs) words (facetbits.go)
	lexemes    string   // search_doc's, separated by \x1f
	sources    []string
}

// rowScan receives memSelect's rows.
type rowScan struct {
	id              int64
	start, end      time.Time
	online, lexemes string
	facets          *facetScan
	sources         []string
	dest            []any
}

// newRowScan receives memSelect(fs, sources).
func newRowScan(fs FacetSet, sources bool) *rowScan {
	r := &rowScan{facets: newFacetScan(fs)}
	r.dest = append([]any{&r.id, &r.start, &r.end, &r.online, &r.lexemes}, r.facets.dest...)
	if sources {
		r.dest = append(r.dest, &r.sources)
	}
	return r
}

// row is the scanned row, its facet values numbered in d (appended to
// facets).
func (r *rowScan) row(d *facetDicts, facets []uint64) (memRow, error) {
	f, err := d.appendRow(facets, r.facets)
	return memRow{id: r.id, start: r.start.UnixNano(), end: r.end.UnixNano(), online: event.OnlineMode(r.online),
		facets: f, lexemes: r.lexemes, sources: r.sources}, err
}

// segBuilder builds a segment (the base snapshot or a delta) from events
// added in (start, id) order.
type segBuilder struct {
	s   *memSnap
	lex map[string]int32
}

func newSegBuilder(fs FacetSet, dicts facetDicts) *segBuilder {
	return &segBuilder{s: &memSnap{fs: fs, dicts: dicts, sources: map[string]docSet{}}, lex: map[string]int32{}}
}

// add appends r as the next doc.
func (b *segBuilder) add(r *memRow) {
	s := b.s
	doc := int32(len(s.id))
	s.facets = append(s.facets, r.facets...)
	s.id = append(s.id, r.id)
	s.start = append(s.start, r.start)
	s.end = append(s.end, r.end)
	s.online = append(s.online, r.online)
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

// loadSnap reads a snapshot: the version, Postgres' snapshot, the public
// events with their lexemes and their sources, all in one repeatable-read
// transaction, so the version labels exactly the data read.
func loadSnap(ctx context.Context, pool *pgxpool.Pool, fs FacetSet) (*memSnap, error) {
	var s *memSnap
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		v, pgSnap, err := readState(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, memSelect(fs, false)+` ORDER BY e.start_at, e.id`)
		if err != nil {
			return err
		}
		b := newSegBuilder(fs, newFacetDicts(fs))
		scan := newRowScan(fs, false)
		var facets []uint64
		_, err = pgx.ForEachRow(rows, scan.dest, func() error {
			r, err := scan.row(&b.s.dicts, facets[:0])
			facets = r.facets
			b.add(&r)
			return err
		})
		if err != nil {
			return err
		}
		s = b.done()
		s.version, s.pgSnap = v, pgSnap
		return s.loadSources(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("search: load in-memory index: %w", err)
	}
	return s, nil
}

// loadSources reads which sources announced each doc.
func (s *memSnap) loadSources(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT ei.event_id, i.source_id
		FROM event_items ei JOIN items i ON i.id = ei.item_id JOIN events e ON e.id = ei.event_id
		WHERE `+store.PublicSQL)
	if err != nil {
		return err
	}
	var id int64
	var src string
	_, err = pgx.ForEachRow(rows, []any{&id, &src}, func() error {
		if d, ok := s.docOf(id); ok {
			s.addSource(d, src)
		}
		return nil
	})
	return err
}

// addSource records that source src announced doc d.
func (s *memSnap) addSource(d int32, src string) {
	set := s.sources[src]
	if set == nil {
		set = newDocSet(len(s.id))
		s.sources[strings.Clone(src)] = set
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

// memQuery is a filter prepared for one segment of a snapshot; delta is
// the same filter on the snapshot's delta segment.
type memQuery struct {
	s        *memSnap
	text     docSet // nil: no text condition
	src      docSet // nil: no source condition
	dead     docSet // nil: every doc is current
	from, to int64
	online   string
	ff       facetFilter
	lo, hi   int       // the docs the dates allow, by start
	delta    *memQuery // the next segment's
}

// query prepares f on the snapshot's segments, texts being the docs the
// text matches in each (nil: no text condition). The first segment's
// dictionaries are the newest, valid for all.
func (s *memSnap) query(f Filter, texts []docSet) *memQuery {
	ff := s.dicts.filter(s.fs, f)
	var head, tail *memQuery
	for i, seg := 0, s; seg != nil; i, seg = i+1, seg.delta {
		var text docSet
		if texts != nil {
			text = texts[i]
		}
		q := seg.segQuery(f, text, ff)
		q.dead = seg.dead
		if head == nil {
			head = q
		} else {
			tail.delta = q
		}
		tail = q
	}
	return head
}

// refilter prepares f with q's text (the same words).
func (q *memQuery) refilter(f Filter) *memQuery {
	var texts []docSet
	if q.text != nil {
		for sq := q; sq != nil; sq = sq.delta {
			texts = append(texts, sq.text)
		}
	}
	return q.s.query(f, texts)
}

func (s *memSnap) segQuery(f Filter, text docSet, ff facetFilter) *memQuery {
	q := &memQuery{s: s, text: text, ff: ff, from: math.MinInt64, to: math.MaxInt64, online: f.Online, lo: 0, hi: len(s.id)}
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
	return q
}

// base reports whether doc i matches the shared conditions (text, dates,
// online mode).
func (q *memQuery) base(i int) bool {
	s := q.s
	if s.end[i] < q.from || s.start[i] >= q.to || (q.text != nil && !q.text.has(i)) || (q.src != nil && !q.src.has(i)) ||
		(q.dead != nil && q.dead.has(i)) {
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
	for ; q != nil; q = q.delta {
		for i := q.lo; i < q.hi && n > 0; i++ {
			if q.base(i) {
				n--
			}
		}
	}
	return n <= 0
}

// counts is the total, matched and facets, as countEntry.count.
func (q *memQuery) counts() Result {
	t := newFacetTally(q.ff)
	for sq := q; sq != nil; sq = sq.delta {
		for i := sq.lo; i < sq.hi; i++ {
			if sq.base(i) {
				t.add(sq.s.row(i))
			}
		}
	}
	return t.result(q.s.fs, &q.s.dicts)
}

// keys returns up to limit keys after c in order o (StartAsc or
// StartDesc), without events: every segment's, merged.
func (q *memQuery) keys(o Order, c *cursor, limit int) []pageKey {
	out := q.segKeys(o, c, limit)
	merged := false
	for sq := q.delta; sq != nil; sq = sq.delta {
		if more := sq.segKeys(o, c, limit); len(more) > 0 {
			out, merged = append(out, more...), true
		}
	}
	if !merged {
		return out
	}
	slices.SortFunc(out, func(a, b pageKey) int {
		c := cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
		if o == StartDesc {
			return -c
		}
		return c
	})
	return out[:min(limit, len(out))]
}

// segKeys is keys in one segment.
func (q *memQuery) segKeys(o Order, c *cursor, limit int) []pageKey {
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
	var texts []docSet
	if len(words) > 0 {
		terms, err := m.terms(ctx, words)
		if errors.Is(err, errNotSingleLexeme) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for seg := s; seg != nil; seg = seg.delta {
			texts = append(texts, seg.textSet(terms))
		}
	}
	return s.query(f, texts), nil
}
