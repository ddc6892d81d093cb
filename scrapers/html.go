package scrapers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// ErrNoTitle is the error of a detail page whose title selector matches
// nothing: without a title there is no announcement to report.
var ErrNoTitle = errors.New("no title")

// selectorItems applies the source's CSS selectors. With fields.item each
// matched element is one announcement; otherwise the page is one.
func (hp *htmlPage) selectorItems(sel selectors, f source.Fields) ([]event.Item, []string, error) {
	if sel.item == nil {
		it, warn, err := hp.fieldsItem(hp.doc.Selection, sel, f, true)
		if err != nil {
			return nil, warn, err
		}
		it.Key = hp.canonical
		return []event.Item{it}, warn, nil
	}
	var items []event.Item
	var warn []string
	found := hp.doc.FindMatcher(sel.item)
	found.Each(func(i int, s *goquery.Selection) {
		it, w, err := hp.fieldsItem(s, sel, f, false)
		warn = append(warn, prefixAll(fmt.Sprintf("item %d: ", i+1), w)...)
		if err != nil {
			warn = append(warn, fmt.Sprintf("item %d skipped: %v", i+1, err))
			return
		}
		suffix := strings.TrimSpace(s.AttrOr("id", ""))
		if suffix == "" {
			suffix = strconv.Itoa(i + 1)
		}
		it.Key = hp.canonical + "#" + suffix
		items = append(items, it)
	})
	if found.Length() == 0 {
		warn = append(warn, fmt.Sprintf("no element matches the item selector %q", f.Item))
	}
	return items, warn, nil
}

// fieldsItem reads title, body, date and place within scope. page says scope
// is the whole page, whose main content stands in for a missing body.
func (hp *htmlPage) fieldsItem(scope *goquery.Selection, sel selectors, f source.Fields, page bool) (event.Item, []string, error) {
	var warn []string
	titleSel := scope.FindMatcher(sel.title).First()
	it := event.Item{Title: lineText(titleSel)}
	if it.Title == "" {
		return it, warn, fmt.Errorf("%w (selector %s)", ErrNoTitle, f.Title)
	}
	var body *goquery.Selection
	skip := map[atom.Atom]bool(nil)
	if sel.body != nil {
		body = scope.FindMatcher(sel.body)
		if body.Length() == 0 {
			warn = append(warn, fmt.Sprintf("body selector %q matched nothing; using the page text", f.Body))
		}
	}
	if body == nil || body.Length() == 0 {
		body, skip = scope, nil
		if page {
			body, skip = mainContent(hp.doc), chrome
			if sel.readable {
				if r := hp.readable(titleSel.Get(0)); r != nil {
					body, skip = r, nil
				}
			}
		}
	}
	it.Text = plainText(body, skip)
	it.HTML = innerHTML(body)
	// Date and place are often only in the body text (normalisation finds
	// them there), so a selector that matches nothing is not worth a warning.
	if sel.date != nil {
		it.Date = texts(scope.FindMatcher(sel.date))
	}
	if sel.place != nil {
		it.Place = texts(scope.FindMatcher(sel.place))
	}
	return it, warn, nil
}

// mainContent is where an article lives when no body selector says so.
func mainContent(doc *goquery.Document) *goquery.Selection {
	for _, sel := range []string{"article", "main", "[role=main]", "#content", ".content", "body"} {
		if s := doc.Find(sel).First(); s.Length() > 0 {
			return s
		}
	}
	return doc.Selection
}

// texts joins the text of every matched element, one per line.
func texts(s *goquery.Selection) string {
	var lines []string
	s.Each(func(_ int, e *goquery.Selection) {
		if t := lineText(e); t != "" {
			lines = append(lines, t)
		}
	})
	return strings.Join(lines, "\n")
}

// innerHTML renders the children of every matched element.
func innerHTML(s *goquery.Selection) string {
	var b strings.Builder
	for i, n := range s.Nodes {
		if i > 0 {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := nethtml.Render(&b, c); err != nil {
				break
			}
		}
	}
	return strings.TrimSpace(b.String())
}

func prefixAll(prefix string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = prefix + s
	}
	return out
}
