// Package searchtest holds the search fixture: a dozen events written like
// the partner pages in the seeds announce them, with their sources, shared
// by the search contract suite and the GraphQL end-to-end tests.
package searchtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Ref is "now" for the fixture: tests pass it as From.
var Ref = time.Date(2026, 3, 1, 0, 0, 0, 0, event.Berlin)

// At is a time in March 2026, Berlin.
func At(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, event.Berlin)
}

// Fixture is an event of the test set.
type Fixture struct {
	Key    string // short name the tests refer to
	Source string
	Review string
	Draft  event.Draft
}

// Fixtures are the events Seed writes; key names them in tests.
var Fixtures = []Fixture{
	{Key: "mo-treffen", Source: "saqsen", Review: "published", Draft: event.Draft{
		Title:       "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen",
		Description: "Themen sind unter anderem: Planungen der MOs, Kommunikation der MOs untereinander, Stand House of Ressources Leipzig, Wahl des Migrant*innen-Beirats.",
		Start:       At(10, 17, 0), End: At(10, 19, 30), Online: event.OnlineNo,
		Place:     event.Place{Venue: "Werk 2", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"networking", "participation_politics"},
		CostFree: ptrTo(true), RegistrationRequired: ptrTo(true), Audience: []string{"migrant_organisations"}, Accessibility: []string{"barrier_free"}}},
	{Key: "gesundheit", Source: "saqsen", Review: "published", Draft: event.Draft{
		Title:       "Workshopreihe zur psychischen Gesundheit von und für Migrant*innen",
		Description: "Das Projekt \"Bewusst - Gesund - Aktiv: Gesundheitsförderung für und von Migrant*innen\" präsentiert eine Workshopreihe auf Deutsch, Spanisch und Arabisch.",
		Start:       At(12, 18, 0), Online: event.OnlineHybrid,
		Place:     event.Place{Venue: "Geschäfts- und Beratungsstelle", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de", "es", "ar"}, Topics: []string{"health"},
		CostFree: ptrTo(true), Audience: []string{"migrants", "women"}, Accessibility: []string{"interpreting"}}},
	{Key: "schulung", Source: "kulturbuero", Review: "published", Draft: event.Draft{
		Title:       "Unterstützer_innenschulung: Asylverfahren und Lebensbedingungen geflüchteter Menschen",
		Description: "Neben Informationen zu Fluchtursachen, zum Asylverfahren und den Lebensbedingungen geflüchteter Menschen in Sachsen bieten die Schulungen einen Raum für Diskussion.",
		Start:       At(14, 10, 0), End: At(14, 16, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Bautzen", Region: "bautzen"},
		Languages: []string{"de"}, Topics: []string{"training", "asylum_refuge", "volunteering"},
		CostFree: ptrTo(true), RegistrationRequired: ptrTo(true), Audience: []string{"volunteers"}}},
	{Key: "radio", Source: "zwischenraum", Review: "published", Draft: event.Draft{
		Title:       "Zwischenraum – Radiosendung live",
		Description: "Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen. In jeder Sendung spielen wir handverlesene Musik.",
		Start:       At(16, 20, 0), End: At(16, 21, 0), Online: event.OnlineYes,
		Languages: []string{"de"}, Topics: []string{"culture_media"}}},
	{Key: "oeffnung", Source: "kulturbuero", Review: "published", Draft: event.Draft{
		Title:       "Fortbildung: Rassismuskritische Öffnung von Organisationen",
		Description: "Prozesse der Organisationsentwicklung werden durch Beratungs- und Schulungsangebote auf der Basis diskriminierungssensibler, rassismuskritischer und migrationspädagogischer Ansätze flankiert.",
		Start:       At(18, 9, 30), End: At(18, 15, 0), Online: event.OnlineNo,
		Place:     event.Place{Venue: "Kulturbüro Sachsen", Street: "Bautzner Straße 45", PostalCode: "01099", City: "Dresden", Region: "dresden"},
		Languages: []string{"de", "en"}, Topics: []string{"training", "antidiscrimination"},
		CostFree: ptrTo(false), RegistrationRequired: ptrTo(true), Audience: []string{"professionals", "multipliers"}, Accessibility: []string{"wheelchair", "childcare"}}},
	{Key: "spoton", Source: "kulturbuero", Review: "published", Draft: event.Draft{
		Title:       "Spot on! Vereinsgründung und Förderanträge für Migrant*innenorganisationen",
		Description: "Qualifizierung und Professionalisierung migrantischer Strukturen in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge.",
		Start:       At(20, 17, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Meißen", Region: "meissen"},
		Languages: []string{"de", "ru"}, Topics: []string{"funding", "law_association"},
		RegistrationRequired: ptrTo(false), Audience: []string{"young_people"}}},
	{Key: "anerkennung", Source: "saqsen", Review: "published", Draft: event.Draft{
		Title:       "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse",
		Description: "Das IQ Netzwerk Sachsen beantwortet Ihre Fragen zur Anerkennung Ihrer im Ausland erworbenen Berufs- und Studienabschlüsse.",
		Start:       At(24, 10, 0), End: At(24, 14, 0), Online: event.OnlineNo, Status: event.StatusCancelled,
		Place:     event.Place{City: "Görlitz", Region: "goerlitz"},
		Languages: []string{"de", "ar", "fa"}, Topics: []string{"counselling", "work_recognition"},
		CostFree: ptrTo(true), Accessibility: []string{"sign_language"}}},
	{Key: "wochen", Source: "zwischenraum", Review: "published", Draft: event.Draft{
		Title:       "Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“",
		Description: "Die Cinémathèque Leipzig zeigt den Dokumentarfilm in Zusammenarbeit mit dem Verband binationaler Familien und Partnerschaften.",
		Start:       time.Date(2026, 2, 20, 0, 0, 0, 0, event.Berlin), End: At(1, 0, 0), AllDay: true, Online: event.OnlineYes,
		Place:     event.Place{Venue: "Cinémathèque", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de", "tr"}, Topics: []string{"culture_media", "antidiscrimination"}}},
	{Key: "sommerfest", Source: "saqsen", Review: "published", Draft: event.Draft{
		Title: "Sommerfest der Vereine", Start: time.Date(2025, 8, 23, 14, 0, 0, 0, event.Berlin), Online: event.OnlineNo,
		Place:     event.Place{City: "Chemnitz", Region: "chemnitz"},
		Languages: []string{"de"}, Topics: []string{"culture_media"}}},
	{Key: "entwurf", Source: "saqsen", Review: "pending", Draft: event.Draft{
		Title: "Workshop Öffentlichkeitsarbeit für Vereine", Start: At(11, 17, 0), Online: event.OnlineNo,
		Place:     event.Place{City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"training"}}},
	{Key: "abgelehnt", Source: "kulturbuero", Review: "rejected", Draft: event.Draft{
		Title: "Newsletter März", Start: At(2, 9, 0), Online: event.OnlineYes,
		Languages: []string{"de"}, Topics: []string{"networking"}}},
	{Key: "dublette", Source: "kulturbuero", Review: "published", Draft: event.Draft{
		Title: "Workshopreihe psychische Gesundheit", Start: At(12, 18, 0), Online: event.OnlineHybrid,
		Place:     event.Place{City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"health"}}},
}

func ptrTo[T any](v T) *T { return &v }

// Sources are the partner sites of the fixture.
var Sources = []source.Source{
	{ID: "saqsen", Name: "SAQsen! Werkstatt der Migrant*innenorganisationen", URL: "http://127.0.0.1:8081/saqsen/", Kind: "html", Publish: "auto"},
	{ID: "kulturbuero", Name: "Kulturbüro Sachsen", URL: "http://127.0.0.1:8081/kulturbuero/", Kind: "html", Publish: "auto"},
	{ID: "zwischenraum", Name: "Zwischenraum Radio", URL: "http://127.0.0.1:8081/zwischenraum/", Kind: "ical", Publish: "auto"},
}

// Seed writes the fixtures with their source items and merges "dublette"
// into "gesundheit"; it returns the event ids by key.
func Seed(t testing.TB, db store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	for _, s := range Sources {
		if err := store.UpsertSource(ctx, db, s); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	for i, f := range Fixtures {
		ids[f.Key] = Insert(t, db, f.Source, fmt.Sprintf("tp-fixture-%d", i), f.Review, f.Draft)
	}
	if _, err := db.Exec(ctx, `UPDATE events SET merged_into = $1 WHERE id = $2`, ids["gesundheit"], ids["dublette"]); err != nil {
		t.Fatal(err)
	}
	return ids
}

// Insert stores one event with the item its source announced it in.
func Insert(t testing.TB, db store.DB, source, uid, review string, d event.Draft) int64 {
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
