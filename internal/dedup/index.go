package dedup

import (
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Index is an in-memory blocking index for incremental matching: each record
// is prepared once on Add and filed under every day it covers, so Match only
// scores records that could be the same event. The store does the same
// blocking in SQL; Index serves tests, tools and the benchmarks.
//
// Blocking: the spec's "start date ±1 day" window is narrowed to the days
// that can produce Same under the hard rules, i.e. the record's own start
// day and, for multi-day events, the days of its span (a record on the day
// before or after can only be Same through a multi-day span, which is filed
// under each of its days; a later day of an event, eventDay, is filed back
// to the day the event began). Where both regions are known and neither event
// is online-only, other regions are skipped.
//
// An Index is safe for concurrent use.
type Index struct {
	mu    sync.RWMutex
	recs  chunked[Record]
	feats chunked[features]
	alive []bool
	// event numbers the event each record joined (MatchAdd): the
	// versions of one event count once when template text is learned,
	// as they share an event ID in the store.
	event []int32
	byDay map[int32][]entry
	byID  map[int64]int32
	n     int // alive records
}

// entry files a record under a day with what blocking needs, so most
// candidates are passed over without touching their features.
type entry struct {
	i      int32 // position in recs and feats
	day    int32 // the record's start day
	first  int32 // the first day it is filed under (features.firstDay)
	minute int16 // start minute, -1 unknown
	region uint8 // regionCode
	online bool  // online only
}

// regionCode numbers the region slugs: 0 unknown, 1.. event.Regions,
// otherRegion for anything else (compared as strings by Compare).
func regionCode(slug string) uint8 {
	if slug == "" {
		return 0
	}
	for i, r := range event.Regions {
		if r == slug {
			return uint8(i + 1)
		}
	}
	return otherRegion
}

const otherRegion = 255

// blocked reports whether e cannot be the same event as f: another known
// region (neither online only), or the same start day with start times more
// than an hour apart (the hard rules of Compare, checked early).
func blocked(e entry, f *features, fRegion uint8) bool {
	if e.region != 0 && fRegion != 0 && e.region != fRegion && e.region != otherRegion && fRegion != otherRegion &&
		!e.online && !f.onlineOnly {
		return true
	}
	if e.day == f.day && e.minute >= 0 && f.minute >= 0 {
		d := e.minute - f.minute
		return d > 60 || d < -60
	}
	return false
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
	return &Index{byDay: map[int32][]entry{}, byID: map[int64]int32{}}
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
	at, ev, ok := ix.match(f)
	var m Record
	if ok {
		m = *ix.recs.at(at)
	}
	ix.add(r, f)
	if ok {
		ix.event[len(ix.event)-1] = ix.event[at]
	}
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
	ix.event = append(ix.event, i)
	ix.n++
	if r.ID != 0 {
		ix.byID[r.ID] = i
	}
	if f.noDate {
		return
	}
	e := entry{i: i, day: f.day, first: f.firstDay, minute: f.minute, region: regionCode(f.region), online: f.onlineOnly}
	for d := f.firstDay; d <= f.lastDay; d++ {
		ix.byDay[d] = append(ix.byDay[d], e)
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
	at, ev, ok := ix.match(f)
	if !ok {
		return Record{}, ev, false
	}
	return *ix.recs.at(at), ev, true
}

// match returns the position of the best Same record.
func (ix *Index) match(f *features) (int32, Evidence, bool) {
	if f.noDate {
		return -1, Evidence{}, false
	}
	best := int32(-1)
	var bp parts
	fRegion := regionCode(f.region)
	// The block: every live record of the record's days. Its template
	// text is learned from all of it, before any pair is scored.
	var block []int32
	var feats []*features
	var ids []int64
	for d := f.firstDay; d <= f.lastDay; d++ {
		for _, e := range ix.byDay[d] {
			if d != max(e.first, f.firstDay) || !ix.alive[e.i] { // already seen under an earlier day of both spans
				continue
			}
			feats = append(feats, ix.feats.at(e.i))
			ids = append(ids, int64(ix.event[e.i])+1)
			if !blocked(e, f, fRegion) {
				block = append(block, e.i)
			}
		}
	}
	markTemplates(f, feats, ids)
	defer func() { f.tmpl = 0 }() // f is filed after the match
	for _, i := range block {
		p := score(f, ix.feats.at(i), true)
		if p.verdict != Same {
			continue
		}
		if best < 0 || better(&p, *ix.recs.at(i), &bp, *ix.recs.at(best)) {
			best, bp = i, p
		}
	}
	if best < 0 {
		return -1, Evidence{}, false
	}
	return best, evidence(f, ix.feats.at(best), &bp), true
}
