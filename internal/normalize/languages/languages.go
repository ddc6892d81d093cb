// Package languages finds the languages an event is held in: explicit
// mentions ("auf Deutsch, Spanisch und Arabisch", "Beratungen sind in
// folgenden Sprachen möglich: Sorbisch, Russisch") and the language of the
// text itself (script and stopwords). Codes are ISO 639-1, plus "hsb" for
// Upper Sorbian and "dsb" for Lower Sorbian, which have no two-letter code.
package languages

import "sort"

// Language is a language with its display names.
type Language struct {
	Code   string
	NameDE string
	NameEN string
}

// all is the list of languages Treffpunkt knows by name. The order is the
// display order of the API.
var all = []Language{
	{"de", "Deutsch", "German"},
	{"en", "Englisch", "English"},
	{"ar", "Arabisch", "Arabic"},
	{"fa", "Persisch (Farsi/Dari)", "Persian (Farsi/Dari)"},
	{"ru", "Russisch", "Russian"},
	{"uk", "Ukrainisch", "Ukrainian"},
	{"tr", "Türkisch", "Turkish"},
	{"ku", "Kurdisch", "Kurdish"},
	{"ps", "Paschtu", "Pashto"},
	{"ti", "Tigrinya", "Tigrinya"},
	{"so", "Somali", "Somali"},
	{"am", "Amharisch", "Amharic"},
	{"fr", "Französisch", "French"},
	{"es", "Spanisch", "Spanish"},
	{"pt", "Portugiesisch", "Portuguese"},
	{"it", "Italienisch", "Italian"},
	{"pl", "Polnisch", "Polish"},
	{"cs", "Tschechisch", "Czech"},
	{"ro", "Rumänisch", "Romanian"},
	{"bg", "Bulgarisch", "Bulgarian"},
	{"sq", "Albanisch", "Albanian"},
	{"sr", "Serbisch", "Serbian"},
	{"hr", "Kroatisch", "Croatian"},
	{"bs", "Bosnisch", "Bosnian"},
	{"el", "Griechisch", "Greek"},
	{"hu", "Ungarisch", "Hungarian"},
	{"ka", "Georgisch", "Georgian"},
	{"hy", "Armenisch", "Armenian"},
	{"az", "Aserbaidschanisch", "Azerbaijani"},
	{"vi", "Vietnamesisch", "Vietnamese"},
	{"zh", "Chinesisch", "Chinese"},
	{"hi", "Hindi", "Hindi"},
	{"ur", "Urdu", "Urdu"},
	{"ta", "Tamil", "Tamil"},
	{"bn", "Bengalisch", "Bengali"},
	{"ja", "Japanisch", "Japanese"},
	{"ko", "Koreanisch", "Korean"},
	{"nl", "Niederländisch", "Dutch"},
	{"he", "Hebräisch", "Hebrew"},
	{"sw", "Swahili", "Swahili"},
	{"hsb", "Obersorbisch", "Upper Sorbian"},
	{"dsb", "Niedersorbisch", "Lower Sorbian"},
}

// All returns the known languages in display order.
func All() []Language {
	return append([]Language(nil), all...)
}

// Name returns the German and English display names of a code.
func Name(code string) (de, en string, ok bool) {
	for _, l := range all {
		if l.Code == code {
			return l.NameDE, l.NameEN, true
		}
	}
	return "", "", false
}

// Valid reports whether code is a known language code.
func Valid(code string) bool {
	_, _, ok := Name(code)
	return ok
}

// Sort orders codes alphabetically and removes duplicates, so the same set
// is always written the same way.
func Sort(codes []string) []string {
	sort.Strings(codes)
	out := codes[:0]
	for i, c := range codes {
		if i == 0 || c != codes[i-1] {
			out = append(out, c)
		}
	}
	return out
}
