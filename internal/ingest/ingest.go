// Package ingest is the pipeline: crawl a source, store what the scraper saw,
// normalise it, match it against known events and upsert. A re-crawl that
// finds nothing new writes nothing; a failed crawl never deletes anything.
package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Pipeline crawls sources into the store.
type Pipeline struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// AllowPrivate lets every source reach private and loopback addresses
	// (tests and the demo); otherwise only sources that say so may.
	AllowPrivate bool
	// NoPoliteness drops per-host delays (benchmarks against loopback).
	NoPoliteness bool
	UserAgent    string
	Now          func() time.Time
	// Observe, when set, hears of every fetched page and every finished
	// crawl (metrics); it must be cheap and safe for concurrent use.
	Observe Observer
	// Lock, when set, is taken for each source CrawlAll crawls, so a crawl
	// started by hand and one of a worker never run on one source at
	// once (their run records would interleave). A source whose lock is
	// held elsewhere is skipped. The crawl runs under the returned
	// context; unlock reports whether the lock was held to the end.
	Lock func(ctx context.Context, sourceID string) (unlock func() (held bool), crawlCtx context.Context, ok bool, err error)
	// Limits cap what one crawl of a source may store (limits.go); zero
	// fields take DefaultLimits.
	Limits Limits
}

// Observer hears what a crawl does.
type Observer interface {
	Page(sourceID string, pg scrapers.Page)
	Finished(rep Report, took time.Duration)
}

// Report is one source's outcome, printed as a JSON line by `treffpunkt crawl`.
type Report struct {
	Source        string `json:"source"`
	Pages         int    `json:"pages"`
	Unchanged     int    `json:"unchanged"`
	EventsNew     int    `json:"events_new"`
	EventsUpdated int    `json:"events_updated"`
	Errors        int    `json:"errors"`
	// Retries counts transactions run again after a deadlock or a
	// serialisation failure (none was lost to it).
	Retries  int    `json:"retries"`
	Items    int    `json:"items"`
	Vanished int    `json:"vanished"`
	Status   string `json:"status"`
	RunID    int64  `json:"run_id,omitempty"`
	Error    string `json:"error,omitempty"`
	// Strategy is how the source was read (for kind: auto, what discovery
	// chose); Regression what got worse since the run before.
	Strategy   string           `json:"strategy,omitempty"`
	Regression store.Regression `json:"regression,omitzero"`
}

// CrawlAll crawls sources concurrently (at most parallel at once). One
// failing source never stops the others; reports come back in input order.
func (p *Pipeline) CrawlAll(ctx context.Context, srcs []source.Source, parallel int) []Report {
	if parallel < 1 {
		parallel = 1
	}
	reports := make([]Report, len(srcs))
	// Every source is known before any crawl starts: merging decides whose
	// version wins by each source's organiser, whichever source comes first.
	for _, src := range srcs {
		if err := store.UpsertSource(ctx, p.Pool, src); err != nil {
			p.logger().Error("could not record source", "source", src.ID, "err", err)
		}
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			reports[i] = p.crawlLocked(ctx, src)
		}()
	}
	wg.Wait()
	return reports
}

// crawlLocked crawls one source under its lock (Pipeline.Lock).
func (p *Pipeline) crawlLocked(ctx context.Context, src source.Source) Report {
	if p.Lock == nil {
		return p.CrawlSource(ctx, src)
	}
	unlock, crawlCtx, ok, err := p.Lock(ctx, src.ID)
	switch {
	case err != nil:
		return Report{Source: src.ID, Status: "failed", Errors: 1, Error: err.Error()}
	case !ok:
		p.logger().Info("source is being crawled by another process; skipped", "source", src.ID)
		return Report{Source: src.ID, Status: "skipped", Error: "being crawled by another process (a worker); nothing was changed"}
	}
	rep := p.CrawlSource(crawlCtx, src)
	if !unlock() {
		rep.Status, rep.Errors = "failed", rep.Errors+1
		rep.Error = "crawl lock lost (database connection broken): pages fetched meanwhile may not be stored; crawl again"
	}
	return rep
}

// crawl is the state of one source's crawl.
type crawl struct {
	// mu guards the maps and run counters below: pages are stored by
	// several workers at once.
	mu      sync.Mutex
	p       *Pipeline
	src     source.Source
	run     store.Run
	known   map[string]store.ItemRef
	bp      boilerplate // what the crawl reads items with
	now     time.Time
	visited map[string]bool // page URLs fetched OK (changed or not)
	changed map[string]bool // page URLs whose content changed
	failed  map[string]bool // page URLs that failed: their items stay as they were
	seen    map[string]bool // item keys found on changed pages
	created map[int64]bool  // events created by this run
	slots   chan struct{}   // batches being written (storeBatch)
	// readSums are the readings this run wrote, by item key (wrote).
	readSums map[string][sha256.Size]byte
	// organizers by source id: a source's own announcements win merges.
	organizers map[string]string
	limits     budget // what is left of p.Limits
	// analyzeAt is the count of items this crawl has written at which
	// the tables' statistics are checked next (maybeAnalyze).
	analyzeAt int
	langs     draftLanguages // of the source's own pages, for translations
	// fresh: the store held no item of the source when the crawl began;
	// ownLangs are the text languages of the drafts it linked since
	// (oneLanguage).
	fresh    bool
	ownLangs map[string]bool
}

// CrawlSource crawls one source and records the run. Errors end up in the
// report and the run record, never as a panic or an abort of other sources.
func (p *Pipeline) CrawlSource(ctx context.Context, src source.Source) (rep Report) {
	log := p.logger().With("source", src.ID)
	rep = Report{Source: src.ID, Status: "failed"}
	defer func() {
		if r := recover(); r != nil {
			rep.Errors++
			rep.Error = fmt.Sprintf("internal error: %v", r)
			log.Error("crawl panicked", "panic", r)
		}
	}()
	c, err := p.begin(ctx, src)
	if c == nil {
		rep.Errors, rep.Error = 1, err.Error()
		log.Error("crawl could not start", "err", err)
		return rep
	}
	rep.RunID = c.run.ID
	log = log.With("run", c.run.ID)
	if err != nil {
		return c.finish(ctx, log, rep, err, false)
	}

	fetches, err := store.Fetches(ctx, p.Pool, src.ID)
	if err != nil {
		return c.finish(ctx, log, rep, err, false)
	}
	known := make(map[string]scrapers.Validators, len(fetches))
	for u, f := range fetches {
		known[u] = scrapers.Validators{ETag: f.ETag, LastModified: f.LastModified, Hash: f.ContentHash}
	}
	opt := scrapers.Options{
		AllowPrivate: p.AllowPrivate,
		NoPoliteness: p.NoPoliteness,
		UserAgent:    p.UserAgent,
		Known:        known,
		Now:          func() time.Time { return c.now },
	}
	// Fetching goes on while earlier pages are written (writePages).
	work := make(chan scrapers.Page, 2*pageWriters)
	wait := c.writePages(ctx, log, work)
	warm := c.warmUp(ctx, log)
	sum, err := scrapers.Crawl(ctx, src, opt, func(pg scrapers.Page) {
		pg = c.limitPage(ctx, log, pg)
		if c.page(ctx, log, pg) {
			for _, pg := range warm.add(pg) {
				work <- pg
			}
		}
	})
	for _, pg := range warm.flush() {
		work <- pg
	}
	close(work)
	wait()
	c.run.Strategy, c.run.StrategyReason = src.Kind, "configured in the sources file"
	if sum.Plan != nil {
		c.run.Strategy, c.run.StrategyReason = sum.Plan.Strategy, sum.Plan.Reason
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	c.mu.Lock()
	complete := err == nil && sum.Complete && !c.limits.cut
	c.mu.Unlock()
	return c.finish(ctx, log, rep, err, complete)
}

func (p *Pipeline) begin(ctx context.Context, src source.Source) (*crawl, error) {
	if err := store.UpsertSource(ctx, p.Pool, src); err != nil {
		return nil, err
	}
	if err := store.FailStaleRuns(ctx, p.Pool, src.ID); err != nil {
		return nil, err
	}
	run, err := store.StartRun(ctx, p.Pool, src.ID)
	if err != nil {
		return nil, err
	}
	c := &crawl{p: p, src: src, run: run, now: p.now(),
		visited: map[string]bool{}, changed: map[string]bool{}, failed: map[string]bool{},
		seen: map[string]bool{}, created: map[int64]bool{}, readSums: map[string][sha256.Size]byte{}, slots: make(chan struct{}, pageWriters), limits: budget{Limits: p.Limits.withDefaults()},
		analyzeAt: firstAnalyze}
	if c.known, err = store.SourceItems(ctx, p.Pool, src.ID); err != nil {
		return c, err
	}
	c.fresh = len(c.known) == 0
	if c.bp, err = loadBoilerplate(ctx, p.Pool, src.ID); err != nil {
		return c, err
	}
	linked, err := store.ItemLinkCounts(ctx, p.Pool, src.ID)
	if err != nil {
		return c, err
	}
	c.limits.load(c.known, linked)
	srcs, err := store.ListSources(ctx, p.Pool)
	if err != nil {
		return c, err
	}
	c.organizers = make(map[string]string, len(srcs))
	for _, s := range srcs {
		c.organizers[s.ID] = s.Organizer
	}
	return c, nil
}

// pageWriters is how many changed pages are written at once.
const pageWriters = 8

// writeAll runs write for units 0..n-1 on pageWriters writers and returns
// the first error; the units not yet started are skipped after it, and
// those under way are cancelled (their transactions roll back, to be
// written again by the next run).
func writeAll(ctx context.Context, n int, write func(ctx context.Context, unit int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pageWriters)
	for k := 0; k < n && gctx.Err() == nil; k++ {
		g.Go(func() error { return write(gctx, k) })
	}
	return g.Wait()
}

// page books one fetched URL and reports whether it changed and must be
// stored.
func (c *crawl) page(ctx context.Context, log *slog.Logger, pg scrapers.Page) bool {
	if c.p.Observe != nil {
		c.p.Observe.Page(c.src.ID, pg)
	}
	c.mu.Lock()
	c.run.Pages++
	switch {
	case pg.Err != nil:
		c.failed[pg.URL] = true
		c.mu.Unlock()
		c.recordError(ctx, log, pg.URL, pg.Status, pg.Err.Error())
		return false
	case pg.Unchanged:
		c.run.Unchanged++
		c.visited[pg.URL] = true
		c.mu.Unlock()
		return false
	}
	c.visited[pg.URL] = true
	c.changed[pg.URL] = true
	for _, it := range pg.Items {
		c.seen[it.Key] = true
	}
	c.mu.Unlock()
	return true
}

// itemBatch is how many changed items of a page are written in one
// transaction. A feed of 5,000 events used to be one transaction: it held
// hundreds of day locks for minutes, deadlocked with other feeds and was
// lost whole when anything failed. Small batches keep each transaction
// short and a failure local; the batch's day locks are taken at once in
// one global order, so concurrent feeds wait instead of deadlocking.
const itemBatch = 16

// done reports what happened to a written page: what the caps did to the
// batches that committed (even when a later batch failed) and, when err
// is set, the failure. The page's uncommitted items keep their previous
// state; its fetch is not recorded, so the next run fetches it again.
func (c *crawl) done(ctx context.Context, log *slog.Logger, p *prepared, err error) {
	c.reportCaps(ctx, log, p.url, p.caps)
	if err != nil {
		c.mu.Lock()
		c.failed[p.url] = true
		c.mu.Unlock()
		c.recordError(ctx, log, p.url, p.status, "store: "+err.Error())
	}
}

// pendingItem is a changed item of a page, hashed and read, waiting for
// its batch.
type pendingItem struct {
	it   event.Item
	raw  []byte
	hash string
	read reading
}

// prepared is a changed page with its changed items hashed, read and
// sorted, waiting to be written; caps accumulates what the crawl limits
// did to its committed batches.
type prepared struct {
	url     string
	status  int
	pending []pendingItem
	fetch   store.Fetch
	caps    pageCaps
	err     error // the page could not be prepared
}

// prepare hashes a changed page's items, leaves out those stored
// unchanged and reads the rest (outside any transaction).
func (c *crawl) prepare(ctx context.Context, pg scrapers.Page) *prepared {
	p := &prepared{url: pg.URL, status: pg.Status, fetch: store.Fetch{URL: pg.URL, FinalURL: pg.FinalURL,
		Status: pg.Status, ETag: pg.Validators.ETag, LastModified: pg.Validators.LastModified,
		ContentHash: pg.Validators.Hash, FetchedAt: pg.FetchedAt}}
	unchanged := 0
	for _, it := range pg.Items {
		// Whatever the strategy extracted is cut to the domain's field
		// limits and keeps only web URLs before it is stored or normalised.
		it, notes := event.BoundItem(it, pg.URL)
		p.caps.notes = addDistinct(p.caps.notes, notes...)
		raw, hash, err := store.HashItem(it)
		if err != nil {
			p.err = err
			return p
		}
		c.mu.Lock()
		ref, ok := c.known[it.Key]
		c.mu.Unlock()
		if ok && ref.RawHash == hash && !ref.Vanished {
			unchanged++
			c.countUnchanged(ref.ID, &p.caps)
			continue
		}
		p.pending = append(p.pending, pendingItem{it: it, raw: raw, hash: hash})
	}
	c.mu.Lock()
	c.run.Items += unchanged
	c.mu.Unlock()
	c.readAll(ctx, p.pending)
	sortByDay(p.pending)
	return p
}

// storeBig writes a page of more than itemBatch changed items batch by
// batch and its fetch record last (with the last batch when its items
// repeat dates, whose page cap counts in order). A page cut off half way
// (a crash, a database restart) keeps the batches that committed; its
// fetch is not recorded, so the next run fetches it again, skips the
// items already stored (their hash is known) and writes the rest: the
// page resumes.
func (c *crawl) storeBig(ctx context.Context, p *prepared) error {
	if !repeats(p.pending) {
		return c.storeParallel(ctx, p.url, p.pending, p.fetch, &p.caps)
	}
	for start := 0; start < len(p.pending); start += itemBatch {
		end := min(start+itemBatch, len(p.pending))
		var f *store.Fetch
		if end == len(p.pending) {
			f = &p.fetch
		}
		if err := c.storeBatch(ctx, p.url, p.pending[start:end], f, &p.caps); err != nil {
			return err
		}
	}
	return nil
}

// storeParallel writes a big page's batches on the page writers at once
// and the page's fetch record after all of them committed: a feed of
// 10,000 events was written batch after batch by one writer, its
// transactions waiting on the database one statement at a time. The
// batches share no page cap (no item repeats a date: repeats), so their
// order does not matter; sorted by day, they rarely wait for each other's
// day locks. A failed batch stops the rest, the committed ones stay, and
// without its fetch record the page is read again next time and resumes.
func (c *crawl) storeParallel(ctx context.Context, pageURL string, pending []pendingItem, fetch store.Fetch, caps *pageCaps) error {
	var mu sync.Mutex
	order := spread((len(pending)+itemBatch-1)/itemBatch, pageWriters)
	err := writeAll(ctx, len(order), func(ctx context.Context, k int) error {
		mine := pageCaps{repeats: caps.repeats}
		b := order[k]
		err := c.storeBatch(ctx, pageURL, pending[b*itemBatch:min((b+1)*itemBatch, len(pending))], nil, &mine)
		mu.Lock()
		caps.dropped += mine.dropped
		caps.reasons = addDistinct(caps.reasons, mine.reasons...)
		mu.Unlock()
		return err
	})
	if err != nil {
		return err
	}
	return c.retryTx(ctx, func(tx pgx.Tx) error { return c.saveFetch(ctx, tx, fetch, caps.dropped) })
}

// spread orders n batches so that w writers taking them in turn work on
// batches far apart (0, n/w, 2n/w, …, then 1, n/w+1, …): neighbours share a
// day, and would queue on its lock.
func spread(n, w int) []int {
	stride := (n + w - 1) / w
	out := make([]int, 0, n)
	for j := range stride {
		for k := range w {
			if i := k*stride + j; i < n {
				out = append(out, i)
			}
		}
	}
	return out
}

// saveFetch records a stored page's fetch; a page the caps cut is read in
// full next time.
func (c *crawl) saveFetch(ctx context.Context, tx pgx.Tx, f store.Fetch, dropped int) error {
	return store.SaveFetch(ctx, tx, c.src.ID, fetchRecord(f, dropped))
}

// fetchRecord is f as stored for a page whose caps cut dropped
// occurrences: without its validators, so it is read in full next time.
func fetchRecord(f store.Fetch, dropped int) store.Fetch {
	if dropped > 0 {
		f.ETag, f.LastModified, f.ContentHash = "", "", ""
	}
	return f
}

// readAll normalises a page's changed items, on both cores for a big page.
func (c *crawl) readAll(ctx context.Context, pending []pendingItem) {
	if len(pending) <= itemBatch {
		for i := range pending {
			pending[i].read = c.read(pending[i].it)
		}
		return
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for start := 0; start < len(pending); start += itemBatch {
		g.Go(func() error {
			for i := start; i < min(start+itemBatch, len(pending)); i++ {
				pending[i].read = c.read(pending[i].it)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// repeats reports whether an item of the page has more than one
// occurrence: the page's cap on repeated dates then counts them in order.
func repeats(pending []pendingItem) bool {
	return slices.ContainsFunc(pending, func(p pendingItem) bool { return len(p.read.drafts) > 1 })
}

// sortByDay orders a big page's changed items by their first start (items
// without a date first; stable). A feed lists its events in any order;
// sorted, the items of a batch share their days, so the batch reads the
// known events around them once (nearby) instead of once per item, and
// batches written at once rarely need the same day locks.
func sortByDay(pending []pendingItem) {
	if len(pending) <= itemBatch {
		return
	}
	slices.SortStableFunc(pending, func(a, b pendingItem) int {
		switch da, db := a.read.drafts, b.read.drafts; {
		case len(da) == 0 || len(db) == 0:
			return min(len(da), 1) - min(len(db), 1)
		default:
			return da[0].Start.Compare(db[0].Start)
		}
	})
}

// storeBatch writes a few items of one page in one transaction
// (storeGroup), and the page's fetch record when fetch is set (the last
// batch).
func (c *crawl) storeBatch(ctx context.Context, pageURL string, batch []pendingItem, fetch *store.Fetch, caps *pageCaps) error {
	return c.storeGroup(ctx, []part{{pageURL: pageURL, items: batch, fetch: fetch, caps: caps}})
}

// firstAnalyze is how many items a crawl writes before it first checks the
// planner's statistics; the next checks come at each doubling.
const firstAnalyze = 32

// maybeAnalyze refreshes the statistics of the tables the crawl grows
// (store.AnalyzeGrown) each time the items it wrote doubled: a crawl into
// an empty or much smaller store would otherwise run on plans made for
// empty tables. Statistics are an optimisation: a failure is logged only.
func (c *crawl) maybeAnalyze(ctx context.Context) {
	c.mu.Lock()
	due := c.run.Items >= c.analyzeAt
	if due {
		c.analyzeAt = 2 * max(c.run.Items, firstAnalyze/2)
	}
	c.mu.Unlock()
	if !due {
		return
	}
	if err := store.AnalyzeGrown(ctx, c.p.Pool); err != nil && ctx.Err() == nil {
		c.p.logger().Warn("could not refresh table statistics", "source", c.src.ID, "err", err)
	}
}

// retryTx runs fn in a transaction, retried after deadlocks and
// serialisation failures (store.RetryTx); the retries are counted in the
// run record and the metrics.
func (c *crawl) retryTx(ctx context.Context, fn func(pgx.Tx) error) error {
	retried, err := store.RetryTx(ctx, c.p.Pool, fn)
	if len(retried) > 0 {
		c.mu.Lock()
		for _, k := range retried {
			c.run.Retries += k
		}
		c.mu.Unlock()
	}
	return err
}

func (c *crawl) recordError(ctx context.Context, log *slog.Logger, url string, status int, msg string) {
	c.mu.Lock()
	c.run.Errors++
	c.mu.Unlock()
	log.Warn("page failed", "url", url, "status", status, "err", msg)
	if err := store.AddRunError(ctx, c.p.Pool, c.run.ID, url, status, msg); err != nil {
		log.Error("could not record page error", "err", err)
	}
}

// finish marks vanished items (only after a complete crawl), relearns the
// site's boilerplate and closes the run record.
func (c *crawl) finish(ctx context.Context, log *slog.Logger, rep Report, crawlErr error, complete bool) Report {
	if crawlErr == nil && complete {
		if err := c.markVanished(ctx); err != nil {
			crawlErr = err
		}
	}
	if crawlErr == nil && len(c.changed) > 0 {
		if err := c.relearnBoilerplate(ctx, log); err != nil {
			crawlErr = err
		}
	}
	r := &c.run
	r.Complete = complete
	switch {
	case crawlErr != nil:
		r.Status, r.Error = "failed", crawlErr.Error()
		r.Errors++
	case r.Errors > 0 && len(c.visited) == 0:
		r.Status = "failed"
	case r.Errors > 0:
		r.Status = "partial"
	default:
		r.Status = "ok"
	}
	// The run record is written even when the crawl's context was cancelled.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := store.FinishRun(fctx, c.p.Pool, *r); err != nil {
		log.Error("could not finish run record", "err", err)
	} else if runs, err := store.RecentRuns(fctx, c.p.Pool, c.src.ID, 2); err == nil {
		rep.Regression = store.LatestRegression(runs)
	}
	rep.Strategy = r.Strategy
	if rep.Regression.Any() {
		log.Warn("source regressed", "strategy_changed", rep.Regression.StrategyChanged, "from", rep.Regression.From,
			"to", rep.Regression.To, "dropped_to_zero", rep.Regression.DroppedToZero)
	}
	rep.Pages, rep.Unchanged, rep.Items = r.Pages, r.Unchanged, r.Items
	rep.EventsNew, rep.EventsUpdated, rep.Vanished = r.EventsNew, r.EventsUpdated, r.Vanished
	rep.Errors, rep.Status, rep.Error, rep.Retries = r.Errors, r.Status, r.Error, r.Retries
	if c.p.Observe != nil {
		c.p.Observe.Finished(rep, time.Since(r.StartedAt))
	}
	log.Info("crawl finished", "status", r.Status, "pages", r.Pages, "unchanged", r.Unchanged,
		"new", r.EventsNew, "updated", r.EventsUpdated, "vanished", r.Vanished, "errors", r.Errors, "retries", r.Retries)
	return rep
}

// markVanished flags items a complete crawl did not find again: their page
// was not reached any more, or it changed and no longer carries them.
func (c *crawl) markVanished(ctx context.Context) error {
	var gone []int64
	for key, ref := range c.known {
		if ref.Vanished || c.seen[key] || c.failed[ref.PageURL] {
			continue
		}
		if !c.visited[ref.PageURL] || c.changed[ref.PageURL] {
			gone = append(gone, ref.ID)
		}
	}
	return pgx.BeginFunc(ctx, c.p.Pool, func(tx pgx.Tx) error {
		n, events, err := store.MarkItemsVanished(ctx, tx, gone)
		if err != nil {
			return err
		}
		c.run.Vanished = n
		return search.Enqueue(ctx, tx, events...)
	})
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// counts are tallied inside a page transaction and only added to the run
// once it commits, so a rolled-back page is not counted.
type counts struct {
	items, created, updated int
	createdIDs              []int64
	caps                    pageCaps
}

func (n counts) commit(c *crawl) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.run.Items += n.items
	c.run.EventsNew += n.created
	c.run.EventsUpdated += n.updated
	for _, id := range n.createdIDs {
		c.created[id] = true
	}
}

var errNoDrafts = errors.New("no events")

// normalizeOptions are the source's defaults for normalisation.
func (c *crawl) normalizeOptions() normalize.Options {
	return normalize.Options{Ref: c.now, DefaultRegion: c.src.Region, DefaultLanguages: c.src.Languages,
		Organizer: c.src.Organizer}
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, event.Berlin)
}
