// Package benchdata generates realistic synthetic events for the search
// benchmark: titles, descriptions and places in the style of the partner
// pages (see the seeds), spread over two years, most of them published,
// from 40 sources, and loads them through the store like the pipeline does.
package benchdata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Event is one generated event with the source that announced it.
type Event struct {
	UID    string
	Source string
	Review string
	Draft  event.Draft
}

var formats = []string{"Workshop", "Fortbildung", "Infoabend", "Beratungstag", "Sprachcafé", "Vernetzungstreffen",
	"Seminar", "Gesprächsrunde", "Filmabend", "Schulung", "Fachtag", "Online-Seminar", "Stammtisch", "Lesung", "Werkstatt"}

// themes pair a subject with the topics it belongs to.
var themes = []struct {
	text   string
	topics []string
}{
	{"zur Anerkennung ausländischer Berufsabschlüsse", []string{"work_recognition", "counselling"}},
	{"Rassismuskritische Öffnung von Organisationen", []string{"antidiscrimination", "training"}},
	{"psychische Gesundheit von und für Migrant*innen", []string{"health"}},
	{"Vereinsgründung und Förderanträge", []string{"funding", "law_association"}},
	{"Asylverfahren und Lebensbedingungen geflüchteter Menschen", []string{"asylum_refuge", "volunteering"}},
	{"Öffentlichkeitsarbeit für Migrant*innenorganisationen", []string{"training", "culture_media"}},
	{"Wahl des Migrant*innen-Beirats", []string{"participation_politics"}},
	{"Elternarbeit und Schule", []string{"family", "youth"}},
	{"Empowerment für Frauen mit Migrationsgeschichte", []string{"gender", "participation_politics"}},
	{"Ehrenamt in der Geflüchtetenhilfe", []string{"volunteering", "asylum_refuge"}},
	{"Arbeitsrecht und faire Beschäftigung", []string{"work_recognition", "law_association"}},
	{"Medienprojekt: Wir sind Kinder der Erde", []string{"culture_media", "youth"}},
	{"Internationale Wochen gegen Rassismus", []string{"antidiscrimination", "culture_media"}},
	{"Fördermittel für Integrationsprojekte", []string{"funding"}},
	{"Gesundheitsförderung im Stadtteil", []string{"health", "participation_politics"}},
	{"Jugendbeteiligung in der Kommune", []string{"youth", "participation_politics"}},
	{"Diskriminierung am Wohnungsmarkt", []string{"antidiscrimination", "counselling"}},
	{"Sprachmittlung im Gesundheitswesen", []string{"health", "training"}},
}

// sentences are in the voice of the seeds' announcements.
var sentences = []string{
	"Die Veranstaltung richtet sich an Ehrenamtliche und Multiplikator*innen aus ganz Sachsen.",
	"Themen sind unter anderem die Planungen der Vereine, die Kommunikation untereinander und die Finanzierung.",
	"Wir laden Sie herzlich ein, Ihre Fragen mitzubringen und sich mit anderen Aktiven auszutauschen.",
	"Die Teilnahme ist kostenfrei, eine Anmeldung ist erforderlich.",
	"Das Angebot findet auf Deutsch mit Übersetzung ins Arabische und Farsi statt.",
	"Neben Informationen zu Fluchtursachen und zum Asylverfahren bietet die Schulung Raum für Diskussion.",
	"Prozesse der Organisationsentwicklung werden durch Beratungs- und Schulungsangebote flankiert.",
	"Migrant*innen-Organisationen sind wichtige Anlaufstellen für Menschen mit Migrationserfahrung.",
	"Das IQ Netzwerk Sachsen unterstützt Sie auf dem Weg in Ihr neues Berufsleben.",
	"Im Rahmen des Projekts werden zentrale Ergebnisse präsentiert und diskutiert.",
	"Kinderbetreuung ist nach Absprache möglich.",
	"Der Veranstaltungsort ist barrierefrei zugänglich.",
	"Moderiert wird die Gesprächsrunde von einer erfahrenen Referentin aus der Migrationsarbeit.",
	"Organisiert wird die Veranstaltung vom Dachverband sächsischer Migrantenorganisationen in Kooperation mit lokalen Vereinen.",
	"Zugleich sind Migrant*innen-Organisationen in der öffentlichen Wahrnehmung unterrepräsentiert.",
	"Bitte melden Sie sich bis eine Woche vorher per E-Mail an.",
}

// places: a city and venue per region.
var places = []event.Place{
	{Venue: "Werk 2", City: "Leipzig", Region: "leipzig"},
	{Venue: "Haus der Demokratie", City: "Leipzig", Region: "leipzig"},
	{Venue: "Kulturbüro Sachsen", City: "Dresden", Region: "dresden"},
	{Venue: "Stadtteilhaus", City: "Dresden", Region: "dresden"},
	{Venue: "Bürgerhaus", City: "Chemnitz", Region: "chemnitz"},
	{Venue: "Steinhaus", City: "Bautzen", Region: "bautzen"},
	{Venue: "Rathaus", City: "Görlitz", Region: "goerlitz"},
	{Venue: "Volkshochschule", City: "Meißen", Region: "meissen"},
	{Venue: "Soziokulturelles Zentrum", City: "Freiberg", Region: "mittelsachsen"},
	{Venue: "Stadtbibliothek", City: "Plauen", Region: "vogtlandkreis"},
	{Venue: "Alter Gasometer", City: "Zwickau", Region: "zwickau"},
	{Venue: "Kulturhaus", City: "Annaberg-Buchholz", Region: "erzgebirgskreis"},
	{Venue: "Gemeindezentrum", City: "Pirna", Region: "saechsische-schweiz-osterzgebirge"},
	{Venue: "Jugendhaus", City: "Borna", Region: "landkreis-leipzig"},
	{Venue: "Kreisvolkshochschule", City: "Torgau", Region: "nordsachsen"},
}

var extraLanguages = []string{"ar", "fa", "ru", "uk", "en", "tr", "es", "fr", "ku", "vi"}

// Sources are the 40 partner sites of the data set.
func Sources() []source.Source {
	out := make([]source.Source, 40)
	for i := range out {
		p := places[i%len(places)]
		out[i] = source.Source{ID: fmt.Sprintf("partner-%02d", i), Name: fmt.Sprintf("Migrant*innenverein %s %d", p.City, i),
			URL: fmt.Sprintf("http://127.0.0.1:8081/partner-%02d/", i), Kind: "html", Publish: "auto", Region: p.Region,
			Languages: []string{"de"}}
	}
	return out
}

// Generate makes n events around ref (a year before to a year after),
// deterministic for a seed.
func Generate(n int, seed uint64, ref time.Time) []Event {
	r := rand.New(rand.NewPCG(seed, 0x7265666670756e6b))
	out := make([]Event, n)
	for i := range out {
		th := themes[r.IntN(len(themes))]
		p := places[r.IntN(len(places))]
		day := ref.AddDate(0, 0, r.IntN(730)-365)
		start := time.Date(day.Year(), day.Month(), day.Day(), 9+r.IntN(11), []int{0, 0, 30, 15}[r.IntN(4)], 0, 0, event.Berlin)
		var desc []string
		for range 3 + r.IntN(6) {
			desc = append(desc, sentences[r.IntN(len(sentences))])
		}
		langs := []string{"de"}
		for range r.IntN(3) {
			if l := extraLanguages[r.IntN(len(extraLanguages))]; l != langs[len(langs)-1] {
				langs = append(langs, l)
			}
		}
		d := event.Draft{
			Title:       formats[r.IntN(len(formats))] + ": " + th.text,
			Description: strings.Join(desc, " "),
			Start:       start, End: start.Add(time.Duration(1+r.IntN(4)) * time.Hour),
			Online: event.OnlineNo, Place: p, Languages: langs, Topics: th.topics, Status: event.StatusScheduled,
		}
		switch x := r.IntN(100); {
		case x < 12:
			d.Online, d.Place = event.OnlineYes, event.Place{}
		case x < 20:
			d.Online = event.OnlineHybrid
		}
		if r.IntN(50) == 0 {
			d.Status = event.StatusCancelled
		}
		review := "published"
		switch x := r.IntN(100); {
		case x < 7:
			review = "pending"
		case x < 10:
			review = "rejected"
		}
		facetsOf(&d, i)
		out[i] = Event{UID: fmt.Sprintf("tp-bench-%d-%d", seed, i), Source: fmt.Sprintf("partner-%02d", r.IntN(40)), Review: review, Draft: d}
	}
	return out
}

// facetsOf sets the facets of issue 15 (cost, registration, audience,
// access) from the event's number, not the random source, so every other
// field stays as it was generated before they existed.
func facetsOf(d *event.Draft, i int) {
	yes, no := true, false
	switch i % 4 {
	case 0, 1:
		d.CostFree = &yes
	case 2:
		d.CostFree = &no
	}
	switch i % 3 {
	case 0:
		d.RegistrationRequired = &yes
	case 1:
		d.RegistrationRequired = &no
	}
	audiences := [][]string{nil, {"volunteers"}, {"refugees", "women"}, {"young_people"}, nil, {"multipliers", "professionals"}, {"parents"}}
	access := [][]string{nil, nil, {"barrier_free"}, {"interpreting"}, nil, {"wheelchair", "childcare"}, {"sign_language"}, {"easy_language"}, nil}
	d.Audience, d.Accessibility = audiences[i%len(audiences)], access[(i/7)%len(access)]
}

// Load writes events through the store (event, item, link), in
// transactions of 500 on four connections.
func Load(ctx context.Context, pool *pgxpool.Pool, evs []Event) error {
	for _, s := range Sources() {
		if err := store.UpsertSource(ctx, pool, s); err != nil {
			return err
		}
	}
	const chunk = 500
	work := make(chan []Event)
	errc := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range work {
				if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return loadChunk(ctx, tx, part) }); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := 0; i < len(evs); i += chunk {
		select {
		case work <- evs[i:min(i+chunk, len(evs))]:
		case err = <-errc:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

func loadChunk(ctx context.Context, tx pgx.Tx, evs []Event) error {
	for _, e := range evs {
		id, err := store.InsertEvent(ctx, tx, store.NewEvent{UID: e.UID, Draft: e.Draft, Review: e.Review})
		if err != nil {
			return err
		}
		it := event.Item{Key: e.UID, URL: "http://127.0.0.1:8081/" + e.Source + "/" + e.UID, Kind: "html", Title: e.Draft.Title}
		raw, hash, err := store.HashItem(it)
		if err != nil {
			return err
		}
		itemID, err := store.SaveItem(ctx, tx, e.Source, it.URL, raw, hash, it.Key)
		if err != nil {
			return err
		}
		if err := store.Link(ctx, tx, itemID, 0, id, e.Draft); err != nil {
			return err
		}
	}
	return nil
}
