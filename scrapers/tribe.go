package scrapers

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The Events Calendar (WordPress) serves its events as JSON at
// /wp-json/tribe/events/v1/events, paginated by next_rest_url. Discovery
// prefers the plugin's iCal export, which carries the same events; this
// reads the REST answer for a site that turned the export off.

// tribePage is one page of the REST answer; only what Treffpunkt reads.
type tribePage struct {
	Events      []tribeEvent `json:"events"`
	NextRESTURL string       `json:"next_rest_url"`
}

type tribeEvent struct {
	ID          int64           `json:"id"`
	URL         string          `json:"url"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	StartDate   string          `json:"start_date"` // "2021-04-20 17:00:00", in Timezone
	EndDate     string          `json:"end_date"`
	UTCStart    string          `json:"utc_start_date"`
	UTCEnd      string          `json:"utc_end_date"`
	AllDay      bool            `json:"all_day"`
	Timezone    string          `json:"timezone"`
	Venue       json.RawMessage `json:"venue"`     // an object, or [] when there is none
	Organizer   json.RawMessage `json:"organizer"` // a list of objects, or []
}

type tribeVenue struct {
	Venue   string `json:"venue"`
	Address string `json:"address"`
	City    string `json:"city"`
	Zip     string `json:"zip"`
}

// tribeItems maps one REST page to items and returns the next page's URL.
func tribeItems(body []byte, pageURL string) ([]event.Item, string, []string, error) {
	var p tribePage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, "", nil, fmt.Errorf("events calendar REST answer: %w", err)
	}
	var items []event.Item
	var warn []string
	for i, e := range p.Events {
		it := event.Item{Key: CanonicalURL(e.URL), URL: e.URL, Kind: event.KindJSONLD,
			Title: collapse(html.UnescapeString(stripTags(e.Title)))}
		if e.URL == "" {
			it.Key, it.URL = fmt.Sprintf("%s#%d", CanonicalURL(pageURL), e.ID), pageURL
		}
		it.Start, it.End = tribeTime(e.StartDate, e.UTCStart, e.Timezone, e.AllDay), tribeTime(e.EndDate, e.UTCEnd, e.Timezone, e.AllDay)
		if it.Title == "" || it.Start == "" {
			warn = append(warn, fmt.Sprintf("event %d skipped: no title or start", i+1))
			continue
		}
		if e.Description != "" {
			it.Text, it.HTML = stripTags(e.Description), e.Description
		}
		var v tribeVenue
		if len(e.Venue) > 0 && e.Venue[0] == '{' && json.Unmarshal(e.Venue, &v) == nil && v != (tribeVenue{}) {
			it.Location = &event.Location{Venue: html.UnescapeString(v.Venue), Street: v.Address, PostalCode: v.Zip, City: v.City}
		}
		var orgs []struct {
			Organizer string `json:"organizer"`
		}
		if json.Unmarshal(e.Organizer, &orgs) == nil && len(orgs) > 0 {
			it.Organizer = html.UnescapeString(orgs[0].Organizer)
		}
		items = append(items, it)
	}
	return items, p.NextRESTURL, warn, nil
}

// tribeTime turns the plugin's "2021-04-20 17:00:00" into ISO 8601: local
// Berlin time as given, UTC for an event in another time zone, the day
// alone for an all-day event.
func tribeTime(local, utc, tz string, allDay bool) string {
	local, utc = strings.TrimSpace(local), strings.TrimSpace(utc)
	switch {
	case local == "" && utc == "":
		return ""
	case allDay && len(local) >= 10:
		return local[:10]
	case local != "" && (tz == "" || tz == "Europe/Berlin"):
		return strings.Replace(local, " ", "T", 1)
	case utc != "":
		return strings.Replace(utc, " ", "T", 1) + "Z"
	}
	return strings.Replace(local, " ", "T", 1)
}
