// Package normalize turns what a source said about an announcement (an
// event.Item: German free text, maybe a few structured fields) into events
// (event.Draft): dates, place and region, online or not, languages, topics,
// registration, cost, organiser, contacts, audience, accessibility and
// status, each with a confidence. Everything here is a pure function of the
// item and the options: no I/O, no clock.
//
// The work is split by what it reads: dates/ (date grammar), places/ and
// gazetteer/ (addresses and Saxon regions), languages/, topics/ (rules in
// a CSV staff can edit); this package combines them.
package normalize

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unsafe"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/normalize/places"
	"github.com/treffpunkt/treffpunkt/internal/normalize/topics"
)

// Options carries what the source knows beyond the item itself.
type Options struct {
	Ref              time.Time // crawl time; reference when item.Published is empty
	DefaultRegion    string    // source default region when the text names none
	DefaultLanguages []string  // source default languages
	Organizer        string    // source organisation (fallback organiser)
}

// LowConfidence is the threshold below which a field's confidence flags the
// draft for staff review.
const LowConfidence = 0.6

// OrganizerFallbackConfidence is the confidence of an organiser that the
// text does not state and that comes from the source's configuration.
const OrganizerFallbackConfidence = 0.4

// Normalize turns one scraped item into zero or more events. Structured
// fields (item.Start/End/Location/Attendance/Status/Recurrence from JSON-LD
// or iCal) win over text parsing; text fills the rest (region, languages,
// topics, online, …). Returns event.ErrNoDate (wrapped) when no event date
// is found. Pure: no I/O, deterministic given Options.Ref.
func Normalize(it event.Item, opt Options) ([]event.Draft, error) {
	ref, published, err := reference(it.Published, opt.Ref)
	if err != nil {
		return nil, fmt.Errorf("normalize %s: %w", ident(it), err)
	}
	j := newJob(it, opt, ref, published)
	found := j.occurrences()
	if len(found.events) == 0 {
		return nil, fmt.Errorf("normalize %s: %w", ident(it), event.ErrNoDate)
	}
	j.inText = found.inText
	groups := j.segment(found)
	drafts := make([]event.Draft, 0, len(found.events))
	for _, g := range groups {
		w := j.where(g, len(groups) > 1)
		for _, o := range g.occs {
			drafts = append(drafts, j.draft(o, w, found))
		}
	}
	sameDayOrder(drafts)
	return drafts, nil
}

// sameDayOrder puts the events of one day in the order of their clock: a
// programme's opening ("Eröffnung am 26. September 2021, 15 Uhr") before
// the festival it opens ("26.09.–17.10.2021", all day), the 14 Uhr café
// before the 19 Uhr talk a calendar lists first. Events of other days keep
// the order of the text.
func sameDayOrder(ds []event.Draft) {
	before := func(a, b event.Draft) bool {
		if a.AllDay != b.AllDay {
			return !a.AllDay
		}
		return a.Start.Before(b.Start)
	}
	for i := 1; i < len(ds); i++ {
		// move ds[i] before the earlier events of its day it precedes (insertion sort within a day)
		for k := i; ; {
			p := k - 1
			for p >= 0 && !sameDay(ds[p].Start, ds[k].Start) {
				p--
			}
			if p < 0 || !before(ds[k], ds[p]) {
				break
			}
			d := ds[k]
			copy(ds[p+1:k+1], ds[p:k])
			ds[p] = d
			k = p
		}
	}
}

func ident(it event.Item) string {
	if it.Key != "" {
		return it.Key
	}
	if it.URL != "" {
		return it.URL
	}
	return fmt.Sprintf("%.40q", it.Title)
}

// reference is the date that dates without a year are placed near: the
// page's publication date when it is known, else the crawl time.
func reference(pub string, crawl time.Time) (ref time.Time, published bool, err error) {
	if pub = strings.TrimSpace(pub); pub != "" {
		for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
			if t, err := time.ParseInLocation(layout, pub, event.Berlin); err == nil {
				return t.In(event.Berlin), true, nil
			}
		}
	}
	if crawl.IsZero() {
		return time.Time{}, false, fmt.Errorf("no reference date (neither published date %q nor Options.Ref): %w", pub, event.ErrInvalid)
	}
	return crawl.In(event.Berlin), false, nil
}

// job holds what is computed once per item and shared by its drafts.
type job struct {
	it        event.Item
	opt       Options
	ref       time.Time
	published bool

	text, low   string // body text and its lower case (same byte offsets)
	title       string
	all         string // title + "\n" + text
	lowAll      string // lower-cased title + text
	lowTitle    string
	read        reading // the lexicon's words in lowAll
	hits        hits    // the field words among them
	langs       []string
	langConf    float64
	topics      []string
	topicConf   float64
	warnings    []string
	shared      event.Draft // fields every draft of the item gets
	sharedConf  map[string]float64
	structPlace *placeInfo   // from item.Location or item.Place, when given
	text1       *places.Text // the whole text read for place and region
	commonText  *places.Text // the text outside the date parts
	inText      bool         // the events' Spans index text (see found.inText)
}

func newJob(it event.Item, opt Options, ref time.Time, published bool) *job {
	j := &job{it: it, opt: opt, ref: ref, published: published}
	j.text = strings.TrimSpace(it.Text)
	if j.text == "" && strings.TrimSpace(it.HTML) != "" {
		j.text = htmlText(policy().Sanitize(it.HTML))
	}
	j.text = cutRelated(j.text)

	rawTitle := strings.TrimSpace(it.Title)
	if rawTitle == "" {
		rawTitle = titleLine(j.text)
	}
	j.title = cleanTitle(rawTitle, ref)
	// Title and text as one string, and one lower-cased copy of it with the
	// same offsets (lower-casing keeps byte lengths); the parts are slices.
	// Both live in one buffer that is never written again once the strings
	// point into it, so they share it instead of copying.
	n := len(j.title) + 1 + len(j.text)
	buf := make([]byte, 0, 2*n)
	buf = append(append(append(buf, j.title...), '\n'), j.text...)
	buf = appendLower(buf, j.title)
	buf = appendLower(append(buf, '\n'), j.text)
	j.all, j.lowAll = unsafe.String(&buf[0], n), unsafe.String(&buf[n], n)
	j.lowTitle, j.low = j.lowAll[:len(j.title)], j.lowAll[len(j.title)+1:]
	j.sharedConf = map[string]float64{}
	j.analyse()
	return j
}

// analyse computes the fields that do not depend on the event date.
func (j *job) analyse() {
	j.read = read(j.lowAll, len(j.title))
	j.hits = j.read.hits
	d := &j.shared
	d.Title = j.title
	j.sharedConf["title"] = 0.9
	if strings.TrimSpace(j.it.Title) == "" {
		j.sharedConf["title"] = 0.6
	}
	d.Description, d.DescriptionHTML = description(j.text, j.it.HTML)
	d.Accessibility = accessibility(j.hits)
	j.languages()
	d.Audience = audience(j.hits)
	j.classify()
	d.RegistrationRequired, j.sharedConf["registration"] = registration(j.hits)
	d.CostFree, j.sharedConf["cost_free"] = costFree(j.hits)
	d.Status = j.status()
	// How sure the organiser is tells a stated one from the source's
	// fallback: deduplication lets only a stated organiser claim that a
	// source is the organiser's own site.
	d.Organizer, j.sharedConf["organizer"] = strings.TrimSpace(j.it.Organizer), 1
	if d.Organizer == "" {
		d.Organizer, j.sharedConf["organizer"] = organizer(j.text, j.read.cues), 0.8
	}
	if d.Organizer == "" {
		d.Organizer, j.sharedConf["organizer"] = j.opt.Organizer, OrganizerFallbackConfidence
	}
	if d.Organizer == "" {
		delete(j.sharedConf, "organizer")
	}
	d.Contact = contacts(j.text)
	j.structPlace = j.structuredPlace()
}

// languages: explicit mentions win; else the language of the text; German
// texts take the source's default languages (German when none).
func (j *job) languages() {
	m := languages.MentionsAt(j.all, j.lowAll, j.read.langAt)
	var named, trans []string
	for _, n := range m.Named {
		if n.Translation {
			trans = append(trans, n.Code)
		} else {
			named = append(named, n.Code)
		}
	}
	det := languages.DetectCounts(j.text, languages.Stopwords{DE: j.read.de, EN: j.read.en, HSB: j.read.hsb})
	base, conf := det.Codes, 0.8*det.Confidence
	if len(base) == 0 && languages.Valid(strings.ToLower(j.it.Lang)) {
		base, conf = []string{strings.ToLower(j.it.Lang)}, 0.6
	}
	if len(base) == 0 || len(base) == 1 && base[0] == "de" {
		base, conf = []string{"de"}, 0.75
		if len(j.opt.DefaultLanguages) > 0 {
			base = append([]string(nil), j.opt.DefaultLanguages...)
		}
	}
	if len(named) > 0 {
		base, conf = named, 0.9
	}
	if len(trans) == 0 && !slices.Contains(base, "de") && slices.Contains(j.shared.Accessibility, "interpreting") {
		// a text in another language that offers interpreting without naming
		// the language: in Germany, that is German
		trans = append(trans, "de")
	}
	j.langs = languages.Sort(append(base, trans...))
	j.langConf = conf
	if m.Unnamed > len(named) {
		j.warnings = append(j.warnings, fmt.Sprintf("languages: the text speaks of %d languages without naming them all", m.Unnamed))
		j.langConf = min(j.langConf, 0.5)
	}
}

// classify picks the topics. An age range ending at 27 or below is evidence
// for "youth" (written here, not in rules.csv, because it needs the number).
func (j *job) classify() {
	scores := topics.ScoreHits(j.read.topicHits)
	for _, a := range j.shared.Audience {
		if r, ok := strings.CutPrefix(a, "age:"); ok {
			if _, hi, ok := strings.Cut(r, "-"); ok && len(hi) <= 2 && hi <= "27" && len(hi) == 2 {
				scores = boost(scores, "youth", topics.MinScore)
			}
		}
	}
	sel := topics.Select(scores)
	j.topics = topics.Slugs(sel)
	if len(sel) == 0 {
		j.warnings = append(j.warnings, "topics: no rule gave enough evidence")
		j.topicConf = 0.3
		return
	}
	j.topicConf = sel[0].Confidence() // the main topic; side topics rest on one stem by nature
	if sel[0].Score < topics.MinScore {
		j.warnings = append(j.warnings, "topics: only weak evidence; the strongest topic was kept")
	}
}

func boost(ms []topics.Match, slug string, by float64) []topics.Match {
	found := false
	for i := range ms {
		if ms[i].Slug == slug {
			ms[i].Score += by
			ms[i].Evidence = append(ms[i].Evidence, "age range")
			found = true
		}
	}
	if !found {
		ms = append(ms, topics.Match{Slug: slug, Score: by, Evidence: []string{"age range"}})
	}
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].Score > ms[b].Score })
	return ms
}

// status: a structured status wins; else the words of the text.
func (j *job) status() event.Status {
	s := strings.ToLower(j.it.Status)
	switch {
	case strings.Contains(s, "cancel"):
		return event.StatusCancelled
	case strings.Contains(s, "postpone") || strings.Contains(s, "reschedul"):
		return event.StatusPostponed
	case s != "":
		return event.StatusScheduled
	}
	st := status(j.hits)
	if st != event.StatusScheduled {
		j.warnings = append(j.warnings, "status: the text says the event is "+string(st))
	}
	return st
}

// draft builds one event from an occurrence and its place.
func (j *job) draft(o dates.Occurrence, w placeInfo, found found) event.Draft {
	d := j.shared
	d.Languages = append([]string(nil), j.langs...)
	d.Topics = append([]string(nil), j.topics...)
	d.Start = o.Start.In(event.Berlin)
	if !o.End.IsZero() {
		d.End = o.End.In(event.Berlin)
	}
	d.AllDay = o.AllDay
	d.Recurrence = o.Recurrence
	d.Online = w.online
	d.Place = w.place.Place
	for _, dl := range found.deadlines {
		if !dl.Start.After(d.Start) && dl.Start.After(d.RegistrationDeadline) {
			d.RegistrationDeadline = dl.Start.In(event.Berlin)
		}
	}
	if !d.RegistrationDeadline.IsZero() {
		d.RegistrationRequired = ptr(true)
	}
	for _, do := range found.doors {
		if sameDay(do.Start, d.Start) {
			d.DoorsOpen = do.Start.In(event.Berlin)
		}
	}
	d.Confidence = map[string]float64{}
	for k, v := range j.sharedConf {
		d.Confidence[k] = v
	}
	d.Confidence["start"] = o.Confidence
	d.Confidence["languages"] = j.langConf
	d.Confidence["topics"] = j.topicConf
	d.Confidence["online"] = w.onlineConf
	d.Confidence["region"] = w.regionConf
	d.Confidence["place"] = w.place.Confidence
	d.Warnings = append(append([]string(nil), j.warnings...), w.warnings...)
	if o.YearGuessed {
		d.Warnings = append(d.Warnings, "start: the year was not written and was taken from the reference date")
	}
	if o.DayGuessed {
		d.Warnings = append(d.Warnings, "start: no day was written; the first date of the recurrence was computed")
	}
	for _, k := range []string{"start", "languages", "topics", "online", "region"} {
		if d.Confidence[k] < LowConfidence {
			d.LowConfidence = true
		}
	}
	return d
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(event.Berlin), b.In(event.Berlin)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}
