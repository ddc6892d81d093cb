package scrapers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

func ptr(f float64) *float64 { return &f }

// The Kulturbüro Sachsen "Support" site (Drupal): a paginated list leading
// to detail pages with JSON-LD in @graph with references, a top-level
// array, microdata only, JSON that needs repair, and a page without events.
func TestJSONLDDrupalSite(t *testing.T) {
	s := newSite(t, "drupal")
	src := testSource(s.URL+"/bildungsangebote", event.KindJSONLD)
	src.Follow = ".views-row h3 a"
	src.Next = ".pager__item--next a"
	res := crawlSite(t, src, testOptions())
	if got, want := res.sum, (Summary{Pages: 7, Errors: 1, Complete: true}); got != want {
		t.Errorf("summary %+v, want %+v", got, want)
	}
	if s.hitsOf("/bildungsangebote?page=1") != 1 {
		t.Errorf("page 2 of the list not fetched once")
	}
	for _, list := range []string{"/bildungsangebote", "/bildungsangebote?page=1"} {
		if p := res.page(t, list); p.Role != RoleList || p.Err != nil || len(p.Items) != 0 {
			t.Errorf("%s: role %q err %v items %d", list, p.Role, p.Err, len(p.Items))
		}
	}
	if p := res.page(t, "/veranstaltung/leitziel"); p.Err == nil || p.Err.Error() != "no schema.org Event in JSON-LD or microdata" {
		t.Errorf("page without events: err %v", p.Err)
	}

	base := s.URL
	tests := []struct {
		uri  string
		want event.Item
		text string // prefix of Text
	}{
		{
			uri: "/veranstaltung/unterstuetzerinnenschulung-pirna",
			want: event.Item{
				Key:   "https://www.kulturbuero-sachsen.de/veranstaltung/unterstuetzerinnenschulung-pirna#event",
				URL:   base + "/veranstaltung/unterstuetzerinnenschulung-pirna",
				Title: "Unterstützer_innenschulung in Pirna",
				Start: "2021-10-09T10:00:00+02:00", End: "2021-10-09T16:00:00+02:00",
				Location: &event.Location{Venue: "Landratsamt Sächsische Schweiz-Osterzgebirge, Sitzungssaal",
					Street: "Schloßhof 2/4", PostalCode: "01796", City: "Pirna", Lat: ptr(50.9622), Lon: ptr(13.9403)},
				Attendance: "offline", Status: "scheduled", Organizer: "Kulturbüro Sachsen e.V.",
				Published: "2021-08-30", // the WebPage node of the @graph
				Lang:      "de",
			},
			text: "Das Projekt Support für Initiative bietet für Ehrenamtliche als Orientierungsangebot Unterstützer_innenschulungen an.\nNeben Informationen",
		},
		{
			uri: "/veranstaltung/multiplikatorinnen-fortbildung",
			want: event.Item{
				Key:   "https://www.kulturbuero-sachsen.de/veranstaltung/multiplikatorinnen-fortbildung",
				URL:   "https://www.kulturbuero-sachsen.de/veranstaltung/multiplikatorinnen-fortbildung?utm_source=newsletter",
				Title: "Fortbildung für Multiplikator_innen: Flucht, Asyl und Migration",
				Start: "2021-11-19T09:30", End: "2021-11-20T15:00",
				Location:   &event.Location{Venue: "Kulturbüro Sachsen", Text: "Bautzner Straße 45, 01099 Dresden"},
				Attendance: "mixed", Status: "postponed", Organizer: "Kulturbüro Sachsen e.V., Projekt Support",
				Image:     base + "/sites/default/files/2021-08/cover-folder-bildungsangebote.jpg",
				Published: "2021-09-02", Lang: "de",
			},
			text: "Die Fortbildungen informieren über aktuelle Entwicklungen",
		},
		{
			uri: "/veranstaltung/fachtag-migrationsgesellschaft", // microdata
			want: event.Item{
				Key:   base + "/veranstaltung/fachtag-migrationsgesellschaft",
				URL:   base + "/veranstaltung/fachtag-migrationsgesellschaft",
				Title: "Fachtag Migrationsgesellschaft Sachsen",
				Start: "2021-12-03T09:00:00+01:00", End: "2021-12-03T16:00:00+01:00",
				Location:   &event.Location{Venue: "Haus der Stadtmission", Street: "Demmeringstraße 18", PostalCode: "04177", City: "Leipzig"},
				Attendance: "offline", Status: "cancelled", Organizer: "Kulturbüro Sachsen e.V.",
				Published: "2021-10-01", Lang: "de",
			},
			text: "Unter Migrationsgesellschaft verstehen wir",
		},
		{
			uri: "/veranstaltung/online-fortbildung-diskriminierung", // repaired JSON
			want: event.Item{
				Key:        base + "/veranstaltung/online-fortbildung-diskriminierung",
				URL:        base + "/veranstaltung/online-fortbildung-diskriminierung",
				Title:      "Online-Fortbildung: Diskriminierung und interkulturelle Themen",
				Start:      "2022-01-20T17:00:00+01:00",
				Attendance: "online", Lang: "de",
			},
			text: "Fortbildungen, die über aktuelle Entwicklungen im Themenbereich Flucht, Asyl und Migration informieren\nund zu Diskriminierung",
		},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			p := res.page(t, tt.uri)
			if p.Err != nil || p.Role != RoleDetail || len(p.Items) != 1 {
				t.Fatalf("err %v role %q items %d warnings %q", p.Err, p.Role, len(p.Items), p.Warnings)
			}
			got := p.Items[0]
			if !strings.HasPrefix(got.Text, tt.text) {
				t.Errorf("text %q,\nwant prefix %q", got.Text, tt.text)
			}
			if got.Extra["jsonld"] == nil && got.Extra["microdata"] == nil {
				t.Errorf("raw object not kept: %v", got.Extra)
			}
			got.Text, got.HTML, got.Extra = "", "", nil
			tt.want.Kind = event.KindJSONLD
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("item\n got %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

// Shapes of JSON-LD and microdata found on real event pages.
func TestJSONLDShapes(t *testing.T) {
	const page = "https://www.saqsen.de/veranstaltungen/"
	tests := []struct {
		name string
		html string
		want []event.Item // compared on Key, Title, Start, Attendance, Status, Location
	}{
		{
			name: "subtype in a top-level array, no id or url",
			html: ldScript(`[{"@context":"https://schema.org","@type":"SocialEvent","name":"Offener Treff der Werkstatt","startDate":"2021-06-02T15:00"}]`),
			want: []event.Item{{Key: page, Title: "Offener Treff der Werkstatt", Start: "2021-06-02T15:00"}},
		},
		{
			name: "several events without ids get #n",
			html: ldScript(`{"@context":"https://schema.org","@graph":[
				{"@type":"Event","name":"Fachkonferenz Migrationssozialarbeit","startDate":"2021-06-10"},
				{"@type":"Event","name":"Fachkonferenz Teilhabe und Antidiskriminierung","startDate":"2021-06-23"}]}`),
			want: []event.Item{
				{Key: page + "#1", Title: "Fachkonferenz Migrationssozialarbeit", Start: "2021-06-10"},
				{Key: page + "#2", Title: "Fachkonferenz Teilhabe und Antidiskriminierung", Start: "2021-06-23"},
			},
		},
		{
			name: "one url for a series of dates",
			html: ldScript(`[{"@type":"Event","name":"Offener Treff","url":"/offener-treff/","startDate":"2021-07-07T15:00"},
				{"@type":"Event","name":"Offener Treff","url":"/offener-treff/","startDate":"2021-08-04T15:00"}]`),
			want: []event.Item{
				{Key: "https://www.saqsen.de/offener-treff/", Title: "Offener Treff", Start: "2021-07-07T15:00"},
				{Key: "https://www.saqsen.de/offener-treff/#2021-08-04T15:00", Title: "Offener Treff", Start: "2021-08-04T15:00"},
			},
		},
		{
			name: "event inside an ItemList, type as full IRI, entities in the name",
			html: ldScript(`{"@context":"http://schema.org","@type":"ItemList","itemListElement":[{"@type":"ListItem","position":1,
				"item":{"@type":"http://schema.org/EducationEvent","@id":"#wochen-gegen-rassismus","name":"Internationale Wochen gegen Rassismus &#8211; Filmabend",
				"startDate":"2021-03-15","eventStatus":"EventMovedOnline","location":"Cinémathèque Leipzig"}}]}`),
			want: []event.Item{{Key: page + "#wochen-gegen-rassismus", Title: "Internationale Wochen gegen Rassismus – Filmabend",
				Start: "2021-03-15", Status: "scheduled", Attendance: "online", Location: &event.Location{Text: "Cinémathèque Leipzig"}}},
		},
		{
			name: "virtual location only",
			html: ldScript(`{"@type":"Event","name":"Liebe…grenzenlos?","startDate":"2021-03-19T19:00:00+01:00",
				"location":{"@type":"VirtualLocation","url":"https://zoom.example.org/j/1"}}`),
			want: []event.Item{{Key: page, Title: "Liebe…grenzenlos?", Start: "2021-03-19T19:00:00+01:00", Attendance: "online"}},
		},
		{
			name: "JSON-LD wins over microdata of the same event",
			html: ldScript(`{"@type":"Event","name":"Aus JSON-LD","startDate":"2021-09-13"}`) +
				`<div itemscope itemtype="https://schema.org/Event"><span itemprop="name">Aus Microdata</span></div>`,
			want: []event.Item{{Key: page, Title: "Aus JSON-LD", Start: "2021-09-13"}},
		},
		{
			name: "microdata with sub-event stays one event",
			html: `<div itemscope itemtype="http://schema.org/Festival"><h2 itemprop="name">Interkulturelle Wochen Leipzig</h2>
				<meta itemprop="startDate" content="2021-09-26">
				<div itemprop="subEvent" itemscope itemtype="http://schema.org/Event"><span itemprop="name">Eröffnung</span></div></div>`,
			want: []event.Item{{Key: page, Title: "Interkulturelle Wochen Leipzig", Start: "2021-09-26"}},
		},
		{
			name: "no event, only a WebPage",
			html: ldScript(`{"@type":"WebPage","name":"Veranstaltungen"}`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hp, err := parseHTML([]byte("<html lang=de><head>"+tt.html+"</head><body></body></html>"), page)
			if err != nil {
				t.Fatal(err)
			}
			items, warn := hp.jsonldItems()
			md, _ := hp.microdataItems(len(items))
			items = append(items, md...)
			if len(warn) > 0 {
				t.Errorf("warnings %q", warn)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("%d items, want %d: %s", len(items), len(tt.want), dump(items))
			}
			for i, w := range tt.want {
				g := items[i]
				g2 := event.Item{Key: g.Key, Title: g.Title, Start: g.Start, Attendance: g.Attendance, Status: g.Status, Location: g.Location}
				if !reflect.DeepEqual(g2, w) {
					t.Errorf("item %d\n got %s\nwant %s", i, dump(g2), dump(w))
				}
			}
		})
	}
}

func TestJSONLDBrokenScript(t *testing.T) {
	hp, err := parseHTML([]byte(`<html><head><script type="application/ld+json">{"@type":"Event",</script></head></html>`), "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	items, warn := hp.jsonldItems()
	if len(items) != 0 || len(warn) != 1 || !strings.HasPrefix(warn[0], "JSON-LD script 1: ") {
		t.Errorf("items %d warnings %q", len(items), warn)
	}
}

func ldScript(js string) string {
	return `<script type="application/ld+json">` + js + `</script>`
}
