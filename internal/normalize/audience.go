package normalize

import (
	"strconv"
	"strings"
)

// audienceWords map word starts (lower case) to audience slugs.
var audienceWords = []struct{ slug, word string }{
	{"volunteers", "ehrenamtlich"},
	{"volunteers", "ehrenamtliche"},
	{"volunteers", "freiwillige"},
	{"professionals", "hauptamtlich"},
	{"professionals", "fachkräfte"},
	{"migrant_organisations", "migrant*innenorganisation"},
	{"migrant_organisations", "migrant*innen-organisation"},
	{"migrant_organisations", "migrant:innenorganisation"},
	{"migrant_organisations", "migrant_innenorganisation"},
	{"migrant_organisations", "migrantenorganisation"},
	{"migrant_organisations", "migrantinnenorganisation"},
	{"migrant_organisations", "migrantische selbstorganisation"},
	{"migrant_organisations", "migrantische (selbst)organisation"},
	{"migrant_organisations", "migrantische organisation"},
	{"migrant_organisations", "migrantische initiative"},
	{"migrant_organisations", "migrantischen organisation"},
	{"multipliers", "multiplikator"},
	{"young_people", "jugendliche"},
	{"young_people", "junge menschen"},
	{"young_people", "junge erwachsene"},
	{"children", "kinder"},
	{"parents", "eltern"},
	{"families", "familien"},
	{"women", "frauen"},
	{"refugees", "geflüchtete"},
	{"refugees", "flüchtlinge"},
	{"migrants", "migrant*innen"},
	{"migrants", "migrant:innen"},
	{"migrants", "migrantinnen und migranten"},
	{"migrants", "menschen mit migrations"},
	{"migrants", "neuzugewanderte"},
	{"bipoc", "bipoc"},
	{"seniors", "senior"},
	{"students", "studierende"},
	{"administration", "verwaltung"},
}

// audience lists who the event is for: age ranges ("zwischen 14 und 27
// Jahren" → "age:14-27", "ab 18 Jahren" → "age:18+") and groups.
func audience(h hits) []string {
	var out []string
	if a := ageRange(h.low); a != "" {
		out = append(out, a)
	}
	seen := map[string]bool{}
	h.each(listAudience, func(k, _ int) {
		w := audienceWords[k]
		if seen[w.slug] {
			return
		}
		if w.slug == "families" && strings.Contains(h.low, "binationaler familien") && strings.Count(h.low, "familien") == 1 {
			return // only the name of the Verband binationaler Familien
		}
		if w.slug == "migrants" && !migrantsAlone(h.low, w.word) {
			return // "Migrant*innen-Organisationen" are the organisations, not the people
		}
		seen[w.slug] = true
		out = append(out, w.slug)
	})
	return out
}

// ageRange finds "zwischen 14 und 27 Jahren", "von 16 bis 25 Jahren",
// "Jugendliche zwischen 15-22", "14 bis 27 Jahre" and "ab 18 Jahren"; clock
// ranges ("zwischen 15 und 17 Uhr") are not ages.
func ageRange(low string) string {
	// every reading below needs one of these words: most texts have
	// neither, and one memchr-fast search is cheaper than the byte loop
	if !strings.Contains(low, "jahr") && !strings.Contains(low, "zwischen") {
		return ""
	}
	for i := 0; i < len(low); i++ {
		if !isDigitByte(low[i]) || i > 0 && (isDigitByte(low[i-1]) || low[i-1] == '.') {
			continue
		}
		a, b, end, ok := twoNumbers(low, i)
		if !ok || a >= b || b > 120 {
			continue
		}
		after := strings.TrimSpace(low[end:min(len(low), end+12)])
		if strings.HasPrefix(after, "uhr") || strings.HasPrefix(after, "h ") || strings.HasPrefix(after, ":") {
			continue
		}
		if strings.HasPrefix(after, "jahr") || prevWord(low, i) == "zwischen" && a >= 6 {
			return "age:" + strconv.Itoa(a) + "-" + strconv.Itoa(b)
		}
	}
	for i := indexWord(low, "ab", true, 0); i >= 0; i = indexWord(low, "ab", true, i+2) {
		n, end, ok := number(low, i+3)
		if ok && n < 100 && strings.HasPrefix(strings.TrimSpace(low[end:min(len(low), end+8)]), "jahr") {
			return "age:" + strconv.Itoa(n) + "+"
		}
	}
	return ""
}

// twoNumbers reads "14 und 27", "14 bis 27", "15-22", "15 – 22" at i.
func twoNumbers(s string, i int) (a, b, end int, ok bool) {
	a, j, ok := number(s, i)
	if !ok {
		return 0, 0, 0, false
	}
	rest := s[j:]
	for _, sep := range []string{" und ", " bis ", "-", " - ", "–", " – "} {
		if strings.HasPrefix(rest, sep) {
			b, k, ok := number(s, j+len(sep))
			if ok {
				return a, b, k, true
			}
		}
	}
	return 0, 0, 0, false
}

func number(s string, i int) (n, end int, ok bool) {
	j := i
	for j < len(s) && j-i < 3 && isDigitByte(s[j]) {
		n = n*10 + int(s[j]-'0')
		j++
	}
	if j == i || j < len(s) && (isDigitByte(s[j]) || s[j] == '.' || s[j] == ':') {
		return 0, 0, false
	}
	return n, j, true
}

// migrantsAlone reports whether word occurs once not followed by an
// organisation word.
func migrantsAlone(low, word string) bool {
	for i := indexWord(low, word, false, 0); i >= 0; i = indexWord(low, word, false, i+len(word)) {
		rest := strings.TrimLeft(low[i+len(word):], "-")
		if !strings.HasPrefix(rest, "organisation") && !strings.HasPrefix(rest, "selbst") && !strings.HasPrefix(rest, "beirat") {
			return true
		}
	}
	return false
}
