package dedup

import (
	"hash/fnv"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold lower-cases s, folds German umlauts to their two-letter spelling
// (so "Sächsisch" and "Saechsisch" agree), drops other diacritics
// ("Cinémathèque" → "cinematheque", "Çay" → "cay"), joins gender forms
// ("Migrant*innen", "Migrant:innen", "Migrant_innen", "Migrant/-innen" →
// "migrantinnen") and turns every other non-letter, non-digit into a space.
// Scripts other than Latin (Arabic, Cyrillic titles are common) are kept,
// lower-cased.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	rs := []rune(s)
	space := true // avoid leading and repeated spaces
	put := func(r rune) {
		if r == ' ' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			return
		}
		b.WriteRune(r)
		space = false
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isGenderMark(r) && i > 0 && unicode.IsLetter(rs[i-1]) {
			j := i + 1
			if j < len(rs) && rs[j] == '-' { // "Migrant/-innen"
				j++
			}
			if j+1 < len(rs) && unicode.ToLower(rs[j]) == 'i' && unicode.ToLower(rs[j+1]) == 'n' {
				i = j - 1
				continue
			}
		}
		if r == '\'' || r == '’' || r == '\u00ad' { // apostrophes and soft hyphens join
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'ä':
			put('a')
			put('e')
			continue
		case 'ö':
			put('o')
			put('e')
			continue
		case 'ü':
			put('u')
			put('e')
			continue
		case 'ß':
			put('s')
			put('s')
			continue
		}
		if r < 128 {
			if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
				put(r)
			} else {
				put(' ')
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			put(' ')
			continue
		}
		// Decompose and keep only the base letters: é → e, ç → c, ğ → g.
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				put(d)
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func isGenderMark(r rune) bool {
	return r == '*' || r == ':' || r == '_' || r == '/' || r == '·'
}

// words splits folded text into its words.
func words(s string) []string { return strings.Fields(fold(s)) }

// isNumber reports whether w consists of digits only.
func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// stopWords never carry meaning in a title (German and English articles,
// prepositions, pronouns) together with the calendar words a title gains when
// a site prefixes the date: weekdays, months, "Uhr".
var stopWords = setOf(
	// German function words
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
	"und", "oder", "sowie", "in", "im", "am", "an", "auf", "fuer", "mit", "von", "vom", "zu", "zum",
	"zur", "bei", "beim", "aus", "nach", "ueber", "unter", "um", "wie", "was", "wer", "wir", "ihr",
	"sie", "es", "ist", "sind", "uns", "euch", "ihre", "ihren", "unsere", "unser", "unserer", "mein",
	"meine", "deine", "als", "auch", "noch", "nicht", "so", "ab", "bis", "vor", "gegen", "durch",
	"ohne", "alle", "allen", "jetzt", "hier", "da", "dass", "wenn", "ja", "man",
	// English
	"the", "and", "of", "for", "on", "with", "to", "at", "a", "an", "by", "from", "our", "your",
	// calendar words
	"uhr", "h", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend",
	"sonntag", "mo", "di", "mi", "do", "fr", "sa", "januar", "jan", "februar", "feb", "maerz",
	"mrz", "april", "apr", "mai", "juni", "jun", "juli", "jul", "august", "aug", "september",
	"sep", "sept", "oktober", "okt", "november", "nov", "dezember", "dez", "heute", "morgen",
	"jahr", "datum", "ort", "zeit", "alles", "ich", "du", "dir", "mir", "dich", "mich", "wird",
	"werden", "kann", "koennen", "gibt", "sein", "hat", "haben", "welche", "welcher", "euer",
)

// genericWords describe the format of almost every announcement; they count
// little in a title ("Workshop: Fördermittel" and "Fördermittel" are the same
// title) and are left out of the trigram string.
var genericWords = setOf(
	"workshop", "workshops", "seminar", "seminare", "veranstaltung", "veranstaltungen", "einladung",
	"einladen", "herzlich", "vortrag", "webinar", "online", "digital", "digitale", "digitaler",
	"digitales", "fortbildung", "weiterbildung", "schulung", "kurs", "info", "infos",
	"infoveranstaltung", "informationsveranstaltung", "infoabend", "infotreffen", "abend", "termin", "termine", "event",
	"reminder", "erinnerung", "tipp", "veranstaltungstipp", "veranstaltungshinweis", "hinweis",
	"neu", "achtung", "save", "date", "anmeldung", "live", "teil", "modul", "reihe", "erste",
	"erster", "ersten", "zweite", "zweiter", "dritte", "dritter", "vierte", "fuenfte", "letzte",
	"ev", "zoom", "praesenz", "hybrid", "region", "stadt", "landkreis", "kostenlos", "kostenfrei",
)

// ordinalWords are dropped from series keys: "Erste Lernwerkstatt" and
// "Zweite Lernwerkstatt" are one series.
var ordinalWords = setOf(
	"erste", "erster", "ersten", "zweite", "zweiter", "dritte", "dritter", "vierte", "fuenfte",
	"sechste", "letzte", "teil", "modul", "termin",
)

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// germanSuffixes are stripped, longest first, so that inflected forms meet:
// "Vereine", "Vereinen", "Vereins" → "verein"; "Migrantinnen" → "migrant".
var germanSuffixes = []string{"innen", "ern", "en", "er", "es", "e", "n", "s"}

// umlautDigraphs undoes the umlaut folding for stems so that plurals with
// umlaut meet their singular: "Abschlüsse" → "abschlusse" → "abschluss".
var umlautDigraphs = strings.NewReplacer("ae", "a", "oe", "o", "ue", "u")

// stem removes one inflectional suffix when at least four letters remain.
// It is deliberately crude: it only has to make two spellings of one title
// agree, not find linguistic roots.
func stem(w string) string {
	w = umlautDigraphs.Replace(w)
	if len(w) < 6 {
		return w
	}
	for _, suf := range germanSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// titleWords returns the meaningful words of a title: folded, without stop
// words, calendar words, numbers (dates and times in every format reduce to
// numbers and calendar words), single letters and the words of the record's
// own city ("Fachtag Ehrenamt | Schneeberg" vs "Fachtag Ehrenamt").
func titleWords(title, city string) []string {
	drop := map[string]bool{}
	for _, w := range words(city) {
		drop[w] = true
	}
	var out []string
	for _, w := range words(title) {
		if len([]rune(w)) < 2 || isNumber(w) || stopWords[w] || drop[w] || isOrdinalNumber(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// isOrdinalNumber matches folded number-words that survive tokenising:
// "11ter Fachtag", "3rd", "14h", "14uhr".
func isOrdinalNumber(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) {
		return false
	}
	switch w[i:] {
	case "te", "ten", "ter", "tes", "st", "nd", "rd", "th", "h", "uhr":
		return true
	}
	return false
}

// token is one title word as used for set similarity: its stem hashed, with
// a weight (generic words count less), and for long words the hashes of its
// compound fragments.
type token struct {
	h     uint32
	w     float32
	frags []uint32
}

const genericWeight = 0.3

// titleTokens turns title words into a sorted, de-duplicated weighted set.
func titleTokens(ws []string) []token {
	out := make([]token, 0, len(ws))
	for _, w := range ws {
		wt := float32(1)
		if genericWords[w] {
			wt = genericWeight
		}
		st := stem(w)
		out = append(out, token{h: hash32(st), w: wt, frags: fragments(st)})
	}
	slices.SortFunc(out, func(a, b token) int {
		if a.h != b.h {
			return cmpU32(a.h, b.h)
		}
		return cmpF32(b.w, a.w) // heavier first, so Compact keeps it
	})
	return slices.CompactFunc(out, func(a, b token) bool { return a.h == b.h })
}

// minFragment is the shortest compound part considered a word of its own.
const minFragment = 5

// fragments returns hashes of the leading and trailing parts (at least
// minFragment letters, leaving at least three) of a long ASCII word: the
// candidates for its modifier and head in a German compound, so that
// "foerdermittelakquisition" finds "foerdermittel" and "vereinsfinanzierung"
// finds "finanzierung". Short and non-ASCII words have none.
func fragments(w string) []uint32 {
	if len(w) < minFragment+3 {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] >= 128 {
			return nil
		}
	}
	out := make([]uint32, 0, 2*(len(w)-minFragment-2))
	for n := minFragment; n <= len(w)-3; n++ {
		out = append(out, hash32(w[:n]), hash32(w[len(w)-n:]))
	}
	return out
}

// contextWords hashes the stems of the content words of a title and
// description: what the other record's title words are looked up in.
func contextWords(title, desc string) []uint32 {
	var out []uint32
	for _, text := range []string{title, desc} {
		for _, w := range words(text) {
			if len(w) < 3 || isNumber(w) || stopWords[w] {
				continue
			}
			out = append(out, hash32(stem(w)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// trigrams returns the pg_trgm-style character trigrams ("  w", " wo", "wor",
// …, "rd ") of the non-generic title words as a sorted set. When a title has
// only generic words they are used after all.
func trigrams(ws []string) []uint32 {
	use := make([]string, 0, len(ws))
	for _, w := range ws {
		if !genericWords[w] {
			use = append(use, w)
		}
	}
	if len(use) == 0 {
		use = ws
	}
	var out []uint32
	for _, w := range use {
		rs := append([]rune{' ', ' '}, []rune(w)...)
		rs = append(rs, ' ')
		for i := 0; i+3 <= len(rs); i++ {
			out = append(out, packTrigram(rs[i], rs[i+1], rs[i+2]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// packTrigram stores an ASCII trigram exactly in 21 bits and hashes any
// other into the upper range, so ASCII trigrams never collide.
func packTrigram(a, b, c rune) uint32 {
	if a < 128 && b < 128 && c < 128 {
		return uint32(a)<<14 | uint32(b)<<7 | uint32(c)
	}
	h := fnv.New32a()
	h.Write([]byte(string([]rune{a, b, c})))
	return h.Sum32() | 1<<31
}

func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpF32(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// normOrganizer makes organiser names comparable: folded, without legal-form
// words, so "Verband binationaler Familien und Partnerschaften, iaf e.V." and
// "Verband binationaler Familien und Partnerschaften iaf e. V." agree.
func normOrganizer(s string) string {
	var out []string
	for _, w := range words(s) {
		switch w {
		case "e", "v", "ev", "ggmbh", "gmbh", "gug":
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
