package dedup

import "github.com/treffpunkt/treffpunkt/internal/normalize/languages"

// Translation reports whether two records of one source are its pages in
// two languages (each text in one language, detected from title and
// description, and the two languages different): a site that publishes
// an event in German and in English announces it twice, so such a pair
// may be matched like two sources' (Compare decides), while a source's
// other records never are. The store blocks candidates by source; a
// caller that wants translations merged adds the same source's records
// for which this holds.
func Translation(a, b Record) bool {
	return TranslationIn(a, TextLanguage(a), b, TextLanguage(b))
}

// TranslationIn is Translation for records whose TextLanguage is known:
// a caller comparing one record with many detects each language once.
func TranslationIn(a Record, langA string, b Record, langB string) bool {
	if a.SourceID != b.SourceID || (a.URL != "" && a.URL == b.URL) {
		return false
	}
	return langA != "" && langB != "" && langA != langB
}

// TextLanguage is the one language a record's text is written in,
// detected from title and description, or "" when it is in several or
// none (not the draft's Languages, which also name the languages an
// event is held in: "auf Russisch").
func TextLanguage(r Record) string {
	if codes := textLanguages(r.Draft.Title, r.Draft.Description); len(codes) == 1 {
		return codes[0]
	}
	return ""
}

// textLanguages are the languages a text is written in, main language
// first.
func textLanguages(title, desc string) []string {
	return languages.Detect(title + "\n" + desc).Codes
}
