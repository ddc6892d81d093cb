package dedup

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	b := make([]byte, 0, len(s)+8)
	space := true // the last byte written is a space (or nothing yet)
	letter := false
	sep := func() {
		if !space {
			b = append(b, ' ')
			space = true
		}
		letter = false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				b, space, letter = append(b, c), false, true
			case 'A' <= c && c <= 'Z':
				b, space, letter = append(b, c+'a'-'A'), false, true
			case '0' <= c && c <= '9':
				b, space, letter = append(b, c), false, false
			case c == '\'':
				// apostrophes join: "Euro's" → "euros"
			case letter && (c == '*' || c == ':' || c == '_' || c == '/') && genderSuffixAt(s, i):
				// "Migrant*innen" → "migrantinnen"
				if s[i] == '-' { // "Migrant/-innen"
					i++
				}
			default:
				sep()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '’', '\u00ad': // typographic apostrophe, soft hyphen
			continue
		case '·':
			if letter && genderSuffixAt(s, i) {
				if s[i] == '-' {
					i++
				}
				continue
			}
		}
		if !unicode.IsLetter(r) {
			if unicode.IsDigit(r) {
				b, space, letter = utf8.AppendRune(b, r), false, false
			} else {
				sep()
			}
			continue
		}
		r = unicode.ToLower(r)
		space, letter = false, true
		switch r {
		case 'ä':
			b = append(b, 'a', 'e')
		case 'ö':
			b = append(b, 'o', 'e')
		case 'ü':
			b = append(b, 'u', 'e')
		case 'ß':
			b = append(b, 's', 's')
		default:
			if isLatinExtended(r) {
				// Decompose and keep only the base letters: é → e, ç → c, ğ → g.
				for _, d := range norm.NFD.String(string(r)) {
					if !unicode.Is(unicode.Mn, d) {
						b = utf8.AppendRune(b, d)
					}
				}
			} else {
				b = utf8.AppendRune(b, r) // other scripts as they are: "й" stays "й"
			}
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// genderSuffixAt reports whether s continues at i with "in" (or "-in"), as
// after the gender mark in "Migrant*innen" or "Migrant/-innen".
func genderSuffixAt(s string, i int) bool {
	if i < len(s) && s[i] == '-' {
		i++
	}
	return i+1 < len(s) && (s[i] == 'i' || s[i] == 'I') && (s[i+1] == 'n' || s[i+1] == 'N')
}

func isLatinExtended(r rune) bool {
	return (0xC0 <= r && r <= 0x24F) || (0x1E00 <= r && r <= 0x1EFF)
}

// words splits folded text into its words.
func words(s string) []string {
	f := fold(s) // single spaces between words, none at the ends
	if f == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(f, " ")+1)
	for {
		i := strings.IndexByte(f, ' ')
		if i < 0 {
			return append(out, f)
		}
		out = append(out, f[:i])
		f = f[i+1:]
	}
}

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
	"sich",
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
// A lone "n" is not stripped ("Verein" is a base form) and "s" only when
// not doubled ("Abschluss").
var germanSuffixes = []string{"innen", "ern", "en", "er", "es", "e", "s"}

// undoUmlauts undoes the umlaut folding for stems so that plurals with
// umlaut meet their singular: "Abschlüsse" → "abschluesse" → "abschlusse"
// → "abschluss". Every "ae", "oe", "ue" loses its "e" (left to right, as
// strings.Replacer would, at a fraction of its cost: stem runs on every
// word of every description).
func undoUmlauts(w string) string {
	first := -1
	for i := 0; i+1 < len(w); i++ {
		if w[i+1] == 'e' && (w[i] == 'a' || w[i] == 'o' || w[i] == 'u') {
			first = i
			break
		}
	}
	if first < 0 {
		return w
	}
	var b strings.Builder
	b.Grow(len(w) - 1)
	b.WriteString(w[:first])
	for i := first; i < len(w); i++ {
		c := w[i]
		b.WriteByte(c)
		if (c == 'a' || c == 'o' || c == 'u') && i+1 < len(w) && w[i+1] == 'e' {
			i++
		}
	}
	return b.String()
}

// stem removes one inflectional suffix when at least four letters remain
// (two after a gender ending: "Beraterinnen" → "berat", as "Berater").
// It is deliberately crude: it only has to make two spellings of one title
// agree, not find linguistic roots.
func stem(w string) string {
	w = undoUmlauts(w)
	if i := strings.Index(w, "innen"); i >= 4 && i+5 < len(w) {
		w = genderCompound(w, i)
	}
	if len(w) < 6 {
		return w
	}
	w, suf := stripSuffix(w)
	if suf == "innen" {
		w, _ = stripSuffix(w)
	}
	return w
}

func stripSuffix(w string) (string, string) {
	for _, suf := range germanSuffixes {
		if suf == "s" && strings.HasSuffix(w, "ss") {
			continue
		}
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)], suf
		}
	}
	return w, ""
}

// genderCompound spells a compound that starts with a gendered plural as
// the generic one, at i where "innen" starts: "Migrant*innenorganisation"
// (folded "migrantinnenorganisation") as "migrantenorganisation",
// "Berater*innenteam" as "beraterteam". Other words keep their spelling.
func genderCompound(w string, i int) string {
	head := w[:i]
	switch {
	case strings.HasSuffix(head, "ant") || strings.HasSuffix(head, "ent"):
		return head + "en" + w[i+5:]
	case strings.HasSuffix(head, "er"):
		return head + w[i+5:]
	}
	return w
}

// titleWords returns the meaningful words of a title: folded, without stop
// words, calendar words, numbers (dates and times in every format reduce to
// numbers and calendar words), single letters and the words of the record's
// own city ("Fachtag Ehrenamt | Schneeberg" vs "Fachtag Ehrenamt"), with
// abbreviations and synonyms as their canonical word (aliases.txt).
func titleWords(title, city string) []string {
	return aliases.rewrite(titleWordsOf(words(aliases.expandAcronyms(title)), words(city)))
}

// titleWordsOf is titleWords on already folded words.
func titleWordsOf(title, city []string) []string {
	out := make([]string, 0, len(title))
	for _, w := range title {
		if utf8.RuneCountInString(w) < 2 || isNumber(w) || stopWords[w] || slices.Contains(city, w) || isOrdinalNumber(w) {
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
// a weight (generic words count less); frags[f0:f1] of its record are the
// hashes of its compound fragments.
type token struct {
	h      uint32
	w      float32
	f0, f1 uint16
}

const genericWeight = 0.3

// titleTokens turns title words into a sorted, de-duplicated weighted set
// and the fragments of its long words.
func titleTokens(ws []string) ([]token, []uint32) {
	type stemmed struct {
		token
		stem string
	}
	st := make([]stemmed, 0, len(ws))
	for _, w := range ws {
		wt := float32(1)
		if genericWords[w] {
			wt = genericWeight
		}
		s := stem(w)
		st = append(st, stemmed{token{h: hash32(s), w: wt}, s})
	}
	slices.SortFunc(st, func(a, b stemmed) int {
		if a.h != b.h {
			return cmpU32(a.h, b.h)
		}
		return cmpF32(b.w, a.w) // heavier first, so Compact keeps it
	})
	st = slices.CompactFunc(st, func(a, b stemmed) bool { return a.h == b.h })
	toks := make([]token, len(st))
	var frags []uint32
	for i, s := range st {
		toks[i] = s.token
		toks[i].f0 = uint16(len(frags))
		frags = appendFragments(frags, s.stem)
		toks[i].f1 = uint16(len(frags))
	}
	return toks, exact(frags)
}

// minFragment is the shortest compound part considered a word of its own.
const minFragment = 5

// maxFragment bounds the fragments tried per word; longer parts are rare
// and would only cost lookups.
const maxFragment = 14

// appendFragments appends hashes of the leading and trailing parts (at
// least minFragment letters, leaving at least three) of a long ASCII word:
// the candidates for its modifier and head in a German compound, so that
// "foerdermittelakquisition" finds "foerdermittel" and "vereinsfinanzierung"
// finds "finanzierung". Short and non-ASCII words have none.
func appendFragments(out []uint32, w string) []uint32 {
	if len(w) < minFragment+3 {
		return out
	}
	for i := 0; i < len(w); i++ {
		if w[i] >= 128 {
			return out
		}
	}
	for n := minFragment; n <= min(len(w)-3, maxFragment); n++ {
		out = append(out, hash32(w[:n]), hash32(w[len(w)-n:]))
	}
	return out
}

// bloom is a 512-bit Bloom filter over a record's context words: most
// fragment lookups miss, and the filter answers those without a search.
type bloom [8]uint64

func (b *bloom) add(h uint32) {
	i, j := h&511, (h*0x9E3779B1)>>23
	b[i>>6] |= 1 << (i & 63)
	b[j>>6] |= 1 << (j & 63)
}

func (b *bloom) has(h uint32) bool {
	i, j := h&511, (h*0x9E3779B1)>>23
	return b[i>>6]&(1<<(i&63)) != 0 && b[j>>6]&(1<<(j&63)) != 0
}

// contextWords hashes the stems of the content words of a title and
// description (both as folded words): what the other record's title words
// are looked up in. A variant from aliases.txt adds its canonical word, so
// "Bufdi" finds a text about the "Bundesfreiwilligendienst" and back.
func contextWords(title, desc []string) []uint32 {
	out := make([]uint32, 0, len(title)+len(desc))
	for _, ws := range [][]string{title, desc} {
		for i, w := range ws {
			if !contextWord(w) {
				continue
			}
			s := stem(w)
			out = append(out, hash32(s))
			rest := ws[i+1:]
			canon, n := aliases.match(s, func(k int) (string, bool) {
				// the k-th content word after w
				for _, r := range rest {
					if contextWord(r) {
						if k == 0 {
							return stem(r), true
						}
						k--
					}
				}
				return "", false
			})
			if n > 0 {
				out = append(out, hash32(canon))
			}
		}
	}
	slices.Sort(out)
	return exact(slices.Compact(out))
}

// contextWord: a word worth looking a title word up in.
func contextWord(w string) bool { return len(w) >= 3 && !isNumber(w) && !stopWords[w] }

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
	n := 0
	for _, w := range use {
		n += len(w) + 1
	}
	out := make([]uint32, 0, n)
	for _, w := range use {
		// the word padded as pg_trgm does: two spaces before, one after
		a, b := ' ', ' '
		for _, c := range w {
			out = append(out, packTrigram(a, b, c))
			a, b = b, c
		}
		out = append(out, packTrigram(a, b, ' '))
	}
	slices.Sort(out)
	return exact(slices.Compact(out))
}

// packTrigram stores an ASCII trigram exactly in 21 bits and hashes any
// other into the upper range, so ASCII trigrams never collide.
func packTrigram(a, b, c rune) uint32 {
	if a < 128 && b < 128 && c < 128 {
		return uint32(a)<<14 | uint32(b)<<7 | uint32(c)
	}
	return hash32(string([]rune{a, b, c})) | 1<<31
}

// hash32 is 32-bit FNV-1a, written out so hashing a word allocates nothing.
func hash32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
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
// and stop words, abbreviations as their canonical word, so "Verband
// binationaler Familien und Partnerschaften, iaf e.V." and "… iaf e. V."
// agree, and so do "Dachverband sächsischer Migrantenorganisationen e. V."
// and "DSM".
func normOrganizer(s string) string {
	var ws []string
	for _, w := range words(aliases.expandAcronyms(s)) {
		switch w {
		case "e", "v", "ev", "ggmbh", "gmbh", "gug":
			continue
		}
		if !stopWords[w] {
			ws = append(ws, w)
		}
	}
	ws = aliases.rewrite(ws)
	out := ws[:0:0]
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
