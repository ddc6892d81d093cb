package event

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field limits. A partner page is untrusted input: whatever a scraper
// extracted, an item and the events made of it are cut to these sizes
// before they are stored or served (issue 12: a 2 MB description and a
// 300 KB title were stored and served). Real announcements stay far below:
// the longest title of the labelled corpus is under 200 characters and the
// longest announcement about 10,000.
const (
	MaxTitle    = 300      // characters
	MaxText     = 20_000   // characters of plain text (Item.Text, Draft.Description)
	MaxHTML     = 100_000  // bytes of HTML (Item.HTML, Draft.DescriptionHTML)
	MaxLine     = 2_000    // characters of a free-text line (Item.Date, Item.Place, Location.Text)
	MaxName     = 300      // characters of a name (venue, street, city, organizer, contact)
	MaxShort    = 200      // characters of a value that is a code or a date (start, status, lang, …)
	MaxURL      = 2_048    // bytes; a longer URL is dropped, not cut (a cut URL leads elsewhere)
	MaxKey      = 1_024    // bytes of an item key; a longer key is replaced by its hash
	MaxExtra    = 64 << 10 // bytes of Item.Extra as JSON; more is dropped
	MaxList     = 30       // entries of a list (languages, topics, audience, contacts, …)
	maxWarnings = 20       // warnings kept per draft
	ellipsis    = "…"
)

// Cut returns s cut to at most max characters (runes), ending in "…" when it
// was cut, never in the middle of a UTF-8 sequence.
func Cut(s string, max int) string {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " \t\r\n") + ellipsis
		}
		n++
	}
	return s
}

// cutBytes cuts s to at most max bytes on a rune boundary.
func cutBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// WebURL reports whether s is an absolute http(s) URL with a host and at
// most MaxURL bytes: the only kind of link Treffpunkt stores and serves
// (javascript: or data: links would run in readers' browsers).
func WebURL(s string) bool {
	if s == "" || len(s) > MaxURL || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// BoundItem cuts what a scraper reported to the field limits and keeps only
// web URLs: a URL that is not one is replaced by pageURL (where the item was
// found), an image is dropped. The notes say what was changed, for staff;
// they never quote the content.
func BoundItem(it Item, pageURL string) (Item, []string) {
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if len(it.Key) > MaxKey {
		sum := sha256.Sum256([]byte(it.Key))
		it.Key = cutBytes(it.Key, MaxKey-72) + "#sha256:" + hex.EncodeToString(sum[:])
		note("key longer than %d bytes replaced by its hash", MaxKey)
	}
	if it.URL != "" && !WebURL(it.URL) {
		it.URL = ""
		if WebURL(pageURL) {
			it.URL = pageURL
		}
		note("link is not an http(s) URL of at most %d bytes; the page's URL is used", MaxURL)
	}
	if it.Image != "" && !WebURL(it.Image) {
		it.Image = ""
		note("image is not an http(s) URL of at most %d bytes; dropped", MaxURL)
	}
	cut := func(name string, s *string, max int) {
		if c := Cut(*s, max); c != *s {
			*s = c
			note("%s cut to %d characters", name, max)
		}
	}
	cut("title", &it.Title, MaxTitle)
	cut("text", &it.Text, MaxText)
	if len(it.HTML) > MaxHTML {
		// Sanitising repairs HTML cut in a tag; the plain text stays whole.
		it.HTML = cutBytes(it.HTML, MaxHTML)
		note("HTML cut to %d bytes", MaxHTML)
	}
	cut("date", &it.Date, MaxLine)
	cut("place", &it.Place, MaxLine)
	cut("organizer", &it.Organizer, MaxName)
	cut("kind", &it.Kind, MaxShort)
	cut("start", &it.Start, MaxShort)
	cut("end", &it.End, MaxShort)
	cut("recurrence", &it.Recurrence, MaxLine)
	cut("attendance", &it.Attendance, MaxShort)
	cut("status", &it.Status, MaxShort)
	cut("published", &it.Published, MaxShort)
	cut("lang", &it.Lang, MaxShort)
	if l := it.Location; l != nil {
		loc := *l
		cut("venue", &loc.Venue, MaxName)
		cut("street", &loc.Street, MaxName)
		cut("postal code", &loc.PostalCode, MaxShort)
		cut("city", &loc.City, MaxName)
		cut("location", &loc.Text, MaxLine)
		it.Location = &loc
	}
	if len(it.Extra) > 0 {
		if b, err := json.Marshal(it.Extra); err != nil || len(b) > MaxExtra {
			it.Extra = nil
			note("extra data over %d bytes dropped", MaxExtra)
		}
	}
	return it, notes
}

// BoundDraft cuts an event to the field limits, whatever normalisation made
// of its item: it is the last step before an event is stored.
func BoundDraft(d Draft) Draft {
	d.Title = Cut(d.Title, MaxTitle)
	d.Description = Cut(d.Description, MaxText)
	if len(d.DescriptionHTML) > MaxHTML {
		// Cutting sanitised HTML could leave a tag open; the plain text
		// description stands in for it.
		d.DescriptionHTML = ""
	}
	d.Recurrence = Cut(d.Recurrence, MaxLine)
	if strings.ContainsFunc(d.Recurrence, unicode.IsControl) {
		// An RRULE never holds a control character; a line break would
		// start a property of its own in a feed.
		d.Recurrence = ""
	}
	d.Organizer = Cut(d.Organizer, MaxName)
	d.Place.Venue = Cut(d.Place.Venue, MaxName)
	d.Place.Street = Cut(d.Place.Street, MaxName)
	d.Place.PostalCode = Cut(d.Place.PostalCode, MaxShort)
	d.Place.City = Cut(d.Place.City, MaxName)
	d.Place.Region = Cut(d.Place.Region, MaxShort)
	for _, l := range []*[]string{&d.Languages, &d.Topics, &d.Audience, &d.Accessibility,
		&d.Contact.Names, &d.Contact.Emails, &d.Contact.Phones} {
		if len(*l) > MaxList {
			*l = (*l)[:MaxList:MaxList]
		}
		*l = cutStrings(*l, MaxName)
	}
	if len(d.Warnings) > maxWarnings {
		d.Warnings = append(d.Warnings[:maxWarnings:maxWarnings], fmt.Sprintf("… and %d more warnings", len(d.Warnings)-maxWarnings))
	}
	d.Warnings = cutStrings(d.Warnings, MaxLine)
	return d
}

// cutStrings cuts every entry to max characters, never writing into the
// caller's array.
func cutStrings(l []string, max int) []string {
	var out []string
	for i, s := range l {
		if c := Cut(s, max); c != s {
			if out == nil {
				out = slices.Clone(l)
			}
			out[i] = c
		}
	}
	if out != nil {
		return out
	}
	return l
}
