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
	if a.SourceID != b.SourceID || (a.URL != "" && a.URL == b.URL) {
		return false
	}
	la, lb := textLanguages(a.Draft.Title, a.Draft.Description), textLanguages(b.Draft.Title, b.Draft.Description)
	return len(la) == 1 && len(lb) == 1 && la[0] != lb[0]
}

// textLanguages are the languages a record's text is written in, main
// language first (not the draft's Languages, which also name the
// languages an event is held in: "auf Russisch").
func textLanguages(title, desc string) []string {
	return languages.Detect(title + "\n" + desc).Codes
}
