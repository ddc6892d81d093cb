package demosites

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
)

// FeedPrefix is where Feeds serves its iCal feeds: FeedPrefix + "3.ics".
const FeedPrefix = "/gen-feeds/"

// GenEvent is one event of a generated feed, as the generator meant it:
// the truth a test compares the store with.
type GenEvent struct {
	UID         string
	Title       string
	Description string
	Start, End  time.Time
	Online      bool
	Venue       string
	Street      string
	PostalCode  string
	City        string
	Region      string
}

// The words gen-style events are built from: the formats and subjects an
// umbrella organisation's programme repeats across towns and weeks, and the
// template sentences its announcements share word for word. Distinct
// events share most of their words, which is what makes them hard to keep
// apart.
var (
	genFormats = []string{"Workshop", "Seminar", "Gesprächsrunde", "Lernwerkstatt", "Offener Treff", "Infoabend",
		"Fachtag", "Vortrag", "Austauschtreffen", "Fortbildung", "Sprachcafé", "Beratungstag"}
	genSubjects = []string{"Buchhaltung für Vereine", "Social Media für Vereine", "Jugendbeteiligung",
		"Fördermittel beantragen", "Vereinsrecht kompakt", "Antirassismus im Alltag", "Ehrenamt stärken",
		"Anerkennung ausländischer Abschlüsse", "Aufenthaltsrecht", "Wohnungssuche", "Elternarbeit",
		"Mehrsprachigkeit in der Kita", "Öffentlichkeitsarbeit", "Datenschutz im Verein", "Vorstandsarbeit",
		"Konfliktmoderation", "Demokratie vor Ort", "Empowerment für Frauen*", "Kommunalpolitik verstehen",
		"Projektanträge schreiben", "Sachberichte", "Interkulturelle Öffnung", "Diskriminierung erkennen",
		"Mitgliedergewinnung"}
	genTemplates = []string{
		"Eingeladen sind Ehrenamtliche, Hauptamtliche und Migrant*innenorganisationen aus der Region %s.",
		"Die Veranstaltung ist Teil unseres Qualifizierungsprogramms für Vereine in Sachsen und wird gefördert vom Freistaat Sachsen.",
		"Die Teilnahme ist kostenfrei. Um Anmeldung wird gebeten.",
		"Bei Bedarf organisieren wir eine Sprachmittlung; bitte teilt uns das bei der Anmeldung mit.",
	}
	genVenues = []string{"Bürgerhaus", "Stadtteilzentrum", "Volkshochschule", "Soziokulturelles Zentrum",
		"Gemeindehaus", "Kulturzentrum", "Stadtbibliothek", "Begegnungsstätte", "Jugendhaus", "Mehrgenerationenhaus"}
	genStreets = []string{"Hauptstraße", "Markt", "Bahnhofstraße", "Schulstraße", "Lindenstraße", "Kirchplatz",
		"Am Anger", "Dorfstraße", "Gartenstraße", "Rathausplatz"}
)

// genOrganizers run the generated feeds, one each (cycled past twenty).
var genOrganizers = []string{"Bildungswerk Oberlausitz e. V.", "Forum Vielfalt Chemnitz", "Interkulturelles Netzwerk Vogtland",
	"Bündnis Weltoffenes Meißen", "Migrationsbeirat Bautzen", "Brückenbau Leipzig e. V.", "Kulturbüro Mittelsachsen",
	"Initiative Ankommen Pirna", "Treffpunkt Nordsachsen e. V.", "Freundeskreis Zwickau International",
	"Ausländerrat Dresden e. V.", "Kontaktstelle Wohnen Görlitz", "Arbeitskreis Asyl Freiberg", "Villa Kunterbunt Torgau",
	"Netzwerk für Demokratie Annaberg", "Sprachbrücke Plauen e. V.", "Haus der Begegnung Grimma",
	"Elternnetzwerk Riesa", "Frauenzentrum Delitzsch", "Jugendmigrationsdienst Hoyerswerda"}

// GenFeedOrganizer is the organiser of generated feed f.
func GenFeedOrganizer(f int) string { return genOrganizers[f%len(genOrganizers)] }

// GenFeedStart is the first day of every generated feed.
var GenFeedStart = time.Date(2027, time.January, 4, 0, 0, 0, 0, event.Berlin)

// GenFeed returns the events of generated feed f with n events, spread
// over a year (with six feeds of 5,000 events about 80 a day). The same
// (f, n) gives the same events on every call. Every event is distinct:
// no two share title, town and start; many share a title with an event
// in another town or on another day, and every one shares the template
// sentences of its organisation.
func GenFeed(f, n int) []GenEvent {
	r := rand.New(rand.NewPCG(uint64(f)+1, 0x7e1f))
	munis := gazetteer.Municipalities()
	out := make([]GenEvent, 0, n)
	seen := make(map[string]bool, n)
	for i := 0; len(out) < n; i++ {
		m := munis[r.IntN(len(munis))]
		format, subject := genFormats[r.IntN(len(genFormats))], genSubjects[r.IntN(len(genSubjects))]
		day := GenFeedStart.AddDate(0, 0, r.IntN(364))
		start := day.Add(time.Duration(9*60+30*r.IntN(22)) * time.Minute) // 09:00–19:30
		key := fmt.Sprintf("%s|%s|%s|%s", format, subject, m.Name, start)
		if seen[key] {
			continue
		}
		seen[key] = true
		e := GenEvent{
			UID:   fmt.Sprintf("gen-%d-%d@feed%d.treffpunkt.test", f, i, f),
			Title: format + ": " + subject + " (" + m.Name + ")",
			Start: start,
			End:   start.Add(time.Duration(60+30*r.IntN(5)) * time.Minute),
		}
		if r.IntN(10) == 0 {
			e.Online = true
			e.Title = format + ": " + subject + " (online)"
			e.Venue = "Online per Zoom"
		} else {
			e.Venue = genVenues[r.IntN(len(genVenues))] + " " + m.Name
			e.Street = fmt.Sprintf("%s %d", genStreets[r.IntN(len(genStreets))], 1+r.IntN(60))
			if len(m.PostalCodes) > 0 {
				e.PostalCode = m.PostalCodes[r.IntN(len(m.PostalCodes))]
			}
			e.City, e.Region = m.Name, m.Region
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s zum Thema %s. ", format, subject)
		fmt.Fprintf(&b, genTemplates[0], m.Name)
		for _, t := range genTemplates[1:] {
			b.WriteString(" ")
			b.WriteString(t)
		}
		e.Description = b.String()
		out = append(out, e)
	}
	return out
}

// ICal renders events as an iCalendar feed.
func ICal(name string, evs []GenEvent) []byte {
	var b strings.Builder
	b.Grow(700 * len(evs))
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt//generated feed//DE\r\nCALSCALE:GREGORIAN\r\n")
	b.WriteString("X-WR-CALNAME:" + icalText(name) + "\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
	for _, e := range evs {
		b.WriteString("BEGIN:VEVENT\r\nUID:" + e.UID + "\r\nDTSTAMP:20261201T080000Z\r\n")
		b.WriteString("DTSTART;TZID=Europe/Berlin:" + e.Start.Format("20060102T150405") + "\r\n")
		b.WriteString("DTEND;TZID=Europe/Berlin:" + e.End.Format("20060102T150405") + "\r\n")
		b.WriteString("SUMMARY:" + icalText(e.Title) + "\r\n")
		b.WriteString("DESCRIPTION:" + icalText(e.Description) + "\r\n")
		loc := e.Venue
		if !e.Online {
			loc = e.Venue + ", " + e.Street + ", " + e.PostalCode + " " + e.City
		}
		b.WriteString("LOCATION:" + icalText(loc) + "\r\n")
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// FeedSources is a sources file (YAML) of the n generated feeds that
// Feeds serves under base (http://host:port): each a source of its own
// with its organiser, published automatically, allowed on a private
// address and up to 50 MB.
func FeedSources(base string, n int) string {
	var b strings.Builder
	b.WriteString("sources:\n")
	for f := range n {
		fmt.Fprintf(&b, `  - id: feed-%d
    name: Generierter Kalender %d
    url: %s%s%d.ics
    kind: ical
    organizer: %s
    publish: auto
    max_bytes: 52428800
    allow_private: true
`, f, f, base, FeedPrefix, f, GenFeedOrganizer(f))
	}
	return b.String()
}

// Feeds serves n generated iCal feeds of size events each under
// FeedPrefix (0.ics … n-1.ics), built once and then served with a fixed
// ETag and Last-Modified, so an unchanged re-crawl is a 304.
func Feeds(n, size int) http.Handler {
	pages := make([]func() *page, n)
	for f := range n {
		pages[f] = sync.OnceValue(func() *page {
			body := ICal(fmt.Sprintf("Generierter Kalender %d", f), GenFeed(f, size))
			return newPage(body, "text/calendar; charset=utf-8", syntheticModified)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, FeedPrefix)
		num, isICS := strings.CutSuffix(rest, ".ics")
		f, err := strconv.Atoi(num)
		if !ok || !isICS || err != nil || f < 0 || f >= n {
			notFound(w)
			return
		}
		pages[f]().serve(w, r)
	})
}
