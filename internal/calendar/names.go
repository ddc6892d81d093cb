package calendar

import (
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// Display names. Regions and languages come from the normaliser's tables,
// topics from the taxonomy the search package shares with GraphQL, so the
// calendar names things as the API does; an unknown slug is shown readably.

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
	return search.LanguageTerm(code).Name(lang)
}

func topicName(slug, lang string) string {
	if t, ok := search.TopicTerm(slug); ok {
		return t.Name(lang)
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
