package calendar

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/treffpunkt/treffpunkt/internal/locale"
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

// languageName names a language in the UI's language: the normaliser's
// German and English names, CLDR's (x/text/language/display) for the others.
func languageName(code, lang string) string {
	if lang == "de" || lang == "en" {
		if de, en, ok := languages.Name(code); ok {
			return pick(lang, de, en)
		}
		return search.LanguageTerm(code).Name(lang)
	}
	if tag, err := language.Parse(code); err == nil {
		if n := display.Languages(language.Make(lang)).Name(tag); n != "" {
			return n
		}
	}
	return search.LanguageTerm(code).Name("en")
}

// topicName names a topic: the taxonomy's German and English names, the
// message files' "topic.<slug>" for the other languages.
func topicName(slug, lang string) string {
	t, ok := search.TopicTerm(slug)
	if !ok {
		return prettySlug(slug)
	}
	if lang == "de" || lang == "en" {
		return t.Name(lang)
	}
	if s := locale.Get(lang).T("topic." + slug); s != "topic."+slug {
		return s
	}
	return t.Name("en")
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
