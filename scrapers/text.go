package scrapers

import (
	"html"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockElements end a line in plain text.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Br: true,
	atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Dialog: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Ul: true, atom.Body: true, atom.Html: true,
}

// invisible elements never contribute text.
var invisible = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Iframe: true, atom.Object: true, atom.Head: true, atom.Button: true, atom.Select: true,
}

// chrome is the navigation around an article, left out when the whole page
// body stands in for a missing body selector.
var chrome = map[atom.Atom]bool{atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Form: true}

// plainText renders a selection as text: block elements end lines, runs of
// whitespace collapse to one space, empty lines are dropped. skip names
// further elements to leave out.
func plainText(s *goquery.Selection, skip map[atom.Atom]bool) string {
	var w textWriter
	for _, n := range s.Nodes {
		w.node(n, skip)
		w.newline()
	}
	return strings.Join(w.lines, "\n")
}

type textWriter struct {
	lines []string
	cur   strings.Builder
	space bool // a space is pending before the next word
}

func (w *textWriter) node(n *nethtml.Node, skip map[atom.Atom]bool) {
	switch n.Type {
	case nethtml.TextNode:
		w.text(n.Data)
		return
	case nethtml.ElementNode:
		if invisible[n.DataAtom] || skip[n.DataAtom] || hidden(n) {
			return
		}
	case nethtml.DocumentNode:
	default:
		return
	}
	block := blockElements[n.DataAtom]
	if block {
		w.newline()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, skip)
	}
	if block {
		w.newline()
	} else if n.DataAtom == atom.Img {
		if alt := attr(n, "alt"); alt != "" {
			w.text(alt)
		}
	}
}

func (w *textWriter) text(s string) {
	for i, f := range strings.Fields(s) {
		if (i > 0 || w.space || startsWithSpace(s)) && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		w.cur.WriteString(f)
		w.space = false
	}
	if s != "" && endsWithSpace(s) {
		w.space = true
	}
}

func (w *textWriter) newline() {
	if line := strings.TrimSpace(w.cur.String()); line != "" {
		w.lines = append(w.lines, line)
	}
	w.cur.Reset()
	w.space = false
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n\f\u00a0") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n\f\u00a0") != s }

// hidden reports elements marked as not rendered.
func hidden(n *nethtml.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "hidden" || (a.Key == "aria-hidden" && a.Val == "true") {
			return true
		}
	}
	return false
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// collapse squeezes all whitespace, including line breaks, to single spaces.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// lineText is the collapsed text of a selection, for titles, dates, places.
func lineText(s *goquery.Selection) string { return collapse(plainText(s, nil)) }

// stripTags turns an HTML fragment (a JSON-LD description, say) into plain
// text; text without markup only has its entities decoded.
func stripTags(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	if !strings.Contains(s, "<") {
		return strings.TrimSpace(html.UnescapeString(s))
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return strings.TrimSpace(s)
	}
	return plainText(doc.Selection, nil)
}
