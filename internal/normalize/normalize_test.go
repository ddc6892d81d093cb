package normalize

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

var ref2021 = time.Date(2021, 10, 1, 12, 0, 0, 0, event.Berlin)

func mustNormalize(t *testing.T, it event.Item, opt Options) []event.Draft {
	t.Helper()
	if opt.Ref.IsZero() {
		opt.Ref = ref2021
	}
	ds, err := Normalize(it, opt)
	if err != nil {
		t.Fatalf("Normalize(%.60q): %v", it.Text, err)
	}
	return ds
}

func TestNoDate(t *testing.T) {
	for _, text := range []string{
		"Anmeldeschluss: 30. April 2021\nEine Veranstaltung des Deutschen Hygiene-Museums",
		"Das Projekt »Diversität in Institutionen der Migrationsgesellschaft« läuft bis zum 31.12.2023.",
		"Das Projekt Support für Initiative existiert seit Januar 2016.",
		"Im November geht es um das Thema Ehrenamtliche.",
		"Unser Büro bleibt vom 23.12.2021 bis 2.1.2022 geschlossen.",
		"",
	} {
		_, err := Normalize(event.Item{Text: text}, Options{Ref: ref2021})
		if !errors.Is(err, event.ErrNoDate) {
			t.Errorf("Normalize(%.50q) error = %v, want ErrNoDate", text, err)
		}
	}
	if _, err := Normalize(event.Item{Text: "am 3. Mai"}, Options{}); !errors.Is(err, event.ErrInvalid) {
		t.Errorf("no reference date: error = %v, want ErrInvalid", err)
	}
}

func TestOnlineDetection(t *testing.T) {
	tests := []struct {
		text string
		want event.OnlineMode
	}{
		{"Workshop am 12.11.2021\nDatum:\nOrt: ONLINE (Link erhalten Sie nach Anmeldung)", event.OnlineYes},
		{"Infoabend am 21.10.2021\nOrt: DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig) - UND ONLINE MÖGLICH ÜBER ZOOM", event.OnlineHybrid},
		{"Liebe…grenzenlos? ist die zentrale Frage der online Gesprächsrunde am 19.3.2021.", event.OnlineYes},
		{"Veranstaltung: \"Good Practice: Online-Info-Cafés des Dachverbandes\" am 8.12.2021 um 17 Uhr", event.OnlineYes},
		{"Das Projekt veranstaltet am 10.12.2021 von 16 bis 19 Uhr einen digitalen Austausch für Jugendliche.", event.OnlineYes},
		{"Der Film kann vom 15.-28. März 2021 kostenlos gestreamt werden.", event.OnlineYes},
		{"Am 3.11.2021 um 18 Uhr im Livestream und vor Ort im Haus X, Markt 1, 04109 Leipzig.", event.OnlineHybrid},
		{"Die Veranstaltung findet hybrid statt: am 5.11.2021, 17 Uhr.", event.OnlineHybrid},
		// a live stream carries what happens in a room; "nur" and negations change that
		{"Podium am 3.11.2021, 19 Uhr. Die Diskussion wird über einen Live-Stream im Internet übertragen.", event.OnlineHybrid},
		{"Lesung am 3.11.2021, 19 Uhr, nur im Livestream.", event.OnlineYes},
		{"Fachtag am 5.10.2021 in Leipzig. Die Veranstaltung wird aufgezeichnet. Ein Live-Streaming ist nicht vorgesehen.", event.OnlineNo},
		{"Workshop am 3.11.2021 in Görlitz. Die Anmeldung erfolgt über ein Formular online https://example.org/form", event.OnlineNo},
		// "Online-Aktivitäten" is the workshop's subject, not its format
		{"Wollen Sie die Online-Aktivitäten Ihres Vereins professionalisieren? Workshop am 12.03.2022, 10 Uhr\nOrt: Stadtteilladen, Eisenbahnstraße 66, 04315 Leipzig", event.OnlineNo},
		{"Unter digitalen Lebens- und Arbeitsbedingungen verändert sich vieles. Seminar am 4.11.2021 in Leipzig.", event.OnlineNo},
		{"Informationen finden Sie auch online unter untenstehendem Link. Treffen am 4.11.2021 in Dresden.", event.OnlineNo},
		{"Online-Anmeldung bis 1.11.2021. Fachtag am 4.11.2021 im Rathaus Chemnitz, Markt 1, 09111 Chemnitz.", event.OnlineNo},
		// "vor Ort" as "in one's own town" does not make an online event hybrid
		{"Zoom-Infoabend am 4.11.2021, 18 Uhr: Eltern erfahren, wo sie Beratung vor Ort erhalten.", event.OnlineYes},
		{"Zoom-Infoabend am 4.11.2021, 18 Uhr, auch vor Ort im Rathaus.", event.OnlineHybrid},
		// "online und offline" names a sphere of life, not the format
		{"Tagung am 12.11.2021 in Zwickau: Wie begegnen wir Hass online und offline?", event.OnlineNo},
		{"The summit takes place on 12 November 2021 in Leipzig. Our online and offline lives shape each other.", event.OnlineNo},
		{"Fachtag am 12.11.2021 in Plauen über Beteiligung offline und online.", event.OnlineNo},
		{"Der Fachtag am 12.11.2021 findet online und offline statt.", event.OnlineYes},
	}
	for _, tt := range tests {
		ds := mustNormalize(t, event.Item{Text: tt.text}, Options{})
		if ds[len(ds)-1].Online != tt.want {
			t.Errorf("%.70q: online = %s, want %s", tt.text, ds[len(ds)-1].Online, tt.want)
		}
	}
}

func TestSeveralDatesSeveralPlaces(t *testing.T) {
	// seed 003: one "Ort:" line with two days and two places
	ds := mustNormalize(t, event.Item{Text: "Asylinitiativenkonferenz\nDatum:\nOrt: 05.11.: online - 06.11.: im riesa efau Dresden"}, Options{DefaultRegion: "leipzig"})
	if len(ds) != 2 {
		t.Fatalf("got %d drafts", len(ds))
	}
	if ds[0].Online != event.OnlineYes || ds[0].Place.Region != "" || ds[0].Place.Venue != "" {
		t.Errorf("05.11.: %+v %s", ds[0].Place, ds[0].Online)
	}
	if ds[1].Online != event.OnlineNo || ds[1].Place.Region != "dresden" || ds[1].Place.Venue != "riesa efau" || ds[1].Place.City != "Dresden" {
		t.Errorf("06.11.: %+v %s", ds[1].Place, ds[1].Online)
	}

	// seed 003: the four regional DSM meetings, online, each with its region
	text := "24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom) 08.12.2021 - 17:00-19:30 Uhr - Region Dresden – online (Zoom) 14.12.2021 - 17:00-19:30 Uhr - Region Bautzen – online (Zoom) 15.12.2021 - 17:00-19:30 Uhr - Region Chemnitz – online (Zoom)"
	ds = mustNormalize(t, event.Item{Title: "Regionale Beteiligungsveranstaltungen", Text: text}, Options{})
	var got []string
	for _, d := range ds {
		got = append(got, d.Start.Format("02.01. 15:04-")+d.End.Format("15:04 ")+d.Place.Region+" "+string(d.Online))
	}
	want := []string{"24.11. 17:00-19:30 leipzig yes", "08.12. 17:00-19:30 dresden yes", "14.12. 17:00-19:30 bautzen yes", "15.12. 17:00-19:30 chemnitz yes"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DSM meetings:\n got %q\nwant %q", got, want)
	}
}

func TestDeadlineAndDoors(t *testing.T) {
	ds := mustNormalize(t, event.Item{Text: "Anmeldeschluss: 30. April 2021\nDer Kongress findet am 20. Mai 2021 statt."}, Options{})
	if len(ds) != 1 || ds[0].Start.Format("2006-01-02") != "2021-05-20" {
		t.Fatalf("got %v", ds)
	}
	if ds[0].RegistrationDeadline.Format("2006-01-02") != "2021-04-30" || ds[0].RegistrationRequired == nil || !*ds[0].RegistrationRequired {
		t.Errorf("deadline %v required %v", ds[0].RegistrationDeadline, ds[0].RegistrationRequired)
	}
	ds = mustNormalize(t, event.Item{Text: "Konzert\nSa, 19.03.2022 · Einlass 18:30 Uhr · Beginn 19:00 Uhr"}, Options{})
	if ds[0].Start.Format("15:04") != "19:00" || ds[0].DoorsOpen.Format("15:04") != "18:30" {
		t.Errorf("start %v doors %v", ds[0].Start, ds[0].DoorsOpen)
	}
	// an English deadline the date grammar leaves as an event
	ds = mustNormalize(t, event.Item{Text: "Workshop on Tuesday, 15.02.2022, 17:00–19:00, on Zoom. Please register by 10 February."}, Options{Ref: time.Date(2022, 2, 1, 0, 0, 0, 0, event.Berlin)})
	if len(ds) != 1 || ds[0].Start.Format("2006-01-02") != "2022-02-15" || ds[0].RegistrationDeadline.Format("01-02") != "02-10" {
		t.Errorf("english deadline: %d drafts, start %v, deadline %v", len(ds), ds[0].Start, ds[0].RegistrationDeadline)
	}
}

func TestStructuredWins(t *testing.T) {
	lat, lon := 51.3, 12.4
	it := event.Item{Kind: event.KindJSONLD, Title: "Lesung", Start: "2022-03-21T18:00:00+01:00", End: "2022-03-21T20:00:00+01:00",
		Attendance: "https://schema.org/MixedEventAttendanceMode", Status: "https://schema.org/EventCancelled",
		Location: &event.Location{Venue: "Stadtbibliothek", Street: "Wilhelm-Leuschner-Platz 10/11", PostalCode: "04107", City: "Leipzig", Lat: &lat, Lon: &lon},
		Text:     "Lesung am 3. April 2022 in Dresden. Die Veranstaltung findet online statt."}
	d := mustNormalize(t, it, Options{DefaultRegion: "chemnitz"})[0]
	if d.Start.Format(time.RFC3339) != "2022-03-21T18:00:00+01:00" || d.End.Format("15:04") != "20:00" {
		t.Errorf("start %v end %v: the structured date must win over the text", d.Start, d.End)
	}
	if d.Place.Region != "leipzig" || d.Place.Venue != "Stadtbibliothek" || *d.Place.Lat != lat {
		t.Errorf("place %+v", d.Place)
	}
	if d.Online != event.OnlineHybrid || d.Status != event.StatusCancelled {
		t.Errorf("online %s status %s", d.Online, d.Status)
	}

	// iCal all-day over a weekend: the scraper turned DTEND (exclusive,
	// 20220516) into the last day; normalisation takes it as it is.
	d = mustNormalize(t, event.Item{Kind: event.KindICal, Title: "Werkstatt", Start: "2022-05-14", End: "2022-05-15",
		Location: &event.Location{Text: "Bürgersaal, Markt 1, 02763 Zittau"}}, Options{})[0]
	if !d.AllDay || d.End.Format("2006-01-02") != "2022-05-15" || d.Place.Region != "goerlitz" {
		t.Errorf("ical all-day: allday %v end %v region %q", d.AllDay, d.End, d.Place.Region)
	}

	// date and place selectors of an html source
	d = mustNormalize(t, event.Item{Title: "Sprachcafé", Date: "Mittwoch, 09.02.2022, 18:00 - 20:00 Uhr",
		Place: "Café Vielfalt, Hauptstraße 12, 01445 Radebeul", Text: "Ein Treffen am 1.1.2030 ist das nicht."}, Options{})[0]
	if d.Start.Format("2006-01-02 15:04") != "2022-02-09 18:00" || d.Place.Region != "meissen" || d.Place.City != "Radebeul" {
		t.Errorf("selectors: start %v place %+v", d.Start, d.Place)
	}
}

func TestDST(t *testing.T) {
	// 27 and 28 March 2021 straddle the switch to summer time
	ds := mustNormalize(t, event.Item{Text: "Alle erwarten wir am 27. und 28. März um 10:00 Uhr im Hilfswerk.", Published: "2021-03-15"}, Options{})
	if len(ds) != 2 || ds[0].Start.Format(time.RFC3339) != "2021-03-27T10:00:00+01:00" || ds[1].Start.Format(time.RFC3339) != "2021-03-28T10:00:00+02:00" {
		t.Errorf("got %v", ds)
	}
}

func TestTitle(t *testing.T) {
	ref := time.Date(2019, 7, 20, 0, 0, 0, 0, event.Berlin)
	for in, want := range map[string]string{
		"01.08.19 | Interkulturelles Picknick | Leipzig": "Interkulturelles Picknick",
		"Sommerfest – 26.07.2019":                        "Sommerfest",
		"Fachtag Ehrenamt am 3. September 2021":          "Fachtag Ehrenamt",
		"24.11.2021: Regionale Beteiligung":              "Regionale Beteiligung",
		"Veranstaltung: Good Practice":                   "Good Practice",
		"  Lesung   mit   Gespräch ":                     "Lesung mit Gespräch",
		"11. Fachtag Ehrenamt":                           "11. Fachtag Ehrenamt",
	} {
		if got := cleanTitle(in, ref); got != want {
			t.Errorf("cleanTitle(%q) = %q, want %q", in, got, want)
		}
	}
	if got := titleLine("Datum:\nOrt: DP4 – Zentrum für Engagement\nLiebe Aktive in Leipzig,\nam 21.10.2021 …"); got != "Liebe Aktive in Leipzig," {
		t.Errorf("titleLine = %q", got)
	}
}

func TestFields(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	tests := []struct {
		text        string
		reg, cost   *bool
		status      event.Status
		access      []string
		audience    []string
		organizer   string
		contactName string
	}{
		{text: "Für Ehrenamtliche ist das Angebot kostenfrei. Die Honorarkosten bemessen sich am Umfang.", cost: yes, audience: []string{"volunteers"}},
		{text: "Aktuell finden die Offenen Treffs noch online statt - nach Anmeldung erhalten Sie einen Link zur Teilnahme.", reg: yes},
		{text: "Ohne Anmeldung, einfach vorbeikommen! Eintritt: 5 €", reg: no, cost: no},
		{text: "Wie kann ich eine Domain auf mich registrieren? Was kostet sowas?"},
		// Waivers in the sentence of the registration word; prices labelled free.
		{text: "Eine Anmeldung zur Veranstaltung ist nicht erforderlich!", reg: no},
		{text: "Eine Anmeldung ist erwünscht, jedoch nicht zwingend.", reg: no},
		{text: "Wir bitten alle, sich für die jeweilige Veranstaltung anzumelden.", reg: yes},
		{text: "Eine Voranmeldung wäre besser, jedoch sind Spontan-Entschlossene willkommen.", reg: no},
		{text: "Schreibt uns bis zum 9. Dezember an info@example.org. Das erleichtert uns die Planung.", reg: yes},
		{text: "Die Termine im September sind bereits ausgebucht.", reg: yes},
		// booking is registering; tickets handed out beforehand too, unless no longer needed
		{text: "Plätze können Sie über unser Buchungsportal reservieren oder telefonisch buchen.", reg: yes},
		{text: "Buchungen für diesen Termin sind nicht mehr möglich.", reg: yes},
		{text: "Wir empfehlen einen Besuch der Gedenkstätte Buchenwald."},
		{text: "Der Eintritt ist frei, die Freikarten werden ab Montag in der Stadtbibliothek ausgegeben.", reg: yes, cost: yes},
		{text: "Es gibt kostenlose Eintrittskarten. Diese können im Rathaus abgeholt werden.", reg: yes, cost: yes},
		{text: "Wegen des größeren Saals ist es nicht mehr nötig, Karten vorher abzuholen.", reg: no},
		{text: "Karten gibt es an der Abendkasse für 8 €.", cost: no},
		// a label whose value says there is nothing to pay; "keine" elsewhere is no price
		{text: "Ort: Gemeindesaal\nKosten: keine", cost: yes},
		{text: "Place: community hall\nFee: none\nRegistration: info@example.org", cost: yes, reg: yes},
		{text: "Teilnahme: keine Anmeldung nötig", reg: no},
		{text: "Der Eintritt ist gratis.", cost: yes},
		{text: "Der Eintritt zum Festival ist frei.", cost: yes},
		{text: "Online-Teilnahme: frei", cost: yes},
		{text: "Kosten: 0 €", cost: yes},
		{text: "The event is in English. Admission is free.", cost: yes},
		{text: "Tagungsgebühr: 10 EUR (Ermäßigung möglich)", cost: no},
		{text: "Die Veranstaltung ist leider abgesagt.", status: event.StatusCancelled},
		{text: "Der Workshop wurde auf den 15. März verschoben.", status: event.StatusPostponed},
		{text: "Die Teilnahmegebühr entfällt.", cost: yes, status: event.StatusScheduled},
		{text: "Der Raum ist barrierefrei. Gebärdensprachdolmetschung (DGS) und Kinderbetreuung werden angeboten, Texte gibt es in Leichter Sprache.",
			access: []string{"barrier_free", "easy_language", "sign_language", "childcare"}},
		{text: "Eine Verdolmetschung ins Arabische ist möglich.", access: []string{"interpreting"}},
		{text: "Der Veranstaltungsort ist leider nicht barrierefrei.", access: []string{"not_barrier_free"}},
		{text: "Der Workshop richtet sich an Personen zwischen 14 und 27 Jahren mit internationaler Geschichte.", audience: []string{"age:14-27"}},
		{text: "Offen für Migrant*innenorganisationen und Multiplikator*innen, ab 18 Jahren.", audience: []string{"age:18+", "migrant_organisations", "multipliers"}},
		{text: "Eine Veranstaltung des Deutschen Hygiene-Museums in Kooperation mit der Landeshauptstadt Dresden.", organizer: "Deutschen Hygiene-Museums"},
		{text: "Eine Veranstaltung des Dachverbandes sächsischer Migrantenorganisationen (DSM) - im Rahmen der Reihe.", organizer: "Dachverband sächsischer Migrantenorganisationen (DSM)"},
		{text: "Organisiert wird die Veranstaltung vom Dachverband sächsischer Migrantenorganisationen e. V. in Kooperation mit dem Verein Kültür Kollektiv Leipzig e.V.", organizer: "Dachverband sächsischer Migrantenorganisationen e. V."},
		{text: "Kontakt: Marko Schmidt, Nina Fridman und Theresa Lux", contactName: "Nina Fridman"},
	}
	for _, tt := range tests {
		h := scanLexicon(lower(tt.text))
		reg, _ := registration(h)
		cost, _ := costFree(h)
		if !reflect.DeepEqual(reg, tt.reg) {
			t.Errorf("%.60q: registration = %v, want %v", tt.text, deref(reg), deref(tt.reg))
		}
		if !reflect.DeepEqual(cost, tt.cost) {
			t.Errorf("%.60q: cost free = %v, want %v", tt.text, deref(cost), deref(tt.cost))
		}
		if want := tt.status; want != "" && status(h) != want {
			t.Errorf("%.60q: status = %s, want %s", tt.text, status(h), want)
		}
		if got := accessibility(h); tt.access != nil && !reflect.DeepEqual(got, tt.access) {
			t.Errorf("%.60q: accessibility = %v, want %v", tt.text, got, tt.access)
		}
		if got := audience(h); tt.audience != nil && !reflect.DeepEqual(got, tt.audience) {
			t.Errorf("%.60q: audience = %v, want %v", tt.text, got, tt.audience)
		}
		if got := organizer(tt.text, read("\n"+lower(tt.text), 0).cues); tt.organizer != "" && got != tt.organizer {
			t.Errorf("%.60q: organizer = %q, want %q", tt.text, got, tt.organizer)
		}
		if tt.contactName != "" {
			if c := contacts(tt.text); !contains(c.Names, tt.contactName) || len(c.Names) != 3 {
				t.Errorf("%.60q: contact names = %v", tt.text, c.Names)
			}
		}
	}
}

func deref(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestContacts(t *testing.T) {
	// seed 002 and 004
	text := "KONTAKT Teilprojekt LK Bautzen:\nHamida Taamiri, 01575 5520787, hamida.taamiri@pokubi-sachsen.de\nPeter Streubel, 01573 7012835, peter.streubel@pokubi-sachsen.de\n" +
		"Telefon: 0351 / 407 662 53\nNeko Panteleeva\nneko.panteleeva@kulturbuero-dresden.de\nOrt: 04177 Leipzig am 24.11.2021 17:00-19:30"
	c := contacts(text)
	wantMails := []string{"hamida.taamiri@pokubi-sachsen.de", "peter.streubel@pokubi-sachsen.de", "neko.panteleeva@kulturbuero-dresden.de"}
	wantPhones := []string{"01575 5520787", "01573 7012835", "0351 / 407 662 53"}
	wantNames := []string{"Hamida Taamiri", "Peter Streubel", "Neko Panteleeva"}
	if !reflect.DeepEqual(c.Emails, wantMails) || !reflect.DeepEqual(c.Phones, wantPhones) || !reflect.DeepEqual(c.Names, wantNames) {
		t.Errorf("contacts = %+v", c)
	}
}

func TestLanguagesOfEvent(t *testing.T) {
	tests := []struct {
		text string
		opt  Options
		want []string
	}{
		{"Workshopreihe zur psychischen Gesundheit am 3.11.2021 auf Deutsch, Spanisch und Arabisch", Options{}, []string{"ar", "de", "es"}},
		{"Beratung am 3.11.2021, 10 Uhr. Beratungen sind in folgenden Sprachen möglich:\nSorbisch, Russisch, Englisch, Deutsch", Options{}, []string{"de", "en", "hsb", "ru"}},
		{"Приглашаем всех родителей на встречу 16.10.2021 в 15:00. Мы поговорим о школе и детском саде.", Options{}, []string{"ru"}},
		{"Vortrag am 3.11.2021 mit Verdolmetschung ins Arabische.", Options{}, []string{"ar", "de"}},
		{"Stammtisch am 3.11.2021 um 18 Uhr im Café.", Options{DefaultLanguages: []string{"de", "en"}}, []string{"de", "en"}},
		{"Wir bieten am 3.11.2021 fünf Treffen in 5 verschiedenen Sprachen an.", Options{}, []string{"de"}},
	}
	for _, tt := range tests {
		d := mustNormalize(t, event.Item{Text: tt.text}, tt.opt)[0]
		if !reflect.DeepEqual(d.Languages, tt.want) {
			t.Errorf("%.60q: languages = %v, want %v", tt.text, d.Languages, tt.want)
		}
	}
	d := mustNormalize(t, event.Item{Text: "Wir bieten am 3.11.2021 fünf Treffen in 5 verschiedenen Sprachen an."}, Options{})[0]
	if !d.LowConfidence || !strings.Contains(strings.Join(d.Warnings, "|"), "languages") {
		t.Errorf("unnamed languages should be flagged: %v %v", d.LowConfidence, d.Warnings)
	}
}

func TestRegionRules(t *testing.T) {
	tests := []struct {
		text, region string
		opt          Options
	}{
		// an address wins over the default region
		{"Fachtag am 3.9.2021 im Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg).", "erzgebirgskreis", Options{DefaultRegion: "leipzig"}},
		// a place outside Saxony has no region, whatever the default
		{"Kongress am 18.11.2021\nOrt: Haus der Kulturen der Welt, John-Foster-Dulles-Allee 10, 10557 Berlin", "", Options{DefaultRegion: "leipzig"}},
		// "in Leipzig" beats the default
		{"Am 29.9.2021 findet in Leipzig der Fachtag statt.", "leipzig", Options{DefaultRegion: "dresden"}},
		// nothing in the text: the default
		{"Stammtisch am 3.11.2021 um 18 Uhr.", "chemnitz", Options{DefaultRegion: "chemnitz"}},
		// online: no default region
		{"Online-Seminar am 3.11.2021 um 18 Uhr per Zoom.", "", Options{DefaultRegion: "chemnitz"}},
		// online, but the text names its region
		{"Online-Vernetzungstreffen im Landkreis Bautzen am 3.11.2021 um 18 Uhr.", "bautzen", Options{DefaultRegion: "chemnitz"}},
		// Sorbian and district suffixes
		{"Kulturabend am 23.10.2021, 19 Uhr\nSerbski dom, Póstowe naměsto 2, Budyšin", "bautzen", Options{}},
		{"Treffen am 13.9.2021 im Werk 2 in Leipzig-Connewitz.", "leipzig", Options{}},
		{"Treffen am 13.9.2021 im Landkreis Leipzig.", "landkreis-leipzig", Options{}},
		// a session at a clock time with no place, whose text speaks of a
		// whole district: the district is the subject, not the place
		{"Podiumsdiskussion: Integration im Landkreis Meißen\nDonnerstag, 12. März 2020, 19 Uhr\nWie gelingt das Ankommen im Landkreis Meißen?", "", Options{}},
		{"Fachtag Migrationsarbeit Mittelsachsen\n4. Mai 2022 | 9:00 - 15:00", "", Options{}},
		// … but a festival over days across the district keeps it
		{"Vom 12. bis 30. September finden im Landkreis Bautzen wieder die Interkulturellen Wochen statt.", "bautzen", Options{}},
		// … and so does a text that names a town as where it happens
		{"Am 5. Mai 2022 um 15 Uhr lädt das Fest der Kulturen nach Görlitz ein, eines der großen Feste im Landkreis Görlitz.", "goerlitz", Options{}},
		// … and a place of its own wins anyway
		{"Integration im Landkreis Leipzig: Gespräch am 12.3.2020, 19 Uhr, im Rathaus Borna.", "landkreis-leipzig", Options{}},
		// a town written beside the date beats the cities the rest of the page names
		// a street named for the town it leads to is no evidence of that town
		{"Lesung am 3.11.2021, 19 Uhr, im Gemeindehaus an der Freiberger Straße.", "", Options{}},
		{"Treffen am 3.11.2021 im Stadtteiltreff, Haltestelle Wurzener Str., Zwickau.", "zwickau", Options{}},
		{"Fest am 3.11.2021 auf dem Freiberger Obermarkt.", "mittelsachsen", Options{}},
		// a part of a kreisfreie Stadt stands for the city, even against a street named for a town
		{"Nachbarschaftsfest am 3.11.2021 in Pieschen, Treffpunkt Haltestelle Meißner Straße.", "dresden", Options{}},
		{"Stadtteilrundgang am 3.11.2021, 15 Uhr: Wir zeigen Ihnen Plagwitz.", "leipzig", Options{DefaultRegion: "chemnitz"}},
		{"Lesecafé am 3.11.2021 im Bürgerhaus auf dem Kaßberg.", "chemnitz", Options{}},
		{"Wahlforum\nDo. 01.08.2021 19:00 / Grimma\nEine Reihe der Leipziger Volkszeitung, der VHS Leipzig und des Dresdner Instituts.", "landkreis-leipzig", Options{}},
	}
	for _, tt := range tests {
		d := mustNormalize(t, event.Item{Text: tt.text}, tt.opt)[0]
		if d.Place.Region != tt.region {
			t.Errorf("%.60q: region = %q, want %q", tt.text, d.Place.Region, tt.region)
		}
	}
}

func TestDescription(t *testing.T) {
	raw := `<p onclick="x()">Hallo <b>Welt</b> <a href="https://example.org/x">Link</a><script>alert(1)</script></p><ul><li>Eins</li><li>Zwei &amp; drei</li></ul>`
	plain, html := description("", raw)
	if strings.Contains(html, "script") || strings.Contains(html, "onclick") {
		t.Errorf("not sanitised: %s", html)
	}
	if !strings.Contains(html, `rel="nofollow noopener"`) || !strings.Contains(html, `target="_blank"`) {
		t.Errorf("link attributes missing: %s", html)
	}
	if plain != "Hallo Welt Link\nEins\nZwei & drei" {
		t.Errorf("plain = %q", plain)
	}
	plain, html = description("Zeile <eins>\n\nZeile zwei", "")
	if html != "<p>Zeile &lt;eins&gt;</p>\n<p>Zeile zwei</p>" || plain != "Zeile <eins>\n\nZeile zwei" {
		t.Errorf("from text: %q / %q", html, plain)
	}
	// an item with HTML only: the text is taken from it
	d := mustNormalize(t, event.Item{Title: "Fest", HTML: "<p>Am 3.11.2021 um 18 Uhr feiern wir.</p>"}, Options{})[0]
	if d.Description != "Am 3.11.2021 um 18 Uhr feiern wir." || d.Start.Format("15:04") != "18:00" {
		t.Errorf("html-only item: %q %v", d.Description, d.Start)
	}
}

func TestDeterministic(t *testing.T) {
	it := event.Item{Text: "24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom) 08.12.2021 - 17:00-19:30 Uhr - Region Dresden – online (Zoom)"}
	a := mustNormalize(t, it, Options{})
	for i := 0; i < 5; i++ {
		if b := mustNormalize(t, it, Options{}); !reflect.DeepEqual(a, b) {
			t.Fatal("output differs between runs")
		}
	}
}

// TestConcurrent runs the dev set from several goroutines: the pipeline
// normalises in parallel, and the lazily built tables must allow it (run
// with -race).
func TestConcurrent(t *testing.T) {
	cases := loadDevSet(t)
	want := make([][]event.Draft, len(cases))
	for i, c := range cases {
		want[i], _ = Normalize(c.item(), c.opt)
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := range cases {
				c := cases[(i+g*7)%len(cases)]
				got, _ := Normalize(c.item(), c.opt)
				if !reflect.DeepEqual(got, want[(i+g*7)%len(cases)]) {
					done <- errors.New(c.ID + ": output differs under concurrency")
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// The opening of a festival comes before the festival's all-day range,
// and the events of one day come in the order of their clock: the first
// event of an announcement is the earliest.
func TestSameDayOrder(t *testing.T) {
	tests := []struct{ text, first string }{
		{"Interkulturelle Tage vom 26.09. bis 17.10.2021.\nDie Eröffnung findet am 26. September 2021, 15 Uhr im Rathaus statt.", "2021-09-26T15:00:00+02:00"},
		{"Donnerstag 21. September 2017\n19:00-21:00 Uhr Vortrag\n\nDonnerstag 21. September 2017, 14:00 bis 17:00 Uhr Café", "2017-09-21T14:00:00+02:00"},
		// other days keep the order of the text
		{"Am 3. Mai 2021 um 18 Uhr Lesung, am 2. Mai 2021 um 10 Uhr Workshop.", "2021-05-03T18:00:00+02:00"},
	}
	for _, tt := range tests {
		ds := mustNormalize(t, event.Item{Text: tt.text}, Options{Ref: time.Date(2021, 1, 1, 0, 0, 0, 0, event.Berlin)})
		if got := fmtTime(ds[0].Start, ds[0].AllDay); got != tt.first {
			t.Errorf("%.50q: first event %s, want %s", tt.text, got, tt.first)
		}
	}
}

// A start written twice, once with its end, is one event with the end.
func TestSameStartKeepsEnd(t *testing.T) {
	ds := mustNormalize(t, event.Item{Text: "Mittwoch 10. Nov, 19:00 Uhr\nVortrag\n\nDatum: 10.11.2021\nZeit: 19:00 bis 21:00 Uhr"},
		Options{Ref: time.Date(2021, 10, 1, 0, 0, 0, 0, event.Berlin)})
	if len(ds) != 1 || fmtEnd(ds[0]) != "2021-11-10T21:00:00+01:00" {
		for _, d := range ds {
			t.Logf("%s – %s", fmtTime(d.Start, d.AllDay), fmtEnd(d))
		}
		t.Errorf("got %d events, want one ending 21:00", len(ds))
	}
}

// With no place in the text, a town in the site's host names the region.
func TestHostRegion(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://if-leipzig.de/veranstaltungen/mai", "leipzig"},
		{"https://crimmitschau.de/crm/content/9/1.asp", "zwickau"},
		{"https://www.example.org/leipzig/termine", ""}, // the path does not count
	}
	for _, tt := range tests {
		d := mustNormalize(t, event.Item{URL: tt.url, Text: "Kochgruppe am 2.5.2012 um 16 Uhr."}, Options{Ref: time.Date(2012, 4, 1, 0, 0, 0, 0, event.Berlin)})[0]
		if d.Place.Region != tt.want {
			t.Errorf("%s: region %q, want %q", tt.url, d.Place.Region, tt.want)
		}
	}
}

// A news page's block of other articles is not part of the announcement:
// its places and words must not reach the event.
func TestCutRelated(t *testing.T) {
	body := "Sommerfest im Stadtpark\nAm 3. Juli feiern wir im Stadtpark in Zwickau. Alle sind eingeladen, " +
		"es gibt Musik, Essen und Spiele für Kinder und Erwachsene aus der ganzen Nachbarschaft. Der Eintritt ist frei, Spenden sind willkommen.\n"
	tests := []struct{ in, want string }{
		{body + "\nDas könnte Sie auch interessieren\nKonzert in München am Freitag", strings.TrimSpace(body)},
		{body + "\n## Ähnliche Beiträge\nLesung in Berlin", strings.TrimSpace(body)},
		// a heading in the first lines: a list page, left alone
		{"Weitere Artikel\nLesung in Berlin", "Weitere Artikel\nLesung in Berlin"},
		// the words inside a sentence are no heading
		{body + "Lesen Sie auch unser Programmheft, es liegt im Rathaus aus und nennt alle Termine.", body + "Lesen Sie auch unser Programmheft, es liegt im Rathaus aus und nennt alle Termine."},
	}
	for _, tt := range tests {
		if got := cutRelated(tt.in); got != tt.want {
			t.Errorf("cutRelated(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	ds, err := Normalize(event.Item{URL: "https://example.org/a", Text: body + "\nDas könnte dich auch interessieren\nKonzert in München am Freitag"},
		Options{Ref: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(ds) == 0 {
		t.Fatalf("Normalize: %v, %d drafts", err, len(ds))
	}
	if ds[0].Place.Region != "zwickau" {
		t.Errorf("region %q, want zwickau", ds[0].Place.Region)
	}
}

func TestPhones(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"0341 1234567", []string{"0341 1234567"}},
		{"Tel. +49 341 123 45 67 oder 0176/12345678 (mobil)", []string{"+49 341 123 45 67", "0176/12345678"}},
		{"Aktenzeichen 0176/12345678.", nil}, // a number before a full stop or colon is no phone
		{"am 10.05.2024 um 10:00, Preis 10.000 Euro", nil},
		{"Fax:0351-4076625", nil}, // glued to a colon: a time or a reference
		{"Fax: 0351-4076625", []string{"0351-4076625"}},
		{"Raum 0.12, Kennziffer 100200300400", nil},
		{"+4935140766253", []string{"+4935140766253"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := phones(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("phones(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestLowerASCIIWords checks the eight-bytes-at-a-time path of appendLower
// against a byte-by-byte lower case, on every ASCII byte at every offset.
func TestLowerASCIIWords(t *testing.T) {
	var all []byte
	for c := 0; c < 128; c++ {
		all = append(all, byte(c))
	}
	for off := range 9 {
		s := strings.Repeat("x", off) + string(all) + "Ä" + string(all)
		want := []byte(s)
		for i, c := range want {
			if 'A' <= c && c <= 'Z' {
				want[i] = c + 'a' - 'A'
			}
		}
		want = []byte(strings.Replace(string(want), "Ä", "ä", 1))
		if got := lower(s); got != string(want) {
			t.Fatalf("offset %d: lower = %q, want %q", off, got, want)
		}
	}
}

// A dated page that gives its event by weekday only: the next such day on or
// after the publication day; the page's own byline date is no event date.
func TestWeekdayOnly(t *testing.T) {
	tests := []struct {
		text, published string
		start, end      string // Berlin, "2006-01-02 15:04"; end "" when none
		allDay          bool
	}{
		{"Am Samstag und Sonntag zeigt der Verein im Stadtpark jeweils von 11 bis 18 Uhr Tänze aus aller Welt.\ngeschrieben am: 01.10.2021",
			"2021-10-01", "2021-10-02 11:00", "2021-10-03 18:00", false},
		{"Interkulturelles Frühstück\nDiesen Mittwoch um 9:30 Uhr laden wir ins Nachbarschaftszentrum ein.",
			"2021-10-04", "2021-10-06 09:30", "", false},
		{"Come along on Friday to our open house in Görlitz!", "2021-10-08", "2021-10-08 00:00", "", true},
		{"Vom Freitag bis Sonntag: Am Freitag bis Sonntag feiert die Gemeinde ihr Herbstfest.", "2021-10-06",
			"2021-10-08 00:00", "2021-10-10 00:00", true},
	}
	for _, tt := range tests {
		ds := mustNormalize(t, event.Item{Text: tt.text, Published: tt.published}, Options{})
		d := ds[0]
		got := d.Start.In(event.Berlin).Format("2006-01-02 15:04")
		end := ""
		if !d.End.IsZero() {
			end = d.End.In(event.Berlin).Format("2006-01-02 15:04")
		}
		if len(ds) != 1 || got != tt.start || end != tt.end || d.AllDay != tt.allDay {
			t.Errorf("%.50q: %d drafts, first %s – %q (all day %v), want %s – %q (all day %v)",
				tt.text, len(ds), got, end, d.AllDay, tt.start, tt.end, tt.allDay)
		}
	}
	// without a publication date, or with a written date, the weekday rule stays out
	for _, it := range []event.Item{
		{Text: "Am Samstag zeigt der Verein im Stadtpark Tänze aus aller Welt."},
		{Text: "Am Samstag, 16.10.2021, zeigt der Verein im Stadtpark Tänze.", Published: "2021-10-01"},
	} {
		ds, err := Normalize(it, Options{Ref: ref2021})
		if it.Published == "" {
			if !errors.Is(err, event.ErrNoDate) {
				t.Errorf("%.40q without publication date: error = %v, want ErrNoDate", it.Text, err)
			}
			continue
		}
		if err != nil || ds[0].Start.In(event.Berlin).Day() != 16 {
			t.Errorf("%.40q: %v, %v; want the written 16 October", it.Text, ds, err)
		}
	}
}
