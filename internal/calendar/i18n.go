package calendar

// uiTexts are the words of the pages, German and English.
var uiTexts = map[string][2]string{
	"tagline":    {"Termine von Migrant*innenorganisationen und der politischen Bildung in Sachsen", "Events of migrant organisations and civic education in Saxony"},
	"filter":     {"Termine filtern", "Filter events"},
	"search":     {"Suche", "Search"},
	"region":     {"Region", "Region"},
	"allregions": {"Alle Regionen", "All regions"},
	"language":   {"Sprache", "Language"},
	"alllangs":   {"Alle Sprachen", "All languages"},
	"topic":      {"Thema", "Topic"},
	"alltopics":  {"Alle Themen", "All topics"},
	"from":       {"Ab", "From"},
	"to":         {"Bis", "Until"},
	"where":      {"Ort", "Where"},
	"anywhere":   {"Vor Ort und online", "On site and online"},
	"onlineonly": {"Online teilnehmbar", "Can be joined online"},
	"onsite":     {"Vor Ort", "On site"},
	"apply":      {"Anzeigen", "Show"},
	"reset":      {"Filter zurücksetzen", "Reset filters"},
	"results":    {"Termine", "events"},
	"none":       {"Keine Termine für diese Auswahl.", "No events match this selection."},
	"more":       {"Weitere Termine", "More events"},
	"subscribe":  {"Kalender abonnieren", "Subscribe to calendar"},
	"subhelp":    {"Diese Auswahl im eigenen Kalender – Termine aktualisieren sich von selbst.", "This selection in your own calendar app – it updates by itself."},
	"icslink":    {"iCal-Datei", "iCal file"},
	"regcost":    {"Anmeldung & Kosten", "Registration & cost"},
	"icsfile":    {"iCal-Adresse (zum Kopieren)", "iCal address (to copy)"},
	"embed":      {"Auf der eigenen Website zeigen", "Show on your website"},
	"embedhelp":  {"Diesen Code in die eigene Seite einfügen:", "Paste this code into your page:"},
	"iframe":     {"oder als iframe:", "or as an iframe:"},
	"allday":     {"ganztägig", "all day"},
	"until":      {"bis", "until"},
	"languages":  {"Sprachen", "Languages"},
	"topics":     {"Themen", "Topics"},
	"cancelled":  {"Abgesagt", "Cancelled"},
	"postponed":  {"Verschoben", "Postponed"},
	"online":     {"online", "online"},
	"hybrid":     {"vor Ort und online", "on site and online"},
	"source":     {"Ankündigung", "Announcement"},
	"sources":    {"Quellen", "Sources"},
	"gone":       {"nicht mehr online", "no longer online"},
	"organizer":  {"Veranstalter", "Organiser"},
	"reg-yes":    {"Anmeldung erforderlich", "Registration required"},
	"reg-no":     {"Keine Anmeldung nötig", "No registration needed"},
	"free":       {"Kostenfrei", "Free of charge"},
	"repeats":    {"Wiederholung", "Repeats"},
	"map":        {"Karte (OpenStreetMap)", "Map (OpenStreetMap)"},
	"addcal":     {"In den Kalender eintragen", "Add to calendar"},
	"back":       {"Alle Termine", "All events"},
	"updated":    {"Zuletzt aktualisiert", "Last updated"},
	"notfound":   {"Diesen Termin gibt es nicht (mehr).", "This event does not exist (any more)."},
	"error":      {"Fehler", "Error"},
	"newwin":     {"(öffnet neues Fenster)", "(opens new window)"},
	"when":       {"Wann", "When"},
	"calendar":   {"Veranstaltungskalender", "Event calendar"},
	"feeds":      {"Daten", "Data"},
	"poweredby":  {"Termine von Treffpunkt", "Events by Treffpunkt"},
}

func uiText(lang, key string) string {
	t, ok := uiTexts[key]
	if !ok {
		return key
	}
	return pick(lang, t[0], t[1])
}
