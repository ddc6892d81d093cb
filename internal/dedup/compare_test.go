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
