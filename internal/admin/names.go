package admin

import (
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
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
	return code
}
