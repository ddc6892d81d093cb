package dedup

import "sync"

// Index is an in-memory blocking index for incremental matching: each record
// is prepared once on Add and filed under every day it covers, so Match only
// scores records that could be the same event. The store does the same
// blocking in SQL; Index serves tests, tools and the benchmarks.
//
// Blocking: the spec's "start date ±1 day" window is narrowed to the days
// that can produce Same under the hard rules, i.e. the record's own start
// day and, for multi-day events, the days of its span (a record on the day
// before or after can only be Same through a multi-day span, which is filed
// under each of its days). Where both regions are known and neither event
// is online-only, other regions are skipped.
//
// An Index is safe for concurrent use.
type Index struct {
	mu    sync.RWMutex
	recs  chunked[Record]
	feats chunked[features]
	alive []bool
	byDay map[int32][]int32
	byID  map[int64]int32
	n     int // alive records
}

// chunked is an append-only slice in fixed blocks: growing it never copies
// what it holds and never leaves a half-empty doubled array behind.
type chunked[T any] struct{ blocks [][]T }

const (
	blockShift = 10
	blockSize  = 1 << blockShift
)

func (c *chunked[T]) append(v T) {
	if n := len(c.blocks); n == 0 || len(c.blocks[n-1]) == blockSize {
		c.blocks = append(c.blocks, make([]T, 0, blockSize))
	}
	last := &c.blocks[len(c.blocks)-1]
	*last = append(*last, v)
}

func (c *chunked[T]) at(i int32) *T { return &c.blocks[i>>blockShift][i&(blockSize-1)] }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byDay: map[int32][]int32{}, byID: map[int64]int32{}}
}

// Len reports how many records the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.n
}

// Add files r. A record with the ID of one already held replaces it (a
// re-crawl changed the event); records with ID 0 are always added.
func (ix *Index) Add(r Record) {
	f := prepare(r)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.add(r, f)
}

// MatchAdd is Match followed by Add, as a pipeline does on arrival of a new
// item, preparing r only once. The match is looked for among the records
// held before r.
func (ix *Index) MatchAdd(r Record) (Record, Evidence, bool) {
	f := prepare(r)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	m, ev, ok := ix.match(f)
	ix.add(r, f)
	return m, ev, ok
}

func (ix *Index) add(r Record, f *features) {
	if r.ID != 0 {
		if old, ok := ix.byID[r.ID]; ok {
			ix.alive[old] = false
			ix.n--
		}
	}
	i := int32(len(ix.alive))
	ix.recs.append(r)
	ix.feats.append(*f)
	ix.alive = append(ix.alive, true)
	ix.n++
	if r.ID != 0 {
		ix.byID[r.ID] = i
	}
	if f.noDate {
		return
	}
	for d := f.day; d <= f.lastDay; d++ {
		ix.byDay[d] = append(ix.byDay[d], i)
	}
}

// Remove drops the record with the given id; it reports whether there was one.
func (ix *Index) Remove(id int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	i, ok := ix.byID[id]
	if !ok {
		return false
	}
	ix.alive[i] = false
	ix.n--
	delete(ix.byID, id)
	return true
}

// Match returns the held record that is the same event as r with the
// highest score, and the evidence; ok is false when there is none.
func (ix *Index) Match(r Record) (Record, Evidence, bool) {
	f := prepare(r)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.match(f)
}

func (ix *Index) match(f *features) (Record, Evidence, bool) {
	if f.noDate {
		return Record{}, Evidence{}, false
	}
	best := int32(-1)
	var bp parts
	for d := f.day; d <= f.lastDay; d++ {
		for _, i := range ix.byDay[d] {
			if !ix.alive[i] {
				continue
			}
			c := ix.feats.at(i)
			if d != max(c.day, f.day) { // already seen under an earlier day of both spans
				continue
			}
			if c.region != "" && f.region != "" && c.region != f.region && !c.onlineOnly && !f.onlineOnly {
				continue
			}
			p := score(f, c, true)
			if p.verdict != Same {
				continue
			}
			if best < 0 || better(&p, *ix.recs.at(i), &bp, *ix.recs.at(best)) {
				best, bp = i, p
			}
		}
	}
	if best < 0 {
		return Record{}, Evidence{}, false
	}
	return *ix.recs.at(best), evidence(f, ix.feats.at(best), &bp), true
}
