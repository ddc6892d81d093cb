package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Boilerplate is a paragraph found on at least this many pages of a site
// and on this share of them. A radio-show blurb appended to every fifth
// page counts; an intro a conference series repeats on a tenth of the
// pages does not.
const (
	boilerplateMinPages = 4
	boilerplateShare    = 0.15
)

// boilerplate is a site's learned boilerplate, nil when none is known.
type boilerplate struct {
	paragraphs []string
	b          *dedup.Boilerplate
}

func loadBoilerplate(ctx context.Context, pool *pgxpool.Pool, sourceID string) (boilerplate, error) {
	ps, err := store.Boilerplate(ctx, pool, sourceID)
	if err != nil || len(ps) == 0 {
		return boilerplate{}, err
	}
	return boilerplate{paragraphs: ps, b: dedup.BoilerplateFrom(ps)}, nil
}

// strip removes boilerplate paragraphs from an item's text and HTML.
func (bp boilerplate) strip(it event.Item) event.Item {
	if bp.b == nil {
		return it
	}
	it.Text = bp.b.Strip(it.Text)
	if it.HTML != "" {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(it.HTML))
		if err == nil {
			removed := false
			doc.Find("p, div, li, blockquote, section, aside").Each(func(_ int, s *goquery.Selection) {
				if s.Find("p, div, li").Length() > 0 {
					return // strip leaves, not containers
				}
				if t := strings.TrimSpace(s.Text()); t != "" && strings.TrimSpace(bp.b.Strip(t)) == "" {
					s.Remove()
					removed = true
				}
			})
			if removed {
				if h, err := doc.Find("body").Html(); err == nil {
					it.HTML = h
				}
			}
		}
	}
	return it
}

// relearnBoilerplate learns the site's boilerplate from all its live items.
// When it changed, every item is normalised again from its stored raw
// extract, so descriptions and matching never carry a radio-show blurb.
func (c *crawl) relearnBoilerplate(ctx context.Context, log *slog.Logger) error {
	items, err := store.LiveItems(ctx, c.p.Pool, c.src.ID)
	if err != nil {
		return err
	}
	decoded := make([]event.Item, 0, len(items))
	pageTexts := map[string][]string{}
	var pageOrder []string
	for _, li := range items {
		var it event.Item
		if err := json.Unmarshal(li.Raw, &it); err != nil {
			return fmt.Errorf("decode item %d: %w", li.ID, err)
		}
		decoded = append(decoded, it)
		if _, ok := pageTexts[li.PageURL]; !ok {
			pageOrder = append(pageOrder, li.PageURL)
		}
		pageTexts[li.PageURL] = append(pageTexts[li.PageURL], it.Text)
	}
	texts := make([][]string, 0, len(pageOrder))
	for _, u := range pageOrder {
		texts = append(texts, pageTexts[u])
	}
	learned := learnBoilerplate(texts)
	ps := learned.Paragraphs()
	slices.Sort(ps)
	// Every stored item was read with the boilerplate in use, which is the
	// stored one (warmUp stores its provisional one before using it): only
	// when the learned one differs is it stored and are items read again.
	inUse := slices.Clone(c.bp.paragraphs)
	slices.Sort(inUse)
	if slices.Equal(ps, inUse) {
		return nil
	}
	log.Info("boilerplate relearned", "paragraphs", len(ps), "before", len(inUse))
	if err := store.SaveBoilerplate(ctx, c.p.Pool, c.src.ID, ps); err != nil {
		return err
	}
	before := c.bp
	c.bp = boilerplate{paragraphs: ps, b: learned}
	// Only items the new boilerplate reads differently need their events
	// recomputed; they are written by several writers, a batch to a
	// transaction, as pages are (one transaction each made the re-reads
	// half of the 2,000-page crawl's statements).
	var changed []int
	for i := range items {
		if a, b := before.strip(decoded[i]), c.bp.strip(decoded[i]); a.Text != b.Text || a.HTML != b.HTML {
			changed = append(changed, i)
		}
	}
	batches := (len(changed) + itemBatch - 1) / itemBatch
	return writeAll(ctx, batches, func(ctx context.Context, k int) error {
		var ids []int64
		var reads []reading
		for _, i := range changed[k*itemBatch : min((k+1)*itemBatch, len(changed))] {
			r := c.read(decoded[i])
			if c.readSame(decoded[i].Key, r) {
				// The new boilerplate changed only blank lines or text the
				// normaliser does not use: what this crawl wrote stands.
				continue
			}
			ids, reads = append(ids, items[i].ID), append(reads, r)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := c.rewrite(ctx, ids, reads); err != nil {
			return fmt.Errorf("renormalise items %d…: %w", ids[0], err)
		}
		return nil
	})
}

// templateBlockLimit bounds the events read to learn template text: a
// day of a big programme has a few hundred.
const templateBlockLimit = 1000

// candidatesAndBlock returns candidates and the block of every event of
// the draft's days, of any source and region, in which dedup counts how
// many events share a sentence (dedup.BestMatchIn): the events of the
// draft's own organiser are the best witnesses that a sentence is its
// template, and they are never candidates (but for translations).
func candidatesAndBlock(ctx context.Context, db store.DB, rec dedup.Record, nb *nearby, langs *draftLanguages) ([]dedup.Record, []dedup.Record, error) {
	d := rec.Draft
	recs, err := candidateRecords(ctx, db, rec, nb, langs)
	if err != nil || len(recs) == 0 || d.Description == "" {
		// Nothing to match, or no text whose template parts would need
		// telling apart: no block to read.
		return recs, nil, err
	}
	day := startOfDay(d.Start.In(event.Berlin))
	to := day.AddDate(0, 0, 1)
	if !d.End.IsZero() {
		if last := startOfDay(d.End.In(event.Berlin)).AddDate(0, 0, 1); last.After(to) && !last.After(day.AddDate(0, 0, dedup.MaxSpanDays)) {
			to = last
		}
	}
	texts, err := store.EventTextsNear(ctx, db, day, to, templateBlockLimit)
	if err != nil {
		return nil, nil, err
	}
	block := make([]dedup.Record, len(texts))
	for i, t := range texts {
		block[i] = dedup.Record{ID: t.ID, Draft: event.Draft{Start: t.Start, AllDay: t.AllDay, Description: t.Description}}
		if t.End != nil {
			block[i].Draft.End = *t.End
		}
	}
	return recs, block, nil
}

// candidateRecords returns the known events a new occurrence rec of the
// crawled source may duplicate, each as its canonical draft and as every
// live source version linked to it (all with the event's ID): the
// occurrence joins the event when it matches any of them, so the outcome
// does not depend on which source's fields won the merge, that is on the
// order in which sources were crawled. The source's own events are among
// them only when each of their live versions from the source is the same
// page in another language (dedup.Translation): a site's own two events
// are never merged.
func candidateRecords(ctx context.Context, db store.DB, rec dedup.Record, nb *nearby, langs *draftLanguages) ([]dedup.Record, error) {
	d := rec.Draft
	from, to := candidateWindow(d)
	region := d.Place.Region
	if d.Online == event.OnlineYes {
		region = "" // an online event has no place that could conflict
	}
	// Only a text in one language can have a translation.
	lang := dedup.TextLanguage(rec)
	evs, ok := nb.near(from, to, region)
	var own []store.Event
	switch {
	case ok && lang != "":
		own = nb.ownNear(from, to, region)
	case !ok:
		var err error
		if evs, err = store.EventsNear(ctx, db, from, to, region, rec.SourceID); err != nil {
			return nil, err
		}
		if lang != "" {
			if own, err = store.OwnEventsNear(ctx, db, from, to, region, rec.SourceID); err != nil {
				return nil, err
			}
		}
	}
	var linked map[int64][]store.LinkedDraft
	var err error
	if ok {
		// nearby holds its own events with only what tells a
		// translation: a translation is read in full.
		if evs, err = nb.translations(ctx, db, rec, lang, own, evs, langs); err != nil {
			return nil, err
		}
		linked, err = nb.drafts(ctx, db, eventIDs(evs))
	} else {
		linked, err = store.LinkedDraftsOf(ctx, db, eventIDs(slices.Concat(evs, own)))
		for _, e := range own {
			if translated(langs, rec, lang, linked[e.ID]) {
				evs = append(evs, e)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	recs := make([]dedup.Record, 0, 3*len(evs))
	for _, e := range evs {
		recs = append(recs, dedup.Record{ID: e.ID, Organizer: e.Draft.Organizer, Draft: e.Draft})
		for _, l := range linked[e.ID] {
			if !l.Vanished {
				recs = append(recs, dedup.Record{ID: e.ID, SourceID: l.SourceID, Organizer: l.Draft.Organizer,
					URL: l.URL, Draft: l.Draft})
			}
		}
	}
	return recs, nil
}

// translated reports whether an event of rec's source is rec in another
// language: each of its live versions from the source is (and there is
// one).
func translated(langs *draftLanguages, rec dedup.Record, lang string, linked []store.LinkedDraft) bool {
	n := 0
	for _, l := range linked {
		if l.Vanished || l.SourceID != rec.SourceID {
			continue
		}
		if !dedup.TranslationIn(rec, lang, dedup.Record{SourceID: l.SourceID, URL: l.URL, Draft: l.Draft}, langs.of(l)) {
			return false
		}
		n++
	}
	return n > 0
}

// learnBoilerplate learns a site's boilerplate from its pages, each given
// as the texts of its items. Pages, not items, are counted: the four
// events of one page share their text without it being the site's
// boilerplate.
func learnBoilerplate(pages [][]string) *dedup.Boilerplate {
	texts := make([]string, 0, len(pages))
	for _, its := range pages {
		// A feed is one page of thousands of items: a set, not a scan.
		seen := make(map[string]bool, len(its))
		distinct := make([]string, 0, len(its))
		for _, t := range its {
			if !seen[t] {
				seen[t] = true
				distinct = append(distinct, t)
			}
		}
		texts = append(texts, strings.Join(distinct, "\n"))
	}
	return dedup.LearnBoilerplate(texts, boilerplateMinPages, boilerplateShare)
}

// A site's first crawl (no boilerplate known) holds its first changed
// pages until warmPages of them with items, or warmItems items, are
// fetched, and learns a provisional boilerplate from them before any is
// written. Without it every item was written with its boilerplate, and
// written again when the boilerplate was learned after the crawl: in the
// 2,000-page benchmark half of PostgreSQL's time went to rewriting the
// events. The boilerplate learned from all pages at the end still decides
// (relearnBoilerplate); items it reads differently are written again, as
// before. What is held is bounded by both constants (and a page's caps).
const (
	warmPages = 128
	warmItems = 5000
)

// warmUp holds a first crawl's first pages (see warmPages); it runs on
// Crawl's emit, serially, and its pages go to the writers only after
// c.bp is set, so the writers read it without a lock.
type warmUp struct {
	ctx   context.Context
	c     *crawl
	log   *slog.Logger
	held  []scrapers.Page
	pages int // held pages with items
	items int
	done  bool
}

func (c *crawl) warmUp(ctx context.Context, log *slog.Logger) *warmUp {
	return &warmUp{ctx: ctx, c: c, log: log, done: c.bp.b != nil}
}

// add takes a changed page and returns the pages to write now.
func (w *warmUp) add(pg scrapers.Page) []scrapers.Page {
	if w.done {
		return []scrapers.Page{pg}
	}
	w.held = append(w.held, pg)
	if len(pg.Items) > 0 {
		w.pages++
		w.items += len(pg.Items)
	}
	if w.pages < warmPages && w.items < warmItems {
		return nil
	}
	return w.flush()
}

// flush learns the provisional boilerplate from the held pages and
// returns them; after it, add passes pages through.
func (w *warmUp) flush() []scrapers.Page {
	if w.done {
		return nil
	}
	w.done = true
	held := w.held
	w.held = nil
	if w.pages < boilerplateMinPages {
		return held
	}
	pages := make([][]string, 0, w.pages)
	for _, pg := range held {
		if len(pg.Items) == 0 {
			continue
		}
		texts := make([]string, len(pg.Items))
		for i, it := range pg.Items {
			it, _ = event.BoundItem(it, pg.URL) // as stored
			texts[i] = it.Text
		}
		pages = append(pages, texts)
	}
	b := learnBoilerplate(pages)
	ps := b.Paragraphs()
	if len(ps) == 0 {
		return held
	}
	// Stored before any item is read with it: every stored item is then
	// read with the stored boilerplate, which relearnBoilerplate relies on.
	// A crawl stopped before its end (SIGTERM, a timeout) left items read
	// with a provisional boilerplate that no later run knew of, and they
	// were never read again.
	if err := store.SaveBoilerplate(w.ctx, w.c.p.Pool, w.c.src.ID, ps); err != nil {
		w.log.Warn("provisional boilerplate not stored; pages read without it", "err", err)
		return held
	}
	w.c.bp = boilerplate{paragraphs: ps, b: b}
	w.log.Info("boilerplate learned from the first pages", "pages", len(pages), "paragraphs", len(ps))
	return held
}

func eventIDs(evs []store.Event) []int64 {
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	return ids
}
