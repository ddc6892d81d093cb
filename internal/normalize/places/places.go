// Package places reads venues, addresses and regions out of German
// announcement text: "Ort:" lines, place fields and free text such as
// "in das Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg)".
// The region is the Saxon district (one of event.Regions) found through the
// embedded gazetteer; places outside Saxony have no region.
package places

import (
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
)

// Result is what a text says about where an event happens.
type Result struct {
	event.Place
	// Online is set when the place itself is online ("Ort: Online",
	// "UND ONLINE MÖGLICH ÜBER ZOOM"); the caller decides online vs hybrid.
	Online bool
	// Outside is set for a place outside Saxony (Region stays "").
	Outside bool
	// Labelled is set when the place came from an explicit "Ort:" line (or
	// a place field), not from prose.
	Labelled bool
	// Confidence in the region (0..1): 1 for a Saxon postcode, less for a
	// city name alone, 0 when no region is known.
	Confidence float64
}

// Found reports whether anything about a physical place was found.
func (r Result) Found() bool {
	return r.Venue != "" || r.Street != "" || r.PostalCode != "" || r.City != "" || r.Region != "" || r.Outside
}

// RegionName returns the German and English display names of a region slug;
// ok is false for an unknown slug.
func RegionName(slug string) (de, en string, ok bool) {
	r, ok := gazetteer.RegionBySlug(slug)
	return r.NameDE, r.NameEN, ok
}

// Regions returns the 13 region slugs with their display names.
func Regions() []gazetteer.Region {
	return gazetteer.Regions()
}

// FromParts resolves a place given as structured fields (JSON-LD
// PostalAddress, iCal LOCATION split by the scraper): region and
// coordinates come from the gazetteer; lat/lon given by the source win.
func FromParts(venue, street, postalCode, city string) Result {
	r := Result{Labelled: true}
	r.Venue, r.Street = strings.TrimSpace(venue), strings.TrimSpace(street)
	r.PostalCode, r.City = strings.TrimSpace(postalCode), strings.TrimSpace(city)
	r.resolve()
	return r
}

// setMunicipality fills city, region and coordinates from the gazetteer.
func (r *Result) setMunicipality(m *gazetteer.Municipality, conf float64) {
	if r.City == "" {
		r.City = m.Name
	}
	r.Region = m.Region
	lat, lon := m.Lat, m.Lon
	r.Lat, r.Lon = &lat, &lon
	r.Confidence = conf
	r.Outside = false
}

// resolve sets the region from postcode and city; a postcode not in the
// Saxon table or a city on the outside list makes the place outside Saxony.
func (r *Result) resolve() {
	pc, city := r.PostalCode, r.City
	if pc != "" && gazetteer.ByPostalCode(pc) != nil {
		m, _ := gazetteer.Resolve(pc, city)
		conf := 1.0
		if ms := gazetteer.ByPostalCode(pc); len(ms) > 1 && !gazetteer.SameRegion(ms) && !nameIs(m, city) {
			conf = 0.6 // shared postcode across districts, city did not settle it
		}
		r.setMunicipality(m, conf)
		return
	}
	if pc != "" && !strings.HasPrefix(pc, "0") {
		r.Outside = true
		return
	}
	if city == "" {
		return
	}
	if gazetteer.Outside(city) {
		r.Outside = true
		return
	}
	if ms := gazetteer.ByName(city); len(ms) > 0 {
		conf := 0.9
		if !gazetteer.SameRegion(ms) {
			conf = 0.5
		}
		r.setMunicipality(ms[0], conf)
		r.City = cityName(city, ms[0])
		return
	}
	if pc != "" {
		r.Outside = true // a 0xxxx postcode of Thuringia or Saxony-Anhalt
	}
}

func nameIs(m *gazetteer.Municipality, city string) bool {
	for _, c := range gazetteer.ByName(city) {
		if c == m {
			return true
		}
	}
	return false
}

// cityName keeps the name as written unless it is a municipality with a
// part appended ("Leipzig-Connewitz" → "Leipzig").
func cityName(written string, m *gazetteer.Municipality) string {
	if gazetteer.Fold(written) == gazetteer.Fold(m.Name) {
		return m.Name
	}
	for _, sep := range []string{"-", " OT ", " "} {
		if i := strings.Index(written, sep); i > 0 {
			head := written[:i]
			for _, c := range gazetteer.ByName(head) {
				if c == m {
					return head
				}
			}
		}
	}
	return written
}
