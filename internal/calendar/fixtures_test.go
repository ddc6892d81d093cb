package calendar

import (
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The test events are written like the partner pages in the seeds announce
// them, plus the cases a calendar feed gets wrong most easily.

func berlin(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, event.Berlin)
}

func ptr[T any](v T) *T { return &v }

// longTitle is well over 75 octets of umlauts, emoji and Arabic, so every
// fold lands near a multi-byte character.
var longTitle = "Sprachcafé für Geflüchtete 🌍☕ – Deutsch üben mit Ehrenamtlichen aus Görlitz, Löbau und Zittau · " +
	"مقهى اللغة للاجئين 🇸🇾🇦🇫 – größer, schöner, gemütlicher 🎉"

// writerEvents are stored events for the writer tests: no database needed.
func writerEvents() []store.Event {
	created := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	updated := time.Date(2026, 2, 1, 12, 30, 0, 0, time.UTC)
	mk := func(id int64, uid string, seq int, d event.Draft) store.Event {
		if d.Status == "" {
			d.Status = event.StatusScheduled
		}
		if d.Online == "" {
			d.Online = event.OnlineNo
		}
		return store.Event{ID: id, UID: uid, Draft: d, Review: "published", Sequence: seq, CreatedAt: created, UpdatedAt: updated}
	}
	return []store.Event{
		mk(1, "tp-mo-treffen", 0, event.Draft{
			Title:       "Vernetzungs- und Austauschtreffen der Leipziger Migrant*innen-Organisationen",
			Description: "Themen sind unter anderem: Planungen der MOs; Kommunikation der MOs untereinander,\nStand \"House of Ressources\" Leipzig \\ Wahl des Migrant*innen-Beirats.",
			Start:       berlin(2026, 3, 10, 17, 0), End: berlin(2026, 3, 10, 19, 30),
			Place:     event.Place{Venue: "Werk 2", Street: "Kochstraße 132", PostalCode: "04277", City: "Leipzig", Region: "leipzig", Lat: ptr(51.3127), Lon: ptr(12.3756)},
			Languages: []string{"de", "ar"}, Topics: []string{"networking", "participation_politics"},
			Organizer: "SAQsen! Werkstatt", RegistrationRequired: ptr(true), CostFree: ptr(true),
			Contact: event.Contact{Names: []string{"Mariam Haddad"}, Emails: []string{"m.haddad@example.org"}, Phones: []string{"0341 1234567"}},
		}),
		mk(2, "tp-anerkennung", 3, event.Draft{
			Title:       "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse",
			Description: "Das IQ Netzwerk Sachsen beantwortet Ihre Fragen zur Anerkennung Ihrer im Ausland erworbenen Berufs- und Studienabschlüsse.",
			Start:       berlin(2026, 3, 24, 10, 0), End: berlin(2026, 3, 24, 14, 0), Status: event.StatusCancelled,
			Place:     event.Place{City: "Görlitz", Region: "goerlitz"},
			Languages: []string{"de", "ar", "fa"}, Topics: []string{"counselling", "work_recognition"},
		}),
		mk(3, "tp-aktionstag", 0, event.Draft{
			Title: "Aktionstag „Sachsen ist bunt“", Start: berlin(2026, 3, 28, 0, 0), AllDay: true,
			Place:     event.Place{City: "Dresden", Region: "dresden"},
			Languages: []string{"de"}, Topics: []string{"antidiscrimination"},
		}),
		mk(4, "tp-wochen", 1, event.Draft{
			Title:       "Internationale Wochen gegen Rassismus: Dokumentarfilm „Spendier mir einen Çay“",
			Description: "Die Cinémathèque Leipzig zeigt den Dokumentarfilm in Zusammenarbeit mit dem Verband binationaler Familien und Partnerschaften.",
			Start:       berlin(2026, 3, 16, 0, 0), End: berlin(2026, 3, 29, 0, 0), AllDay: true, Online: event.OnlineHybrid,
			Place:     event.Place{Venue: "Cinémathèque", City: "Leipzig", Region: "leipzig"},
			Languages: []string{"de", "tr"}, Topics: []string{"culture_media", "antidiscrimination"},
		}),
		mk(5, "tp-wochenende", 0, event.Draft{
			Title: "Wochenendseminar: Vereinsgründung für Migrant*innenorganisationen",
			Start: berlin(2026, 3, 27, 18, 0), End: berlin(2026, 3, 29, 14, 0),
			Place:     event.Place{Venue: "Bildungsstätte", City: "Meißen", Region: "meissen"},
			Languages: []string{"de", "ru"}, Topics: []string{"funding", "law_association"},
		}),
		mk(6, "tp-sprachcafe", 2, event.Draft{
			Title: "Sprachcafé", Description: "Jeden Montag: Deutsch üben bei Tee und Kuchen.",
			Start: berlin(2026, 3, 2, 16, 0), End: berlin(2026, 3, 2, 18, 0), Recurrence: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260629",
			Place:     event.Place{Venue: "Stadtteilladen", City: "Chemnitz", Region: "chemnitz"},
			Languages: []string{"de", "ar", "uk"}, Topics: []string{"volunteering", "training"},
		}),
		mk(7, "tp-lang", 0, event.Draft{
			Title:       longTitle,
			Description: strings.Repeat("Ein sehr langer Absatz mit Umlauten (äöü ÄÖÜ ß) und Emoji 👩🏽‍🏫📚 ohne Zeilenumbruch, ", 6) + "\r\nZweite Zeile nach CRLF.",
			Start:       berlin(2026, 3, 12, 18, 0),
			Place:       event.Place{Venue: "Interkultureller Garten „Ölbaum“", City: "Görlitz", Region: "goerlitz"},
			Languages:   []string{"de", "ar", "fa"}, Topics: []string{"training", "volunteering"},
		}),
		mk(8, "tp-radio", 0, event.Draft{
			Title: "Zwischenraum – Radiosendung live", Start: berlin(2026, 3, 16, 20, 0), End: berlin(2026, 3, 16, 21, 0),
			Online: event.OnlineYes, Languages: []string{"de"}, Topics: []string{"culture_media"},
		}),
	}
}
