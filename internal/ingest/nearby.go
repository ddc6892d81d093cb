package ingest

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// nearby is the known events around the days of a batch's new
// occurrences, read once in the batch's transaction after its day locks
// (store.EventsAround), from which each occurrence's candidates are picked
// with EventsNear's conditions. Reading them once per occurrence was half
// of a large feed's database time and of its JSON decoding, the same few
// hundred events read for every item of a day.
//
// It answers exactly as EventsNear would at that point of the
// transaction: events the transaction links to the crawled source
// afterwards leave the candidates (taken), and when an event loses a link
// (an announcement lists fewer dates) it steps aside (stale) and the store
// is asked again. It also holds the source's own events (OwnEventsNear),
// with their drafts, those the transaction creates or links included:
// they are candidates for a page of the site in another language only
// (dedup.Translation), which candidateRecords decides.
type nearby struct {
	stretches []store.Stretch // the stretches read, ordered and apart
	events    []store.Event   // ordered by start and id, none the crawled source's when read
	// own are the crawled source's, ordered by start and id, with only
	// the fields pickNear reads (store.OwnEventsAround); versions are
	// their source versions with only what tells a translation.
	own      []store.Event
	versions map[int64][]store.LinkedDraft
	linked   map[int64][]store.LinkedDraft // full source versions, as read or linked
	taken    map[int64]bool
	stale    bool
}

const (
	// nearbyMaxDays bounds a stretch read at once; an occurrence whose
	// own window is longer asks for itself, as before.
	nearbyMaxDays = 8
	// nearbyMaxEvents bounds what a batch holds; stretches with more are
	// not known to be complete, and the batch asks per occurrence.
	nearbyMaxEvents = 1500
)

// readNearby reads the events around drafts, the new occurrences of a
// batch, or returns nil when asking per occurrence is as good (fewer than
// two) or the stretches are too full. noOwn says that none of the
// crawled source's events can be a translation of the drafts (oneLanguage):
// they are not read.
func readNearby(ctx context.Context, db store.DB, sourceID string, drafts []event.Draft, noOwn bool) (*nearby, error) {
	if len(drafts) < 2 {
		return nil, nil
	}
	stretches := stretchesOf(drafts)
	if len(stretches) == 0 {
		return nil, nil
	}
	evs, err := store.EventsAround(ctx, db, stretches, sourceID, nearbyMaxEvents)
	if err != nil || len(evs) >= nearbyMaxEvents {
		return nil, err
	}
	// The own events with what tells translations in one query: each
	// occurrence checks them.
	var own []store.Event
	versions := map[int64][]store.LinkedDraft{}
	if !noOwn {
		if own, versions, err = store.OwnEventsAround(ctx, db, stretches, sourceID, nearbyMaxEvents); err != nil || len(own) >= nearbyMaxEvents {
			return nil, err
		}
	}
	return &nearby{stretches: stretches, events: evs, own: own, versions: versions,
		linked: map[int64][]store.LinkedDraft{}, taken: map[int64]bool{}}, nil
}

// stretchesOf joins the candidate windows of drafts into stretches of at
// most nearbyMaxDays, in order; a window longer than that is left out.
// The items of a transaction may lie on days far apart (pages of a
// site written together), and each stretch is read by the start index.
func stretchesOf(drafts []event.Draft) []store.Stretch {
	ws := make([]store.Stretch, 0, len(drafts))
	for _, d := range drafts {
		from, to := candidateWindow(d)
		if !to.After(from.AddDate(0, 0, nearbyMaxDays)) {
			ws = append(ws, store.Stretch{From: from, To: to})
		}
	}
	slices.SortFunc(ws, func(a, b store.Stretch) int { return a.From.Compare(b.From) })
	var out []store.Stretch
	for _, w := range ws {
		if n := len(out); n > 0 && !w.From.After(out[n-1].To) {
			if to := maxTime(out[n-1].To, w.To); !to.After(out[n-1].From.AddDate(0, 0, nearbyMaxDays)) {
				out[n-1].To = to
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// near is EventsNear(from, to, region) for the crawled source, and false
// when nb cannot answer it.
func (nb *nearby) near(from, to time.Time, region string) ([]store.Event, bool) {
	if nb == nil || nb.stale || !slices.ContainsFunc(nb.stretches, func(s store.Stretch) bool {
		return !from.Before(s.From) && !to.After(s.To)
	}) {
		return nil, false
	}
	return pickNear(nb.events, nb.taken, from, to, region), true
}

// ownNear is OwnEventsNear(from, to, region) for the crawled source, the
// events with only the fields pickNear reads (full: ownEvent); call it
// only when near answered.
func (nb *nearby) ownNear(from, to time.Time, region string) []store.Event {
	return pickNear(nb.own, nil, from, to, region)
}

// ownVersions are the source versions of own events, enough to tell a
// translation (TranslationIn); those not read with them are read in full.
func (nb *nearby) ownVersions(ctx context.Context, db store.DB, ids []int64) (map[int64][]store.LinkedDraft, error) {
	out := make(map[int64][]store.LinkedDraft, len(ids))
	var rest []int64
	for _, id := range ids {
		if v, ok := nb.versions[id]; ok {
			out[id] = v
		} else {
			rest = append(rest, id)
		}
	}
	full, err := nb.drafts(ctx, db, rest)
	for id, v := range full {
		out[id] = v
	}
	return out, err
}

// translations appends to evs those of own (ownNear's) that are rec in
// another language (translated), each read in full as the transaction
// sees it now, as OwnEventsNear would return it.
func (nb *nearby) translations(ctx context.Context, db store.DB, rec dedup.Record, lang string, own, evs []store.Event, langs *draftLanguages) ([]store.Event, error) {
	if len(own) == 0 {
		return evs, nil
	}
	versions, err := nb.ownVersions(ctx, db, eventIDs(own))
	if err != nil {
		return nil, err
	}
	for _, e := range own {
		if !translated(langs, rec, lang, versions[e.ID]) {
			continue
		}
		full, err := store.GetEvent(ctx, db, e.ID)
		if err != nil {
			return nil, err
		}
		evs = append(evs, full)
	}
	return evs, nil
}

// pickNear applies eventsNear's conditions to evs, leaving out taken.
func pickNear(evs []store.Event, taken map[int64]bool, from, to time.Time, region string) []store.Event {
	earliest := from.AddDate(0, 0, -3)
	var out []store.Event
	for _, e := range evs {
		s, end := e.Draft.Start, e.Draft.End
		switch {
		case !s.Before(to) || s.Before(earliest) || taken[e.ID]:
			continue
		case s.Before(from) && (end.IsZero() || end.Before(from)):
			continue
		case region != "" && e.Draft.Place.Region != "" && e.Draft.Place.Region != region && e.Draft.Online != event.OnlineYes:
			continue
		}
		if out = append(out, e); len(out) == store.NearLimit {
			break
		}
	}
	return out
}

// drafts is LinkedDraftsOf, reading only the events not read before.
func (nb *nearby) drafts(ctx context.Context, db store.DB, ids []int64) (map[int64][]store.LinkedDraft, error) {
	var missing []int64
	for _, id := range ids {
		if _, ok := nb.linked[id]; !ok {
			missing = append(missing, id)
		}
	}
	got, err := store.LinkedDraftsOf(ctx, db, missing)
	if err != nil {
		return nil, err
	}
	for _, id := range missing {
		nb.linked[id] = got[id]
	}
	out := make(map[int64][]store.LinkedDraft, len(ids))
	for _, id := range ids {
		out[id] = nb.linked[id]
	}
	return out, nil
}

// draftLanguages caches dedup.TextLanguage of the crawled source's
// linked drafts for a crawl: every new occurrence checks the source's own
// events near it for translations, and detecting the same pages'
// languages again for each grows with the square of the pages of a few
// days. Keyed by the text, a page changed in the crawl is detected anew.
type draftLanguages struct {
	mu sync.Mutex
	m  map[draftText]string
}

type draftText struct {
	item               int64
	title, description string
}

// draftLanguagesMax bounds the cache; past it, it starts again.
const draftLanguagesMax = 50_000

// of is dedup.TextLanguage of l's draft; dl may be nil.
func (dl *draftLanguages) of(l store.LinkedDraft) string {
	if dl == nil {
		return dedup.TextLanguage(dedup.Record{Draft: l.Draft})
	}
	k := draftText{l.ItemID, l.Draft.Title, l.Draft.Description}
	dl.mu.Lock()
	lang, ok := dl.m[k]
	dl.mu.Unlock()
	if ok {
		return lang
	}
	lang = dedup.TextLanguage(dedup.Record{Draft: l.Draft})
	dl.mu.Lock()
	if dl.m == nil || len(dl.m) >= draftLanguagesMax {
		dl.m = map[draftText]string{}
	}
	dl.m[k] = lang
	dl.mu.Unlock()
	return lang
}

// link notes that the transaction linked an event to the crawled source
// (created it, when created): it leaves the candidates and becomes one of
// the source's own, l among its drafts.
func (nb *nearby) link(evID int64, created bool, l store.LinkedDraft) {
	if nb == nil {
		return
	}
	nb.taken[evID] = true
	if created {
		nb.addOwn(store.Event{ID: evID, Draft: l.Draft})
		nb.linked[evID] = []store.LinkedDraft{l}
		nb.versions[evID] = []store.LinkedDraft{l}
		return
	}
	if vs, ok := nb.versions[evID]; ok {
		nb.versions[evID] = append(vs, l)
	}
	if !slices.ContainsFunc(nb.own, func(e store.Event) bool { return e.ID == evID }) {
		if i := slices.IndexFunc(nb.events, func(e store.Event) bool { return e.ID == evID }); i >= 0 {
			nb.addOwn(nb.events[i])
		}
	}
	if ls, ok := nb.linked[evID]; ok {
		// Unread drafts are read from the transaction, which has l.
		nb.linked[evID] = append(ls, l)
	}
}

// addOwn inserts e into own in its order (start, then id), as the store
// would return it.
func (nb *nearby) addOwn(e store.Event) {
	i, _ := slices.BinarySearchFunc(nb.own, e, func(a, b store.Event) int {
		if c := a.Draft.Start.Compare(b.Draft.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	nb.own = slices.Insert(nb.own, i, e)
}

// unlinked notes that events lost links: nb no longer knows their drafts.
func (nb *nearby) unlinked(gone []int64) {
	if nb != nil && len(gone) > 0 {
		nb.stale = true
	}
}

// candidateWindow is the stretch of days in which a new occurrence meets
// known events: the day before its start to the day after, or to its last
// day for a short multi-day record.
func candidateWindow(d event.Draft) (from, to time.Time) {
	day := startOfDay(d.Start.In(event.Berlin))
	from, to = day.AddDate(0, 0, -1), day.AddDate(0, 0, 2)
	if !d.End.IsZero() {
		// A short multi-day record meets the events on each of its days.
		last := startOfDay(d.End.In(event.Berlin)).AddDate(0, 0, 1)
		if last.After(to) && !last.After(day.AddDate(0, 0, dedup.MaxSpanDays)) {
			to = last
		}
	}
	return from, to
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// newOccurrences are the drafts of a batch's readings that have no event
// yet (not in links): those place matches.
func newOccurrences(reads []reading, links []map[int]int64) []event.Draft {
	var out []event.Draft
	for i, r := range reads {
		for k, d := range r.drafts {
			if _, ok := links[i][k]; !ok {
				out = append(out, d)
			}
		}
	}
	return out
}

// oneLanguage reports whether no event of the crawled source can be a
// translation of the batch's new occurrences, so the batch need not read
// them: in a first crawl (the store held no item of the source) the
// source's events are those this crawl wrote, and when they and the
// batch are all in one language (or none), none is another language's
// page (dedup.TranslationIn). A first crawl of a one-language site read
// hundreds of its own events per batch for nothing.
func (c *crawl) oneLanguage(reads []reading, links []map[int]int64, items []int64) bool {
	if !c.fresh {
		return false
	}
	seen := map[string]bool{}
	for i, r := range reads {
		for k, d := range r.drafts {
			if _, ok := links[i][k]; !ok {
				if l := c.langs.of(store.LinkedDraft{ItemID: items[i], Draft: d}); l != "" {
					seen[l] = true
				}
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for l := range c.ownLangs {
		seen[l] = true
	}
	return len(seen) <= 1
}

// wroteLanguage notes the text language of a draft the crawl links to an
// event (oneLanguage), before its transaction commits: a rolled-back one
// only makes later batches read more.
func (c *crawl) wroteLanguage(itemID int64, d event.Draft) {
	l := c.langs.of(store.LinkedDraft{ItemID: itemID, Draft: d})
	if l == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ownLangs == nil {
		c.ownLangs = map[string]bool{}
	}
	c.ownLangs[l] = true
}
