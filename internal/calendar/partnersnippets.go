package calendar

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The snippets a partner page offers to copy: the partner's next event
// (or a template) as schema.org JSON-LD and as iCalendar.

// jsonLDSnippet is a schema.org Event for the partner to copy: their next
// event as Treffpunkt understood it, or a template.
func jsonLDSnippet(organizer, siteURL string, d event.Draft, now time.Time) (string, error) {
	d = sampleDraft(d, organizer, now)
	addr := compact(map[string]any{"@type": "PostalAddress", "streetAddress": d.Place.Street,
		"postalCode": d.Place.PostalCode, "addressLocality": d.Place.City, "addressRegion": "Sachsen", "addressCountry": "DE"})
	var loc any = compact(map[string]any{"@type": "Place", "name": d.Place.Venue, "address": addr})
	if d.Online == event.OnlineYes {
		loc = map[string]any{"@type": "VirtualLocation", "url": siteURL}
	}
	mode := map[event.OnlineMode]string{event.OnlineNo: "OfflineEventAttendanceMode",
		event.OnlineYes: "OnlineEventAttendanceMode", event.OnlineHybrid: "MixedEventAttendanceMode"}[d.Online]
	if mode == "" {
		mode = "OfflineEventAttendanceMode"
	}
	ev := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Event",
		"name":                d.Title,
		"startDate":           d.Start.Format(time.RFC3339),
		"eventStatus":         "https://schema.org/EventScheduled",
		"eventAttendanceMode": "https://schema.org/" + mode,
		"location":            loc,
		"organizer":           compact(map[string]any{"@type": "Organization", "name": d.Organizer, "url": siteURL}),
		"inLanguage":          d.Languages,
		"description":         firstLine(d.Description),
		"url":                 siteURL,
		"isAccessibleForFree": d.CostFree == nil || *d.CostFree,
	}
	if !d.End.IsZero() {
		ev["endDate"] = d.End.Format(time.RFC3339)
	}
	ev = compact(ev)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(true) // the snippet goes into a <script> element
	if err := enc.Encode(ev); err != nil {
		return "", fmt.Errorf("json-ld snippet: %w", err)
	}
	return `<script type="application/ld+json">` + "\n" + strings.TrimSpace(b.String()) + "\n</script>", nil
}

// icalSnippet is the same event as an iCalendar entry.
func icalSnippet(organizer, siteURL string, d event.Draft, now time.Time) string {
	d = sampleDraft(d, organizer, now)
	esc := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)
	loc := d.Place.Line()
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//" + esc.Replace(organizer) + "//Termine//DE", "BEGIN:VEVENT",
		"UID:termin-1@" + hostOf(siteURL), "DTSTAMP:" + now.UTC().Format("20060102T150405Z"),
		"DTSTART;TZID=Europe/Berlin:" + d.Start.In(event.Berlin).Format("20060102T150405")}
	if !d.End.IsZero() {
		lines = append(lines, "DTEND;TZID=Europe/Berlin:"+d.End.In(event.Berlin).Format("20060102T150405"))
	}
	lines = append(lines, "SUMMARY:"+esc.Replace(d.Title), "LOCATION:"+esc.Replace(loc), "URL:"+siteURL,
		"STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR")
	return strings.Join(lines, "\n")
}

func sampleDraft(d event.Draft, organizer string, now time.Time) event.Draft {
	if d.Title != "" {
		if d.Organizer == "" {
			d.Organizer = organizer
		}
		return d
	}
	start := time.Date(now.Year(), now.Month(), now.Day(), 18, 0, 0, 0, event.Berlin).AddDate(0, 0, 14)
	return event.Draft{Title: "Infoabend: Anerkennung ausländischer Abschlüsse", Start: start, End: start.Add(2 * time.Hour),
		Organizer: organizer, Online: event.OnlineNo, Languages: []string{"de", "ar"},
		Description: "Beratung und Austausch. Eintritt frei, Anmeldung nicht nötig.",
		Place:       event.Place{Venue: "Werk 2", Street: "Kochstraße 132", PostalCode: "04277", City: "Leipzig"}}
}

// compact drops empty strings from a JSON-LD object: a partner should
// not copy empty fields.
func compact(m map[string]any) map[string]any {
	for k, v := range m {
		if s, ok := v.(string); ok && s == "" {
			delete(m, k)
		}
	}
	return m
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len([]rune(s)) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}

func hostOf(u string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ = strings.Cut(h, "/")
	return h
}
