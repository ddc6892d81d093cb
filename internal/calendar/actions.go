package calendar

import (
	"encoding/json"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// What a visitor can do with an event: put it into a calendar app (file,
// Google, Outlook), share it, find it on a map, and what search engines
// and link previews read (schema.org JSON-LD, OpenGraph).

// calendarLinks are the "add to calendar" links of an event besides the
// .ics file: Google Calendar's and Outlook's compose pages, filled in.
func calendarLinks(d event.Draft, pageURL string) (google, outlook string) {
	details := pageURL
	loc := placeLine(d)
	g := url.Values{"action": {"TEMPLATE"}, "text": {d.Title}, "details": {details}}
	o := url.Values{"path": {"/calendar/action/compose"}, "rru": {"addevent"}, "subject": {d.Title}, "body": {details}}
	if loc != "" {
		g.Set("location", loc)
		o.Set("location", loc)
	}
	start, end := d.Start.In(event.Berlin), eventEnd(d)
	if d.AllDay {
		// Google wants the day after the last (exclusive); Outlook the days.
		g.Set("dates", start.Format("20060102")+"/"+end.AddDate(0, 0, 1).Format("20060102"))
		o.Set("allday", "true")
		o.Set("startdt", start.Format(time.DateOnly))
		o.Set("enddt", end.AddDate(0, 0, 1).Format(time.DateOnly))
	} else {
		const utc = "20060102T150405Z"
		g.Set("dates", d.Start.UTC().Format(utc)+"/"+end.UTC().Format(utc))
		o.Set("startdt", d.Start.UTC().Format(time.RFC3339))
		o.Set("enddt", end.UTC().Format(time.RFC3339))
	}
	return "https://calendar.google.com/calendar/render?" + g.Encode(),
		"https://outlook.live.com/calendar/0/deeplink/compose?" + o.Encode()
}

// eventEnd is the end to give calendar apps: the known end, else the start
// (all-day: the same day; timed: two hours, as a calendar entry needs one).
func eventEnd(d event.Draft) time.Time {
	if !d.End.IsZero() && !d.End.Before(d.Start) {
		return d.End.In(event.Berlin)
	}
	if d.AllDay {
		return d.Start.In(event.Berlin)
	}
	return d.Start.In(event.Berlin).Add(2 * time.Hour)
}

// placeLine is the place in one line: venue, street, postcode and city.
func placeLine(d event.Draft) string {
	p := d.Place
	var parts []string
	for _, s := range []string{p.Venue, p.Street, strings.TrimSpace(p.PostalCode + " " + p.City)} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// mailShare is a mailto: link that shares the page.
func mailShare(title, pageURL string) string {
	return "mailto:?" + strings.ReplaceAll(url.Values{"subject": {title}, "body": {pageURL}}.Encode(), "+", "%20")
}

// mapTile is the map tile around a place at zoom 16 from a tile server
// template ("https://tiles.example/{z}/{x}/{y}.png"), for a small map.
func mapTile(tmpl string, lat, lon float64) string {
	const z = 16
	n := math.Exp2(z)
	x := int((lon + 180) / 360 * n)
	latRad := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(latRad)+1/math.Cos(latRad))/math.Pi) / 2 * n)
	return strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y)).Replace(tmpl)
}

// tileOrigin is the scheme and host of a tile server template, for the
// page's Content-Security-Policy ("" when the template is not a URL).
func tileOrigin(tmpl string) string {
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// eventJSONLD is the schema.org Event of an event page, as a script body.
func eventJSONLD(d event.Draft, pageURL, organizerURL string) template.JS {
	return jsonScript(eventLD(d, pageURL, organizerURL))
}

// eventLD is an event as a schema.org Event.
func eventLD(d event.Draft, pageURL, organizerURL string) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "Event", "name": d.Title, "url": pageURL,
		"eventStatus": "https://schema.org/EventScheduled",
	}
	switch d.Status {
	case event.StatusCancelled:
		ld["eventStatus"] = "https://schema.org/EventCancelled"
	case event.StatusPostponed:
		ld["eventStatus"] = "https://schema.org/EventPostponed"
	}
	if d.AllDay {
		ld["startDate"] = d.Start.In(event.Berlin).Format(time.DateOnly)
		if !d.End.IsZero() {
			ld["endDate"] = d.End.In(event.Berlin).Format(time.DateOnly)
		}
	} else {
		ld["startDate"] = d.Start.In(event.Berlin).Format(time.RFC3339)
		if !d.End.IsZero() && d.End.After(d.Start) {
			ld["endDate"] = d.End.In(event.Berlin).Format(time.RFC3339)
		}
	}
	if desc := strings.TrimSpace(d.Description); desc != "" {
		ld["description"] = truncate(desc, 500)
	}
	place := map[string]any{"@type": "Place"}
	if p := d.Place; p.Venue != "" || p.City != "" {
		place["name"] = strings.TrimSpace(p.Venue)
		if place["name"] == "" {
			place["name"] = p.City
		}
		place["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": p.Street,
			"postalCode": p.PostalCode, "addressLocality": p.City, "addressRegion": "Sachsen", "addressCountry": "DE"}
		if p.Lat != nil && p.Lon != nil {
			place["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": *p.Lat, "longitude": *p.Lon}
		}
	}
	online := map[string]any{"@type": "VirtualLocation", "url": pageURL}
	switch d.Online {
	case event.OnlineYes:
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		ld["location"] = online
	case event.OnlineHybrid:
		ld["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
		ld["location"] = []any{place, online}
	default:
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
		if len(place) > 1 {
			ld["location"] = place
		}
	}
	if d.Organizer != "" {
		org := map[string]any{"@type": "Organization", "name": d.Organizer}
		if organizerURL != "" {
			org["url"] = organizerURL
		}
		ld["organizer"] = org
	}
	if len(d.Languages) > 0 {
		ld["inLanguage"] = d.Languages
	}
	if d.CostFree != nil && *d.CostFree {
		ld["isAccessibleForFree"] = true
	}
	return ld
}

// jsonScript marshals v for a <script type="application/ld+json">: the
// encoder escapes <, > and & so nothing can close the script element.
func jsonScript(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return template.JS(b)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
