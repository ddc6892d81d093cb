package search

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/normalize/topics"
)

// Term is a value of a filter with its German and English display names.
// The names come from the normaliser's tables, which define the values.
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

// Regions returns the 13 Saxon districts.
func Regions() []Term {
	var out []Term
	for _, r := range gazetteer.Regions() {
		out = append(out, Term{r.Slug, r.NameDE, r.NameEN})
	}
	return out
}

// RegionTerm returns the names of a region slug.
func RegionTerm(slug string) (Term, bool) {
	r, ok := gazetteer.RegionBySlug(slug)
	return Term{r.Slug, r.NameDE, r.NameEN}, ok
}

// Topics returns the topic taxonomy.
func Topics() []Term {
	var out []Term
	for _, t := range topics.All() {
		out = append(out, Term{t.Slug, t.NameDE, t.NameEN})
	}
	return out
}

// TopicTerm returns the names of a topic slug.
func TopicTerm(slug string) (Term, bool) {
	de, en, ok := topics.Name(slug)
	return Term{slug, de, en}, ok
}

// LanguageTerm names a language code: from the normaliser's list, else
// from CLDR (golang.org/x/text), so any code a source uses has names.
func LanguageTerm(code string) Term {
	if de, en, ok := languages.Name(code); ok {
		return Term{code, de, en}
	}
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
