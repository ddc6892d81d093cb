package topics

import (
	"reflect"
	"sort"
	"testing"
)

func TestTaxonomy(t *testing.T) {
	want := []string{"training", "networking", "counselling", "health", "funding", "volunteering",
		"antidiscrimination", "participation_politics", "culture_media", "work_recognition", "asylum_refuge",
		"youth", "gender", "law_association", "family"}
	var got []string
	for _, tp := range All() {
		got = append(got, tp.Slug)
		if tp.NameDE == "" || tp.NameEN == "" {
			t.Errorf("%s: missing display name", tp.Slug)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("slugs = %v", got)
	}
	// every topic has positive rules
	pos := map[string]int{}
	for _, r := range Rules() {
		if r.Weight > 0 {
			pos[r.Topic]++
		}
	}
	for _, s := range want {
		if pos[s] < 5 {
			t.Errorf("topic %s has only %d positive rules", s, pos[s])
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		title, text string
		want        []string // as a set
	}{
		{"", "Das Projekt \"Bewusst - Gesund - Aktiv: Gesundheitsförderung für und von Migrant*innen\" präsentiert: Workshopreihe zur psychischen Gesundheit von und für Migrant*innen auf Deutsch, Spanisch und Arabisch. Ein Angebot des Verbandes binationaler Familien und Partnerschaften, iaf e.V., Geschäfts- und Beratungsstelle Leipzig",
			[]string{"health"}},
		{"", "Frauen* sind auf dem Arbeitsmarkt weiterhin schlechter gestellt als Männer. Der Gender Pay Gap scheint wie in Stein gemeißelt. Dies gilt umso mehr für Menschen, die neben Benachteiligungen aufgrund des Geschlechts weitere Diskriminierungen erfahren: Frauen* mit Flucht- und Migrationsgeschichte sind auf dem Arbeitsmarkt noch einmal deutlich schlechter gestellt als Frauen* ohne Flucht- und Migrationsgeschichte.\nDas Thema des Runden Tisches am 27. Mai 2021 ist: Migration und Gender Pay Gap – Frauen* mit Flucht- und Migrationsgeschichte in der Corona-Pandemie",
			[]string{"gender", "asylum_refuge", "work_recognition"}},
		{"Informationsveranstaltung zum Bundesfreiwilligendienst", "Der Bundesfreiwilligendienst ist eine gute Möglichkeit, mit engagierten Freiwilligen die Vereins- und Projektarbeit zu unterstützen. Auch für bisher ehrenamtlich Aktive kann der Bundesfreiwilligendienst eine gute Option sein.",
			[]string{"volunteering"}},
		{"", "Der Workshop stellt die steuerlichen und buchhalterischen Besonderheiten gemeinnütziger Vereine dar und gibt praxisnahe Anleitungen für die Vereinsverwaltung.",
			[]string{"law_association", "training"}},
		{"", "Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen. In jeder Sendung spielen wir handverlesene Musik.",
			[]string{"culture_media"}},
		// a public theme day with things to join in
		{"Thementag Partnerstädte", "Auf dem Marktplatz gibt es Mitmachangebote für Groß und Klein.",
			[]string{"culture_media"}},
		{"", "Das Wetter ist schön.", nil},
		// right-wing extremism in its usual wordings
		{"Die extreme Rechte im ländlichen Raum", "Ein Vortrag über Strukturen und Strategien.", []string{"antidiscrimination"}},
		{"", "Zehn Jahre nach der Selbstenttarnung des NSU: rechtsradikale Netzwerke und rechter Terror in Sachsen heute.", []string{"antidiscrimination"}},
		// no topic reaches MinScore: the strongest weak one is offered alone
		{"Sommerabend im Hof", "Wir grillen und freuen uns auf neue Kontakte.", []string{"networking"}},
	}
	for _, tt := range tests {
		got := Slugs(Classify(tt.title, tt.text))
		sort.Strings(got)
		want := append([]string(nil), tt.want...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("Classify(%.50q) = %v, want %v\nscores: %+v", tt.text, got, want, Score(tt.title, tt.text))
		}
	}
}

func TestSelectWeak(t *testing.T) {
	tests := []struct {
		scores []Match
		want   []string
	}{
		{nil, nil},
		{[]Match{{Slug: "health", Score: 0.5}}, nil},
		{[]Match{{Slug: "health", Score: 2}, {Slug: "family", Score: 1}}, []string{"health"}},
		{[]Match{{Slug: "health", Score: 4}, {Slug: "family", Score: 2}}, []string{"health"}},
		{[]Match{{Slug: "health", Score: 4}, {Slug: "family", Score: 3}}, []string{"health", "family"}},
	}
	for _, tt := range tests {
		if got := Slugs(Select(tt.scores)); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("Select(%+v) = %v, want %v", tt.scores, got, tt.want)
		}
	}
}
