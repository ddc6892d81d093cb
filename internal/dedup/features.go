package dedup

import (
	"slices"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Record is one normalised event occurrence from one source item, as dedup
// sees it.
type Record struct {
	ID        int64 // event id in the store (0 for a new one)
	SourceID  string
	Organizer string // normalised organiser name (may be empty)
	OwnSite   bool   // this source is the organiser's own site (wins in merges)
	URL       string
	Draft     event.Draft // description with boilerplate already stripped
}

// maxSpanDays caps how many days an all-day multi-day event covers for
// matching: a "runs all semester" exhibition must not block-match everything.
const maxSpanDays = 31

// features is what Compare needs of a record, computed once (on Index.Add)
// so that comparing two records allocates nothing.
type features struct {
	day, lastDay int32 // civil day numbers (Berlin) of start and, for multi-day events, end
	// firstDay is day, or for a record whose title marks it as the N-th
	// day of a multi-day event (eventDay) the day that event began.
	firstDay int32
	minute   int16 // minute of day of the start, -1 when unknown (all-day)
	noDate   bool

	onlineOnly bool
	hybrid     bool
	region     string
	city       string   // folded
	postal     string   // digits only
	street     string   // folded
	weakPlace  bool     // city, postal code and venue guessed (weakPlaceConf)
	venue      []uint32 // hashed venue words, sorted
	venueStems []uint32 // stems of its distinctive words, to find the venue in another text

	tokens []token
	// weakTitle: the title was not given by the source but guessed from
	// the page text (see weakTitleConf), so the text speaks for it.
	weakTitle bool
	frags     []uint32 // compound fragments of the title words, see token
	tokWeight float32
	tri       []uint32
	desc      []uint32 // bottom-k sketch of description shingles
	// tmpl marks the shingles of desc that are template text in the
	// block a new record is matched against (markTemplates; bit i is
	// desc[i]). Zero outside a match: Compare has no block.
	tmpl     uint64
	ctx      []uint32 // stems of the content words of title and description
	ctxBloom bloom
	parts    bloom // title words and their long compound parts, for titlesLinked

	org      string   // normOrganizer, or "" when unknown
	weakOrg  bool     // the draft's organiser was not stated by the source
	orgWords []uint32 // its words hashed, sorted
	orgStems []uint32 // their stems hashed, to find the name in another text
	source   string
	// langs: the languages the text is written in (languages.Detect, main
	// first), only for a weak title (otherLanguage); the draft's Languages
	// also name the languages an event is held in ("auf Russisch").
	langs []string
}

func prepare(r Record) *features {
	d := r.Draft
	f := &features{
		onlineOnly: d.Online == event.OnlineYes,
		hybrid:     d.Online == event.OnlineHybrid,
		region:     d.Place.Region,
		city:       fold(d.Place.City),
		postal:     digits(d.Place.PostalCode),
		street:     fold(d.Place.Street),
		org:        normOrganizer(r.Organizer),
		source:     r.SourceID,
	}
	if f.org == "" {
		f.org = normOrganizer(d.Organizer)
	}
	for _, w := range strings.Fields(f.org) {
		f.orgWords = append(f.orgWords, hash32(w))
		f.orgStems = append(f.orgStems, hash32(stem(w)))
	}
	slices.Sort(f.orgWords)
	f.setTime(d)
	if c, ok := d.Confidence["title"]; ok && c < weakTitleConf {
		f.weakTitle = true
		f.langs = textLanguages(d.Title, d.Description)
	}
	if c, ok := d.Confidence["organizer"]; ok && c < 1 {
		f.weakOrg = true // read from the text or the source's fallback
	}
	if c, ok := d.Confidence["place"]; ok && c < weakPlaceConf {
		f.weakPlace = true
	}
	cw := words(d.Place.City)
	f.venue = venueWords(d.Place.Venue, cw)
	f.venueStems = venueStems(d.Place.Venue, cw)
	titleAll := words(aliases.expandAcronyms(d.Title))
	tw := aliases.rewrite(titleWordsOf(titleAll, cw))
	f.tokens, f.frags = titleTokens(tw)
	for _, t := range f.tokens {
		f.tokWeight += t.w
		f.parts.add(t.h)
		if t.f1-t.f0 > 2 {
			for _, h := range f.frags[t.f0+2 : t.f1] {
				f.parts.add(h)
			}
		}
	}
	f.tri = trigrams(tw)
	if n := eventDay(titleAll); n > 0 && !f.noDate {
		f.firstDay = f.day - int32(n-1)
	}
	dw := words(aliases.expandAcronyms(d.Description))
	f.desc = shingleSketch(dw)
	f.ctx = contextWords(titleAll, dw)
	for _, h := range f.ctx {
		f.ctxBloom.add(h)
	}
	return f
}

// prepareDesc is prepare for a record of a template block: its days and
// its description sketch, nothing else.
func prepareDesc(r Record) *features {
	f := &features{}
	f.setTime(r.Draft)
	f.desc = shingleSketch(words(aliases.expandAcronyms(r.Draft.Description)))
	return f
}

func (f *features) setTime(d event.Draft) {
	if d.Start.IsZero() {
		f.noDate = true
		f.minute = -1
		return
	}
	start := d.Start.In(event.Berlin)
	f.day = civilDay(start)
	f.lastDay = f.day
	f.firstDay = f.day
	f.minute = -1
	// A start at midnight that is not all-day is a date whose time was
	// not read (a page's "10.12.2019" turned into 00:00) far more often
	// than an event that begins at midnight: its time is unknown.
	if !d.AllDay && (start.Hour() != 0 || start.Minute() != 0) {
		f.minute = int16(start.Hour()*60 + start.Minute())
	}
	if !d.End.IsZero() {
		if last := civilDay(d.End.In(event.Berlin)); last > f.day {
			f.lastDay = min(last, f.day+maxSpanDays-1)
		}
	}
}

// multiDay reports whether the record spans more than its start day.
func (f *features) multiDay() bool { return f.lastDay > f.day }

// spans reports whether the record stands for more than one day of an
// event: a multi-day record, or one day of a multi-day event (firstDay).
func (f *features) spans() bool { return f.lastDay > f.firstDay }

// civilDay numbers the calendar day of t (in t's location) from 1970-01-01.
func civilDay(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// venueAbbrev spells out abbreviations common in venue names.
var venueAbbrev = map[string]string{
	"vhs": "volkshochschule", "str": "strasse", "bgh": "buergerhaus", "soziokult": "soziokulturelles",
	"kulturzentr": "kulturzentrum", "gemeindezentr": "gemeindezentrum", "uni": "universitaet",
}

// venueWords hashes the meaningful words of a venue name; the city and
// other town names are left out so "WERK 2 – Kulturfabrik Leipzig" and
// "Werk 2" share all their words, and a "venue" that only names a town or
// the state ("Sachsen", as calendars fill LOCATION) is none.
func venueWords(venue string, city []string) []uint32 {
	var out []uint32
	for _, w := range words(venue) {
		if stopWords[w] || saxonTowns[w] || slices.Contains(city, w) || (len(w) < 2 && !isNumber(w)) {
			continue
		}
		if long, ok := venueAbbrev[w]; ok {
			w = long
		}
		out = append(out, hash32(w))
	}
	slices.Sort(out)
	return exact(slices.Compact(out))
}

// venueStems hashes the stems of the venue words a text must contain to
// name the venue: as venueWords, without numbers, short words and the names
// of towns ("Werk 2" → "werk"; a venue "Sachsen" names no place).
func venueStems(venue string, city []string) []uint32 {
	var out []uint32
	for _, w := range words(venue) {
		if len(w) < 3 || isNumber(w) || stopWords[w] || saxonTowns[w] || slices.Contains(city, w) {
			continue
		}
		if long, ok := venueAbbrev[w]; ok {
			w = long
		}
		out = append(out, hash32(stem(w)))
	}
	return out
}

// exact returns s in an array of its own length: features live as long as
// the index, and sorting and compacting leave up to half of an array unused.
func exact(s []uint32) []uint32 {
	if cap(s)-len(s) <= len(s)/8 {
		return s
	}
	return slices.Clone(s)
}
