package scrapers

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// hEventItems maps h-event microformats (microformats2: .h-event with
// .p-name, .dt-start, .dt-end, .p-location, .u-url, .p-summary or
// .e-content) to items, through the same schema.org mapping as JSON-LD.
// skip is the number of JSON-LD and microdata events already on the page:
// those win, as the same event is often marked up several ways.
func (hp *htmlPage) hEventItems(skip int) []event.Item {
	if skip > 0 {
		return nil
	}
	var events []map[string]any
	hp.doc.Find(".h-event").Each(func(_ int, s *goquery.Selection) {
		for a := s.Nodes[0].Parent; a != nil; a = a.Parent {
			if hasClass(a, "h-event") {
				return // a sub-event, read with its parent
			}
		}
		prop := func(cls string) *goquery.Selection { return s.Find("." + cls).First() }
		obj := map[string]any{"@type": "Event", "name": lineText(prop("p-name")), "startDate": dtValue(prop("dt-start"))}
		if obj["name"] == "" || obj["startDate"] == "" {
			return
		}
		if end := dtValue(prop("dt-end")); end != "" {
			obj["endDate"] = end
		}
		if loc := lineText(prop("p-location")); loc != "" {
			obj["location"] = loc
		}
		if u, ok := prop("u-url").Attr("href"); ok {
			obj["url"] = u
		}
		if c := prop("e-content"); c.Length() > 0 {
			obj["description"] = innerHTML(c)
		} else if d := lineText(prop("p-summary")); d != "" {
			obj["description"] = d
		}
		events = append(events, obj)
	})
	if len(events) == 0 {
		return nil
	}
	return hp.eventItems(events, ldGraph{}, "h-event")
}

func hasClass(n *nethtml.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// dtSpace is the space microformats allow between date and time.
var dtSpace = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)(.*)$`)

// dtValue reads a dt-* property: <time datetime>, <abbr title>, <data
// value>, else the text; "2021-11-24 17:00" becomes ISO 8601.
func dtValue(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	v := ""
	for _, a := range []string{"datetime", "title", "value"} {
		if x, ok := s.Attr(a); ok && strings.TrimSpace(x) != "" {
			v = x
			break
		}
	}
	if v == "" {
		v = lineText(s)
	}
	v = strings.TrimSpace(v)
	if m := dtSpace.FindStringSubmatch(v); m != nil {
		v = m[1] + "T" + m[2] + strings.TrimSpace(m[4])
	}
	return v
}
