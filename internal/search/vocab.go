package search

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Term is a value of a filter with its German and English display names.
type Term struct {
	Slug   string
	NameDE string
	NameEN string
}

// Name returns the display name in lang ("de" or "en"; German otherwise).
func (t Term) Name(lang string) string {
	if lang == "en" {
		return t.NameEN
	}
	return t.NameDE
}

// regions are the 13 districts in the order of event.Regions. The names
// follow the gazetteer's regions.csv; this table moves to
// internal/normalize once that exports them.
var regions = map[string]Term{
	"chemnitz":                          {"chemnitz", "Chemnitz", "Chemnitz"},
	"erzgebirgskreis":                   {"erzgebirgskreis", "Erzgebirgskreis", "Ore Mountains District"},
	"mittelsachsen":                     {"mittelsachsen", "Landkreis Mittelsachsen", "Central Saxony District"},
	"vogtlandkreis":                     {"vogtlandkreis", "Vogtlandkreis", "Vogtland District"},
	"zwickau":                           {"zwickau", "Landkreis Zwickau", "Zwickau District"},
	"dresden":                           {"dresden", "Dresden", "Dresden"},
	"bautzen":                           {"bautzen", "Landkreis Bautzen", "Bautzen District"},
	"goerlitz":                          {"goerlitz", "Landkreis Görlitz", "Görlitz District"},
	"meissen":                           {"meissen", "Landkreis Meißen", "Meissen District"},
	"saechsische-schweiz-osterzgebirge": {"saechsische-schweiz-osterzgebirge", "Landkreis Sächsische Schweiz-Osterzgebirge", "Saxon Switzerland-Eastern Ore Mountains District"},
	"leipzig":                           {"leipzig", "Leipzig", "Leipzig"},
	"landkreis-leipzig":                 {"landkreis-leipzig", "Landkreis Leipzig", "Leipzig District"},
	"nordsachsen":                       {"nordsachsen", "Landkreis Nordsachsen", "North Saxony District"},
}

// Regions returns the 13 Saxon districts.
func Regions() []Term {
	out := make([]Term, 0, len(event.Regions))
	for _, slug := range event.Regions {
		out = append(out, regions[slug])
	}
	return out
}

// RegionTerm returns the names of a region slug.
func RegionTerm(slug string) (Term, bool) {
	t, ok := regions[slug]
	return t, ok
}

// topics is the taxonomy of the normaliser (issue 3), slugs exactly.
var topics = []Term{
	{"training", "Fortbildung und Workshops", "Training and workshops"},
	{"networking", "Vernetzung und Austausch", "Networking"},
	{"counselling", "Beratung", "Counselling"},
	{"health", "Gesundheit", "Health"},
	{"funding", "Förderung und Finanzierung", "Funding"},
	{"volunteering", "Ehrenamt", "Volunteering"},
	{"antidiscrimination", "Antidiskriminierung und Antirassismus", "Anti-discrimination"},
	{"participation_politics", "Teilhabe und Politik", "Participation and politics"},
	{"culture_media", "Kultur und Medien", "Culture and media"},
	{"work_recognition", "Arbeit und Anerkennung", "Work and recognition of qualifications"},
	{"asylum_refuge", "Asyl und Flucht", "Asylum and refuge"},
	{"youth", "Jugend", "Youth"},
	{"gender", "Gender und Gleichstellung", "Gender and equality"},
	{"law_association", "Recht und Vereinsarbeit", "Law and running an association"},
	{"family", "Familie", "Family"},
}

// Topics returns the topic taxonomy.
func Topics() []Term { return append([]Term(nil), topics...) }

// TopicTerm returns the names of a topic slug.
func TopicTerm(slug string) (Term, bool) {
	for _, t := range topics {
		if t.Slug == slug {
			return t, true
		}
	}
	return Term{}, false
}

// LanguageTerm names an ISO 639-1 code in German and English from CLDR
// (golang.org/x/text), so every language a source may use has names.
func LanguageTerm(code string) Term {
	tag, err := language.Parse(code)
	if err != nil {
		return Term{code, code, code}
	}
	de := display.Tags(language.German).Name(tag)
	en := display.Tags(language.English).Name(tag)
	if de == "" {
		de = code
	}
	if en == "" {
		en = code
	}
	return Term{code, de, en}
}
