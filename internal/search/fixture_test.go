package search_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/config"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// ref is "now" for the fixture: every test passes it as From.
var ref = time.Date(2026, 3, 1, 0, 0, 0, 0, event.Berlin)

func at(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, event.Berlin)
}

// fixture is an event of the test set, written like the partner pages in
// the seeds announce them.
type fixture struct {
	key    string // short name the tests refer to
	source string
	review string
	d      event.Draft
}

var fixtures = []fixture{
	{key: "mo-treffen", source: "saqsen", review: "published", d: event.Draft{
		Title:       "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen",
		Description: "Themen sind unter anderem: Planungen der MOs, Kommunikation der MOs untereinander, Stand House of Ressources Leipzig, Wahl des Migrant*innen-Beirats.",
		Start:       at(10, 17, 0), End: at(10, 19, 30), Online: event.OnlineNo,
		Place:     event.Place{Venue: "Werk 2", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"networking", "participation_politics"}}},
	{key: "gesundheit", source: "saqsen", review: "published", d: event.Draft{
		Title:       "Workshopreihe zur psychischen Gesundheit von und für Migrant*innen",
		Description: "Das Projekt \"Bewusst - Gesund - Aktiv: Gesundheitsförderung für und von Migrant*innen\" präsentiert eine Workshopreihe auf Deutsch, Spanisch und Arabisch.",
		Start:       at(12, 18, 0), Online: event.OnlineHybrid,
		Place:     event.Place{Venue: "Geschäfts- und Beratungsstelle", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de", "es", "ar"}, Topics: []string{"health"}}},
	{key: "schulung", source: "kulturbuero", review: "published", d: event.Draft{
		Title:       "Unterstützer_innenschulung: Asylverfahren und Lebensbedingungen geflüchteter Menschen",
		Description: "Neben Informationen zu Fluchtursachen, zum Asylverfahren und den Lebensbedingungen geflüchteter Menschen in Sachsen bieten die Schulungen einen Raum für Diskussion.",
		Start:       at(14, 10, 0), End: at(14, 16, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Bautzen", Region: "bautzen"},
		Languages: []string{"de"}, Topics: []string{"training", "asylum_refuge", "volunteering"}}},
	{key: "radio", source: "zwischenraum", review: "published", d: event.Draft{
		Title:       "Zwischenraum – Radiosendung live",
		Description: "Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen. In jeder Sendung spielen wir handverlesene Musik.",
		Start:       at(16, 20, 0), End: at(16, 21, 0), Online: event.OnlineYes,
		Languages: []string{"de"}, Topics: []string{"culture_media"}}},
	{key: "oeffnung", source: "kulturbuero", review: "published", d: event.Draft{
		Title:       "Fortbildung: Rassismuskritische Öffnung von Organisationen",
		Description: "Prozesse der Organisationsentwicklung werden durch Beratungs- und Schulungsangebote auf der Basis diskriminierungssensibler, rassismuskritischer und migrationspädagogischer Ansätze flankiert.",
		Start:       at(18, 9, 30), End: at(18, 15, 0), Online: event.OnlineNo,
		Place:     event.Place{Venue: "Kulturbüro Sachsen", Street: "Bautzner Straße 45", PostalCode: "01099", City: "Dresden", Region: "dresden"},
		Languages: []string{"de", "en"}, Topics: []string{"training", "antidiscrimination"}}},
	{key: "spoton", source: "kulturbuero", review: "published", d: event.Draft{
		Title:       "Spot on! Vereinsgründung und Förderanträge für Migrant*innenorganisationen",
		Description: "Qualifizierung und Professionalisierung migrantischer Strukturen in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge.",
		Start:       at(20, 17, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Meißen", Region: "meissen"},
		Languages: []string{"de", "ru"}, Topics: []string{"funding", "law_association"}}},
	{key: "anerkennung", source: "saqsen", review: "published", d: event.Draft{
		Title:       "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse",
		Description: "Das IQ Netzwerk Sachsen beantwortet Ihre Fragen zur Anerkennung Ihrer im Ausland erworbenen Berufs- und Studienabschlüsse.",
		Start:       at(24, 10, 0), End: at(24, 14, 0), Online: event.OnlineNo, Status: event.StatusCancelled,
		Place:     event.Place{City: "Görlitz", Region: "goerlitz"},
		Languages: []string{"de", "ar", "fa"}, Topics: []string{"counselling", "work_recognition"}}},
	{key: "wochen", source: "zwischenraum", review: "published", d: event.Draft{
		Title:       "Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“",
		Description: "Die Cinémathèque Leipzig zeigt den Dokumentarfilm in Zusammenarbeit mit dem Verband binationaler Familien und Partnerschaften.",
		Start:       time.Date(2026, 2, 20, 0, 0, 0, 0, event.Berlin), End: at(1, 0, 0), AllDay: true, Online: event.OnlineYes,
		Place:     event.Place{Venue: "Cinémathèque", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de", "tr"}, Topics: []string{"culture_media", "antidiscrimination"}}},
	{key: "sommerfest", source: "saqsen", review: "published", d: event.Draft{
		Title: "Sommerfest der Vereine", Start: time.Date(2025, 8, 23, 14, 0, 0, 0, event.Berlin), Online: event.OnlineNo,
		Place:     event.Place{City: "Chemnitz", Region: "chemnitz"},
		Languages: []string{"de"}, Topics: []string{"culture_media"}}},
	{key: "entwurf", source: "saqsen", review: "pending", d: event.Draft{
		Title: "Workshop Öffentlichkeitsarbeit für Vereine", Start: at(11, 17, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"training"}}},
	{key: "abgelehnt", source: "kulturbuero", review: "rejected", d: event.Draft{
		Title: "Newsletter März", Start: at(2, 9, 0), Online: event.OnlineYes,
		Languages: []string{"de"}, Topics: []string{"networking"}}},
	{key: "dublette", source: "kulturbuero", review: "published", d: event.Draft{
		Title: "Workshopreihe psychische Gesundheit", Start: at(12, 18, 0), Online: event.OnlineHybrid,
		Place:     event.Place{City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"health"}}},
}

var testSources = []config.Source{
	{ID: "saqsen", Name: "SAQsen! Werkstatt der Migrant*innenorganisationen", URL: "http://127.0.0.1:8081/saqsen/", Kind: "html", Publish: "auto"},
	{ID: "kulturbuero", Name: "Kulturbüro Sachsen", URL: "http://127.0.0.1:8081/kulturbuero/", Kind: "html", Publish: "auto"},
	{ID: "zwischenraum", Name: "Zwischenraum Radio", URL: "http://127.0.0.1:8081/zwischenraum/", Kind: "ical", Publish: "auto"},
}

// seed writes the fixtures with their source items and merges "dublette"
// into "gesundheit"; it returns the event ids by key.
func seed(t testing.TB, db store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	for _, s := range testSources {
		if err := store.UpsertSource(ctx, db, s); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	for i, f := range fixtures {
		id := insert(t, db, f.source, fmt.Sprintf("tp-fixture-%d", i), f.review, f.d)
		ids[f.key] = id
	}
	if _, err := db.Exec(ctx, `UPDATE events SET merged_into = $1 WHERE id = $2`, ids["gesundheit"], ids["dublette"]); err != nil {
		t.Fatal(err)
	}
	return ids
}

// insert stores one event with the item its source announced it in.
func insert(t testing.TB, db store.DB, source, uid, review string, d event.Draft) int64 {
	t.Helper()
	ctx := context.Background()
	if d.Status == "" {
		d.Status = event.StatusScheduled
	}
	id, err := store.InsertEvent(ctx, db, store.NewEvent{UID: uid, Draft: d, Review: review})
	if err != nil {
		t.Fatal(err)
	}
	it := event.Item{Key: uid, URL: "http://127.0.0.1:8081/" + source + "/" + uid, Kind: "html", Title: d.Title}
	raw, hash, err := store.HashItem(it)
	if err != nil {
		t.Fatal(err)
	}
	itemID, err := store.SaveItem(ctx, db, source, it.URL, raw, hash, it.Key)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Link(ctx, db, itemID, 0, id, d); err != nil {
		t.Fatal(err)
	}
	return id
}
