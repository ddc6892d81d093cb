package scrapers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// eventTypes are schema.org Event and its subtypes.
var eventTypes = map[string]bool{
	"Event": true, "BusinessEvent": true, "ChildrensEvent": true, "ComedyEvent": true,
	"CourseInstance": true, "DanceEvent": true, "DeliveryEvent": true, "EducationEvent": true,
	"EventSeries": true, "ExhibitionEvent": true, "Festival": true, "FoodEvent": true,
	"Hackathon": true, "LiteraryEvent": true, "MusicEvent": true, "PublicationEvent": true,
	"BroadcastEvent": true, "OnDemandEvent": true, "SaleEvent": true, "ScreeningEvent": true,
	"SocialEvent": true, "SportsEvent": true, "TheaterEvent": true, "VisualArtsEvent": true,
}

// schemaName strips the schema.org namespace: "https://schema.org/Event",
// "schema:Event" and "Event" are all "Event".
func schemaName(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "/:#"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func types(m map[string]any) []string {
	var out []string
	switch t := m["@type"].(type) {
	case string:
		out = append(out, schemaName(t))
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, schemaName(s))
			}
		}
	}
	return out
}

func isEvent(m map[string]any) bool {
	for _, t := range types(m) {
		if eventTypes[t] {
			return true
		}
	}
	return false
}

func hasType(m map[string]any, name string) bool {
	for _, t := range types(m) {
		if t == name {
			return true
		}
	}
	return false
}

// parseJSONLD decodes every ld+json script of a page. Scripts that are not
// valid JSON are retried after the repairs real sites need (raw line breaks
// in strings, trailing commas, comment and CDATA wrappers), else reported.
func parseJSONLD(doc *goquery.Document) ([]any, []string) {
	var vals []any
	var warn []string
	doc.Find("script").Each(func(i int, s *goquery.Selection) {
		typ := strings.ToLower(strings.TrimSpace(s.AttrOr("type", "")))
		if !strings.HasPrefix(typ, "application/ld+json") {
			return
		}
		src := []byte(s.Text())
		v, err := decodeJSONValues(src)
		if err != nil {
			v, err = decodeJSONValues(repairJSON(src))
		}
		if err != nil {
			warn = append(warn, fmt.Sprintf("JSON-LD script %d: %v", i+1, err))
			return
		}
		vals = append(vals, v...)
	})
	return vals, warn
}

// decodeJSONValues decodes one or more concatenated JSON values.
func decodeJSONValues(b []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("empty script")
	}
	return out, nil
}

// repairJSON fixes the mistakes CMS plugins commonly make in JSON-LD.
func repairJSON(b []byte) []byte {
	s := strings.TrimSpace(string(b))
	for _, w := range [][2]string{{"<!--", "-->"}, {"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}} {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, w[0]), w[1]))
	}
	var out strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString && c < 0x20:
			fmt.Fprintf(&out, `\u%04x`, c)
			continue
		case c == '"':
			inString = true
		case c == ',':
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue // trailing comma
			}
		}
		out.WriteByte(c)
	}
	return []byte(out.String())
}

// ldGraph indexes JSON-LD nodes by @id so that references such as
// "location": {"@id": "#venue"} (common in @graph output) can be followed.
type ldGraph map[string]map[string]any

func indexNodes(v any, g ldGraph) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			indexNodes(e, g)
		}
	case map[string]any:
		if id, ok := t["@id"].(string); ok && len(t) > 1 {
			if _, dup := g[id]; !dup {
				g[id] = t
			}
		}
		for _, e := range t {
			indexNodes(e, g)
		}
	}
}

// deref follows a bare {"@id": …} reference.
func (g ldGraph) deref(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if id, ok := m["@id"].(string); ok {
			if n, ok := g[id]; ok {
				return n
			}
		}
	}
	return v
}

// findEvents collects Event nodes anywhere in the values (top level,
// @graph, arrays, mainEntity, ItemList…), without descending into an event
// (its subEvent and superEvent are its own business).
func findEvents(v any, out *[]map[string]any) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			findEvents(e, out)
		}
	case map[string]any:
		if isEvent(t) {
			*out = append(*out, t)
			return
		}
		for _, k := range sortedKeys(t) {
			if k != "@context" {
				findEvents(t[k], out)
			}
		}
	}
}

// ldDatePublished is the datePublished of the page's own node (WebPage,
// Article…), else of any node.
func ldDatePublished(vals []any) string {
	var nodes []map[string]any
	var collect func(v any)
	collect = func(v any) {
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				collect(e)
			}
		case map[string]any:
			nodes = append(nodes, t)
			for _, k := range sortedKeys(t) {
				if k != "@context" {
					collect(t[k])
				}
			}
		}
	}
	for _, v := range vals {
		collect(v)
	}
	for _, pass := range []func(map[string]any) bool{
		func(m map[string]any) bool { return !isEvent(m) },
		func(map[string]any) bool { return true },
	} {
		for _, n := range nodes {
			if pass(n) {
				if d := isoDay(ldText(n["datePublished"])); d != "" {
					return d
				}
			}
		}
	}
	return ""
}

// jsonldItems maps the page's JSON-LD events to items.
func (hp *htmlPage) jsonldItems() ([]event.Item, []string) {
	var events []map[string]any
	for _, v := range hp.ld {
		findEvents(v, &events)
	}
	if len(events) == 0 {
		return nil, hp.ldWarn
	}
	g := ldGraph{}
	for _, v := range hp.ld {
		indexNodes(v, g)
	}
	return hp.eventItems(events, g, "jsonld"), hp.ldWarn
}

// eventItems maps schema.org events (from JSON-LD or microdata) to items
// with keys unique within the page.
func (hp *htmlPage) eventItems(events []map[string]any, g ldGraph, extra string) []event.Item {
	items := make([]event.Item, 0, len(events))
	anonymous := 0
	for _, m := range events {
		if hp.eventKey(m) == "" {
			anonymous++
		}
	}
	n, seen := 0, map[string]bool{}
	for _, m := range events {
		it := hp.mapEvent(m, g)
		it.Extra = map[string]any{extra: m}
		if it.Key == "" {
			n++
			it.Key = hp.canonical
			if anonymous > 1 {
				it.Key += "#" + strconv.Itoa(n)
			}
		}
		if seen[it.Key] && it.Start != "" { // one URL for several dates of a series
			it.Key += "#" + it.Start
		}
		for base, i := it.Key, 2; seen[it.Key]; i++ {
			it.Key = base + "#" + strconv.Itoa(i)
		}
		seen[it.Key] = true
		items = append(items, it)
	}
	return items
}

// eventKey is the identity a node states itself: @id, else url.
func (hp *htmlPage) eventKey(m map[string]any) string {
	if id := strings.TrimSpace(ldText(m["@id"])); id != "" && !strings.HasPrefix(id, "_:") {
		// Relative ids ("#event", "/veranstaltung/1") are resolved against
		// the page; absolute ones, fragment included, are kept as written.
		if ref, err := url.Parse(id); err == nil && ref.Scheme == "" {
			return hp.base.ResolveReference(ref).String()
		}
		return id
	}
	if u := hp.resolve(ldText(m["url"])); u != nil {
		return CanonicalURL(u.String())
	}
	return ""
}

func (hp *htmlPage) mapEvent(m map[string]any, g ldGraph) event.Item {
	it := event.Item{
		Key:       hp.eventKey(m),
		Title:     collapse(stripTags(ldText(m["name"]))),
		Start:     strings.TrimSpace(ldText(m["startDate"])),
		End:       strings.TrimSpace(ldText(m["endDate"])),
		Published: isoDay(ldText(m["datePublished"])),
		Lang:      primaryLang(ldText(m["inLanguage"])),
		Organizer: ldNames(m["organizer"], g),
		Image:     ldURL(m["image"], g, hp),
	}
	if it.Title == "" {
		it.Title = collapse(stripTags(ldText(m["headline"])))
	}
	if desc := ldText(m["description"]); desc != "" {
		it.Text = stripTags(desc)
		if strings.Contains(desc, "<") {
			it.HTML = desc
		}
	}
	if u := hp.resolve(ldText(m["url"])); u != nil {
		it.URL = u.String()
	}
	var virtual, physical bool
	it.Location, virtual, physical = ldLocation(m["location"], g)
	switch schemaName(ldText(m["eventAttendanceMode"])) {
	case "OnlineEventAttendanceMode":
		it.Attendance = "online"
	case "OfflineEventAttendanceMode":
		it.Attendance = "offline"
	case "MixedEventAttendanceMode":
		it.Attendance = "mixed"
	default:
		switch {
		case virtual && physical:
			it.Attendance = "mixed"
		case virtual:
			it.Attendance = "online"
		}
	}
	switch schemaName(ldText(m["eventStatus"])) {
	case "EventCancelled":
		it.Status = "cancelled"
	case "EventPostponed", "EventRescheduled":
		it.Status = "postponed"
	case "EventScheduled":
		it.Status = "scheduled"
	case "EventMovedOnline":
		it.Status = "scheduled"
		if it.Attendance == "" || it.Attendance == "offline" {
			it.Attendance = "online"
		}
	}
	return it
}

// ldLocation maps Place, PostalAddress, VirtualLocation and plain strings
// (alone or in a list: hybrid events list a Place and a VirtualLocation).
func ldLocation(v any, g ldGraph) (loc *event.Location, virtual, physical bool) {
	var vals []any
	switch t := v.(type) {
	case nil:
		return nil, false, false
	case []any:
		vals = t
	default:
		vals = []any{t}
	}
	l := &event.Location{}
	for _, raw := range vals {
		switch p := g.deref(raw).(type) {
		case string:
			if s := collapse(stripTags(p)); s != "" {
				physical = true
				l.Text = joinNonEmpty(", ", l.Text, s)
			}
		case map[string]any:
			if hasType(p, "VirtualLocation") {
				virtual = true
				continue
			}
			physical = true
			if hasType(p, "PostalAddress") {
				ldAddress(p, l)
				continue
			}
			if l.Venue == "" {
				l.Venue = collapse(stripTags(ldText(p["name"])))
			}
			switch a := g.deref(p["address"]).(type) {
			case string:
				l.Text = joinNonEmpty(", ", l.Text, collapse(a))
			case map[string]any:
				ldAddress(a, l)
			case []any:
				if len(a) > 0 {
					if am, ok := g.deref(a[0]).(map[string]any); ok {
						ldAddress(am, l)
					}
				}
			}
			geo, _ := g.deref(p["geo"]).(map[string]any)
			if geo == nil {
				geo = p
			}
			l.Lat, l.Lon = ldFloat(geo["latitude"]), ldFloat(geo["longitude"])
		}
	}
	if *l == (event.Location{}) {
		return nil, virtual, physical
	}
	return l, virtual, physical
}

func ldAddress(a map[string]any, l *event.Location) {
	l.Street = collapse(ldText(a["streetAddress"]))
	l.PostalCode = collapse(ldText(a["postalCode"]))
	l.City = collapse(ldText(a["addressLocality"]))
	if l.Venue == "" {
		l.Venue = collapse(ldText(a["name"]))
	}
}

// ldText reads a JSON-LD value as a string: strings, numbers, value objects
// ({"@value": …}), the first usable element of an array.
func ldText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case map[string]any:
		if s := ldText(t["@value"]); s != "" {
			return s
		}
		return ldText(t["@id"])
	case []any:
		for _, e := range t {
			if s := ldText(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func ldFloat(v any) *float64 {
	s := strings.TrimSpace(ldText(v))
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return nil
	}
	return &f
}

// ldNames joins the names of organizers (strings, Organization, Person).
func ldNames(v any, g ldGraph) string {
	var names []string
	var add func(v any)
	add = func(v any) {
		switch t := g.deref(v).(type) {
		case string:
			names = append(names, collapse(stripTags(t)))
		case map[string]any:
			names = append(names, collapse(stripTags(ldText(t["name"]))))
		case []any:
			for _, e := range t {
				add(e)
			}
		}
	}
	add(v)
	return joinNonEmpty(", ", names...)
}

// ldURL reads an image or URL value: a string, an ImageObject, an array.
func ldURL(v any, g ldGraph, hp *htmlPage) string {
	switch t := g.deref(v).(type) {
	case string:
		if u := hp.resolve(t); u != nil {
			return u.String()
		}
	case map[string]any:
		s := ldText(t["url"])
		if s == "" {
			s = ldText(t["contentUrl"])
		}
		if u := hp.resolve(s); u != nil {
			return u.String()
		}
	case []any:
		for _, e := range t {
			if s := ldURL(e, g, hp); s != "" {
				return s
			}
		}
	}
	return ""
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// sortedKeys makes walks over JSON objects deterministic, so "#n" keys of
// events without ids do not change between crawls.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
