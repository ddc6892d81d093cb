package ingest_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestSameSiteTranslations: a site that announces an event on a German
// and on an English page gets one event with both pages (dedup.Translation),
// while two German pages of the site on one day stay two events, even
// with one text: the
// pipeline blocks a source's own events but for its translations.
func TestSameSiteTranslations(t *testing.T) {
	t.Parallel()
	const (
		festDE = `<h1>Nachbarschaftsfest Wurzelwerk im Kulturhaus Grünau</h1><div class="entry-content">
			<p>Datum: Samstag, 18. September 2021, 15:00 - 19:00 Uhr</p>
			<p>Ort: Kulturhaus Grünau, Stuttgarter Allee 9, 04209 Leipzig</p>
			<p>Nachbarinnen und Nachbarn aus aller Welt kochen gemeinsam, die Band Kalimba Kollektiv spielt, dazu gibt es Spiele für Kinder und einen Flohmarkt mit dem Verein Brückenschlag. Der Eintritt ist frei.</p></div>`
		festEN = `<h1>Wurzelwerk neighbourhood festival at Kulturhaus Grünau</h1><div class="entry-content">
			<p>Date: Saturday, 18 September 2021, 3 pm - 7 pm</p>
			<p>Place: Kulturhaus Grünau, Stuttgarter Allee 9, 04209 Leipzig</p>
			<p>Neighbours from all over the world cook together, the band Kalimba Kollektiv plays, and there will be games for children and a flea market with the Verein Brückenschlag. Admission is free.</p></div>`
		talkDE = `<h1>Lesung: Ankommen in Sachsen</h1><div class="entry-content">
			<p>Datum: Samstag, 18. September 2021, 15:00 - 17:00 Uhr</p>
			<p>Ort: Kulturhaus Grünau, Stuttgarter Allee 9, 04209 Leipzig</p>
			<p>Drei Autorinnen lesen aus ihren Büchern über das Ankommen und Bleiben in Sachsen und sprechen danach mit dem Publikum.</p></div>`
	)
	tests := []struct {
		name   string
		pages  map[string]string
		events int
	}{
		{"a German and an English page of one event", map[string]string{"/veranstaltungen/sommerfest/": festDE, "/en/events/summer-festival/": festEN}, 1},
		{"two German pages on one day", map[string]string{"/veranstaltungen/sommerfest/": festDE, "/veranstaltungen/lesung/": talkDE}, 2},
		// Not even one text on two pages: a site's own events are never
		// merged but for its translations.
		{"one German text on two pages", map[string]string{"/veranstaltungen/sommerfest/": festDE, "/aktuelles/sommerfest/": festDE}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &site{pages: tt.pages}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			ref := time.Date(2021, 8, 1, 12, 0, 0, 0, time.UTC)
			p := &ingest.Pipeline{Pool: pgtest.New(t), Now: func() time.Time { return ref }}
			src := testSource(t, "testverein", srv.URL)
			ctx := context.Background()
			if rep := p.CrawlSource(ctx, src); rep.Status != "ok" || rep.Errors != 0 || rep.EventsNew != tt.events {
				t.Fatalf("crawl: %+v, want %d new events", rep, tt.events)
			}
			if n := count(t, p, `SELECT count(*) FROM events WHERE merged_into IS NULL`); n != tt.events {
				t.Errorf("%d events, want %d", n, tt.events)
			}
			if n := count(t, p, `SELECT count(DISTINCT item_id) FROM event_items`); n != 2 {
				t.Errorf("%d pages linked to events, want both", n)
			}
			if rep := p.CrawlSource(ctx, src); rep.EventsNew != 0 || rep.EventsUpdated != 0 || rep.Errors != 0 {
				t.Errorf("second crawl changed things: %+v", rep)
			}
		})
	}
}
