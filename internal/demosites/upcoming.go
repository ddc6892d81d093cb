package demosites

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"
)

// UpcomingPrefix is the demo site whose events lie in the coming weeks:
// the mirror's real announcements are from 2021–22, so without it the demo
// calendar (which shows upcoming events) would be nearly empty. Its dates
// are relative to the day it is asked on, and everything on it says it is
// demo data: the site name, each title ("Demo:") and each text.
const UpcomingPrefix = "/demo-aktuell/"

// upcomingEvent is one invented event, days after today at a time of day.
type upcomingEvent struct {
	days, hour, minutes, hours      int
	title, venue, street, zip, city string
	langs                           []string // inLanguage
	text                            string
	online                          bool
}

// upcomingEvents are written for the demo: plain, varied in region,
// language, topic and time. Each is listed twice (a week apart is a
// different event) so the calendar shows more than 20.
var upcomingEvents = []upcomingEvent{
	{1, 17, 0, 2, "Sprachcafé Deutsch–Arabisch", "Stadtteilladen Ost", "Eisenbahnstraße 66", "04315", "Leipzig", []string{"de", "ar"}, "Deutsch üben bei Tee: Wir sprechen über Alltag, Arbeit und Freizeit. Anfänger*innen sind willkommen.", false},
	{2, 10, 0, 4, "Beratungstag: Anerkennung ausländischer Berufsabschlüsse", "Interkulturelles Zentrum", "Bautzner Straße 20", "01099", "Dresden", []string{"de", "ar", "fa"}, "Beratung zur Anerkennung von Berufs- und Studienabschlüssen und zur Finanzierung von Qualifizierungen. Kostenfrei, Anmeldung erforderlich.", false},
	{3, 18, 30, 2, "Workshop: Förderanträge für Migrant*innenorganisationen", "Bürgerhaus", "Zietenstraße 42", "09130", "Chemnitz", []string{"de", "ru"}, "Fortbildung für Vereine: Wie finde ich passende Förderprogramme, wie schreibe ich einen Antrag? Mit Beispielen aus der Praxis.", false},
	{5, 16, 0, 2, "Elterncafé: Schule in Sachsen verstehen", "Familienzentrum", "Jakobstraße 12", "02826", "Görlitz", []string{"de", "uk"}, "Eltern erfahren, wie Schule, Hort und Elternabend funktionieren. Kinderbetreuung ist organisiert.", false},
	{6, 19, 0, 2, "Filmabend gegen Rassismus", "Kino im Dach", "Schandauer Straße 64", "01277", "Dresden", []string{"de", "tr"}, "Dokumentarfilm mit Gespräch über Rassismus im Alltag und was dagegen hilft. Eintritt frei.", false},
	{7, 11, 0, 3, "Offenes Vernetzungstreffen der Migrant*innenorganisationen", "Rathaus, Ratssaal", "Hauptmarkt 1", "08056", "Zwickau", []string{"de"}, "Austausch und Vernetzung von Vereinen und Initiativen aus der Region: Projekte vorstellen, Partner finden.", false},
	{8, 18, 0, 2, "Online-Infoabend: Ehrenamt in der Geflüchtetenhilfe", "", "", "", "", []string{"de", "en"}, "Wie kann ich mich engagieren? Initiativen stellen sich vor. Der Zugangslink kommt nach der Anmeldung per E-Mail.", true},
	{9, 14, 0, 3, "Frauentreff: Gesundheit und Vorsorge", "Begegnungsstätte", "Bahnhofstraße 17", "08523", "Plauen", []string{"de", "ar", "ru"}, "Eine Ärztin beantwortet Fragen zu Vorsorge, Impfungen und Krankenversicherung. Nur für Frauen, mit Übersetzung.", false},
	{12, 17, 30, 2, "Jugendwerkstatt: Podcast selbst machen", "Jugendhaus", "Petersstraße 5", "09599", "Freiberg", []string{"de", "uk", "ru"}, "Jugendliche von 14 bis 21 Jahren produzieren eine eigene Podcastfolge. Technik ist vorhanden.", false},
	{14, 10, 0, 6, "Fachtag: Teilhabe und Mitbestimmung vor Ort", "Stadthalle", "Heinrich-Heine-Straße 1", "01662", "Meißen", []string{"de"}, "Vorträge und Workshops zu Migrant*innenbeiräten, Beteiligung in der Kommune und politischer Bildung.", false},
	{16, 15, 0, 2, "Rechtsberatung für Vereine: Satzung und Gemeinnützigkeit", "Haus der Vereine", "Markt 3", "02625", "Bautzen", []string{"de", "vi"}, "Kostenfreie Sprechstunde zu Vereinsrecht, Satzung, Gemeinnützigkeit und Versicherungen.", false},
	{19, 18, 0, 2, "Kulturabend: Musik und Geschichten aus der Ukraine", "Kulturhaus", "Dohnaische Straße 76", "01796", "Pirna", []string{"uk", "de"}, "Ein Abend mit Liedern, Lesungen und Essen. Eintritt frei, Spenden willkommen.", false},
}

// upcomingSite caches the generated pages for one day.
var upcomingSite struct {
	sync.Mutex
	day   string
	pages map[string]*page
}

// serveUpcoming answers the demo site's URLs; false when p is not one.
func serveUpcoming(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, UpcomingPrefix) {
		return false
	}
	pages := upcomingPages(time.Now())
	rel := strings.TrimPrefix(r.URL.Path, UpcomingPrefix)
	if rel == "" {
		rel = "index.html"
	}
	pg, ok := pages[rel]
	if !ok {
		notFound(w)
		return true
	}
	pg.serve(w, r)
	return true
}

// upcomingPages builds the site for the day of now in Berlin (cached for
// that day, so a second crawl on the same day finds nothing changed).
func upcomingPages(now time.Time) map[string]*page {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	today := now.In(berlin)
	key := today.Format(time.DateOnly)
	upcomingSite.Lock()
	defer upcomingSite.Unlock()
	if upcomingSite.day == key {
		return upcomingSite.pages
	}
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, berlin)
	pages := map[string]*page{}
	var list strings.Builder
	list.WriteString(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Demo: Termine der kommenden Wochen</title></head><body>` +
		`<p class="hinweis"><strong>Demo-Daten:</strong> Diese Seite gehört zur Demo von Treffpunkt. Die Termine sind erfunden und liegen immer in den kommenden Wochen.</p>` +
		`<h1>Demo: Termine der kommenden Wochen</h1><ul class="termine">`)
	n := 0
	for week := range 2 {
		for _, e := range upcomingEvents {
			n++
			name := fmt.Sprintf("termin-%02d.html", n)
			start := time.Date(midnight.Year(), midnight.Month(), midnight.Day()+e.days+7*week*3, e.hour, e.minutes, 0, 0, berlin)
			pages[name] = newPage(upcomingPage(e, start), "text/html; charset=utf-8", midnight)
			fmt.Fprintf(&list, `<li><h2 class="termin"><a href="%s%s">Demo: %s</a></h2></li>`, UpcomingPrefix, name, html.EscapeString(e.title))
		}
	}
	list.WriteString(`</ul></body></html>`)
	pages["index.html"] = newPage([]byte(list.String()), "text/html; charset=utf-8", midnight)
	upcomingSite.day, upcomingSite.pages = key, pages
	return pages
}

// upcomingPage is one event's page: the text and schema.org JSON-LD.
func upcomingPage(e upcomingEvent, start time.Time) []byte {
	title := "Demo: " + e.title
	text := "Beispieltermin der Demo (erfundene Daten). " + e.text
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "Event", "name": title, "description": text,
		"startDate": start.Format(time.RFC3339), "endDate": start.Add(time.Duration(e.hours) * time.Hour).Format(time.RFC3339),
		"inLanguage": e.langs, "organizer": map[string]any{"@type": "Organization", "name": "Demo-Verein Treffpunkt (Beispieldaten)"},
		"eventStatus": "https://schema.org/EventScheduled",
	}
	place := ""
	if e.online {
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		ld["location"] = map[string]any{"@type": "VirtualLocation", "url": "https://treffpunkt.example/demo"}
		place = "Online"
	} else {
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
		ld["location"] = map[string]any{"@type": "Place", "name": e.venue, "address": map[string]any{"@type": "PostalAddress",
			"streetAddress": e.street, "postalCode": e.zip, "addressLocality": e.city, "addressCountry": "DE"}}
		place = e.venue + ", " + e.street + ", " + e.zip + " " + e.city
	}
	b, _ := json.Marshal(ld) // maps of strings and slices always marshal
	return []byte(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>` + html.EscapeString(title) + `</title>` +
		`<script type="application/ld+json">` + string(b) + `</script></head><body>` +
		`<p class="hinweis"><strong>Demo-Daten:</strong> erfundener Termin.</p>` +
		`<h1>` + html.EscapeString(title) + `</h1>` +
		`<p class="wann">` + start.Format("02.01.2006, 15:04") + ` Uhr</p><p class="wo">` + html.EscapeString(place) + `</p>` +
		`<div class="beschreibung"><p>` + html.EscapeString(text) + `</p></div></body></html>`)
}
