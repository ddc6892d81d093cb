package admin

// tryTexts are the words of the source preview and of the regression
// notes (issue 17), kept beside their page and joined into texts at start.
var tryTexts = map[string][2]string{
	"strategy":     {"Strategie", "Strategy"},
	"reg-zero":     {"Beim letzten Abruf wurden keine Einträge mehr gefunden, vorher schon: Hat sich die Seite geändert?", "The last crawl found no entries, the one before did: has the site changed?"},
	"reg-strategy": {"Die Seite wird jetzt anders gelesen als beim Abruf davor:", "The site is now read differently than in the crawl before:"},
	"try":          {"Quelle testen", "Test this source"},
	"try-intro": {"Nur die Adresse der Veranstaltungsseite eingeben: Treffpunkt sucht strukturierte Daten, Kalender-Feeds, eine Sitemap oder die Liste der Ankündigungen und zeigt, was gespeichert würde. Es wird nichts gespeichert.",
		"Enter only the address of the events page: Treffpunkt looks for structured data, calendar feeds, a sitemap or the list of announcements and shows what would be stored. Nothing is stored."},
	"try-url":       {"Adresse (URL)", "Address (URL)"},
	"try-pages":     {"Höchstens Seiten", "At most pages"},
	"try-run":       {"Testen", "Test"},
	"try-why":       {"Warum", "Why"},
	"try-found":     {"Gefunden", "Found"},
	"try-pagesread": {"Gelesene Seiten", "Pages read"},
	"try-events":    {"Veranstaltungen", "Events"},
	"try-title":     {"Titel", "Title"},
	"try-place":     {"Ort", "Place"},
	"try-noevents":  {"Keine Veranstaltung gefunden.", "No event found."},
	"try-warnings":  {"Hinweise", "Warnings"},
	"try-yaml":      {"Eintrag für sources.yaml", "Entry for sources.yaml"},
	"try-yaml-sel":  {"Oder mit den erkannten Selektoren (falls auto später scheitert):", "Or with the selectors auto inferred (should auto fail later):"},
	"try-fallback": {"Auto hat auf dieser Seite nichts Verwertbares gefunden. Für diese Seite Selektoren (follow, next, fields) von Hand schreiben.",
		"Auto found nothing usable on this site. Write selectors (follow, next, fields) for this site by hand."},
	"try-confidence": {"Sicherheit", "Confidence"},
	"try-busy":       {"Es läuft schon ein Test. Bitte gleich noch einmal versuchen.", "A test is already running. Please try again shortly."},
	"try-failed":     {"Test fehlgeschlagen", "Test failed"},
}

func init() {
	for k, v := range tryTexts {
		texts[k] = v
	}
}
