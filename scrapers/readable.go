package scrapers

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The main content of a detail page (kind: auto, no body selector) is found
// the way readability does it, in a compact form: paragraphs score their
// parent and grandparent by length and commas, links count against a
// block, and the best block wins. Unlike readability, the block then grows
// to the title's container: an event page's date and place sit in short
// labelled fields between the title and the body, which readability drops as
// clutter (with codeberg.org/readeck/go-readability the mirror's Drupal site
// kept 1 of 6 dates). Publication dates, navigation, sharing and comments
// are left out, so the normaliser does not read them as the event's date.

// contentBlocks are the elements whose text scores their ancestors.
const contentBlocks = "p, td, pre, dd, li, blockquote"

// minParagraph is the text a block needs to count as prose.
const minParagraph = 25

// boilerClass marks elements that are about the page, not the event.
var boilerClass = regexp.MustCompile(`(?i)(^|[-_])(meta|posted|byline|published|created|updated|share|sharing|social|` +
	`breadcrumbs?|comments?|related|sidebar|widget|backlink|footer|navigation|pager|pagination)([-_]|$)`)

// readable returns the main content of a detail page grown to its title
// (title may be nil), boilerplate removed, as a detached copy; nil when no
// block of prose is found or the page is too large to score.
func (hp *htmlPage) readable(title *nethtml.Node) *goquery.Selection {
	if hp.tooLarge() {
		return nil
	}
	type cand struct {
		n     *nethtml.Node
		score float64
	}
	var order []*cand
	byNode := map[*nethtml.Node]*cand{}
	add := func(n *nethtml.Node, sc float64) {
		if n == nil || n.Type != nethtml.ElementNode || n.DataAtom == atom.Body || n.DataAtom == atom.Html {
			return
		}
		c := byNode[n]
		if c == nil {
			c = &cand{n: n}
			byNode[n] = c
			order = append(order, c)
		}
		c.score += sc
	}
	hp.doc.Find(contentBlocks).Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if chromeAncestor(n) || boilerAncestor(n) {
			return
		}
		t := lineText(s)
		l := len([]rune(t))
		if l < minParagraph {
			return
		}
		sc := 1 + float64(strings.Count(t, ",")) + min(float64(l)/100, 3)
		add(n.Parent, sc)
		if n.Parent != nil {
			add(n.Parent.Parent, sc/2)
		}
	})
	var best *cand
	bestScore := 0.0
	for _, c := range order {
		sc := c.score * (1 - linkDensity(c.n))
		if sc > bestScore {
			best, bestScore = c, sc
		}
	}
	if best == nil {
		return nil
	}
	block := best.n
	if title != nil {
		if a := commonAncestor(block, title); a != nil && a.DataAtom != atom.Body && a.DataAtom != atom.Html {
			block = a
		}
	}
	clean := pruned(block, func(n *nethtml.Node) bool {
		return n == title || chrome[n.DataAtom] || boilerplate(n)
	})
	return goquery.NewDocumentFromNode(clean).Selection
}

func boilerplate(n *nethtml.Node) bool {
	if p := attr(n, "itemprop"); p == "datePublished" || p == "dateModified" {
		return true
	}
	for _, c := range strings.Fields(attr(n, "class")) {
		if boilerClass.MatchString(c) {
			return true
		}
	}
	return false
}

func boilerAncestor(n *nethtml.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p.Type == nethtml.ElementNode && boilerplate(p) {
			return true
		}
	}
	return false
}

// linkDensity is the share of a block's text that is link text.
func linkDensity(n *nethtml.Node) float64 {
	s := goquery.NewDocumentFromNode(n).Selection
	all := len(collapse(plainText(s, nil)))
	if all == 0 {
		return 1
	}
	links := 0
	s.Find("a").Each(func(_ int, a *goquery.Selection) { links += len(lineText(a)) })
	return min(float64(links)/float64(all), 1)
}

func commonAncestor(a, b *nethtml.Node) *nethtml.Node {
	seen := map[*nethtml.Node]bool{}
	for p := a; p != nil; p = p.Parent {
		seen[p] = true
	}
	for p := b; p != nil; p = p.Parent {
		if seen[p] {
			return p
		}
	}
	return nil
}

// pruned is a deep copy of n without the nodes drop selects, so the page
// itself stays intact for the other strategies.
func pruned(n *nethtml.Node, drop func(*nethtml.Node) bool) *nethtml.Node {
	c := &nethtml.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace,
		Attr: append([]nethtml.Attribute(nil), n.Attr...)}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == nethtml.ElementNode && drop(ch) {
			continue
		}
		c.AppendChild(pruned(ch, drop))
	}
	return c
}
