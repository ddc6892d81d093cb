package dedup

import (
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// at is a Berlin wall-clock time on a day of 2021.
func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2021, month, day, hour, minute, 0, 0, event.Berlin)
}

// rec builds a record; the options adjust the draft.
func rec(source, org, title string, start time.Time, opts ...func(*Record)) Record {
	r := Record{SourceID: source, Organizer: org, URL: "https://" + source + ".example/" + title,
		Draft: event.Draft{Title: title, Start: start, Online: event.OnlineNo}}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func end(t time.Time) func(*Record)           { return func(r *Record) { r.Draft.End = t } }
func desc(s string) func(*Record)             { return func(r *Record) { r.Draft.Description = s } }
func online(m event.OnlineMode) func(*Record) { return func(r *Record) { r.Draft.Online = m } }
func allDay(r *Record)                        { r.Draft.AllDay = true }
func own(r *Record)                           { r.OwnSite = true }

func place(venue, postal, city, region string) func(*Record) {
	return func(r *Record) {
		r.Draft.Place = event.Place{Venue: venue, PostalCode: postal, City: city, Region: region}
	}
}

const (
	dsm = "Dachverband sächsischer Migrantenorganisationen"
	wmo = "Werkstatt der Migrant*innenorganisationen Leipzig"
	sms = "Sächsisches Staatsministerium für Soziales und Gesellschaftlichen Zusammenhalt"
)

var dp4 = place("DP4 – Zentrum für Engagement", "04103", "Leipzig", "leipzig")

// TestComparePartsTime: "14 Uhr" and "14:00–16:00" are the same start; a
// date-only calendar entry is neutral; more than an hour apart is a conflict.
func TestComparePartsTime(t *testing.T) {
	base := rec("dsm", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 14, 0), end(at(12, 4, 16, 0)))
	tests := []struct {
		name     string
		other    Record
		time     float64
		conflict bool
	}{
		{"14 Uhr vs 14:00–16:00", rec("nts", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 14, 0)), 1, false},
		{"Einlass 13:30", rec("nts", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 13, 30)), 0.6, false},
		{"rounded 15 Uhr", rec("nts", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 15, 0)), 0.3, false},
		{"date only", rec("adb", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 0, 0), allDay), 0.5, false},
		{"two hours later", rec("nts", dsm, "Fördermittelakquisition für Vereine", at(12, 4, 16, 30)), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := score(prepare(base), prepare(tt.other), false)
			if p.time != tt.time || p.timeConflict != tt.conflict {
				t.Errorf("time = %v conflict %v, want %v conflict %v", p.time, p.timeConflict, tt.time, tt.conflict)
			}
		})
	}
}

// TestComparePartsSpan: two all-day spans whose ends differ by the
// iCalendar exclusive end are the same days; a one-day and a two-day entry
// are not.
func TestComparePartsSpan(t *testing.T) {
	weeks := rec("mo", "", "Internationale Wochen gegen Rassismus", at(3, 15, 0, 0), allDay, end(at(3, 28, 0, 0)))
	for _, tt := range []struct {
		name  string
		other Record
		time  float64
	}{
		{"same span", rec("adb", "", "Internationale Wochen gegen Rassismus", at(3, 15, 0, 0), allDay, end(at(3, 28, 0, 0))), 0.8},
		{"end a day earlier", rec("nts", "", "Internationale Wochen gegen Rassismus", at(3, 15, 0, 0), allDay, end(at(3, 27, 0, 0))), 0.8},
		{"one day only", rec("nts", "", "Internationale Wochen gegen Rassismus", at(3, 15, 0, 0), allDay), 0.6},
	} {
		if p := score(prepare(weeks), prepare(tt.other), false); p.time != tt.time {
			t.Errorf("%s: time = %v, want %v", tt.name, p.time, tt.time)
		}
	}
	day := rec("a", "", "Kongress", at(5, 20, 0, 0), allDay)
	if p := score(prepare(day), prepare(rec("b", "", "Kongress", at(5, 20, 0, 0), allDay, end(at(5, 21, 0, 0)))), false); p.time != 0.6 {
		t.Errorf("one day vs two days: time = %v, want 0.6", p.time)
	}
}

func TestComparePartsPlace(t *testing.T) {
	leipzig := rec("wmo", wmo, "Informationsveranstaltung zum Bundesfreiwilligendienst", at(10, 21, 17, 0), dp4)
	tests := []struct {
		name     string
		other    Record
		place    float64
		conflict placeConflict
	}{
		{"same venue, shorter name", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("DP4", "", "Leipzig", "leipzig")), 1, placeOK},
		{"city only", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("", "", "Leipzig", "leipzig")), 0.6, placeOK},
		{"other venue, same city", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("Neues Rathaus", "", "Leipzig", "leipzig")), 0.4, placeOK},
		{"nothing known", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0)), 0.5, placeOK},
		{"online only vs venue", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			online(event.OnlineYes)), 0.1, placeOK},
		{"other postal code", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("", "04277", "Leipzig", "leipzig")), 0, placePostal},
		{"other city, no region", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("", "", "Dresden", "")), 0, placeCity},
		{"other region", rec("fwa", wmo, "Bundesfreiwilligendienst – Infoabend", at(10, 21, 17, 0),
			place("", "", "", "dresden")), 0, placeRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := score(prepare(leipzig), prepare(tt.other), false)
			if p.place != tt.place || p.placeConflict != tt.conflict {
				t.Errorf("place = %v conflict %v, want %v conflict %v", p.place, p.placeConflict, tt.place, tt.conflict)
			}
		})
	}
	a := rec("dsm", dsm, "Digitales Werkstattgespräch", at(11, 24, 17, 0), online(event.OnlineYes))
	b := rec("nts", "", "Werkstattgespräche Integrative Maßnahmen", at(11, 24, 17, 0), online(event.OnlineYes))
	if p := score(prepare(a), prepare(b), false); p.place != 0.8 {
		t.Errorf("both online: place = %v, want 0.8", p.place)
	}
	// A calendar's LOCATION "Sachsen" names no venue.
	c := rec("nts", "", "Werkstattgespräche", at(11, 24, 17, 0), place("Sachsen", "", "", ""))
	if p := score(prepare(a), prepare(c), false); p.place != 0.5 {
		t.Errorf("online vs \"Sachsen\": place = %v, want 0.5 (unknown)", p.place)
	}
}

func TestComparePartsTitle(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		min, max float64 // bounds of the title part
	}{
		{"date prefix and pipes", "Fördermittelakquisition für Vereine und Initiativen",
			"04.12.2021 | Fördermittelakquisition für Vereine und Initiativen (DSM)", 0.75, 1},
		{"gender spelling", "Offener Treff der Werkstatt der Migrant*innenorganisationen",
			"Offener Treff – Werkstatt der Migrant:innenorganisationen", 0.85, 1},
		{"generic words count little", "Workshop: Die eigene Vereinswebsite", "Die eigene Vereinswebsite", 0.8, 1},
		{"unrelated", "Soli-Konzert für die Seenotrettung", "Asylinitiativenkonferenz 2021", 0, 0.1},
		{"generic titles only", "Infoabend (online)", "Online-Infoveranstaltung", 0, genericTitleCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rec("a", "", tt.a, at(5, 5, 18, 0))
			b := rec("b", "", tt.b, at(5, 5, 18, 0))
			p := score(prepare(a), prepare(b), false)
			if p.title < tt.min || p.title > tt.max {
				t.Errorf("title = %.3f (tokens %.3f, trigram %.3f, context %.3f), want %.2f..%.2f",
					p.title, p.tok, p.tri, p.ctx, tt.min, tt.max)
			}
		})
	}
}

// TestCompareTitleContext: a re-post titled by its topic is recognised
// through the original's text (seed 003: the second SITG conference).
func TestCompareTitleContext(t *testing.T) {
	orig := rec("mo", sms, "Beteiligungskonferenz zur Entwicklung des sächsischen Integrations- und Teilhabegesetzes (SITG)",
		at(6, 10, 10, 0), online(event.OnlineYes),
		desc("In vier Fachkonferenzen soll gemeinsam mit verschiedenen Akteur*innen aus Sachsen eine Grundlage für das Gesetz erarbeitet werden. Die zweite Fachkonferenz „Migrationssozialarbeit“ am 10. Juni 2021 dient dazu, das weite Feld der sozialen und beraterischen Arbeit zu betrachten."))
	repost := rec("dsm", sms, "2. SITG-Fachkonferenz: Migrationssozialarbeit", at(6, 10, 10, 0), online(event.OnlineYes),
		desc("Am 10. Juni findet die zweite Fachkonferenz zum sächsischen Integrations- und Teilhabegesetz statt."))
	ev := Compare(orig, repost)
	if ev.Parts["title_tokens"] > 0.3 {
		t.Errorf("title tokens alone %.2f: the titles were meant to differ", ev.Parts["title_tokens"])
	}
	if ev.Verdict != Same {
		t.Errorf("verdict %v, want Same: %s", ev.Verdict, strings.Join(ev.Reasons, "; "))
	}
}

// TestCompareHardRules: the rules that hold whatever the scores say.
func TestCompareHardRules(t *testing.T) {
	const sitgTitle = "Beteiligungskonferenz zur Entwicklung des sächsischen Integrations- und Teilhabegesetzes (SITG)"
	const sitgIntro = "Mit dem Gesetz soll ab 2024 Integration und Teilhabe von Migrantinnen und Migranten gesetzlich ermöglicht und gefördert werden. In mehreren Fachkonferenzen soll von Mai bis September 2021 gemeinsam mit verschiedenen Akteur*innen aus Sachsen eine Grundlage für das Gesetz erarbeitet werden."
	const treffTitle = "Offener Treff der Werkstatt der Migrant*innenorganisationen"
	const treffText = "Die Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig ist ein Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen. Jeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff."
	tests := []struct {
		name string
		a, b Record
		want Verdict
	}{
		{"SITG: identical title and intro, other date",
			rec("mo", sms, sitgTitle, at(6, 23, 10, 0), online(event.OnlineYes), desc(sitgIntro+" Die dritte Fachkonferenz „Teilhabe und Antidiskriminierung“.")),
			rec("mo", sms, sitgTitle, at(7, 9, 10, 0), online(event.OnlineYes), desc(sitgIntro+" Die Zusatzkonferenz „Flüchtlingssozialarbeit“.")),
			SeriesSibling},
		{"SITG on another date from another organiser",
			rec("mo", sms, sitgTitle, at(6, 23, 10, 0), online(event.OnlineYes), desc(sitgIntro)),
			rec("blog", "Netzwerk Tolerantes Sachsen", sitgTitle, at(7, 14, 10, 0), online(event.OnlineYes), desc(sitgIntro)),
			Different},
		{"Offener Treff, next month",
			rec("wmo", wmo, treffTitle, at(9, 1, 15, 0), dp4, desc(treffText)),
			rec("wmo", wmo, treffTitle, at(10, 6, 15, 0), dp4, desc(treffText)),
			SeriesSibling},
		{"same venue, same day, other title",
			rec("wmo", wmo, treffTitle, at(11, 3, 15, 0), dp4, desc(treffText)),
			rec("wmo", wmo, "Workshop: Ehrenamtliche gewinnen und wertschätzen", at(11, 3, 15, 30), dp4,
				desc("Im November geht es um das Thema Ehrenamtliche. Eine Mitarbeiterin der Freiwilligen-Agentur berichtet.")),
			Different},
		{"same title, same time, other city",
			rec("iq", "IQ Netzwerk Sachsen", "Anerkennung ausländischer Berufsabschlüsse", at(4, 14, 16, 0), place("VHS", "04105", "Leipzig", "leipzig")),
			rec("iq", "IQ Netzwerk Sachsen", "Anerkennung ausländischer Berufsabschlüsse", at(4, 14, 16, 0), place("VHS", "09111", "Chemnitz", "chemnitz")),
			SeriesSibling},
		{"day two of a two-day event",
			rec("dhmd", "Deutsches Hygiene-Museum Dresden", "Kongress: Einheit in Vielfalt?", at(5, 20, 0, 0), allDay, end(at(5, 21, 0, 0)),
				place("Deutsches Hygiene-Museum", "01069", "Dresden", "dresden")),
			rec("adb", "Deutsches Hygiene-Museum Dresden", "Kongress „Einheit in Vielfalt?“ (2. Tag)", at(5, 21, 9, 0),
				place("Hygiene-Museum", "01069", "Dresden", "dresden")),
			Same},
		{"next day without a multi-day span",
			rec("dhmd", "Deutsches Hygiene-Museum Dresden", "Kongress: Einheit in Vielfalt?", at(5, 20, 9, 0)),
			rec("adb", "Deutsches Hygiene-Museum Dresden", "Kongress: Einheit in Vielfalt?", at(5, 21, 9, 0)),
			SeriesSibling},
		{"no date", rec("a", "", "Fachtag Ehrenamt", time.Time{}), rec("b", "", "Fachtag Ehrenamt", time.Time{}), Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Compare(tt.a, tt.b)
			if ev.Verdict != tt.want {
				t.Errorf("verdict %v, want %v (score %.3f): %s", ev.Verdict, tt.want, ev.Score, strings.Join(ev.Reasons, "; "))
			}
			if back := Compare(tt.b, tt.a); back.Verdict != ev.Verdict || back.Score != ev.Score {
				t.Errorf("not symmetric: %v %.4f vs %v %.4f", ev.Verdict, ev.Score, back.Verdict, back.Score)
			}
			if len(ev.Reasons) == 0 {
				t.Error("no reasons given")
			}
		})
	}
}

func TestBestMatch(t *testing.T) {
	r := rec("nts", wmo, "Offener Treff – Werkstatt der Migrant:innenorganisationen Leipzig", at(9, 1, 15, 0),
		place("DP4", "", "Leipzig", "leipzig"))
	sept := rec("wmo", wmo, "Offener Treff der Werkstatt der Migrant*innenorganisationen", at(9, 1, 15, 0), dp4)
	sept.ID = 9
	oct := sept
	oct.ID, oct.Draft.Start = 10, at(10, 6, 15, 0)
	other := rec("wmo", wmo, "Workshop: Ehrenamtliche gewinnen", at(9, 1, 17, 30), dp4)
	other.ID = 11

	for _, cands := range [][]Record{{oct, sept, other}, {other, sept, oct}} {
		best, ev, ok := BestMatch(r, cands)
		if !ok || best.ID != 9 || ev.Verdict != Same {
			t.Errorf("BestMatch = id %d ok %v verdict %v, want the September Treff", best.ID, ok, ev.Verdict)
		}
	}
	best, ev, ok := BestMatch(r, []Record{oct, other})
	if ok || ev.Verdict == Same {
		t.Errorf("without the September Treff: ok %v verdict %v, want no match", ok, ev.Verdict)
	}
	if best.ID != 10 {
		t.Errorf("near miss = id %d, want the October Treff (highest score)", best.ID)
	}
	if _, _, ok := BestMatch(r, nil); ok {
		t.Error("no candidates must not match")
	}
}

// TestCompareMirrorCrossPosts: cross-posts and hard negatives of the
// offline mirror (internal/demosites), as the normaliser drafts them.
func TestCompareMirrorCrossPosts(t *testing.T) {
	const iaf = "Verband binationaler Familien und Partnerschaften, iaf e.V. Leipzig"
	const tippsTitle = "Internationale Wochen gegen Rassismus: Unsere Tipps für Leipzig"
	const tippsText = "Vom 15. bis 28. März 2021 laufen die Internationalen Wochen gegen Rassismus, Motto: „Solidarität. Grenzenlos.“ Coronabedingt ist vieles online – hier unsere Tipps:\nDie Cinémathèque zeigt den Film „Spendier mir einen Çay und ich erzähl dir alles“ – zwei Wochen lang kostenlos im Stream.\nFr, 19.3., 19 Uhr: Gesprächsrunde „Liebe…grenzenlos?“ über mehrkulturelle Beziehungen (online, mehr dazu in unserem nächsten Post)."
	const iwgrText = "Die diesjährigen Internationalen Wochen gegen Rassismus finden vom 15. – 28. März 2021 statt. Das vorgeschlagene Motto heißt: „Solidarität. Grenzenlos.“."
	tipps := rec("blog", "", tippsTitle, at(3, 15, 0, 0), allDay, end(at(3, 28, 0, 0)), online(event.OnlineYes),
		place("", "", "", "leipzig"), desc(tippsText))
	iwgr := rec("mo", iaf, "Internationale Wochen gegen Rassismus 2021", at(3, 15, 0, 0), allDay, end(at(3, 28, 0, 0)),
		place("", "", "", "leipzig"), desc(iwgrText))
	film := rec("mo", iaf, "Dokumentarfilm „Spendier mir einen Çay und ich erzähl dir alles“", at(3, 15, 0, 0), allDay,
		end(at(3, 28, 0, 0)), online(event.OnlineYes), place("", "", "", "leipzig"),
		desc("Im Rahmen der Internationalen Wochen gegen Rassismus zeigt die Cinémathèque Leipzig den Dokumentarfilm \"Spendier mir einen Çay und ich erzähl dir alles\". Der Film kann vom 15.-28. März kostenlos gestreamt werden."))
	const treffText = "Die \"Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig\" ist ein neuer Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen. Jeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff."
	tests := []struct {
		name string
		a, b Record
		want Verdict
	}{
		{"AG MO: all-day page vs blog with time, venue only in the blog's text",
			rec("mo", iaf, "AG Migrant*innenorganisationen im September", at(9, 13, 0, 0), allDay,
				place("Werk 2", "", "Leipzig", "leipzig"),
				desc("wir laden Sie und euch herzlich zur AG Migrant*innenorganisationen am Montag, 13. September 2021 ein. Das Treffen findet im Werk 2 in Leipzig-Connewitz statt. Das Ziel ist wieder der Austausch über Aktuelles, Herausforderungen, Projekte, Erfolge etc.")),
			rec("blog", "", "AG MO trifft sich am 13.9. im Werk 2", at(9, 13, 18, 30), place("", "", "", "leipzig"),
				desc("Endlich wieder in echt: Die AG Migrant*innenorganisationen trifft sich am Mo, 13. September, ab 18:30 im Werk 2 (Kochstraße 132) in Connewitz. Austausch über Aktuelles, Projekte, Erfolge – und neue Vereine kennenlernen.")),
			Same},
		{"Bufdi is the Bundesfreiwilligendienst",
			rec("mo", iaf, "Informationsveranstaltung zum Bundesfreiwilligendienst", at(10, 21, 17, 0), end(at(10, 21, 19, 0)),
				online(event.OnlineHybrid), dp4,
				desc("am 21.10.2021 findet unsere Informationsveranstaltung zum Bundesfreiwilligendienst statt. Auch Vereine, die noch keine Bundesfreiwilligen haben, erhalten hilfreiche Informationen.")),
			rec("blog", "", "Bufdi im Verein? Infoveranstaltung", at(10, 21, 17, 0), end(at(10, 21, 19, 0)), online(event.OnlineYes),
				desc("Ihr überlegt, ob euer Verein Bundesfreiwillige aufnehmen kann? Die Werkstatt der Migrant:innenorganisationen informiert am Do, 21. Oktober, 17–19h im DP4 (Deutscher Platz 4) – oder per Zoom.")),
			Same},
		{"a calendar that names itself organiser; its text names the DSM",
			rec("mo", "Dachverband sächsischer Migrantenorganisationen (DSM)",
				"Migration – Macht – Gesellschaft: Was steht mit den Förderkürzungen auf dem Spiel?", at(11, 18, 18, 0),
				end(at(11, 18, 20, 0)), online(event.OnlineYes),
				desc("Eine Veranstaltung des Dachverbandes sächsischer Migrantenorganisationen (DSM) - im Rahmen der Veranstaltungsreihe „Migration – Macht – Gesellschaft“. Im Jahr 2021 wurden diese Förderungen radikal gekürzt.")),
			rec("adb", "Antidiskriminierungsbüro Sachsen e.V.", "Podium: Förderkürzungen und ihre Folgen für Migrant*innenorganisationen",
				at(11, 18, 18, 0), end(at(11, 18, 20, 0)), online(event.OnlineYes),
				desc("Die Kürzungen bei der Richtlinie „Integrative Maßnahmen“ und der Kommunalpauschale treffen vor allem kleine Organisationen. Der DSM diskutiert im Rahmen seiner Reihe „Migration – Macht – Gesellschaft“.")),
			Same},
		{"iCalendar's exclusive all-day end, LOCATION Sachsen",
			iwgr,
			rec("nts", "Netzwerk Tolerantes Sachsen", "Internationale Wochen gegen Rassismus 2021 in Sachsen", at(3, 15, 0, 0), allDay,
				end(at(3, 27, 0, 0)), place("Sachsen", "", "", ""),
				desc(iwgrText+"\nAuch in Sachsen beteiligen sich viele Mitglieder des Netzwerks mit Lesungen, Filmen und Gesprächsrunden.")),
			Same},
		{"round-up post: its campaign entry", tipps, iwgr, Same},
		{"round-up post and a film it lists: no title word in common", tipps, film, Different},
		{"umbrella and its sub-event over the same days", iwgr, film, Different},
		{"an evening inside two weeks of campaign",
			rec("blog", "", tippsTitle, at(3, 19, 19, 0), online(event.OnlineYes), place("", "", "", "leipzig"), desc(tippsText)),
			iwgr, Different},
		{"Fragestunde and Offener Treff: same day, same hour, both online",
			rec("mo", "Netzwerk Tolerantes Sachsen", "Fragestunde zur Förderrunde „Integrative Maßnahmen“ – online", at(7, 7, 15, 0),
				end(at(7, 7, 17, 0)), place("", "", "", "leipzig"),
				desc("Wir freuen uns sehr, dass Frau Zimmermann (SMS) und Frau Wöhnl (SAB) sich die Zeit nehmen, die Fragen der Projektträger zur aktuellen Förderrunde zu beantworten.")),
			rec("mo2", iaf, "Offener Treff der Werkstatt der Migrant*innenorganisationen – Juli", at(7, 7, 15, 0),
				end(at(7, 7, 17, 0)), online(event.OnlineYes), place("", "", "", "leipzig"), desc(treffText)),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Compare(tt.a, tt.b)
			if ev.Verdict != tt.want {
				t.Errorf("verdict %v, want %v (score %.3f, %s): %s", ev.Verdict, tt.want, ev.Score, roundParts(ev.Parts),
					strings.Join(ev.Reasons, "; "))
			}
		})
	}
}

// TestComparePartsMentions: what one text says about the other's organiser
// and venue.
func TestComparePartsMentions(t *testing.T) {
	werk2 := rec("mo", wmo, "AG Migrant*innenorganisationen", at(9, 13, 18, 0), place("Werk 2", "", "Leipzig", "leipzig"))
	for _, tt := range []struct {
		name  string
		text  string
		place float64
	}{
		{"venue named", "Die AG trifft sich ab 18:30 im Werk 2 in Connewitz.", venueMentioned},
		{"venue not named", "Die AG trifft sich ab 18:30 in Connewitz.", 0.5},
	} {
		other := rec("blog", "", "AG MO", at(9, 13, 18, 30), desc(tt.text))
		if p := score(prepare(werk2), prepare(other), false); p.place != tt.place {
			t.Errorf("%s: place = %v, want %v", tt.name, p.place, tt.place)
		}
	}
	dsmEvent := rec("dsm", dsm+" e. V.", "Förderkürzungen", at(11, 18, 18, 0))
	for _, tt := range []struct {
		name, org, text string
		want            float64
	}{
		{"abbreviation of the same organiser", "DSM", "", 1},
		{"other organiser, names the DSM", "Antidiskriminierungsbüro Sachsen e.V.", "Der DSM diskutiert.", orgMentioned},
		{"other organiser, names it in full", "Antidiskriminierungsbüro Sachsen e.V.", "Eine Veranstaltung des Dachverbandes sächsischer Migrantenorganisationen.", orgMentioned},
		{"other organiser", "Antidiskriminierungsbüro Sachsen e.V.", "Wir diskutieren.", 0},
	} {
		other := rec("adb", tt.org, "Podium: Förderkürzungen", at(11, 18, 18, 0), desc(tt.text))
		if p := score(prepare(dsmEvent), prepare(other), false); p.org != tt.want {
			t.Errorf("%s: organizer = %v, want %v", tt.name, p.org, tt.want)
		}
	}
}
