package calendar

import (
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
)

// Display names. Regions and languages come from the normaliser's tables;
// topics have no exported table yet, so the calendar keeps the names of the
// taxonomy's slugs here and shows an unknown slug readably.

func regionName(slug, lang string) string {
	if r, ok := gazetteer.RegionBySlug(slug); ok {
		return pick(lang, r.NameDE, r.NameEN)
	}
	return prettySlug(slug)
}

func languageName(code, lang string) string {
	if de, en, ok := languages.Name(code); ok {
		return pick(lang, de, en)
	}
	return strings.ToUpper(code)
}

var topicNames = map[string][2]string{
	"antidiscrimination":     {"Antidiskriminierung", "Anti-discrimination"},
	"asylum_refuge":          {"Asyl & Flucht", "Asylum & refuge"},
	"counselling":            {"Beratung", "Counselling"},
	"culture_media":          {"Kultur & Medien", "Culture & media"},
	"education":              {"Bildung", "Education"},
	"family_children":        {"Familie & Kinder", "Family & children"},
	"funding":                {"Förderung", "Funding"},
	"health":                 {"Gesundheit", "Health"},
	"language_course":        {"Sprachkurs", "Language course"},
	"law_association":        {"Vereinsrecht", "Association law"},
	"networking":             {"Vernetzung", "Networking"},
	"participation_politics": {"Teilhabe & Politik", "Participation & politics"},
	"sports_leisure":         {"Sport & Freizeit", "Sports & leisure"},
	"training":               {"Weiterbildung", "Training"},
	"volunteering":           {"Ehrenamt", "Volunteering"},
	"women":                  {"Frauen", "Women"},
	"work_recognition":       {"Arbeit & Anerkennung", "Work & recognition"},
	"youth":                  {"Jugend", "Youth"},
}

func topicName(slug, lang string) string {
	if n, ok := topicNames[slug]; ok {
		return pick(lang, n[0], n[1])
	}
	return prettySlug(slug)
}

// regionOptions lists all regions for a filter form, in the table's order.
func regionOptions(lang string) []option {
	var out []option
	for _, slug := range event.Regions {
		out = append(out, option{Value: slug, Label: regionName(slug, lang)})
	}
	return out
}

// option is one choice of a filter select.
type option struct {
	Value, Label string
	Count        int
	Selected     bool
}

func pick(lang, de, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return de
}

// prettySlug shows an unknown slug as words: "sports_leisure" → "Sports leisure".
func prettySlug(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
