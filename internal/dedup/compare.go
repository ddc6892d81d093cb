package dedup

import (
	"fmt"
	"math/bits"
	"slices"
	"time"
)

// Verdict is what Compare concludes about two records.
type Verdict int

const (
	// Different events.
	Different Verdict = iota
	// Same event announced twice: merge into one canonical event.
	Same
	// SeriesSibling: another occurrence of the same series (same organiser,
	// near-identical title, other date or time). Linked, never merged.
	SeriesSibling
)

func (v Verdict) String() string {
	switch v {
	case Same:
		return "same"
	case SeriesSibling:
		return "series"
	}
	return "different"
}

// Evidence explains a score so staff can see why two entries were matched.
type Evidence struct {
	Score   float64            // 0..1 combined
	Parts   map[string]float64 // "title_tokens", "title_trigram", "title", "time", "place", "description"
	Verdict Verdict
	Reasons []string // human readable, German
}

// Thresholds, chosen on testdata/pairs.json (TestPairsEval prints the sweep;
// README.md records the precision and recall they give).
const (
	// SameThreshold is the combined score from which a pair that passes the
	// hard rules is the same event.
	SameThreshold = 0.58
	// TitleGate: below this title similarity two announcements on the same
	// day are different events (same venue, same day, other title), unless
	// the descriptions are largely the same text (DescRescue).
	TitleGate  = 0.30
	DescRescue = 0.50
	// SeriesTitle: same organiser and at least this title similarity on
	// another date is a series; SeriesDesc with SeriesTitleWithDesc covers
	// series whose titles differ more but share their intro text.
	SeriesTitle         = 0.70
	SeriesDesc          = 0.50
	SeriesTitleWithDesc = 0.45
)

// MaxSpanDays is the longest multi-day event (in days) that a record
// starting on another of its days can be the same event as: a two-day
// conference is announced once for both days and once per day, but an
// evening inside two weeks of campaign ("Internationale Wochen gegen
// Rassismus") or an exhibition's run is an event of its own. Blocking in
// the store must look back this far for spans that contain a new record.
const MaxSpanDays = 3

// Weights of the base score and of the description boost.
const (
	weightTitle     = 0.50
	weightTime      = 0.20
	weightPlace     = 0.15
	weightOrganizer = 0.15
	descBoost       = 0.60
	// weightContext scales title_context (title words found in the other
	// record's title and description) when it stands in for the title.
	weightContext = 0.85
	// genericTitleCap bounds the title similarity when one title has no
	// word but generic ones; below TitleGate, so only a shared description
	// can then make the pair Same.
	genericTitleCap = 0.25
	// orgMentioned is the organiser score of two different organisers when
	// one text names the other's organiser.
	orgMentioned = 0.5
	// venueMentioned is the place score when one record's venue is named
	// in the text of the other, which has no venue field.
	venueMentioned = 0.8
)

// weakTitleConf: below this confidence a draft's title was not given by
// the source (a title selector, JSON-LD name, iCalendar SUMMARY: 0.9) but
// taken from the first line of the page text (0.6), and on real pages
// that line is as often a menu or a dateline ("Direkt zum Inhalt
// springen", "Lade Veranstaltungen", "Landkreis Leipzig/Borna") as the
// event's name. Two such reports of one event share their content words
// (the run at the "Breiter Teich", the "Bücherverbrennung"), so then the
// whole texts stand in for the titles (textFull).
const weakTitleConf = 0.75

// textFull is the Jaccard similarity of the content words of two whole
// texts (title and description) that counts as fully matching titles
// when a title is weak; less counts proportionally. Chosen on the
// corpus's half A (TestCorpusCrossPosts).
const textFull = 0.12

// textFullCross is textFull for two texts in different languages
// (otherLanguage): all they can share are names, numbers and loan words
// ("Albertinum", "Build Peace", "Eierschecke"), so a smaller share of
// common content words stands for fully matching titles. Chosen on the
// corpus's half A (TestCorpusCrossPosts).
const textFullCross = 0.04

// crossMin: below this share of common content words, two texts in
// other languages share no more than a town's name and a loan word or
// two ("Leipzig", "Refugees"); measured on the corpus's one-day stress
// test, where such pairs lay at 0.019–0.028.
const crossMin = 0.03

// crossTime is the time part two records in other languages need for
// textFullCross: the same start minute, or all-day over the same days.
const crossTime = 0.8

// otherLanguage reports whether two records with a weak title are
// each written in one language, and in two different ones
// (features.langs).
func otherLanguage(a, b *features) bool {
	if len(a.langs) != 1 || len(b.langs) != 1 {
		return false // unknown, or a bilingual text: it shares the other's words anyway
	}
	for _, l := range a.langs {
		if slices.Contains(b.langs, l) {
			return false
		}
	}
	return true
}

// weakPlaceConf: below this confidence the normaliser guessed a place
// from words that merely look like one ("Berlin" in a sentence about a
// federal programme, a clause taken for a venue); such a place does not
// contradict another record's, but then only strongTitle joins them.
const weakPlaceConf = 0.6

// strongTitle is the title similarity (or whole-text stand-in) that a pair
// with a weakly read place conflict (placeWeak) needs to be Same.
const strongTitle = 0.6

// placeOnlineVsSite is the place score of an online-only event against
// one held at a known place.
const placeOnlineVsSite = 0.1

// parts are the numbers behind a comparison. They are computed without
// allocating, so Index can score many candidates and build Evidence only
// for the one it returns.
type parts struct {
	tokJ, tokO, tok, tri, ctx, title float64
	text                             float64 // whole-text similarity, only with a weak title
	time, place, org, desc           float64
	hasDesc                          bool
	score                            float64

	noDate        bool
	reported      bool // the text stood in for a re-post's own headline (reports)
	dayConflict   bool
	timeConflict  bool
	placeConflict placeConflict
	sameOrg       bool
	// templateOnly: the descriptions look largely alike, and all they
	// share is template text of the block (markTemplates).
	templateOnly bool
	verdict      Verdict
}

type placeConflict uint8

const (
	placeOK placeConflict = iota
	placeCity
	placePostal
	placeRegion
	// placeWeak: two cities or postal codes differ, but one side read
	// its place with little confidence (weakPlaceConf). Not a hard rule:
	// the pair may still be Same on strong title evidence (strongTitle).
	placeWeak
)

// Compare scores two records and decides whether they are the same event,
// siblings in a series or different. It is symmetric.
func Compare(a, b Record) Evidence {
	fa, fb := prepare(a), prepare(b)
	p := score(fa, fb, false)
	return evidence(fa, fb, &p)
}

// BestMatch compares r with every candidate and returns the Same candidate
// with the highest score; ok is false when no candidate is Same, and then
// best is the highest-scoring candidate (a near miss staff may want to see).
// Ties go to the lower ID, then source and URL, so the result does not
// depend on the candidates' order.
func BestMatch(r Record, candidates []Record) (best Record, ev Evidence, ok bool) {
	return BestMatchIn(r, candidates, nil)
}

// BestMatchIn is BestMatch with the block that r's template text is
// learned from (markTemplates) given apart: the store passes every event
// of r's days, whatever its source or region, while only candidates of
// other sources and r's region may match. A nil block is the candidates.
// Only ID, Draft.Start, Draft.End, Draft.AllDay and Draft.Description of
// block records are read.
func BestMatchIn(r Record, candidates, block []Record) (best Record, ev Evidence, ok bool) {
	fr := prepare(r)
	fcs := make([]*features, len(candidates))
	for i, c := range candidates {
		fcs[i] = prepare(c)
	}
	if block == nil {
		ids := make([]int64, len(candidates))
		for i, c := range candidates {
			ids[i] = c.ID
		}
		markTemplates(fr, fcs, ids)
	} else {
		fbs := make([]*features, len(block))
		ids := make([]int64, len(block))
		for i, b := range block {
			fbs[i], ids[i] = prepareDesc(b), b.ID
		}
		markTemplates(fr, fbs, ids)
	}
	var bp parts
	bi := -1
	for i, c := range candidates {
		fc := fcs[i]
		p := score(fr, fc, false)
		if bi < 0 || better(&p, c, &bp, candidates[bi]) {
			bi, bp = i, p
			ev = evidence(fr, fc, &p)
		}
	}
	if bi < 0 {
		return Record{}, Evidence{}, false
	}
	return candidates[bi], ev, bp.verdict == Same
}

// templateMinEvents is how many other events of a block must share a
// description shingle with a new record for it to be template text: an
// umbrella organisation's programme repeats "Eingeladen sind
// Ehrenamtliche, Hauptamtliche und Migrant*innenorganisationen aus der
// Region …" in every announcement, and with 50 events a day such
// sentences made thousands of distinct events look alike. The text two
// cross-posts of one event share occurs in that one event only.
const templateMinEvents = 2

// templateOnlyDesc and templateOnlyTitle: descriptions that look alike
// (DescRescue) but whose shared text is (almost) all template text are two
// events of one programme unless the titles are all but the same.
const (
	templateOnlyDesc  = 0.1
	templateOnlyTitle = 0.9
)

// markTemplates marks in f.tmpl the shingles of f's description that the
// descriptions of at least templateMinEvents distinct other events of the
// block on the record's own days share (document frequency over the
// block): they no longer count for or against a match. Records with the same non-zero ID are versions
// of one event and count once.
func markTemplates(f *features, block []*features, ids []int64) {
	f.tmpl = 0
	if len(f.desc) == 0 || len(block) < templateMinEvents {
		return
	}
	perEvent := make(map[int64]uint64, len(block))
	var anon []uint64
	for i, c := range block {
		if c.noDate || c.day > f.lastDay || c.lastDay < f.day {
			continue // only the record's own days: the block Index keeps
		}
		m := sharedMask(f.desc, c.desc)
		if m == 0 {
			continue
		}
		if ids[i] == 0 {
			anon = append(anon, m)
			continue
		}
		perEvent[ids[i]] |= m
	}
	var counts [sketchSize]uint8
	add := func(m uint64) {
		for m != 0 {
			k := bits.TrailingZeros64(m)
			if counts[k] < 255 {
				counts[k]++
			}
			m &= m - 1
		}
	}
	for _, m := range perEvent {
		add(m)
	}
	for _, m := range anon {
		add(m)
	}
	for k, n := range counts[:len(f.desc)] {
		if n >= templateMinEvents {
			f.tmpl |= 1 << k
		}
	}
}

// better orders matches: Same before anything else, then score, then a
// stable tie-break on identity.
func better(p *parts, a Record, q *parts, b Record) bool {
	if (p.verdict == Same) != (q.verdict == Same) {
		return p.verdict == Same
	}
	if p.score != q.score {
		return p.score > q.score
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	if a.SourceID != b.SourceID {
		return a.SourceID < b.SourceID
	}
	return a.URL < b.URL
}

// thresholds bundles the constants above so the evaluation can sweep them.
type thresholds struct {
	same, titleGate, descRescue, seriesTitle, seriesDesc, seriesTitleWithDesc float64
}

var defaults = thresholds{SameThreshold, TitleGate, DescRescue, SeriesTitle, SeriesDesc, SeriesTitleWithDesc}

func (p *parts) hard() bool {
	return p.noDate || p.dayConflict || p.timeConflict || (p.placeConflict != placeOK && p.placeConflict != placeWeak)
}

// decide applies the hard rules and thresholds to computed parts.
func (th thresholds) decide(p *parts) Verdict {
	if p.noDate {
		return Different
	}
	if !p.hard() {
		descOK := p.hasDesc && p.desc >= th.descRescue
		titleOK := p.title >= th.titleGate || descOK
		// Two organisers that are not each other, one online only, the
		// other at a place: a programme's "Workshop: Social Media für
		// Vereine" held by two associations online and in Pirna. A
		// largely shared description (not template text) can still join
		// them. (Two organisers alone are no evidence: a city's calendar
		// names itself as organiser of what it re-posts.)
		against := p.org == 0 && !descOK && p.place <= placeOnlineVsSite
		// Two texts of one programme that share nothing but its template
		// sentences describe two of its events, unless the titles are
		// all but the same.
		against = against || (p.templateOnly && p.title < templateOnlyTitle)
		// A weakly read place that contradicts the other's is no hard
		// rule, yet still needs titles that are clearly alike.
		against = against || (p.placeConflict == placeWeak && p.title < strongTitle)
		if titleOK && !against && p.score >= th.same {
			return Same
		}
		return Different
	}
	if p.sameOrg && (p.title >= th.seriesTitle ||
		(p.hasDesc && p.desc >= th.seriesDesc && p.title >= th.seriesTitleWithDesc)) {
		return SeriesSibling
	}
	return Different
}

// score computes the parts and the verdict. With quick set it stops as soon
// as Same is impossible (Index only looks for Same); the parts are then
// incomplete and the verdict is Different.
func score(a, b *features, quick bool) parts {
	var p parts
	p.noDate = a.noDate || b.noDate
	p.dayConflict = !p.noDate && !daysCompatible(a, b)
	p.time, p.timeConflict = timeScore(a, b, p.dayConflict)
	p.place, p.placeConflict = placeScore(a, b)
	if quick && p.hard() {
		return p
	}
	p.tokJ, p.tokO = tokenSim(a, b)
	p.tok = (p.tokJ + p.tokO) / 2
	p.tri = jaccardU32(a.tri, b.tri)
	p.ctx = (cover(a, b) + cover(b, a)) / 2
	p.title = 0.6*p.tok + 0.4*p.tri
	if c := weightContext * p.ctx; c > p.title && (p.tokJ > 0 || titlesLinked(a, b)) {
		// Two titles without a word or word part in common name two
		// things, however much each text mentions the other's title: a
		// round-up post listing a film, the film's page naming the
		// festival it belongs to.
		p.title = c
	}
	if a.tokWeight < 1 || b.tokWeight < 1 {
		// "Workshop", "Online-Infoveranstaltung": a title of generic words
		// says nothing about which event it is.
		p.title = min(p.title, genericTitleCap)
	}
	if a.weakTitle || b.weakTitle {
		// A title read from the page text may be its menu: what the
		// two texts say stands in for it (weakTitleConf).
		p.text = jaccardU32(a.ctx, b.ctx)
		p.title = max(p.title, min(1, p.text/textFull))
	}
	if p.time == 1 && p.title < 1 && (reports(a, b) || reports(b, a)) {
		// A re-post that states no venue and no organiser of its own but
		// names the other's in its text, at the same minute, reports on
		// that event under a headline of its own ("Wie kommt unser Verein
		// an Fördergeld?"): as for a guessed title, the texts speak for
		// the titles.
		p.reported = true
		p.text = jaccardU32(a.ctx, b.ctx)
		p.title = max(p.title, min(1, p.text/textFull))
	}
	if p.time >= crossTime && otherLanguage(a, b) {
		// Two titles in two languages share no words even when they
		// name one event: the names and numbers both texts contain
		// stand in for them (textFullCross), when the two also agree
		// on the start time or the days of an all-day event.
		if t := jaccardU32(a.ctx, b.ctx); t >= crossMin {
			p.text = t
			p.title = max(p.title, min(1, t/textFullCross))
		}
	}
	if len(a.desc) > 0 && len(b.desc) > 0 {
		p.hasDesc = true
		p.desc = sketchJaccardMasked(a.desc, a.tmpl, b.desc)
		p.templateOnly = a.tmpl != 0 && p.desc < templateOnlyDesc && sketchJaccard(a.desc, b.desc) >= DescRescue
	}
	p.org = organizerScore(a, b)
	p.score = p.combined()
	if p.org == 0 {
		// A different organiser whom the other text names ("Der DSM
		// diskutiert …" on a calendar that lists its own name as organiser
		// of everything it re-posts) is not evidence against. Index
		// (quick) looks only where it can make the pair Same.
		q := p
		q.org = orgMentioned
		if up := q.combined(); (!quick || up >= SameThreshold) && (namedIn(a, b) || namedIn(b, a)) {
			p.org, p.score = orgMentioned, up
		}
	}
	if p.org == 0 && (a.weakTitle || b.weakTitle) && (a.weakOrg || b.weakOrg) {
		// A page that gave no title gave no organiser either: the one
		// found in its text ("Evangelischen Kirchgemeinde St" for the
		// host of a city's discussion) is a guess, and two guesses that
		// differ say nothing.
		p.org = 0.5
		p.score = p.combined()
	}
	p.sameOrg = sameOrganizer(a, b)
	p.verdict = defaults.decide(&p)
	return p
}

// combined is the score of the parts: the base, raised by the description.
func (p *parts) combined() float64 {
	base := weightTitle*p.title + weightTime*p.time + weightPlace*p.place + weightOrganizer*p.org
	return base + (1-base)*descBoost*p.desc
}

// daysCompatible: the same start day, or one record is a multi-day event
// of at most MaxSpanDays (or a later day of one, firstDay) whose span
// contains the other's start day.
func daysCompatible(a, b *features) bool {
	if a.day == b.day {
		return true
	}
	in := func(x, span *features) bool {
		return span.spans() && span.lastDay-span.firstDay < MaxSpanDays && x.day >= span.firstDay && x.day <= span.lastDay
	}
	return in(a, b) || in(b, a)
}

// timeScore compares start times: same minute 1, within half an hour 0.6,
// within an hour 0.3 (one source gives doors or a rounded time), further
// apart a conflict. One side without a time is neutral.
func timeScore(a, b *features, dayConflict bool) (float64, bool) {
	switch {
	case dayConflict:
		return 0, false
	case a.day != b.day: // within a multi-day span
		return 0.5, false
	case a.minute < 0 && b.minute < 0 && sameSpan(a, b):
		return 0.8, false // both all-day over the same days
	case a.minute < 0 && b.minute < 0:
		return 0.6, false
	case a.minute < 0 || b.minute < 0:
		return 0.5, false
	}
	d := a.minute - b.minute
	if d < 0 {
		d = -d
	}
	switch {
	case d == 0:
		return 1, false
	case d <= 30:
		return 0.6, false
	case d <= 60:
		return 0.3, false
	}
	return 0, true
}

// sameSpan: the same last day, or two multi-day spans whose last days are
// one apart (an all-day end is exclusive in iCalendar and inclusive on most
// web pages, and converters get it wrong either way).
func sameSpan(a, b *features) bool {
	d := a.lastDay - b.lastDay
	return d == 0 || (a.multiDay() && b.multiDay() && (d == 1 || d == -1))
}

// placeScore compares where the events happen. Different cities, postal
// codes or regions of two on-site events are a conflict; online-only against
// on-site is weak evidence against (one source may have missed "hybrid").
func placeScore(a, b *features) (float64, placeConflict) {
	if a.onlineOnly && b.onlineOnly {
		return 0.8, placeOK
	}
	if a.onlineOnly || b.onlineOnly {
		other := b
		if b.onlineOnly {
			other = a
		}
		switch {
		case other.hybrid:
			return 0.7, placeOK
		case other.hasPlace():
			return placeOnlineVsSite, placeOK
		}
		return 0.5, placeOK
	}
	if a.region != "" && b.region != "" && a.region != b.region {
		return 0, placeRegion
	}
	if a.city != "" && b.city != "" && !sameCity(a.city, b.city) {
		if a.weakPlace || b.weakPlace {
			return 0, placeWeak
		}
		return 0, placeCity
	}
	if a.postal != "" && b.postal != "" && a.postal != b.postal {
		if a.weakPlace || b.weakPlace {
			return 0, placeWeak
		}
		return 0, placePostal
	}
	p := 0.5
	if a.city != "" && b.city != "" {
		p = 0.6
	}
	if a.postal != "" && b.postal != "" {
		p = 0.8
	}
	switch {
	case len(a.venue) > 0 && len(b.venue) > 0:
		if vs := overlapU32(a.venue, b.venue); vs >= 0.5 {
			p = max(p, 0.8+0.2*vs)
		} else {
			p = min(p, 0.4) // same town, other named venue
		}
	case venueNamedIn(a, b) || venueNamedIn(b, a):
		// A blog that writes "im Werk 2 in Connewitz" into its text and
		// leaves the place field empty.
		p = max(p, venueMentioned)
	}
	if a.street != "" && a.street == b.street {
		p = max(p, 0.9)
	}
	return p, placeOK
}

func (f *features) hasPlace() bool {
	return f.city != "" || f.postal != "" || len(f.venue) > 0
}

// sameCity accepts "leipzig" and "leipzig connewitz".
func sameCity(a, b string) bool {
	if a == b {
		return true
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	return len(long) > len(short) && long[:len(short)] == short && long[len(short)] == ' '
}

// organizerScore: the same organiser 1, one unknown 0.5, different 0. Names
// that share most words ("Werkstatt der Migrant*innenorganisationen" and
// "… Leipzig") count as the same, slightly less. (score raises a different
// organiser named in the other text to orgMentioned.)
func organizerScore(a, b *features) float64 {
	switch {
	case a.org == "" || b.org == "":
		return 0.5
	case a.org == b.org:
		return 1
	case overlapU32(a.orgWords, b.orgWords) >= 0.6:
		return 0.8
	}
	return 0
}

// venueNamedIn reports whether b, which names no venue of its own, names
// a's venue in its title or description.
func venueNamedIn(a, b *features) bool {
	if len(a.venueStems) == 0 || len(b.venue) > 0 {
		return false
	}
	for _, h := range a.venueStems {
		if !b.ctxBloom.has(h) || !containsU32(b.ctx, h) {
			return false
		}
	}
	return true
}

// reports says whether b reads as a report on a's event: b states no venue
// and no organiser (or only a guessed one) of its own, and its text names
// both a's venue and a's organiser.
func reports(a, b *features) bool {
	return (b.org == "" || b.weakOrg) && venueNamedIn(a, b) && namedIn(a, b)
}

// namedIn reports whether the title or description of b names a's
// organiser: at least four in five of its words (all of a short name).
func namedIn(a, b *features) bool {
	if len(a.orgStems) == 0 {
		return false
	}
	found := 0
	for _, h := range a.orgStems {
		if b.ctxBloom.has(h) && containsU32(b.ctx, h) {
			found++
		}
	}
	return 5*found >= 4*len(a.orgStems)
}

func sameOrganizer(a, b *features) bool {
	if a.org != "" || b.org != "" {
		return a.org == b.org
	}
	return a.source != "" && a.source == b.source
}

// tokenSim returns the weighted Jaccard and the weighted overlap coefficient
// of the title token sets. The overlap coefficient lets "Offener Treff"
// match "Offener Treff der Werkstatt der Migrant*innenorganisationen"; it is
// not used when the shorter title has less than one real word ("Workshop").
func tokenSim(a, b *features) (jac, over float64) {
	var common float64
	i, j := 0, 0
	for i < len(a.tokens) && j < len(b.tokens) {
		switch {
		case a.tokens[i].h < b.tokens[j].h:
			i++
		case a.tokens[i].h > b.tokens[j].h:
			j++
		default:
			common += float64(min(a.tokens[i].w, b.tokens[j].w))
			i++
			j++
		}
	}
	wa, wb := float64(a.tokWeight), float64(b.tokWeight)
	if wa+wb-common <= 0 {
		return 0, 0
	}
	jac = common / (wa + wb - common)
	over = jac
	if m := min(wa, wb); m >= 1 {
		over = min(1, common/m)
	}
	return jac, over
}

// titlesLinked reports whether two titles without a common word share a
// compound part: "IKW-Eröffnung" and "Eröffnungsveranstaltung",
// "Vereinswebsite" and "Website". Parts of five letters ("inter", "migra")
// are too common to count between two compounds.
func titlesLinked(a, b *features) bool { return partsIn(a, b) || partsIn(b, a) }

// partsIn: a compound part of one of a's title words is a title word of b
// or, from six letters, a compound part of one of b's.
func partsIn(a, b *features) bool {
	for _, t := range a.tokens {
		for k, f := range a.frags[t.f0:t.f1] {
			if !b.parts.has(f) {
				continue
			}
			if _, ok := slices.BinarySearchFunc(b.tokens, f, func(t token, h uint32) int { return cmpU32(t.h, h) }); ok {
				return true
			}
			if k >= 2 && longPartOf(b, f) {
				return true
			}
		}
	}
	return false
}

// longPartOf: f is a compound part of six letters or more of a title word
// of b (fragments come in pairs per length, from five letters).
func longPartOf(b *features, f uint32) bool {
	for _, t := range b.tokens {
		if t.f1-t.f0 > 2 && slices.Contains(b.frags[t.f0+2:t.f1], f) {
			return true
		}
	}
	return false
}

// cover is the weighted share of a's title words that occur in b's title or
// description: re-posters retitle an event with words from its text ("2.
// SITG-Fachkonferenz: Migrationssozialarbeit"). A word also counts, a little
// less, when one of its compound parts occurs ("Vereinsfinanzierung" in a
// text about "Finanzierung"). Titles of generic words only do not count.
func cover(a, b *features) float64 {
	if a.tokWeight < 1 || len(b.ctx) == 0 {
		return 0
	}
	var got float64
	for _, t := range a.tokens {
		if b.ctxBloom.has(t.h) && containsU32(b.ctx, t.h) {
			got += float64(t.w)
			continue
		}
		for _, f := range a.frags[t.f0:t.f1] {
			if b.ctxBloom.has(f) && containsU32(b.ctx, f) {
				got += 0.8 * float64(t.w)
				break
			}
		}
	}
	return got / float64(a.tokWeight)
}

func containsU32(s []uint32, x uint32) bool {
	_, ok := slices.BinarySearch(s, x)
	return ok
}

func intersectU32(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func jaccardU32(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := intersectU32(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

func overlapU32(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(intersectU32(a, b)) / float64(min(len(a), len(b)))
}

// evidence turns parts into what staff see.
func evidence(a, b *features, p *parts) Evidence {
	ev := Evidence{
		Score:   p.score,
		Verdict: p.verdict,
		Parts: map[string]float64{
			"title_tokens":  p.tok,
			"title_trigram": p.tri,
			"title_context": p.ctx,
			"title":         p.title,
			"time":          p.time,
			"place":         p.place,
			"organizer":     p.org,
		},
	}
	if p.hasDesc {
		ev.Parts["description"] = p.desc
	}
	if a.weakTitle || b.weakTitle || p.reported {
		ev.Parts["text"] = p.text
	}
	add := func(format string, args ...any) { ev.Reasons = append(ev.Reasons, fmt.Sprintf(format, args...)) }
	switch {
	case p.noDate:
		add("ohne Datum: kann nicht dasselbe Ereignis sein")
	case p.dayConflict:
		add("verschiedene Tage (%s / %s)", dayString(a.day), dayString(b.day))
	case a.day != b.day:
		add("Tag liegt im mehrtägigen Zeitraum des anderen Eintrags")
	default:
		add("gleicher Tag (%s)", dayString(a.day))
	}
	switch {
	case p.timeConflict:
		add("Beginn mehr als eine Stunde auseinander (%s / %s)", clock(a.minute), clock(b.minute))
	case !p.dayConflict && a.minute >= 0 && a.minute == b.minute:
		add("gleiche Beginnzeit %s", clock(a.minute))
	case !p.dayConflict && (a.minute < 0 || b.minute < 0):
		add("Beginnzeit nur bei einem oder keinem Eintrag bekannt")
	}
	switch p.placeConflict {
	case placeCity:
		add("verschiedene Orte (%s / %s)", a.city, b.city)
	case placePostal:
		add("verschiedene Postleitzahlen (%s / %s)", a.postal, b.postal)
	case placeRegion:
		add("verschiedene Regionen (%s / %s)", a.region, b.region)
	case placeWeak:
		add("verschiedene Orte, einer davon unsicher gelesen (%s / %s)", a.city, b.city)
	default:
		add("Ort: Übereinstimmung %.2f", p.place)
	}
	switch p.org {
	case 1:
		add("gleicher Veranstalter")
	case 0:
		add("verschiedene Veranstalter (%s / %s)", a.org, b.org)
	}
	add("Titel: Wörter %.2f, Trigramme %.2f, im anderen Text %.2f", p.tok, p.tri, p.ctx)
	switch {
	case a.weakTitle || b.weakTitle:
		add("Titel aus dem Seitentext geraten: Texte %.0f %% gemeinsame Inhaltswörter", 100*p.text)
	case p.reported:
		add("ein Eintrag nennt Ort und Veranstalter des anderen nur im Text: Texte %.0f %% gemeinsame Inhaltswörter", 100*p.text)
	}
	if p.hasDesc {
		add("Beschreibung: %.0f %% gemeinsame Wortfolgen", 100*p.desc)
	}
	switch p.verdict {
	case Same:
		add("Gesamtwert %.2f ≥ %.2f: dieselbe Veranstaltung", p.score, SameThreshold)
	case SeriesSibling:
		add("gleicher Veranstalter, fast gleicher Titel, anderer Termin: Reihe, nicht zusammengeführt")
	default:
		if !p.hard() {
			if p.placeConflict == placeWeak && p.title < strongTitle {
				add("Titel zu verschieden für einen widersprechenden Ort (%.2f < %.2f)", p.title, strongTitle)
			} else if p.title < TitleGate && !(p.hasDesc && p.desc >= DescRescue) {
				add("Titel zu verschieden (%.2f < %.2f)", p.title, TitleGate)
			} else {
				add("Gesamtwert %.2f < %.2f", p.score, SameThreshold)
			}
		}
	}
	return ev
}

func dayString(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

func clock(m int16) string {
	if m < 0 {
		return "–"
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
