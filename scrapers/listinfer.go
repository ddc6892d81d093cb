package scrapers

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The list inference reads a page the way goskyr's generate does: links
// whose elements sit at the same place in the tree (the same chain of tags
// and classes) are one list; the longest list of distinct targets with real
// link text, whose blocks carry dates, is the list of announcements. What it
// finds is written back as CSS selectors, so the preview can show the YAML
// entry and the crawl runs the ordinary html strategy.

// listGuess is what inferList found on a page.
type listGuess struct {
	Follow  string   // selector of the links to detail pages
	Item    string   // selector of blocks that carry a whole announcement each
	Title   string   // with Item: the heading within a block
	Next    string   // selector of the pagination link
	Targets []string // detail URLs found on this page (Follow)
	Blocks  int      // announcements found (Item)
	Why     string
}

// datePattern finds a date in list text or a URL: 24.11.2021, 24.11.,
// 2021-11-24, /2021/11/, "24. November".
var datePattern = regexp.MustCompile(`(?i)\b\d{1,2}\.\s?\d{1,2}\.|\b\d{4}-\d{2}-\d{2}\b|/\d{4}/\d{2}/|\b\d{1,2}\.?\s+(jan|feb|mär|maer|apr|mai|jun|jul|aug|sep|okt|nov|dez)[a-zä]*\b`)

// nextText is the text of a pagination link ("Weiter", "Nächste Seite ›",
// "Ältere Beiträge", "weitere Termine »", "Older posts").
var nextText = regexp.MustCompile(`(?i)^\s*(weiter|nächste|naechste|next|ältere|aeltere|older|mehr termine|weitere termine|vorwärts|»|›|>)(\s|$|[^a-zäöü])`)

// unstableClass: classes that differ between members of one list or mark a
// state, not a role.
var unstableClass = regexp.MustCompile(`\d|^(active|current|first|last|odd|even|is-active|selected|current-menu-item|hentry)$`)

// chromeAncestor says whether n sits in navigation, header or footer, where
// menu links repeat but announcements never are.
func chromeAncestor(n *nethtml.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != nethtml.ElementNode {
			continue
		}
		switch p.DataAtom {
		case atom.Nav, atom.Footer, atom.Aside:
			return true
		case atom.Header:
			// A page header; an article's own header holds its title.
			if !hasArticleAncestor(p) {
				return true
			}
		}
		if r := attr(p, "role"); r == "navigation" || r == "banner" || r == "contentinfo" {
			return true
		}
	}
	return false
}

func hasArticleAncestor(n *nethtml.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article || p.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

// token is a node as a CSS compound selector: tag and stable classes.
func token(n *nethtml.Node) string {
	var b strings.Builder
	b.WriteString(n.Data)
	for _, c := range strings.Fields(attr(n, "class")) {
		if !unstableClass.MatchString(c) && cssIdent(c) {
			b.WriteString("." + c)
		}
	}
	return b.String()
}

var identRE = regexp.MustCompile(`^-?[_a-zA-Z][_a-zA-Z0-9-]*$`)

func cssIdent(s string) bool { return identRE.MatchString(s) }

// chain is the tokens from <body> down to n.
func chain(n *nethtml.Node) []string {
	var out []string
	for p := n; p != nil && p.Type == nethtml.ElementNode && p.DataAtom != atom.Body && p.DataAtom != atom.Html; p = p.Parent {
		out = append(out, token(p))
	}
	slices.Reverse(out)
	return out
}

// selectorFor finds the shortest descendant selector, from the end of the
// nodes' common chain, that matches the given nodes on the page and nothing
// at another place in the tree (a link of the same list left out for its
// short text may match).
func selectorFor(doc *goquery.Document, nodes []*nethtml.Node) string {
	if len(nodes) == 0 {
		return ""
	}
	c := chain(nodes[0])
	key := strings.Join(c, " > ")
	for k := 1; k <= len(c); k++ {
		if k == 1 && len(c) > 1 && !strings.Contains(c[len(c)-1], ".") {
			continue // a bare "a" would match any link a later page adds
		}
		sel := strings.Join(c[len(c)-k:], " ")
		if matchesOnly(doc.Find(sel), nodes, key) {
			return sel
		}
	}
	return key
}

// matchesOnly: got holds every node of want, and the others sit at the
// same place in the tree.
func matchesOnly(got *goquery.Selection, want []*nethtml.Node, key string) bool {
	in := map[*nethtml.Node]bool{}
	for _, n := range got.Nodes {
		in[n] = true
		if strings.Join(chain(n), " > ") != key {
			return false
		}
	}
	for _, n := range want {
		if !in[n] {
			return false
		}
	}
	return true
}

type linkGroup struct {
	nodes   []*nethtml.Node
	targets []string // distinct, in page order
	text    int      // total link text length
	dated   int      // blocks (or targets) with a date
}

// maxInferElements bounds the pages list and main-content inference work
// on: both compare each element with its subtree, so a page of more
// elements (no partner's list comes close) gets the plain fallbacks.
const maxInferElements = 20000

func (hp *htmlPage) tooLarge() bool { return hp.doc.Find("*").Length() > maxInferElements }

// inferList finds the announcement list and the pagination link of a page.
func (hp *htmlPage) inferList() listGuess {
	var g listGuess
	if hp.tooLarge() {
		g.Why = "the page is too large to look for a list"
		return g
	}
	self := hp.canonical
	groups := map[string]*linkGroup{}
	var order []string
	hp.doc.Find("body a[href]").Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if chromeAncestor(n) {
			return
		}
		u := hp.resolve(s.AttrOr("href", ""))
		if u == nil || siteOf(u.Host) != siteOf(hp.base.Host) || CanonicalURL(u.String()) == self {
			return
		}
		text := lineText(s)
		if len([]rune(text)) < 8 || nextText.MatchString(text) {
			return // "2", "mehr", a pagination link
		}
		key := strings.Join(chain(n), " > ")
		lg := groups[key]
		if lg == nil {
			lg = &linkGroup{}
			groups[key] = lg
			order = append(order, key)
		}
		lg.nodes = append(lg.nodes, n)
		target := u.String()
		if !slices.Contains(lg.targets, target) {
			lg.targets = append(lg.targets, target)
			if datePattern.MatchString(u.Path) || datePattern.MatchString(blockText(n)) {
				lg.dated++
			}
		}
		lg.text += len([]rune(text))
	})
	var best *linkGroup
	bestScore := 0.0
	for _, k := range order {
		lg := groups[k]
		if len(lg.targets) < 2 {
			continue
		}
		avg := float64(lg.text) / float64(len(lg.nodes))
		score := float64(len(lg.targets)) * min(avg, 60)
		if lg.dated*2 >= len(lg.targets) {
			score *= 3 // announcements carry dates, menus do not
		}
		if commonDir(lg.targets) != "/" {
			score *= 1.5
		}
		if score > bestScore {
			best, bestScore = lg, score
		}
	}
	if best != nil {
		g.Follow = selectorFor(hp.doc, best.nodes)
		g.Targets = best.targets
		g.Why = plural(len(best.targets), "link") + " in repeated blocks (" + g.Follow + ")"
		if best.dated > 0 {
			g.Why += fmt.Sprintf(", %d with a date", best.dated)
		}
	} else {
		hp.inferItems(&g)
	}
	g.Next = hp.inferNext(g.Targets)
	return g
}

// blockText is the text of the largest ancestor of a list link that holds
// no other link to another page: the announcement's block in the list.
func blockText(n *nethtml.Node) string {
	block := n
	for p := n.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		if countLinks(p, attr(n, "href")) > 0 {
			break
		}
		block = p
	}
	return collapse(plainText(goquery.NewDocumentFromNode(block).Selection, nil))
}

// countLinks counts links inside n whose href differs from href.
func countLinks(n *nethtml.Node, href string) int {
	c := 0
	var walk func(*nethtml.Node)
	walk = func(x *nethtml.Node) {
		if x.Type == nethtml.ElementNode && x.DataAtom == atom.A {
			if h := attr(x, "href"); h != "" && h != href && !strings.HasPrefix(h, "#") {
				c++
			}
		}
		for ch := x.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return c
}

// inferItems finds blocks that carry whole announcements: siblings of the
// same tag and classes, each with a heading and a date.
func (hp *htmlPage) inferItems(g *listGuess) {
	type cand struct {
		nodes []*nethtml.Node
		text  int
	}
	byKey := map[string]*cand{}
	var order []string
	hp.doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if n.Parent == nil || chromeAncestor(n) || s.Find("h2, h3, h4").Length() != 1 {
			return
		}
		text := lineText(s)
		if len([]rune(text)) < 40 || !datePattern.MatchString(text) {
			return
		}
		key := strings.Join(chain(n), " > ")
		c := byKey[key]
		if c == nil {
			c = &cand{}
			byKey[key] = c
			order = append(order, key)
		}
		c.nodes = append(c.nodes, n)
		c.text += len(text)
	})
	var best *cand
	for _, k := range order {
		c := byKey[k]
		if len(c.nodes) >= 2 && (best == nil || len(c.nodes) > len(best.nodes) ||
			(len(c.nodes) == len(best.nodes) && c.text > best.text)) {
			best = c
		}
	}
	if best == nil {
		return
	}
	g.Item = selectorFor(hp.doc, best.nodes)
	g.Blocks = len(best.nodes)
	g.Title = "h2, h3, h4"
	if h := goquery.NewDocumentFromNode(best.nodes[0]).Find("h2, h3, h4").First(); h.Length() > 0 {
		g.Title = token(h.Nodes[0])
	}
	g.Why = plural(g.Blocks, "announcement") + " with a heading and a date in repeated blocks (" + g.Item + ")"
}

// inferNext finds the link to the next list page: rel=next, a class or
// parent class naming it, or its text.
func (hp *htmlPage) inferNext(details []string) string {
	if hp.doc.Find(`a[rel~="next"][href]`).Length() > 0 {
		return `a[rel~="next"]`
	}
	var found *nethtml.Node
	hp.doc.Find("body a[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		u := hp.resolve(s.AttrOr("href", ""))
		if u == nil || slices.Contains(details, u.String()) || CanonicalURL(u.String()) == hp.canonical {
			return true
		}
		n := s.Nodes[0]
		cls := strings.ToLower(attr(n, "class") + " " + attr(n.Parent, "class"))
		byClass := (strings.Contains(cls, "next") || strings.Contains(cls, "weiter") || strings.Contains(cls, "older")) &&
			!strings.Contains(cls, "prev")
		if byClass || nextText.MatchString(lineText(s)) {
			found = n
			return false
		}
		return true
	})
	if found == nil {
		return hp.numberedNext()
	}
	return selectorFor(hp.doc, []*nethtml.Node{found})
}

var pageNumber = regexp.MustCompile(`^\D{0,12}\d{1,4}$`) // "2", "Seite 2"

// numberedNext handles a pager of page numbers alone (1 2 3 …, /page/2/):
// the next page is the link right after the current one, which the pager
// marks (aria-current, .current, .active, .is-active). The selector says
// so in CSS ("span.current + a"), so it works on every page of the list.
func (hp *htmlPage) numberedNext() string {
	var sel string
	hp.doc.Find(`body [aria-current="page"], body .current, body .active, body .is-active`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		cur := s.Nodes[0]
		if !pageNumber.MatchString(lineText(s)) {
			return true
		}
		sib := cur.NextSibling
		for sib != nil && sib.Type != nethtml.ElementNode {
			sib = sib.NextSibling
		}
		if sib == nil {
			return true
		}
		link := sib
		if sib.DataAtom != atom.A {
			a := goquery.NewDocumentFromNode(sib).Find("a[href]").First()
			if a.Length() == 0 {
				return true
			}
			link = a.Nodes[0]
		}
		if u := hp.resolve(attr(link, "href")); u == nil || siteOf(u.Host) != siteOf(hp.base.Host) ||
			!pageNumber.MatchString(lineText(goquery.NewDocumentFromNode(link).Selection)) {
			return true
		}
		marker := `[aria-current="page"]`
		for _, c := range []string{"current", "active", "is-active"} {
			if hasClass(cur, c) {
				marker = "." + c
				break
			}
		}
		candidate := cur.Data + marker + " + " + sib.Data
		if sib != link {
			candidate += " a"
		}
		if got := hp.doc.Find(candidate); got.Length() == 1 && got.Nodes[0] == link {
			sel = candidate
			return false
		}
		return true
	})
	return sel
}

// commonDir is the longest directory shared by the URLs' paths.
func commonDir(urls []string) string {
	var dir string
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return "/"
		}
		d := path.Dir(u.Path)
		if i == 0 {
			dir = d
			continue
		}
		for dir != "/" && dir != "." && d != dir && !strings.HasPrefix(d, dir+"/") {
			dir = path.Dir(dir)
		}
	}
	if dir == "" || dir == "." {
		return "/"
	}
	return dir
}

// inferTitle finds the heading of a detail page that names the link text
// of the list, as a selector; "h1" when none does.
func (hp *htmlPage) inferTitle(linkText string) string {
	want := words(linkText)
	var best *nethtml.Node
	bestScore := 0.0
	hp.doc.Find("h1, h2").Each(func(_ int, s *goquery.Selection) {
		if chromeAncestor(s.Nodes[0]) {
			return
		}
		got := words(lineText(s))
		if len(got) == 0 {
			return
		}
		common := 0
		for w := range got {
			if want[w] {
				common++
			}
		}
		score := float64(common) / float64(max(len(got), len(want)))
		if s.Nodes[0].DataAtom == atom.H1 {
			score += 0.1
		}
		if score > bestScore {
			best, bestScore = s.Nodes[0], score
		}
	})
	if best == nil || bestScore < 0.4 {
		return "h1"
	}
	// Keep the selector as plain as the page allows ("h1", "h1.entry-title"),
	// so it survives detail pages with fewer classes.
	for _, sel := range []string{best.Data, token(best)} {
		if hp.doc.Find(sel).Nodes[0] == best {
			return sel
		}
	}
	sel := selectorFor(hp.doc, []*nethtml.Node{best})
	return sel
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if len(w) > 2 {
			out[w] = true
		}
	}
	return out
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
