package languages

import (
	"reflect"
	"strings"
	"testing"
)

func codes(m Mentions) []string {
	var out []string
	for _, n := range m.Named {
		c := n.Code
		if n.Translation {
			c += "*"
		}
		out = append(out, c)
	}
	return out
}

func TestFindMentions(t *testing.T) {
	tests := []struct {
		text    string
		want    []string // "*" marks translation
		unnamed int
	}{
		// seeds
		{"Workshopreihe zur psychischen Gesundheit von und für Migrant*innen auf Deutsch, Spanisch und Arabisch", []string{"de", "es", "ar"}, 0},
		{"Beratungen sind in folgenden Sprachen möglich:\nSorbisch, Russisch, Englisch, Deutsch", []string{"hsb", "ru", "en", "de"}, 0},
		{"Wir bieten 5 Treffen in 5 verschiedenen Sprachen an.", nil, 5},
		{"Ein Projekt des Deutsch-Russischen Hilfswerks zur Heiligen Alexandra e. V.", nil, 0},
		{"Selbstbezeichnung als BIPoC, Schwarze Deutsche, Sintizze und Romnja", nil, 0},
		// other forms
		// A sentence about interpreting makes every language in it one on top of the text's own.
		{"Der Vortrag wird ins Arabische und ins Persische übersetzt.", []string{"ar*", "fa*"}, 0},
		{"Deshalb wird die Veranstaltung auch auf Vietnamesisch übersetzt.", []string{"vi*"}, 0},
		{"Eine Flüsterübersetzung ins Ukrainische kann angeboten werden.", []string{"uk*"}, 0},
		{"Die Veranstaltung wird persisch-deutsch gedolmetscht.", []string{"fa*", "de*"}, 0},
		{"Sprachmittlerinnen für Arabisch, Farsi und Urdu übersetzen die Vorträge.", []string{"ar*", "fa*", "ur*"}, 0},
		{"Many children speak a language other than German in their family.", nil, 0},
		{"The workshop will be held in English, the participants are invited to speak Arabic, Frensh, Spanish, and German.", []string{"en", "ar", "fr", "es", "de"}, 0},
		// Material and adjectives of things name no language of the event.
		{"Das Programm steht in den Sprachen Deutsch, Englisch und Arabisch zum Download zur Verfügung.", nil, 0},
		{"Man kann sich in chinesischer Kalligraphie üben.", nil, 0},
		{"Die Lesung findet in arabischer Sprache statt.", []string{"ar"}, 0},
		{"Mit Verdolmetschung in Arabisch, Farsi und Tigrinya.", []string{"ar*", "fa*", "ti*"}, 0},
		{"Die Veranstaltung findet in deutscher Sprache statt.", []string{"de"}, 0},
		{"Der Abend findet auf Arabisch mit deutscher Übersetzung statt.", []string{"ar*", "de*"}, 0},
		{"Sprache: DE/EN", []string{"de", "en"}, 0},
		{"für arabischsprachige Eltern", []string{"ar"}, 0},
		{"The workshop will be held in English.", []string{"en"}, 0},
		{"Встреча проходит на русском и украинском языках.", []string{"ru", "uk"}, 0},
		{"Zur Geschichte der deutschen Einheit in Sachsen. Englisch lernen macht Spaß.", nil, 0},
		{"Ein mehrsprachiges Angebot: mehrsprachig für alle.", nil, 2},
		{"Beratung auf Ukrainisch und Russisch, Leichte Sprache auf Nachfrage", []string{"uk", "ru"}, 0},
	}
	for _, tt := range tests {
		m := FindMentions(tt.text)
		if got := codes(m); !reflect.DeepEqual(got, tt.want) || m.Unnamed != tt.unnamed {
			t.Errorf("FindMentions(%q) = %v unnamed %d, want %v unnamed %d", tt.text, got, m.Unnamed, tt.want, tt.unnamed)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Die \"Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig\" ist ein neuer Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen.", []string{"de"}},
		{"Приглашаем всех желающих на встречу русскоязычных родителей. Мы поговорим о школе, детском саде и поддержке семей.", []string{"ru"}},
		{"Запрошуємо всіх охочих на зустріч українських батьків. Ми поговоримо про школу, дитячий садок і підтримку сімей.", []string{"uk"}},
		{"ندعوكم إلى لقاء للتعارف وتبادل الخبرات بين الجمعيات والمبادرات في مدينة لايبزيغ", []string{"ar"}},
		{"We invite all volunteers to our networking evening. Please register by email, the number of places is limited and we are looking forward to meeting you.", []string{"en"}},
		{"Einladung zum Elternabend der Kita. Wir sprechen über die Schule und die Kita, über Hausaufgaben und über die Ferien.\nПриглашаем родителей на встречу. Мы поговорим о школе и детском саде.", []string{"de", "ru"}},
		{"kurz", nil},
		// bilingual German/English, Polish and Upper Sorbian letters
		{"Die Führung zeigt die Spuren der Kolonialzeit in der Stadt und wir sprechen über die Geschichte mit euch.\nThe tour shows the traces of the colonial era in the city and we talk about the history of the city with you.", []string{"de", "en"}},
		{"Spotkanie odbędzie się w Domu Kultury. Wstęp wolny, należy zgłaszać się przez formularz. Będzie też tłumaczenie, więc zapraszamy wszystkich sąsiadów zza Nysy.", []string{"pl"}},
		{"Prěni Serbski wječork po přestawce. Wuměna mjez ludźimi we wšelakich regionach, kotřiž so za serbsku rěč angažuja, wotměje so we wsy. Přeprosyli su hosći a směrnicy.", []string{"hsb"}},
	}
	for _, tt := range tests {
		if got := Detect(tt.text).Codes; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Detect(%.40q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestNames(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range All() {
		if seen[l.Code] || l.NameDE == "" || l.NameEN == "" {
			t.Errorf("bad or duplicate language %+v", l)
		}
		seen[l.Code] = true
		if len(l.Code) != 2 && l.Code != "hsb" && l.Code != "dsb" {
			t.Errorf("code %q is not ISO 639-1", l.Code)
		}
	}
	for word, code := range names {
		if !seen[code] {
			t.Errorf("names[%q] = %q: no display name", word, code)
		}
	}
	if de, en, ok := Name("hsb"); !ok || de != "Obersorbisch" || !strings.Contains(en, "Sorbian") {
		t.Errorf("Name(hsb) = %q %q %v", de, en, ok)
	}
}
