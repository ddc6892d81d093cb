package calendar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The JSON feed (GET /calendar.json) is Treffpunkt's own documented shape,
// chosen over JSON Feed 1.1 because calendar data (start, end, all-day,
// place, languages) has no place there but extensions. Version 1:
//
//	{
//	  "version": "treffpunkt-calendar/1",
//	  "title": "Treffpunkt – Leipzig",          // the feed's name
//	  "language": "de",                         // language of labels and names
//	  "home_page_url": "https://…/?region=leipzig",
//	  "feed_url": "https://…/calendar.json?region=leipzig",
//	  "ics_url": "https://…/calendar.ics?region=leipzig",
//	  "webcal_url": "webcal://…/calendar.ics?region=leipzig",
//	  "updated_at": "2026-03-01T09:12:00Z",     // newest change of the data
//	  "from": "2026-03-01T00:00:00+01:00",      // the lower bound (default: today in Berlin)
//	  "events": [{
//	    "id": "42",                             // stable as long as the event lives
//	    "uid": "tp-…",                          // the iCalendar UID
//	    "url": "https://…/events/42",           // its page on Treffpunkt
//	    "title": "…", "description": "…",      // plain text
//	    "start": "2026-05-01T18:00:00+02:00",   // RFC 3339 in Berlin time; a date when all_day
//	    "end": "2026-05-01T20:00:00+02:00",     // absent when unknown; all-day: the last day (inclusive)
//	    "all_day": false,
//	    "status": "scheduled",                  // scheduled | cancelled | postponed
//	    "online": "no",                         // no | yes | hybrid
//	    "location": "Haus, Straße 1, 04109 Leipzig",
//	    "place": {"venue", "street", "postal_code", "city", "region", "lat", "lon"},
//	    "languages": ["de", "ar"], "topics": ["training"],
//	    "organizer": "…", "recurrence": "FREQ=WEEKLY;BYDAY=MO",
//	    "registration_required": true, "cost_free": true,   // absent when unknown
//	    "content_lang": "de",                   // the announcement's language; absent when unknown
//	    "free": true, "registration": false,    // the yes/no facets; absent when unknown
//	    "audience": ["youth"], "access": ["interpreting"], // the list facets' slugs
//	    "interpreting": ["ar"],                 // with access interpreting: into which languages
//	    "source": {"id": "…", "name": "…", "url": "…"},     // the announcement
//	    "sequence": 2, "updated_at": "…"
//	  }],
//	  "labels": {"regions": {"leipzig": "Leipzig"}, "languages": {"ar": "Arabisch"}, "topics": {…}}
//	}
//
// labels hold the display names (in "language") of the values used in
// events, so a client needs no tables of its own.

type jsonEvent struct {
	ID                   string      `json:"id"`
	UID                  string      `json:"uid"`
	URL                  string      `json:"url"`
	Title                string      `json:"title"`
	Description          string      `json:"description,omitempty"`
	Start                string      `json:"start"`
	End                  string      `json:"end,omitempty"`
	AllDay               bool        `json:"all_day"`
	Status               string      `json:"status"`
	Online               string      `json:"online"`
	Location             string      `json:"location,omitempty"`
	Place                *jsonPlace  `json:"place,omitempty"`
	Languages            []string    `json:"languages"`
	Topics               []string    `json:"topics"`
	Organizer            string      `json:"organizer,omitempty"`
	Recurrence           string      `json:"recurrence,omitempty"`
	RegistrationRequired *bool       `json:"registration_required,omitempty"`
	CostFree             *bool       `json:"cost_free,omitempty"`
	Source               *jsonSource `json:"source,omitempty"`
	Sequence             int         `json:"sequence"`
	UpdatedAt            time.Time   `json:"updated_at"`
	ContentLang          string      `json:"content_lang,omitempty"`
	Interpreting         []string    `json:"interpreting,omitempty"`
}

// jsonFacetKey is each shown facet's key, ready to append: ,"free":
var jsonFacetKey = func() []string {
	out := make([]string, len(shownFacets))
	for i, fc := range shownFacets {
		out[i] = `,"` + fc.Name + `":`
	}
	return out
}()

// appendJSONFacets appends an event's shown facets to its JSON object
// (without its closing brace): a yes/no facet as a boolean and a one-value
// facet as a string, both absent when unknown; a list facet as a list.
// The values come grouped by facet, in the set's order.
func appendJSONFacets(b []byte, fv eventFacets) []byte {
	j := 0
	for i, fc := range shownFacets {
		k := j
		for k < len(fv) && fv[k].Facet == i {
			k++
		}
		vals := fv[j:k]
		j = k
		switch {
		case fc.Column != "" && len(vals) == 1:
			b = append(b, jsonFacetKey[i]...)
			if fc.Bool {
				b = strconv.AppendBool(b, vals[0].Value == "true")
			} else {
				b = appendJSONString(b, vals[0].Value)
			}
		case fc.Column == "":
			b = append(append(b, jsonFacetKey[i]...), '[')
			for n, v := range vals {
				if n > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, v.Value)
			}
			b = append(b, ']')
		}
	}
	return b
}

// appendJSONString appends s as a JSON string: slugs as they are, anything
// else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

type jsonPlace struct {
	Venue      string   `json:"venue,omitempty"`
	Street     string   `json:"street,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Region     string   `json:"region,omitempty"`
	Lat        *float64 `json:"lat,omitempty"`
	Lon        *float64 `json:"lon,omitempty"`
}

type jsonSource struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// toJSONEvent maps a stored event; the draft's contact data is not read.
func toJSONEvent(e store.Event, src sourceLink, lang, pageURL string) jsonEvent {
	d := e.Draft
	j := jsonEvent{
		ID: strconv.FormatInt(e.ID, 10), UID: e.UID, URL: pageURL, Title: d.Title, Description: d.Description,
		AllDay: d.AllDay, Status: string(d.Status), Online: string(d.Online), Location: location(d, lang),
		Languages: nonNil(d.Languages), Topics: nonNil(d.Topics), Organizer: d.Organizer, Recurrence: d.Recurrence,
		RegistrationRequired: d.RegistrationRequired, CostFree: d.CostFree, Sequence: e.Sequence, UpdatedAt: e.UpdatedAt.UTC(),
	}
	if j.Status == "" {
		j.Status = string(event.StatusScheduled)
	}
	if j.Online == "" {
		j.Online = string(event.OnlineNo)
	}
	start := d.Start.In(event.Berlin)
	if d.AllDay {
		j.Start = start.Format(time.DateOnly)
		if !d.End.IsZero() && d.End.After(d.Start) {
			j.End = d.End.In(event.Berlin).Format(time.DateOnly)
		}
	} else {
		j.Start = start.Format(time.RFC3339)
		if !d.End.IsZero() && d.End.After(d.Start) {
			j.End = d.End.In(event.Berlin).Format(time.RFC3339)
		}
	}
	if p := d.Place; p != (event.Place{}) {
		j.Place = &jsonPlace{p.Venue, p.Street, p.PostalCode, p.City, p.Region, p.Lat, p.Lon}
	}
	if src.URL != "" {
		j.Source = &jsonSource{ID: src.SourceID, Name: src.Name, URL: src.URL}
	}
	j.ContentLang = draftLang(&d)
	if hasValue(src.Facets, accessFacet, "interpreting") {
		j.Interpreting = interpreted(d.Languages, j.ContentLang)
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonWriter streams the JSON feed; labels are gathered on the way and
// written last (JSON objects are unordered).
type jsonWriter struct {
	w                          *bufio.Writer
	info                       feedInfo
	updated                    time.Time
	from                       time.Time // the filter's lower bound: events that began earlier are still on
	n                          int
	regions, languages, topics map[string]bool
	// enc encodes one event's object at a time into buf, and obj is it
	// with the facets: both reused from event to event, where
	// json.Marshal returned a new copy of each and adding the facets
	// copied it again.
	buf bytes.Buffer
	enc *json.Encoder
	obj []byte
}

func (jw *jsonWriter) begin() error {
	jw.regions, jw.languages, jw.topics = map[string]bool{}, map[string]bool{}, map[string]bool{}
	head := struct {
		Version   string `json:"version"`
		Title     string `json:"title"`
		Language  string `json:"language"`
		Home      string `json:"home_page_url"`
		Feed      string `json:"feed_url"`
		ICS       string `json:"ics_url"`
		Webcal    string `json:"webcal_url"`
		UpdatedAt string `json:"updated_at"`
		From      string `json:"from"`
	}{"treffpunkt-calendar/1", jw.info.name, jw.info.lang, jw.info.url("/"), jw.info.url("/calendar.json"),
		jw.info.url("/calendar.ics"), jw.info.webcal(), jw.updated.UTC().Format(time.RFC3339),
		jw.from.In(event.Berlin).Format(time.RFC3339)}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	jw.w.Write(b[:len(b)-1])
	_, err = jw.w.WriteString(`,"events":[`)
	return err
}

func (jw *jsonWriter) event(e store.Event, src sourceLink) error {
	if jw.enc == nil {
		jw.enc = json.NewEncoder(&jw.buf) // escapes HTML as json.Marshal does
	}
	jw.buf.Reset()
	if err := jw.enc.Encode(toJSONEvent(e, src, jw.info.lang, jw.info.eventURL(e.ID))); err != nil {
		return err
	}
	b := jw.buf.Bytes()
	jw.obj = append(jw.obj[:0], b[:len(b)-2]...) // without Encode's "}\n": the facets go before the brace
	jw.obj = append(appendJSONFacets(jw.obj, src.Facets), '}')
	if jw.n > 0 {
		jw.w.WriteByte(',')
	}
	jw.n++
	if r := e.Draft.Place.Region; r != "" {
		jw.regions[r] = true
	}
	for _, l := range e.Draft.Languages {
		jw.languages[l] = true
	}
	for _, t := range e.Draft.Topics {
		jw.topics[t] = true
	}
	_, err := jw.w.Write(jw.obj)
	return err
}

func (jw *jsonWriter) end() error {
	labels := map[string]map[string]string{
		"regions":   names(jw.regions, jw.info.lang, regionName),
		"languages": names(jw.languages, jw.info.lang, languageName),
		"topics":    names(jw.topics, jw.info.lang, topicName),
	}
	b, err := json.Marshal(labels)
	if err != nil {
		return err
	}
	jw.w.WriteString(`],"labels":`)
	jw.w.Write(b)
	_, err = jw.w.WriteString("}\n")
	return err
}

func names(set map[string]bool, lang string, name func(string, string) string) map[string]string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = name(k, lang)
	}
	return out
}
