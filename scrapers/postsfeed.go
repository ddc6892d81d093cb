package scrapers

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// maxFeedPosts bounds the posts one RSS or Atom feed hands to a crawl.
const maxFeedPosts = 500

// postsFeedLinks are the RSS and Atom feeds a page announces.
func (hp *htmlPage) postsFeedLinks() []string {
	var out []string
	hp.doc.Find(`link[rel~="alternate"][href]`).Each(func(_ int, s *goquery.Selection) {
		t := strings.ToLower(s.AttrOr("type", ""))
		if t != "application/rss+xml" && t != "application/atom+xml" {
			return
		}
		if u := hp.resolve(s.AttrOr("href", "")); u != nil && siteOf(u.Host) == siteOf(hp.base.Host) && !slices.Contains(out, u.String()) {
			out = append(out, u.String())
		}
	})
	return out
}

// postsFeed reads the post links of an RSS 2.0 or Atom feed.
func postsFeed(body []byte) ([]string, error) {
	var f struct {
		XMLName xml.Name
		Items   []struct {
			Link string `xml:"link"`
		} `xml:"channel>item"`
		Entries []struct {
			Links []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("posts feed: %w", err)
	}
	if f.XMLName.Local != "rss" && f.XMLName.Local != "feed" {
		return nil, fmt.Errorf("posts feed: root element <%s>, want <rss> or <feed>", f.XMLName.Local)
	}
	var out []string
	add := func(u string) {
		if u = strings.TrimSpace(u); u != "" && len(out) < maxFeedPosts {
			out = append(out, u)
		}
	}
	for _, it := range f.Items {
		add(it.Link)
	}
	for _, e := range f.Entries {
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				add(l.Href)
				break
			}
		}
	}
	return out, nil
}
