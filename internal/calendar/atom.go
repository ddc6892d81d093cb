package calendar

import (
	"bufio"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The Atom feed (RFC 4287) is for news readers and site builders that
// take feeds: one entry per event, soonest first, its date and place in
// the summary.

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	XMLName    xml.Name       `xml:"entry"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    *atomText      `xml:"content,omitempty"`
}

type atomWriter struct {
	w       *bufio.Writer
	info    feedInfo
	updated time.Time
	enc     *xml.Encoder
}

// atomID is a tag URI (RFC 4151) from the event's UID, which does not
// change when the event is edited or merged into.
func (aw *atomWriter) atomID(uid string) string {
	host := "treffpunkt"
	if u, err := url.Parse(aw.info.base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + ",2024:" + uid
}

func (aw *atomWriter) begin() error {
	aw.w.WriteString(xml.Header)
	aw.w.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="` + aw.info.lang + `">` + "\n")
	aw.enc = xml.NewEncoder(aw.w)
	head := []any{
		struct {
			XMLName xml.Name `xml:"id"`
			V       string   `xml:",chardata"`
		}{V: aw.atomID("feed?" + aw.info.canonical)},
		struct {
			XMLName xml.Name `xml:"title"`
			V       string   `xml:",chardata"`
		}{V: aw.info.name},
		struct {
			XMLName xml.Name `xml:"subtitle"`
			V       string   `xml:",chardata"`
		}{V: aw.info.desc},
		struct {
			XMLName xml.Name `xml:"updated"`
			V       string   `xml:",chardata"`
		}{V: aw.updated.UTC().Format(time.RFC3339)},
		struct {
			XMLName xml.Name `xml:"author"`
			Name    string   `xml:"name"`
		}{Name: "Treffpunkt"},
		struct {
			XMLName xml.Name `xml:"link"`
			atomLink
		}{atomLink: atomLink{Rel: "self", Type: "application/atom+xml", Href: aw.info.url("/calendar.atom")}},
		struct {
			XMLName xml.Name `xml:"link"`
			atomLink
		}{atomLink: atomLink{Rel: "alternate", Type: "text/html", Href: aw.info.url("/")}},
		struct {
			XMLName xml.Name `xml:"link"`
			atomLink
		}{atomLink: atomLink{Rel: "alternate", Type: "text/calendar", Href: aw.info.url("/calendar.ics")}},
	}
	for _, h := range head {
		if err := aw.enc.Encode(h); err != nil {
			return err
		}
	}
	return nil
}

func (aw *atomWriter) event(e store.Event, src sourceLink) error {
	d := e.Draft
	lang := aw.info.lang
	en := atomEntry{
		ID:        aw.atomID(e.UID),
		Title:     atomText{Type: "text", Body: statusPrefix(d.Status, lang) + d.Title},
		Updated:   e.UpdatedAt.UTC().Format(time.RFC3339),
		Published: e.CreatedAt.UTC().Format(time.RFC3339),
		Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: aw.info.eventURL(e.ID)}},
	}
	if src.URL != "" {
		en.Links = append(en.Links, atomLink{Rel: "related", Type: "text/html", Href: src.URL})
	}
	for _, t := range d.Topics {
		en.Categories = append(en.Categories, atomCategory{Term: t, Label: topicName(t, lang)})
	}
	for _, b := range badges(src.Facets, &d, lang) {
		en.Categories = append(en.Categories, atomCategory{Term: b.Facet + ":" + b.Value, Label: b.Label})
	}
	summary := []string{when(d, lang)}
	if loc := location(d, lang); loc != "" {
		summary = append(summary, loc)
	}
	en.Summary = atomText{Type: "text", Body: strings.Join(summary, " · ")}
	if desc := description(e, src, lang); desc != "" {
		en.Content = &atomText{Type: "text", Body: desc}
	}
	aw.w.WriteByte('\n')
	return aw.enc.Encode(en)
}

func (aw *atomWriter) end() error {
	if err := aw.enc.Flush(); err != nil {
		return err
	}
	_, err := aw.w.WriteString("\n</feed>\n")
	return err
}

var (
	weekdaysDE = [...]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."}
	monthsDE   = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
		"Oktober", "November", "Dezember"}
)

// when renders an event's date and time for people: "Fr., 1. Mai 2026,
// 18:00–20:00" or "Fri 1 May 2026, 18:00–20:00".
func when(d event.Draft, lang string) string {
	start := d.Start.In(event.Berlin)
	s := day(start, lang, true)
	hasEnd := !d.End.IsZero() && d.End.After(d.Start)
	end := d.End.In(event.Berlin)
	if d.AllDay {
		if hasEnd && !sameDay(start, end) {
			s += " – " + day(end, lang, true)
		}
		return s
	}
	s += ", " + start.Format("15:04")
	if hasEnd {
		if sameDay(start, end) {
			s += "–" + end.Format("15:04")
		} else {
			s += " – " + day(end, lang, true) + ", " + end.Format("15:04")
		}
	}
	return s
}

func day(t time.Time, lang string, year bool) string {
	var s string
	if lang == "en" {
		s = t.Format("Mon 2 January")
	} else {
		s = weekdaysDE[t.Weekday()] + ", " + t.Format("2") + ". " + monthsDE[t.Month()-1]
	}
	if year {
		s += " " + t.Format("2006")
	}
	return s
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
