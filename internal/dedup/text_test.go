package dedup

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sächsische Förderrichtlinie „Integrative Maßnahmen“", "saechsische foerderrichtlinie integrative massnahmen"},
		{"Migrant*innen-Organisationen", "migrantinnen organisationen"},
		{"Migrant:innenorganisationen", "migrantinnenorganisationen"},
		{"Multiplikator_innen", "multiplikatorinnen"},
		{"Migrant/-innen", "migrantinnen"},
		{"MigrantInnen", "migrantinnen"},
		{"Cinémathèque Leipzig", "cinematheque leipzig"},
		{"Spendier mir einen Çay…", "spendier mir einen cay"},
		{"Liebe…grenzenlos?", "liebe grenzenlos"},
		{"14:00–16:00 Uhr", "14 00 16 00 uhr"},
		{"Ort: DP4 – Zentrum für Engagement", "ort dp4 zentrum fuer engagement"},
		{"Дом культуры", "дом культуры"},
		// a colon after a word that does not continue with "in" stays a separator
		{"Datum: Ort: Online", "datum ort online"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTitleWords covers the title normalisation: dates, times, weekdays,
// pipes, stop words and the record's own city go, the rest is folded.
func TestTitleWords(t *testing.T) {
	tests := []struct{ title, city, want string }{
		{"04.12.2021 | Fördermittelakquisition für Vereine und Initiativen (DSM)", "Dresden",
			"foerdermittelakquisition vereine initiativen dsm"},
		{"Sa, 4.12., 10 Uhr: Fördermittel-Workshop in Dresden", "Dresden", "foerdermittel workshop"},
		{"Offener Treff – Werkstatt der Migrant:innenorganisationen Leipzig", "Leipzig", "offener treff wmo"},
		// abbreviations as their canonical word (aliases.txt); "Mo" is Monday
		{"AG MO trifft sich am 13.9. im Werk 2", "", "ag migrantenorganisation trifft werk"},
		{"Mo, 13.9.: AG Migrant*innenorganisationen", "", "ag migrantinnenorganisationen"},
		{"Bufdi im Verein? Infoveranstaltung", "", "bundesfreiwilligendienst verein infoveranstaltung"},
		{"11. Fachtag Ehrenamt", "Schneeberg", "fachtag ehrenamt"},
		{"Fachtag Ehrenamt 2021 in Schneeberg", "Schneeberg", "fachtag ehrenamt"},
		{"24.11. | Werkstattgespräche „Integrative Maßnahmen“: Leipzig", "",
			"werkstattgespraeche integrative massnahmen leipzig"},
		{"Fragestunde am Mittwoch, 7. Juli, 15–17 Uhr", "", "fragestunde"},
		{"Treffen am 3rd of June, 14h", "", "treffen june"},
	}
	for _, tt := range tests {
		if got := strings.Join(titleWords(tt.title, tt.city), " "); got != tt.want {
			t.Errorf("titleWords(%q, %q) = %q, want %q", tt.title, tt.city, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"verein", "vereine", "vereinen", "vereins"},
		{"abschluss", "abschluesse"},
		{"migrantinnen", "migranten"},
		{"berat", "beraterinnen", "berater", "beratern"},
		// compounds that start with a gendered plural
		{"migrantenorganisation", "migrantinnenorganisationen", "migrantenorganisationen"},
		{"beraterteam", "beraterinnenteam"},
		{"fachkonferenz", "fachkonferenzen"},
		{"saechsischen", "saechsische", "saechsischer"},
		{"offener", "offenes", "offene"},
	}
	for _, g := range groups {
		want := stem(g[0])
		for _, w := range g[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q like stem(%q)", w, got, want, g[0])
			}
		}
	}
	for _, pair := range [][2]string{{"workshop", "werkstatt"}, {"binnenmarkt", "benmarkt"}, {"innenstadt", "stadt"}} {
		if stem(pair[0]) == stem(pair[1]) {
			t.Errorf("unrelated words %q and %q must not meet", pair[0], pair[1])
		}
	}
}

func TestFragments(t *testing.T) {
	hs := appendFragments(nil, stem("vereinsfinanzierung"))
	for _, part := range []string{"finanzierung", "vereins"} {
		if !slices.Contains(hs, hash32(stem(part))) && !slices.Contains(hs, hash32(part)) {
			t.Errorf("fragments of vereinsfinanzierung lack %q", part)
		}
	}
	if appendFragments(nil, "treff") != nil {
		t.Error("short words have no fragments")
	}
}

func TestSketchJaccard(t *testing.T) {
	const radio = "Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen, Aspekte rund um die Themen Migration und Integration zu beleuchten."
	a := shingleSketch(words(radio))
	if got := sketchJaccard(a, a); got != 1 {
		t.Errorf("identical text: %v, want 1", got)
	}
	b := shingleSketch(words("Der Workshop stellt die steuerlichen und buchhalterischen Besonderheiten gemeinnütziger Vereine dar."))
	if got := sketchJaccard(a, b); got != 0 {
		t.Errorf("unrelated text: %v, want 0", got)
	}
	// Dates and case do not matter; half the text shared gives about half.
	c := shingleSketch(words(strings.ToUpper(radio) + " Am 21.05.2021 um 19 Uhr senden wir live aus dem Studio im Haus der Demokratie."))
	if got := sketchJaccard(a, c); got < 0.4 || got > 0.7 {
		t.Errorf("half shared: %v, want about 0.5", got)
	}
	// Long texts are estimated from the bottom-k sketch: still symmetric.
	long := strings.Repeat("eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf ", 1) +
		strings.Join(wordsN(400), " ")
	l1, l2 := shingleSketch(words(long)), shingleSketch(words(long+" "+strings.Join(wordsN(100), " x ")))
	if len(l1) != sketchSize {
		t.Fatalf("sketch of a long text has %d hashes, want %d", len(l1), sketchSize)
	}
	if sketchJaccard(l1, l2) != sketchJaccard(l2, l1) {
		t.Error("sketchJaccard is not symmetric")
	}
}

func wordsN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "w" + strings.Repeat("a", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
	}
	return out
}

// TestUndoUmlauts matches strings.Replacer's left-to-right replacement.
func TestUndoUmlauts(t *testing.T) {
	r := strings.NewReplacer("ae", "a", "oe", "o", "ue", "u")
	for _, w := range []string{"", "e", "ae", "abschluesse", "saechsischer", "aue", "uee", "oeae", "foerdermittel", "treff", "eue"} {
		if got, want := undoUmlauts(w), r.Replace(w); got != want {
			t.Errorf("undoUmlauts(%q) = %q, want %q", w, got, want)
		}
	}
}
