package dedup

import (
	"slices"
	"strings"
	"testing"
)

// From seed 003: the radio-show paragraph the site appends to its pages,
// and event texts of the same site.
const (
	radioShow = "Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen, Aspekte rund um die Themen Migration und Integration zu beleuchten und alles in den Fokus zu rücken, was uns darüber hinaus noch interessiert. Dazu laden wir nach Möglichkeit Gäste in unsere Live-Sendungen ein und sprechen eine Stunde lang mit ihnen. In jeder Sendung spielen wir handverlesene Musik."
	werkstatt = "Die \"Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig\" ist ein neuer Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen."
)

var sitePages = []string{
	"Beteiligungskonferenz zur Entwicklung des sächsischen Integrations- und Teilhabegesetzes (SITG)\n" +
		"Die erste Fachkonferenz \"Migrantisches Leben in Sachsen\" am 21. Mai 2021 dient dazu, Herausforderungen gelingender Integration aus Sicht von Migrant*innen zu diskutieren.\n" +
		radioShow,
	werkstatt + "\nJeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff - als Treffpunkt der Migrant*innen-Organisationen - zum Austausch zu aktuellen Themen.\n\n" +
		radioShow + "\n",
	"Das Thema des Runden Tisches am 27. Mai 2021 ist: Migration und Gender Pay Gap – Frauen* mit Flucht- und Migrationsgeschichte in der Corona-Pandemie\n" +
		"Eine Veranstaltung von DaMigra - Dachverband der Migrantinnenorganisationen\nDatum:\nOrt: Online",
	werkstatt + "\nAktuell finden die Offenen Treffs noch online statt - nach Anmeldung erhalten Sie einen Link zur Teilnahme.\n" +
		// re-typed by the site: other quotes and spacing, same paragraph
		strings.ReplaceAll(radioShow, "Live-Sendungen", "Live–Sendungen ") + "\nDatum:\nOrt: Online",
	"Wir freuen uns sehr, dass Frau Zimmermann und Frau Wöhnl sich die Zeit nehmen, die Fragen der Projektträger zur aktuellen Förderrunde zu beantworten.\n" +
		radioShow + "\nDatum:\nOrt: Online",
	"In diesem Workshop werden die wichtigsten Fragen rund um die Themen Selbstorganisierung und rechtliche Basics der Vereinsgründung bearbeitet.\nDatum:\nOrt: Online",
}

func TestLearnBoilerplate(t *testing.T) {
	b := LearnBoilerplate(sitePages, 3, 0.3)
	got := b.Paragraphs()
	if len(got) != 1 || got[0] != radioShow {
		t.Fatalf("boilerplate = %q, want only the radio-show paragraph", got)
	}

	stripped := b.Strip(sitePages[3])
	if strings.Contains(stripped, "Radiosendung") {
		t.Errorf("re-typed radio paragraph not stripped:\n%s", stripped)
	}
	for _, keep := range []string{werkstatt, "Aktuell finden die Offenen Treffs noch online statt", "Datum:", "Ort: Online"} {
		if !strings.Contains(stripped, keep) {
			t.Errorf("event text %q lost:\n%s", keep, stripped)
		}
	}
	// Blank lines left by the removed paragraph collapse; nothing trails.
	if s := b.Strip(sitePages[1]); strings.Contains(s, "\n\n") || strings.HasSuffix(s, "\n") {
		t.Errorf("stripped text keeps empty lines: %q", s)
	}
	if s := b.Strip(sitePages[5]); s != sitePages[5] {
		t.Errorf("page without boilerplate changed:\n%q\n%q", s, sitePages[5])
	}
}

func TestLearnBoilerplateThresholds(t *testing.T) {
	// The Werkstatt intro is on 2 of 6 pages: boilerplate only when the site
	// is allowed to repeat a paragraph on as few as 2 pages and a third of them.
	if ps := LearnBoilerplate(sitePages, 2, 0.3).Paragraphs(); !slices.Contains(ps, werkstatt) {
		t.Errorf("minPages 2: %q lacks the Werkstatt intro", ps)
	}
	if ps := LearnBoilerplate(sitePages, 2, 0.5).Paragraphs(); slices.Contains(ps, werkstatt) {
		t.Error("share 0.5: the Werkstatt intro (2 of 6 pages) is not boilerplate")
	}
	if ps := LearnBoilerplate(sitePages, 5, 0.1).Paragraphs(); len(ps) != 0 {
		t.Errorf("minPages 5: %q, want none (the radio show is on 4 pages)", ps)
	}
	// Short lines repeated everywhere ("Datum:", "Ort: Online") are never boilerplate.
	for _, p := range LearnBoilerplate(sitePages, 1, 0).Paragraphs() {
		if strings.HasPrefix(p, "Datum") || strings.HasPrefix(p, "Ort") {
			t.Errorf("short line %q learned as boilerplate", p)
		}
	}
}

func TestBoilerplateFromPersisted(t *testing.T) {
	b := BoilerplateFrom(LearnBoilerplate(sitePages, 3, 0.3).Paragraphs())
	if s := b.Strip(sitePages[0]); strings.Contains(s, "Radiosendung") || !strings.Contains(s, "Fachkonferenz") {
		t.Errorf("persisted boilerplate strips wrongly:\n%s", s)
	}
	var none *Boilerplate
	if none.Strip(sitePages[0]) != sitePages[0] || none.Paragraphs() != nil {
		t.Error("a nil Boilerplate must strip nothing")
	}
	if len(BoilerplateFrom([]string{"Datum:", radioShow, radioShow}).Paragraphs()) != 1 {
		t.Error("short and duplicate paragraphs must be dropped")
	}
}
