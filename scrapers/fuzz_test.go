package scrapers

import (
	"os"
	"strings"
	"testing"
)

// Whatever a feed holds, parsing never panics and every item it keeps has
// what the pipeline needs: a key, a title and a start.
func FuzzICalItems(f *testing.F) {
	b, err := os.ReadFile("testdata/ical/spot-on.ics")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20221014\r\nDTEND;VALUE=DATE:20221001\r\nSUMMARY:y\r\nEND:VEVENT\r\nEND:VCALENDAR"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"a:b\";X=\"\nSUMMARY:\\\nEND:VEVENT"))
	f.Fuzz(func(t *testing.T, feed []byte) {
		items, _, err := icalItems(feed, "https://example.org/feed.ics")
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Key == "" || strings.TrimSpace(it.Title) == "" || it.Start == "" {
				t.Fatalf("incomplete item %+v", it)
			}
		}
	})
}

// Canonical URLs are a fixed point: canonicalising again changes nothing.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"HTTPS://WWW.Kulturbuero-Sachsen.DE:443/Veranstaltung/?utm_source=x&b=2&a=1#top",
		"http://[::1]:80/a?&&x=%zz", "https://example.org?", "https://ex.org/%7Euser?q=a+b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := CanonicalURL(raw)
		if again := CanonicalURL(c); again != c {
			t.Fatalf("CanonicalURL(%q) = %q, then %q", raw, c, again)
		}
	})
}

// Any page, however broken, is parsed and mapped without a panic.
func FuzzHTMLPage(f *testing.F) {
	for _, name := range []string{"testdata/broken/veranstaltung.html", "testdata/drupal/veranstaltung/multiplikatorinnen-fortbildung.html",
		"testdata/drupal/veranstaltung/fachtag-migrationsgesellschaft.html"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	src := testSource("https://example.org/", "html")
	src.Fields.Item, src.Fields.Date = "article", "time"
	sel, err := compileSelectors(src)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		hp, err := parseHTML(page, "https://example.org/2021/05/12/x/")
		if err != nil {
			return
		}
		hp.jsonldItems()
		hp.microdataItems(0)
		hp.selectorItems(sel, src.Fields)
		hp.publishedDate()
	})
}
