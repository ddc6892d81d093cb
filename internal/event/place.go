package event

import "strings"

// Line is the place as one line of text: venue, street, postal code and
// city, the parts that are known, comma-separated.
func (p Place) Line() string {
	parts := make([]string, 0, 3)
	for _, s := range []string{p.Venue, p.Street, strings.TrimSpace(p.PostalCode + " " + p.City)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}
