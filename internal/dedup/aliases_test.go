package dedup

import (
	"strings"
	"testing"
)

// TestAliasesFile: the data file parses, every canonical word is its own
// stem, and the entries the mirror's cross-posts need are there.
func TestAliasesFile(t *testing.T) {
	lx, err := parseLexicon(aliasesText)
	if err != nil {
		t.Fatal(err)
	}
	phrases, acronyms := 0, 0
	for _, e := range lx.entries {
		phrases += len(e.phrases)
	}
	for _, as := range lx.acronyms {
		acronyms += len(as)
	}
	if acronyms == 0 || phrases == 0 || len(lx.entries) == 0 {
		t.Fatalf("aliases.txt gives %d acronyms, %d phrases, %d stems", acronyms, phrases, len(lx.entries))
	}
	for _, bad := range []string{
		"dsm DSM",                // no "="
		"zwei worte = x",         // canonical of two words
		"vereine = Vereinigung",  // canonical not its own stem
		"dsm = ",                 // empty variant
		"dsm = der",              // variant of stop words only
		"dsm = DS M",             // a word too short to be matched
		"fsj = Jahr\nfbj = Jahr", // a word variant of two concepts
	} {
		if _, err := parseLexicon(bad); err == nil {
			t.Errorf("parseLexicon(%q) accepted a malformed line", bad)
		}
	}
}

func TestExpandAcronyms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AG MO trifft sich", "AG migrantenorganisation trifft sich"},
		{"Werkstatt der MOs (Leipzig)", "Werkstatt der migrantenorganisation (Leipzig)"},
		{"Mo, 13. September", "Mo, 13. September"}, // the weekday
		{"BFD-Stelle", "bundesfreiwilligendienst-Stelle"},
		{"Der DSM lädt ein", "Der DSM lädt ein"}, // folds to its canonical word "dsm" anyway
		{"MOX und XMO", "MOX und XMO"},           // not as a whole word
		{"MOMO", "MOMO"},
		{"AG MO, WMO und BFD: MOs", "AG migrantenorganisation, WMO und bundesfreiwilligendienst: migrantenorganisation"},
		{"Straße über MO", "Straße über migrantenorganisation"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := aliases.expandAcronyms(tt.in); got != tt.want {
			t.Errorf("expandAcronyms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAliasRewrite: phrases meet in any inflection, and an organiser
// written out, abbreviated or with its legal form is one name.
func TestAliasRewrite(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Eine Veranstaltung des Dachverbandes sächsischer Migrantenorganisationen", "veranstaltung dsm"},
		{"Bundesfreiwilligen-Dienst im Verein", "bundesfreiwilligendienst verein"},
		{"Werkstatt der Migrant:innenorganisationen", "wmo"},
		{"Fachtag Ehrenamt", "fachtag ehrenamt"},
	} {
		var ws []string
		for _, w := range words(aliases.expandAcronyms(tt.in)) {
			if !stopWords[w] {
				ws = append(ws, w)
			}
		}
		if got := strings.Join(aliases.rewrite(ws), " "); got != tt.want {
			t.Errorf("rewrite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, group := range [][]string{
		{"Dachverband sächsischer Migrantenorganisationen e. V.", "Dachverband sächsischer Migrantenorganisationen (DSM)", "DSM"},
		{"Antidiskriminierungsbüro Sachsen e.V.", "ADB Sachsen", "ADB"},
		{"Verband binationaler Familien und Partnerschaften, iaf e.V.", "Verband binationaler Familien und Partnerschaften iaf e. V."},
	} {
		want := normOrganizer(group[0])
		for _, o := range group[1:] {
			if got := normOrganizer(o); got != want && !(strings.Contains(got, want) || strings.Contains(want, got)) {
				t.Errorf("normOrganizer(%q) = %q, want %q like %q", o, got, want, group[0])
			}
		}
	}
}
