package normalize

import (
	"html"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// policy is bluemonday's policy for user-generated content: formatting,
// lists, links and images stay; scripts, styles, forms and event handlers go.
// Links get rel="nofollow noopener" (and target=_blank for absolute ones):
// partner pages are not ours to vouch for. A Policy is safe for concurrent
// use once built.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

// description returns the sanitised HTML and its plain-text twin. Without
// HTML the text is escaped into paragraphs.
func description(text, rawHTML string) (plain, htmlOut string) {
	plain = strings.TrimSpace(text)
	if strings.TrimSpace(rawHTML) != "" {
		htmlOut = strings.TrimSpace(policy().Sanitize(rawHTML))
		if plain == "" {
			plain = htmlText(htmlOut)
		}
		return plain, htmlOut
	}
	if plain == "" {
		return "", ""
	}
	var b strings.Builder
	b.Grow(len(plain) + len(plain)/8 + 16)
	for rest := plain; rest != ""; {
		para, next, _ := strings.Cut(rest, "\n")
		rest = next
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		escapeInto(&b, para)
		b.WriteString("</p>")
	}
	return plain, b.String()
}

// escapeInto writes s HTML-escaped (as html.EscapeString) without a copy
// per paragraph.
func escapeInto(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		k := strings.IndexAny(s[i:], "<>&'\"")
		if k < 0 {
			break
		}
		i += k
		var rep string
		switch s[i] {
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '&':
			rep = "&amp;"
		case '\'':
			rep = "&#39;"
		case '"':
			rep = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// blockTags end a line in the plain-text twin.
var blockTags = []string{"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article"}

// htmlText turns sanitised HTML into plain text: tags dropped, block ends
// become line breaks, entities decoded, blank lines collapsed.
func htmlText(h string) string {
	var b strings.Builder
	for i := 0; i < len(h); {
		lt := strings.IndexByte(h[i:], '<')
		if lt < 0 {
			b.WriteString(h[i:])
			break
		}
		b.WriteString(h[i : i+lt])
		gt := strings.IndexByte(h[i+lt:], '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(strings.TrimLeft(h[i+lt+1:i+lt+gt], "/"))
		if sp := strings.IndexAny(tag, " /"); sp >= 0 {
			tag = tag[:sp]
		}
		for _, bt := range blockTags {
			if tag == bt {
				b.WriteByte('\n')
				break
			}
		}
		i += lt + gt + 1
	}
	lines := strings.Split(html.UnescapeString(b.String()), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
