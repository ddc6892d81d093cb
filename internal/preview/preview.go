// Package preview tries a partner's start URL before anyone saves it as a
// source: discovery (kind: auto) and a bounded sample crawl through the
// same polite collector as every crawl, the items normalised, and the
// sources.yaml entry to save. It writes nothing anywhere: `treffpunkt try`
// and the staff UI's "Test this source" form both show its Result.
package preview

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// Bounds of one preview. A preview is started by a person waiting for it,
// so it is small: a few pages, each capped, the whole under a deadline.
const (
	DefaultMaxPages = 5
	MaxMaxPages     = 20
	DefaultTimeout  = 60 * time.Second
	DefaultMaxBytes = 2 << 20
	// maxEvents bounds the events a preview lists (a feed may hold
	// thousands).
	maxEvents = 200
	// maxWarnings bounds the warnings a preview lists.
	maxWarnings = 50
	// maxURL bounds the URL a person may type.
	maxURL = 2048
)

// Options bound and tune a preview.
type Options struct {
	MaxPages     int           // pages the sample crawl may fetch (default 5, at most 20)
	Timeout      time.Duration // the whole preview (default 60 s)
	MaxBytes     int64         // per page (default 2 MiB)
	AllowPrivate bool          // tests and the demo: loopback and private addresses
	NoPoliteness bool          // tests: no per-host delay (robots.txt still read)
	UserAgent    string
	Now          func() time.Time
}

// Page is one fetched page of the sample.
type Page struct {
	URL    string
	Role   string
	Status int
	Items  int
	Error  string
}

// Event is one event the sample would store, with the normaliser's
// confidence per field.
type Event struct {
	Title      string
	Start, End time.Time
	AllDay     bool
	Place      string
	Online     string
	URL        string
	Confidence []Confidence // sorted by field
	Low        bool         // some field under normalize.LowConfidence: review would flag it
	Warnings   []string
}

// Confidence is the normaliser's confidence in one field.
type Confidence struct {
	Field string
	Value float64
}

// Result is what a preview found.
type Result struct {
	URL      string
	Strategy string
	Reason   string
	Found    []string // feeds, REST APIs, sitemaps the site offers
	Pages    []Page
	Events   []Event
	NoDate   int // items that yielded no event (no date found)
	Warnings []string
	// Truncated: the sample stopped at MaxPages; the site has more.
	Truncated bool
	// Fallback: auto found nothing usable; selectors must be written.
	Fallback bool
	// YAML is the entry to save (kind: auto); SelectorsYAML the same
	// source with the strategy and selectors discovery inferred, for a
	// site where auto should be pinned ("" when there is no equivalent).
	YAML, SelectorsYAML string
}

// Run previews a start URL. Errors are for a preview that could not run at
// all (bad URL, start page unreachable, refused address); their text is
// fit to show to the person who typed the URL.
func Run(ctx context.Context, rawURL string, opt Options) (Result, error) {
	src, err := sourceFor(rawURL, opt)
	if err != nil {
		return Result{}, err
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	res := Result{URL: src.URL}
	ref := now()
	sum, err := scrapers.Crawl(ctx, src, scrapers.Options{AllowPrivate: opt.AllowPrivate, NoPoliteness: opt.NoPoliteness,
		UserAgent: opt.UserAgent, Now: now}, func(pg scrapers.Page) {
		res.add(pg, src, ref)
	})
	if sum.Plan != nil {
		res.Strategy, res.Reason = sum.Plan.Strategy, sum.Plan.Reason
		res.Found = sum.Plan.Found
		res.Warnings = append(sum.Plan.Warnings, res.Warnings...)
	}
	if err != nil {
		return res, userError(err, ctx)
	}
	res.Truncated = sum.Truncated
	if len(res.Warnings) > maxWarnings {
		res.Warnings = append(res.Warnings[:maxWarnings], fmt.Sprintf("and %d more warnings", len(res.Warnings)-maxWarnings))
	}
	sort.SliceStable(res.Events, func(i, j int) bool { return res.Events[i].Start.Before(res.Events[j].Start) })
	if len(res.Events) > maxEvents {
		res.Warnings = append(res.Warnings, fmt.Sprintf("showing the first %d of %d events", maxEvents, len(res.Events)))
		res.Events = res.Events[:maxEvents]
	}
	res.Fallback = res.Strategy == scrapers.StrategyPage || len(res.Events) == 0
	if res.Fallback {
		res.Warnings = append(res.Warnings, "auto found no events here: selectors (follow, next, fields) are the fallback for this site")
	}
	if ctx.Err() != nil {
		res.Warnings = append(res.Warnings, "the preview stopped at its time limit; the site may hold more")
	}
	res.YAML, err = entryYAML(autoEntry(src))
	if err != nil {
		return res, err
	}
	// Pages from a sitemap or a posts feed, and the REST API, have no
	// selector form: such a source stays kind auto.
	if sum.Plan != nil && len(sum.Plan.Seeds) == 0 && sum.Plan.Strategy != scrapers.StrategyREST && !res.Fallback {
		if res.SelectorsYAML, err = entryYAML(inferredEntry(src, sum.Plan.Source)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// sourceFor builds the source a preview crawls: the URL alone, kind auto,
// with the preview's bounds.
func sourceFor(rawURL string, opt Options) (source.Source, error) {
	rawURL = strings.TrimSpace(rawURL)
	if len(rawURL) > maxURL {
		return source.Source{}, fmt.Errorf("the URL is longer than %d characters", maxURL)
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return source.Source{}, errors.New("enter a web address starting with http:// or https://")
	}
	pages := opt.MaxPages
	if pages <= 0 {
		pages = DefaultMaxPages
	}
	pages = min(pages, MaxMaxPages)
	maxBytes := opt.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	zero := 0
	src := source.Source{ID: slug(u.Hostname()), Name: u.Hostname(), URL: u.String(), Kind: event.KindAuto,
		MaxPages: pages, MaxBytes: maxBytes, Retries: &zero, AllowPrivate: opt.AllowPrivate}
	src.Timeout.Duration = 15 * time.Second
	src.ApplyDefaults()
	return src, nil
}

func (r *Result) add(pg scrapers.Page, src source.Source, ref time.Time) {
	p := Page{URL: pg.URL, Role: pg.Role, Status: pg.Status, Items: len(pg.Items)}
	if pg.Err != nil {
		p.Error = pageError(pg.Err)
	}
	r.Pages = append(r.Pages, p)
	r.Warnings = append(r.Warnings, pg.Warnings...)
	for _, it := range pg.Items {
		drafts, err := normalize.Normalize(it, normalize.Options{Ref: ref, DefaultRegion: src.Region,
			DefaultLanguages: src.Languages, Organizer: src.Organizer})
		if err != nil {
			r.NoDate++
			continue
		}
		for _, d := range drafts {
			r.Events = append(r.Events, eventOf(d, it.URL))
		}
	}
}

func eventOf(d event.Draft, pageURL string) Event {
	e := Event{Title: d.Title, Start: d.Start, End: d.End, AllDay: d.AllDay, Online: string(d.Online), URL: pageURL,
		Low: d.LowConfidence, Warnings: d.Warnings}
	e.Place = d.Place.Line()
	for f, v := range d.Confidence {
		e.Confidence = append(e.Confidence, Confidence{Field: f, Value: v})
	}
	sort.Slice(e.Confidence, func(i, j int) bool { return e.Confidence[i].Field < e.Confidence[j].Field })
	return e
}

// pageError says what went wrong with a page without passing on what a
// server or the network said beyond the status (no addresses, no bodies).
func pageError(err error) string {
	var se *scrapers.StatusError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.Is(err, scrapers.ErrRobotsDisallowed):
		return "robots.txt does not allow this page"
	case errors.Is(err, scrapers.ErrPrivateAddress):
		return "refused: the address is in a private network"
	case errors.Is(err, scrapers.ErrTooLarge):
		return "the page is larger than the preview's size limit"
	case errors.Is(err, context.DeadlineExceeded):
		return "the site took too long to answer"
	case errors.Is(err, scrapers.ErrOffSite), errors.Is(err, scrapers.ErrTooManyRedirects):
		return "redirects elsewhere or in a loop"
	case errors.Is(err, scrapers.ErrNoTitle):
		return "no title found on the page"
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "not an HTML page") || strings.HasPrefix(msg, "no schema.org Event") {
		return msg
	}
	return "the page could not be read"
}

// userError is pageError for the preview as a whole.
func userError(err error, ctx context.Context) error {
	if ctx.Err() != nil {
		return errors.New("the site took too long to answer")
	}
	msg := pageError(err)
	if msg == "the page could not be read" && strings.Contains(err.Error(), "not HTML or iCalendar") {
		msg = "the address is neither a web page nor a calendar feed"
	}
	return errors.New("the start page: " + msg)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a source id from a host name: www.dsm-sachsen.de → dsm-sachsen-de.
func slug(host string) string {
	s := nonSlug.ReplaceAllString(strings.TrimPrefix(strings.ToLower(host), "www."), "-")
	s = strings.Trim(s, "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if s == "" {
		s = "partner"
	}
	return s
}

// entry is a sources.yaml entry with only what a new source needs.
type entry struct {
	ID     string         `yaml:"id"`
	Name   string         `yaml:"name"`
	URL    string         `yaml:"url"`
	Kind   string         `yaml:"kind"`
	Follow string         `yaml:"follow,omitempty"`
	Next   string         `yaml:"next,omitempty"`
	Fields *fields        `yaml:"fields,omitempty"`
	Extra  map[string]any `yaml:",inline"`
}

type fields struct {
	Item  string `yaml:"item,omitempty"`
	Title string `yaml:"title,omitempty"`
	Body  string `yaml:"body,omitempty"`
	Date  string `yaml:"date,omitempty"`
	Place string `yaml:"place,omitempty"`
}

func autoEntry(src source.Source) entry {
	return entry{ID: src.ID, Name: src.Name, URL: src.URL, Kind: event.KindAuto,
		Extra: map[string]any{"publish": "review"}}
}

// inferredEntry pins what discovery found: its kind, URL and selectors.
func inferredEntry(src, found source.Source) entry {
	e := autoEntry(src)
	e.Kind, e.URL, e.Follow, e.Next = found.Kind, found.URL, found.Follow, found.Next
	f := fields{Item: found.Fields.Item, Title: found.Fields.Title, Body: found.Fields.Body,
		Date: found.Fields.Date, Place: found.Fields.Place}
	if f != (fields{}) {
		e.Fields = &f
	}
	return e
}

func entryYAML(e entry) (string, error) {
	b, err := yaml.Marshal([]entry{e})
	if err != nil {
		return "", fmt.Errorf("yaml entry: %w", err)
	}
	return string(b), nil
}
