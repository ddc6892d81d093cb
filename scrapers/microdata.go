package scrapers

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// microdataItems maps schema.org events in microdata (itemscope
// itemtype=".../Event", itemprop) to items. Each item scope becomes an object
// shaped like JSON-LD, so one mapping serves both. skip is the number of
// JSON-LD events already on the page: sites often carry the same event both
// ways, and then JSON-LD wins.
func (hp *htmlPage) microdataItems(skip int) ([]event.Item, []string) {
	if skip > 0 {
		return nil, nil
	}
	var events []map[string]any
	hp.doc.Find("[itemscope][itemtype]").Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if !eventScope(n) {
			return
		}
		for a := n.Parent; a != nil; a = a.Parent {
			if eventScope(a) { // a sub-event, read with its parent
				return
			}
		}
		events = append(events, hp.itemObject(n))
	})
	if len(events) == 0 {
		return nil, nil
	}
	return hp.eventItems(events, ldGraph{}, "microdata"), nil
}

// itemObject reads one item scope into a JSON-LD-like object.
func (hp *htmlPage) itemObject(scope *nethtml.Node) map[string]any {
	obj := map[string]any{}
	var typs []any
	for _, t := range strings.Fields(attr(scope, "itemtype")) {
		typs = append(typs, t)
	}
	if len(typs) == 1 {
		obj["@type"] = typs[0]
	} else if len(typs) > 1 {
		obj["@type"] = typs
	}
	if id := attr(scope, "itemid"); id != "" {
		obj["@id"] = id
	}
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode {
				continue
			}
			props := strings.Fields(attr(c, "itemprop"))
			nested := hasAttr(c, "itemscope")
			if len(props) > 0 {
				var v any
				if nested {
					v = hp.itemObject(c)
				} else {
					v = hp.itemValue(c)
				}
				for _, p := range props {
					addProp(obj, p, v)
				}
			}
			if !nested { // a nested scope's properties are its own
				walk(c)
			}
		}
	}
	walk(scope)
	return obj
}

// itemValue is a property's value by the microdata rules: content, the
// URL of links and media, a time's datetime, else the text.
func (hp *htmlPage) itemValue(n *nethtml.Node) string {
	if hasAttr(n, "content") {
		return attr(n, "content")
	}
	var raw string
	switch n.DataAtom {
	case atom.A, atom.Area, atom.Link:
		raw = attr(n, "href")
	case atom.Img, atom.Audio, atom.Video, atom.Source, atom.Iframe, atom.Embed, atom.Track:
		raw = attr(n, "src")
	case atom.Object:
		raw = attr(n, "data")
	case atom.Time:
		if hasAttr(n, "datetime") {
			return attr(n, "datetime")
		}
	case atom.Data, atom.Meter:
		return attr(n, "value")
	}
	if raw != "" {
		if u := hp.resolve(raw); u != nil {
			return u.String()
		}
		return raw
	}
	return lineText(goquery.NewDocumentFromNode(n).Selection)
}

func addProp(obj map[string]any, name string, v any) {
	switch old := obj[name].(type) {
	case nil:
		obj[name] = v
	case []any:
		obj[name] = append(old, v)
	default:
		obj[name] = []any{old, v}
	}
}

func hasAttr(n *nethtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// eventScope reports an item scope of an Event type.
func eventScope(n *nethtml.Node) bool {
	if n.Type != nethtml.ElementNode || !hasAttr(n, "itemscope") {
		return false
	}
	for _, t := range strings.Fields(attr(n, "itemtype")) {
		if eventTypes[schemaName(t)] {
			return true
		}
	}
	return false
}
