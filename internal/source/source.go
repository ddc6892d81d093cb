// Package source holds the partner sources: the Source type, its defaults and
// validation, and the sources file (a YAML entry per site), so that anyone can
// add a site without writing code.
package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Defaults applied to every source unless it says otherwise.
const (
	DefaultMaxBytes    = 20 << 20
	DefaultMaxPages    = 500
	DefaultTimeout     = 20 * time.Second
	DefaultDelay       = time.Second
	DefaultParallelism = 2
	DefaultInterval    = 6 * time.Hour
	DefaultRetries     = 2
)

// Fields are CSS selectors evaluated on detail pages (html strategy).
type Fields struct {
	Title string `yaml:"title" json:"title,omitempty"`
	Body  string `yaml:"body" json:"body,omitempty"`
	Date  string `yaml:"date" json:"date,omitempty"`
	Place string `yaml:"place" json:"place,omitempty"`
	// Item splits one page into several announcements (a list page that
	// carries the whole text of each event); the other selectors then apply
	// within each matched element.
	Item string `yaml:"item" json:"item,omitempty"`
}

// Source is one partner site.
type Source struct {
	ID        string   `yaml:"id" json:"id"`
	Name      string   `yaml:"name" json:"name"`
	URL       string   `yaml:"url" json:"url"`
	Kind      string   `yaml:"kind" json:"kind"`
	Follow    string   `yaml:"follow" json:"follow,omitempty"`
	Next      string   `yaml:"next" json:"next,omitempty"`
	Fields    Fields   `yaml:"fields" json:"fields"`
	Region    string   `yaml:"region" json:"region,omitempty"`
	Languages []string `yaml:"languages" json:"languages,omitempty"`
	Interval  Duration `yaml:"interval" json:"interval"`
	Publish   string   `yaml:"publish" json:"publish"`

	// Organizer is the organisation behind the site; its own announcements
	// win when the same event is merged from several sources.
	Organizer string `yaml:"organizer" json:"organizer,omitempty"`
	// Politeness and limits.
	Delay       Duration `yaml:"delay" json:"delay"`
	Parallelism int      `yaml:"parallelism" json:"parallelism,omitempty"`
	Timeout     Duration `yaml:"timeout" json:"timeout"`
	MaxPages    int      `yaml:"max_pages" json:"max_pages,omitempty"`
	MaxBytes    int64    `yaml:"max_bytes" json:"max_bytes,omitempty"`
	Retries     *int     `yaml:"retries" json:"retries,omitempty"`
	// AllowPrivate lets this source point at a private or loopback address.
	AllowPrivate bool `yaml:"allow_private" json:"allow_private,omitempty"`
	// PublicContacts marks contact data on this site as public contact points.
	PublicContacts bool `yaml:"public_contacts" json:"public_contacts,omitempty"`
	Disabled       bool `yaml:"disabled" json:"disabled,omitempty"`
}

// File is the whole sources file.
type File struct {
	Sources []Source `yaml:"sources"`
}

// Duration is a time.Duration written as "6h", "500ms" in YAML.
type Duration struct{ time.Duration }

// UnmarshalYAML parses Go duration syntax.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("line %d: bad duration %q: %w", n.Line, s, err)
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration written by MarshalJSON.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("bad duration %q: %w", s, err)
	}
	d.Duration = v
	return nil
}

// Load reads and validates a sources file.
func Load(path string) ([]Source, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	srcs, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return srcs, nil
}

// Parse decodes a sources file, expands ${NAME} and ${NAME:-default} in URLs,
// applies defaults and validates every entry. Unknown keys are errors: a typo
// must not silently disable a selector.
func Parse(b []byte) ([]Source, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty sources file")
		}
		return nil, fmt.Errorf("parse sources: %w", err)
	}
	seen := map[string]bool{}
	var errs []error
	for i := range f.Sources {
		s := &f.Sources[i]
		s.URL = ExpandEnv(s.URL)
		s.ApplyDefaults()
		if err := s.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("source %d (%s): %w", i+1, s.ID, err))
			continue
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Errorf("source %d: duplicate id %q", i+1, s.ID))
		}
		seen[s.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f.Sources, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// ExpandEnv replaces ${NAME} and ${NAME:-default}.
func ExpandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		p := envRef.FindStringSubmatch(m)
		if v, ok := os.LookupEnv(p[1]); ok && (v != "" || p[2] == "") {
			return v
		}
		return p[3]
	})
}

// ApplyDefaults fills in limits and politeness settings left out.
func (s *Source) ApplyDefaults() {
	if s.Kind == "" {
		// A source with selectors is an html source as before; one with
		// only its URL is discovered.
		s.Kind = event.KindHTML
		if s.Follow == "" && s.Next == "" && s.Fields == (Fields{}) {
			s.Kind = event.KindAuto
		}
	}
	if s.Interval.Duration == 0 {
		s.Interval.Duration = DefaultInterval
	}
	if s.Publish == "" {
		s.Publish = "review"
	}
	if s.Delay.Duration == 0 {
		s.Delay.Duration = DefaultDelay
	}
	if s.Parallelism == 0 {
		s.Parallelism = DefaultParallelism
	}
	if s.Timeout.Duration == 0 {
		s.Timeout.Duration = DefaultTimeout
	}
	if s.MaxPages == 0 {
		s.MaxPages = DefaultMaxPages
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.Retries == nil {
		r := DefaultRetries
		s.Retries = &r
	}
	if s.Fields.Title == "" && s.Kind == event.KindHTML {
		s.Fields.Title = "h1"
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks one source. Selectors are compiled here so a bad one is
// reported at start-up, not in the middle of a crawl.
func (s *Source) Validate() error {
	var errs []error
	if !slugRE.MatchString(s.ID) {
		errs = append(errs, fmt.Errorf("id %q: want a slug of a-z, 0-9 and -", s.ID))
	}
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, errors.New("name is required"))
	}
	u, err := url.Parse(s.URL)
	switch {
	case s.URL == "":
		errs = append(errs, errors.New("url is required"))
	case err != nil:
		errs = append(errs, fmt.Errorf("url: %w", err))
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, fmt.Errorf("url %q: scheme must be http or https", s.URL))
	case u.Host == "":
		errs = append(errs, fmt.Errorf("url %q: no host", s.URL))
	}
	switch s.Kind {
	case event.KindHTML, event.KindJSONLD, event.KindICal, event.KindAuto:
	default:
		errs = append(errs, fmt.Errorf("kind %q: want auto, html, jsonld or ical", s.Kind))
	}
	if s.Kind == event.KindAuto && (s.Follow != "" || s.Next != "" || s.Fields != (Fields{})) {
		errs = append(errs, errors.New("kind auto finds its own selectors: leave follow, next and fields empty, or choose kind html"))
	}
	for name, sel := range map[string]string{
		"follow": s.Follow, "next": s.Next, "fields.title": s.Fields.Title, "fields.body": s.Fields.Body,
		"fields.date": s.Fields.Date, "fields.place": s.Fields.Place, "fields.item": s.Fields.Item,
	} {
		if sel == "" {
			continue
		}
		if _, err := cascadia.ParseGroup(sel); err != nil {
			errs = append(errs, fmt.Errorf("%s: bad CSS selector %q: %w", name, sel, err))
		}
	}
	if s.Region != "" && !event.ValidRegion(s.Region) {
		errs = append(errs, fmt.Errorf("region %q: not one of the 13 Saxon district slugs", s.Region))
	}
	for _, l := range s.Languages {
		if len(l) != 2 && l != "hsb" && l != "dsb" {
			errs = append(errs, fmt.Errorf("language %q: want an ISO 639-1 code", l))
		}
	}
	if s.Publish != "auto" && s.Publish != "review" {
		errs = append(errs, fmt.Errorf("publish %q: want auto or review", s.Publish))
	}
	if s.MaxBytes < 0 || s.MaxPages < 0 || s.Parallelism < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	return errors.Join(errs...)
}
