// Package event holds Treffpunkt's domain types: what a source said about an
// announcement (Item), what normalisation made of it (Draft), and the shared
// vocabulary (online modes, statuses, region slugs). It depends on nothing of ours.
package event

import (
	"errors"
	"time"
)

// Berlin is the zone every event time is interpreted in.
var Berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("event: load " + name + ": " + err.Error())
	}
	return loc
}

// OnlineMode says whether an event happens on site, online or both.
type OnlineMode string

const (
	OnlineNo     OnlineMode = "no"
	OnlineYes    OnlineMode = "yes"
	OnlineHybrid OnlineMode = "hybrid"
)

// Status is the event's own state as announced by its organiser.
type Status string

const (
	StatusScheduled Status = "scheduled"
	StatusCancelled Status = "cancelled"
	StatusPostponed Status = "postponed"
)

// Strategy names an extraction strategy of a source.
const (
	KindHTML   = "html"
	KindJSONLD = "jsonld"
	KindICal   = "ical"
	// KindAuto is a source given by its URL alone: the crawler discovers
	// structured data, feeds, a sitemap or the list of announcements and
	// crawls with one of the other strategies (scrapers.Discover).
	KindAuto = "auto"
)

// Location is a place as a structured source (JSON-LD, iCal) stated it.
type Location struct {
	Venue      string   `json:"venue,omitempty"`
	Street     string   `json:"street,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Text       string   `json:"text,omitempty"` // unstructured location line (iCal LOCATION)
	Lat        *float64 `json:"lat,omitempty"`
	Lon        *float64 `json:"lon,omitempty"`
}

// Item is what one source said about one announcement, as strings: scrapers
// report, normalisation decides what it means. Items are stored as JSONB so
// normalisation can be re-run without re-crawling.
type Item struct {
	// Key is the identity of the item within its source: JSON-LD @id or url,
	// iCal UID, else the canonical page URL.
	Key  string `json:"key"`
	URL  string `json:"url"`
	Kind string `json:"kind"` // html | jsonld | ical

	Title string `json:"title"`
	Text  string `json:"text,omitempty"` // plain text of the announcement body
	HTML  string `json:"html,omitempty"` // body HTML as fetched, NOT sanitised

	// Free-text fields picked by selectors (html strategy).
	Date  string `json:"date,omitempty"`
	Place string `json:"place,omitempty"`

	// Structured fields (jsonld, ical). Start/End are ISO 8601 as given:
	// "2021-05-21T10:00:00+02:00", "2021-05-21T10:00" (local Berlin), or
	// "2021-05-21" for all-day events, whose End is the last day, inclusive
	// (an iCal DTEND, exclusive, is turned into that by the scraper).
	Start      string    `json:"start,omitempty"`
	End        string    `json:"end,omitempty"`
	Recurrence string    `json:"rrule,omitempty"` // RFC 5545 RRULE value without "RRULE:"
	Location   *Location `json:"location,omitempty"`
	Attendance string    `json:"attendance,omitempty"` // online | offline | mixed (schema.org eventAttendanceMode)
	Status     string    `json:"status,omitempty"`     // cancelled | postponed | scheduled (as stated)
	Organizer  string    `json:"organizer,omitempty"`
	Image      string    `json:"image,omitempty"`

	// Published is the page's own date (YYYY-MM-DD or RFC 3339) when the page
	// tells it; it is the reference for dates without a year.
	Published string `json:"published,omitempty"`
	// Lang is the page's declared language (html lang attribute), if any.
	Lang string `json:"lang,omitempty"`

	// Extra keeps whatever else the scraper saw (raw JSON-LD object, iCal
	// properties), so nothing is lost.
	Extra map[string]any `json:"extra,omitempty"`
}

// Place is a normalised venue.
type Place struct {
	Venue      string   `json:"venue,omitempty"`
	Street     string   `json:"street,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Region     string   `json:"region,omitempty"` // one of Regions, or "" when unknown / outside Saxony
	Lat        *float64 `json:"lat,omitempty"`
	Lon        *float64 `json:"lon,omitempty"`
}

// Contact holds personal data found in an announcement. It is kept for staff
// and never published unless the source marks it as a public contact point.
type Contact struct {
	Names  []string `json:"names,omitempty"`
	Emails []string `json:"emails,omitempty"`
	Phones []string `json:"phones,omitempty"`
}

// Draft is one event as normalisation understood it. An announcement listing
// several dates yields several drafts.
type Draft struct {
	Title           string `json:"title"`
	Description     string `json:"description,omitempty"`      // plain text, boilerplate removed
	DescriptionHTML string `json:"description_html,omitempty"` // sanitised HTML

	// Start is in Europe/Berlin. AllDay means no time of day is known: Start
	// (and End) are then local midnight of the day(s).
	Start  time.Time  `json:"start"`
	End    time.Time  `json:"end,omitzero"` // zero when unknown; for all-day events the last day (inclusive)
	AllDay bool       `json:"all_day"`
	Online OnlineMode `json:"online"`
	Place  Place      `json:"place"`

	Languages  []string `json:"languages"` // ISO 639-1
	Topics     []string `json:"topics"`    // slugs of the topic taxonomy
	Recurrence string   `json:"recurrence,omitempty"`

	RegistrationRequired *bool     `json:"registration_required,omitempty"`
	RegistrationDeadline time.Time `json:"registration_deadline,omitzero"`
	CostFree             *bool     `json:"cost_free,omitempty"`
	DoorsOpen            time.Time `json:"doors_open,omitzero"`

	Organizer     string   `json:"organizer,omitempty"`
	Contact       Contact  `json:"contact,omitzero"`
	Audience      []string `json:"audience,omitempty"`
	Accessibility []string `json:"accessibility,omitempty"`
	Status        Status   `json:"status"`

	// Confidence per field name (0..1); LowConfidence is set when any field
	// staff should look at is below the threshold.
	Confidence    map[string]float64 `json:"confidence,omitempty"`
	LowConfidence bool               `json:"low_confidence,omitempty"`
	Warnings      []string           `json:"warnings,omitempty"`
}

// Regions are the 13 Saxon districts by their API slugs.
var Regions = []string{
	"chemnitz", "erzgebirgskreis", "mittelsachsen", "vogtlandkreis", "zwickau",
	"dresden", "bautzen", "goerlitz", "meissen", "saechsische-schweiz-osterzgebirge",
	"leipzig", "landkreis-leipzig", "nordsachsen",
}

// ValidRegion reports whether slug is one of Regions.
func ValidRegion(slug string) bool {
	for _, r := range Regions {
		if r == slug {
			return true
		}
	}
	return false
}

// Errors shared by the domain. Callers match them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrNoDate   = errors.New("no event date found")
	ErrInvalid  = errors.New("invalid input")
)
