package admin

import (
	"slices"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/search"
)

// Display names instead of internal codes: staff read "Leipzig",
// "Arabisch", "Antidiskriminierung & Antirassismus" and "Freigegeben", not
// leipzig, ar, antidiscrimination and event.approve. The codes stay in
// form values and the audit log.

func regionLabel(lang, slug string) string {
	if r, ok := gazetteer.RegionBySlug(slug); ok {
		if lang == "en" {
			return r.NameEN
		}
		return r.NameDE
	}
	return slug
}

func languageLabel(lang, code string) string { return search.LanguageTerm(code).Name(lang) }

func topicLabel(lang, slug string) string {
	if t, ok := search.TopicTerm(slug); ok {
		return t.Name(lang)
	}
	return slug
}

// actionLabel names an audit action; an unknown one shows as it is.
func actionLabel(lang, action string) string {
	if _, ok := texts["act-"+action]; ok {
		return tr(lang, "act-"+action)
	}
	return action
}

// codeLabel names a value of a field shown as a code.
func codeLabel(lang, field, code string) string {
	switch field {
	case "region":
		return regionLabel(lang, code)
	case "languages":
		return languageLabel(lang, code)
	case "topics":
		return topicLabel(lang, code)
	}
	if s, ok := termLabel(lang, field, code); ok {
		return s
	}
	return code
}

// choice is one checkbox of a picker.
type choice struct {
	Value, Label string
	Checked      bool
}

// topicChoices is the topic picker of the edit form: every topic of the
// taxonomy by name, the event's checked.
func topicChoices(lang string, d event.Draft) []choice {
	var out []choice
	for _, t := range search.Topics() {
		out = append(out, choice{Value: t.Slug, Label: t.Name(lang), Checked: slices.Contains(d.Topics, t.Slug)})
	}
	return out
}

// languageChoices is the language picker: every language the normaliser
// knows by name, the event's checked.
func languageChoices(lang string, d event.Draft) []choice {
	var out []choice
	for _, l := range languages.All() {
		label := l.NameDE
		if lang == "en" {
			label = l.NameEN
		}
		out = append(out, choice{Value: l.Code, Label: label, Checked: slices.Contains(d.Languages, l.Code)})
	}
	return out
}

// otherLanguages are the event's language codes the picker lacks, kept in
// a text field so an edit does not drop them.
func otherLanguages(d event.Draft) []string {
	var out []string
	for _, c := range d.Languages {
		if _, _, ok := languages.Name(c); !ok {
			out = append(out, c)
		}
	}
	return out
}
