package event

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Offener Treff", 20, "Offener Treff"},
		{"Offener Treff", 13, "Offener Treff"},
		{"Offener Treff", 9, "Offener…"},
		{"Größenwahn", 4, "Grö…"},
		{"ÄÄÄÄÄ", 3, "ÄÄ…"},
	}
	for _, tt := range tests {
		if got := Cut(tt.in, tt.max); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for s, ok := range map[string]bool{
		"https://www.saqsen.de/veranstaltungen/":             true,
		"http://example.org":                                 true,
		"javascript:alert(1)":                                false,
		"data:text/html,<script>alert(1)</script>":           false,
		"mailto:info@example.org":                            false,
		"/veranstaltung/7":                                   false,
		"https://":                                           false,
		"https://example.org/" + strings.Repeat("a", MaxURL): false,
		"https://example.org/a b":                            false,
	} {
		if WebURL(s) != ok {
			t.Errorf("WebURL(%.60q) = %v", s, !ok)
		}
	}
}

// Finding 10 of issue 12: a 300 KB title and a 2 MB description were
// stored and served. BoundItem cuts every field whatever the strategy.
func TestBoundItem(t *testing.T) {
	const page = "https://www.saqsen.de/veranstaltungen/"
	huge := strings.Repeat("Ä", 1<<20) // 2 MB
	it := Item{
		Key: "https://www.saqsen.de/" + huge, URL: "javascript:alert(1)", Image: "data:image/png;base64,AAAA",
		Title: strings.Repeat("T", 300<<10), Text: huge, HTML: "<p>" + huge + "</p>", Date: huge, Place: huge,
		Organizer: huge, Start: huge, Recurrence: huge, Location: &Location{Venue: huge, Street: huge, City: huge, Text: huge},
		Extra: map[string]any{"description": huge},
	}
	got, notes := BoundItem(it, page)
	if got.URL != page || got.Image != "" {
		t.Errorf("url %q image %q", got.URL, got.Image)
	}
	for name, c := range map[string]struct {
		s   string
		max int
	}{
		"title": {got.Title, MaxTitle}, "text": {got.Text, MaxText}, "date": {got.Date, MaxLine},
		"place": {got.Place, MaxLine}, "organizer": {got.Organizer, MaxName}, "start": {got.Start, MaxShort},
		"recurrence": {got.Recurrence, MaxLine}, "venue": {got.Location.Venue, MaxName},
		"street": {got.Location.Street, MaxName}, "city": {got.Location.City, MaxName}, "location": {got.Location.Text, MaxLine},
	} {
		if n := utf8.RuneCountInString(c.s); n != c.max || !strings.HasSuffix(c.s, "…") {
			t.Errorf("%s: %d characters, want %d ending in …", name, n, c.max)
		}
	}
	if len(got.HTML) > MaxHTML || !utf8.ValidString(got.HTML) || len(got.Key) > MaxKey || got.Extra != nil {
		t.Errorf("html %d bytes, key %d bytes, extra %v", len(got.HTML), len(got.Key), got.Extra != nil)
	}
	if it.Location.Venue != huge {
		t.Error("the caller's location was changed")
	}
	if len(notes) != 16 {
		t.Errorf("%d notes: %q", len(notes), notes)
	}
	again, _ := BoundItem(it, page) // the same item is bounded the same way (stable hash, stable key)
	if again.Key != got.Key {
		t.Error("key not stable")
	}
	ok := Item{Key: page + "#1", URL: page, Title: "Offener Treff", Text: "Jeden Mittwoch", Image: page + "a.jpg"}
	if b, notes := BoundItem(ok, page); b.Key != ok.Key || b.URL != ok.URL || b.Image != ok.Image || notes != nil {
		t.Errorf("an ordinary item changed: %+v, %q", b, notes)
	}
}

func TestBoundDraft(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	names := make([]string, 100)
	for i := range names {
		names[i] = huge
	}
	d := BoundDraft(Draft{Title: huge, Description: huge, DescriptionHTML: huge, Organizer: huge,
		Place: Place{Venue: huge, City: huge}, Topics: names, Contact: Contact{Names: names}, Warnings: names})
	if len(d.Title) > 3*MaxTitle || len(d.Description) > 3*MaxText || d.DescriptionHTML != "" ||
		len(d.Organizer) > 3*MaxName || len(d.Place.Venue) > 3*MaxName || len(d.Place.City) > 3*MaxName {
		t.Errorf("fields not cut")
	}
	if len(d.Topics) != MaxList || len(d.Contact.Names) != MaxList || len(d.Contact.Names[0]) > 3*MaxName ||
		len(d.Warnings) != maxWarnings+1 {
		t.Errorf("lists: %d topics, %d names, %d warnings", len(d.Topics), len(d.Contact.Names), len(d.Warnings))
	}
	if d := BoundDraft(Draft{Recurrence: "FREQ=WEEKLY\r\nBEGIN:VEVENT"}); d.Recurrence != "" {
		t.Errorf("recurrence with a line break kept: %q", d.Recurrence)
	}
	if d := BoundDraft(Draft{Recurrence: "FREQ=MONTHLY;BYDAY=1WE"}); d.Recurrence != "FREQ=MONTHLY;BYDAY=1WE" {
		t.Errorf("recurrence %q", d.Recurrence)
	}
	if names[0] != huge {
		t.Error("the caller's slice was changed")
	}
}
