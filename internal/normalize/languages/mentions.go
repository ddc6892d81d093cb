package languages

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
)

// Mention is a language the text names as one the event is held in.
type Mention struct {
	Code string
	// Translation is set when the language comes on top of the language of
	// the text: interpreting or translation ("mit Verdolmetschung ins
	// Arabische") and language courses or cafés ("Sprachcafé Deutsch–
	// Ukrainisch", "Sprachkurs Obersorbisch"), which are held in both.
	Translation bool
}

// Mentions is what a text says about its languages.
type Mentions struct {
	Named []Mention
	// Unnamed counts languages mentioned without names ("in 5 verschiedenen
	// Sprachen" → 5; "mehrsprachig" → 2).
	Unnamed int
}

// names maps the capitalised noun (and English/Sorbian/Russian words) of a
// language to its code. German adjective forms are derived in formOf.
var names = map[string]string{
	"Deutsch": "de", "Englisch": "en", "Arabisch": "ar", "Persisch": "fa", "Farsi": "fa", "Dari": "fa",
	"Russisch": "ru", "Ukrainisch": "uk", "Türkisch": "tr", "Kurdisch": "ku", "Kurmandschi": "ku", "Kurmanci": "ku",
	"Sorani": "ku", "Paschtu": "ps", "Paschto": "ps", "Pashto": "ps", "Tigrinya": "ti", "Tigrinisch": "ti",
	"Somali": "so", "Somalisch": "so", "Amharisch": "am", "Französisch": "fr", "Spanisch": "es",
	"Portugiesisch": "pt", "Italienisch": "it", "Polnisch": "pl", "Tschechisch": "cs", "Rumänisch": "ro",
	"Bulgarisch": "bg", "Albanisch": "sq", "Serbisch": "sr", "Kroatisch": "hr", "Bosnisch": "bs",
	"Griechisch": "el", "Ungarisch": "hu", "Georgisch": "ka", "Armenisch": "hy", "Aserbaidschanisch": "az",
	"Vietnamesisch": "vi", "Chinesisch": "zh", "Mandarin": "zh", "Hindi": "hi", "Urdu": "ur", "Tamil": "ta",
	"Bengalisch": "bn", "Japanisch": "ja", "Koreanisch": "ko", "Niederländisch": "nl", "Hebräisch": "he",
	"Swahili": "sw", "Sorbisch": "hsb", "Obersorbisch": "hsb", "Niedersorbisch": "dsb", "Wendisch": "dsb",
	// English
	"German": "de", "English": "en", "Arabic": "ar", "Persian": "fa", "Russian": "ru", "Ukrainian": "uk",
	"Turkish": "tr", "Kurdish": "ku", "French": "fr", "Spanish": "es", "Portuguese": "pt", "Italian": "it",
	"Polish": "pl", "Czech": "cs", "Romanian": "ro", "Vietnamese": "vi", "Chinese": "zh", "Sorbian": "hsb",
	"Albanian": "sq", "Georgian": "ka", "Serbian": "sr", "Croatian": "hr", "Bosnian": "bs",
	// Upper Sorbian names of languages
	"serbsce": "hsb", "serbšćina": "hsb", "němsce": "de", "jendźelsce": "en",
}

// cyrillic stems of language adjectives ("на русском языке", "по-украински").
var cyrillic = []struct{ stem, code string }{
	{"русск", "ru"}, {"по-русски", "ru"}, {"украинск", "uk"}, {"по-украински", "uk"}, {"українськ", "uk"},
	{"немецк", "de"}, {"по-немецки", "de"}, {"німецьк", "de"}, {"английск", "en"}, {"англійськ", "en"},
	{"арабск", "ar"}, {"персидск", "fa"}, {"турецк", "tr"}, {"польск", "pl"},
}

// trigger words open a language context; translation triggers mark the
// languages that follow as interpreted.
func trigger(low string) (ok, translation bool) {
	switch low {
	case "auf", "in", "ins", "sprache", "sprachen", "language", "languages", "на", "мовою", "языке", "языках",
		"jazyku", "rěči":
		return true, false
	}
	switch low {
	case "zweisprachig", "zweisprachige", "zweisprachigen", "mehrsprachig", "mehrsprachige", "mehrsprachigen",
		"bilingual", "dwurěčny", "dwurěčna", "sprechen", "spricht", "gesprochen", "speak", "spoken", "speaking":
		return true, false
	}
	for _, p := range []string{"übersetz", "dolmetsch", "verdolmetsch", "gedolmetscht", "translat", "interpret",
		"перевод", "переклад", "sprachkurs", "sprachcafé", "sprachcafe", "sprachtreff", "sprachtandem", "tandem",
		"konversationskurs"} {
		if strings.HasPrefix(low, p) {
			return true, true
		}
	}
	if strings.HasSuffix(low, "sprache") || strings.HasSuffix(low, "sprachen") {
		// "Unterrichtssprache", "Veranstaltungssprachen" — but not "Gebärdensprache"/"Leichte Sprache"
		return low != "gebärdensprache" && low != "muttersprache", false
	}
	return false, false
}

// connectors keep a list of languages going.
var connectors = map[string]bool{"und": true, "oder": true, "sowie": true, "bzw": true, "and": true, "or": true,
	"und/oder": true, "als": true, "auch": true, "и": true, "або": true, "і": true, "a": true}

// numberWords for "in fünf Sprachen".
var numberWords = map[string]int{"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
	"acht": 8, "neun": 9, "zehn": 10, "mehreren": 2, "verschiedenen": 2, "vielen": 3, "unterschiedlichen": 2}

type token struct {
	text  string
	low   string // text in lower case (from the caller's lower-cased copy)
	at    int    // byte offset of text in the stretch read
	punct byte   // ',', '.', ':', '/', '\n' … or 0 for a word
	pair  bool   // a part of a language compound ("persisch-deutsch")
}

// FindMentions reads the languages a text names for its event.
func FindMentions(text string) Mentions {
	return FindMentionsLower(text, lowerSameLen(text))
}

// FindMentionsLower is FindMentions for a caller that has the text in lower
// case already (with the same byte offsets, as normalize's lower gives).
//
// The text is not tokenised as a whole: a phrase scan finds the few words
// that can name a language, and the context rules run on the sentence part
// before each of them.
func FindMentionsLower(text, low string) Mentions {
	var at [][2]int
	candidates().Scan(low, func(_, start, end int) { at = append(at, [2]int{start, end}) })
	sort.Slice(at, func(a, b int) bool { return at[a][0] < at[b][0] })
	return MentionsAt(text, low, at)
}

// CandidatePatterns are the words that can name or count languages, in the
// phrases syntax, for callers that match them together with other word
// lists in one pass (see MentionsAt).
func CandidatePatterns() []string {
	var pats []string
	for w := range names {
		pats = append(pats, strings.ToLower(w))
	}
	for _, c := range cyrillic {
		pats = append(pats, c.stem)
	}
	for _, l := range all {
		if len(l.Code) == 2 {
			pats = append(pats, l.Code+"$")
		}
	}
	pats = append(pats, "*sprachig", "sprachen$", "languages$", "mehrsprachig", "multilingual")
	sort.Strings(pats)
	return pats
}

// MentionsAt reads the mentions given where CandidatePatterns matched in
// low (start, end offsets, sorted by start).
func MentionsAt(text, low string, at [][2]int) Mentions {
	var m Mentions
	seen := map[string]bool{}
	add := func(code string, tr bool) {
		if !seen[code] {
			seen[code] = true
			m.Named = append(m.Named, Mention{Code: code, Translation: tr})
		}
	}
	winStart, winEnd := -1, -1
	flush := func() {
		if winStart >= 0 {
			mentionsIn(text[winStart:winEnd], low[winStart:winEnd], &m, add)
		}
	}
	for _, h := range at {
		start, end := h[0], h[1]
		if end-start == 2 && (text[start] < 'A' || text[start] > 'Z' || text[start+1] < 'A' || text[start+1] > 'Z') {
			continue // a two-letter code counts only in capitals ("DE/EN"), not "am", "es", "so"
		}
		for end < len(low) && isLetterByte(low[end]) {
			end++ // the whole word: "arabischsprachige"
		}
		// and the rest of its sentence: "mit deutscher Übersetzung", "… zum Download"
		end = sentenceEnd(low, end)
		from := sentenceStart(low, start)
		if winStart >= 0 && from <= winEnd {
			winEnd = max(winEnd, end)
			continue
		}
		flush()
		winStart, winEnd = from, end
	}
	flush()
	return m
}

// contextBytes is how far before a language word its trigger may stand.
const contextBytes = 100

// sentenceStart returns where the sentence containing i begins, at most
// contextBytes back; a line break after a colon does not end it.
func sentenceStart(low string, i int) int {
	lo := max(0, i-contextBytes)
	for lo > 0 && lo < len(low) && low[lo]&0xC0 == 0x80 {
		lo--
	}
	for k := i - 1; k >= lo; k-- {
		switch low[k] {
		case '.', '!', '?', ';':
			return k + 1
		case '\n':
			if k == 0 || low[k-1] != ':' {
				return k + 1
			}
		}
	}
	return lo
}

// sentenceEnd returns where the sentence containing i ends, at most
// contextBytes on: the byte after a full stop followed by a space, or a line
// break.
func sentenceEnd(low string, i int) int {
	hi := min(len(low), i+contextBytes)
	for k := i; k < hi; k++ {
		switch low[k] {
		case '\n':
			return k
		case '.', '!', '?', ';':
			if k+1 == len(low) || low[k+1] == ' ' || low[k+1] == '\n' {
				return k + 1
			}
		}
	}
	for hi < len(low) && hi > i && low[hi]&0xC0 == 0x80 {
		hi++
	}
	return hi
}

func isLetterByte(c byte) bool {
	return 'a' <= c && c <= 'z' || c >= 0x80
}

// candidates matches CandidatePatterns.
var candidates = sync.OnceValue(func() *phrases.Set { return phrases.Compile(CandidatePatterns()) })

// mentionsIn runs the context rules over one stretch of text, sentence by
// sentence: a sentence about material ("Das Programm steht in den Sprachen
// … zum Download", a past report) names no language of the event; in a
// sentence that speaks of interpreting ("wird auf Vietnamesisch übersetzt",
// "persisch-deutsch gedolmetscht") every language named comes on top of the
// language of the text.
func mentionsIn(text, low string, m *Mentions, add func(code string, tr bool)) {
	toks := make([]token, 0, 64)
	tokens(text, func(t token) {
		t.low = low[t.at : t.at+len(t.text)]
		toks = appendSplit(toks, t)
	})
	for from := 0; from < len(toks); {
		to := from
		for to < len(toks) && !sentenceBreak(toks, to) {
			to++
		}
		if to < len(toks) {
			to++ // the break belongs to the sentence
		}
		sent := toks[from:to]
		if !aboutMaterial(sent) {
			mentionsInSentence(sent, interpreting(sent), m, add)
		}
		from = to
	}
}

// sentenceBreak reports a full stop, or a line break not after a colon
// ("Sprachen möglich:\nSorbisch, …" goes on).
func sentenceBreak(toks []token, i int) bool {
	switch toks[i].punct {
	case '.':
		return true
	case '\n':
		return i == 0 || toks[i-1].punct != ':'
	}
	return false
}

// materialWords mark a sentence about a programme, a flyer or a website
// ("liegt in deutsch-englischer Version aus", "zum Download") or a report
// of something past ("Gelesen wurde in Englisch, …"), not about the event.
var materialWords = []string{"download", "herunterladen", "flyer", "broschüre", "faltblatt", "infomaterial",
	"wendeheft", "version", "website", "webseite", "homepage", "wurde", "wurden", "stattgefunden", "fand", "programm",
	"програм", "найд"}

func aboutMaterial(sent []token) bool {
	for _, t := range sent {
		if t.punct != 0 {
			continue
		}
		low := t.low
		for _, w := range materialWords {
			if strings.HasPrefix(low, w) {
				return true
			}
		}
	}
	return false
}

// interpreting reports a sentence that speaks of interpreting or
// translation anywhere in it ("… auch auf Vietnamesisch übersetzt",
// "Flüsterübersetzung ins Ukrainische").
func interpreting(sent []token) bool {
	for _, t := range sent {
		if t.punct != 0 {
			continue
		}
		low := t.low
		for _, w := range []string{"übersetz", "dolmetsch", "sprachmittl", "translat", "interpret", "перевод", "переклад"} {
			if strings.Contains(low, w) {
				return true
			}
		}
	}
	return false
}

// appendSplit appends t, with "persisch-deutsch" and "deutsch-englischer"
// split into their language words when every part names one.
func appendSplit(toks []token, t token) []token {
	if t.punct != 0 || !strings.Contains(t.text, "-") {
		return append(toks, t)
	}
	for p := range strings.SplitSeq(t.low, "-") {
		if languageStem(p) == "" {
			return append(toks, t)
		}
	}
	off := 0
	for p := range strings.SplitSeq(t.text, "-") {
		if off > 0 {
			toks = append(toks, token{punct: '-'})
		}
		toks = append(toks, token{text: p, low: t.low[off : off+len(p)], at: t.at + off, pair: true})
		off += len(p) + 1
	}
	return toks
}

// languageStem maps a German language adjective with any ending
// ("deutsch", "englischer", "polnischen") to its code.
func languageStem(low string) string {
	for _, suf := range []string{"", "e", "er", "en", "es", "em"} {
		if base, ok := strings.CutSuffix(low, suf); ok {
			if c := adjective(base); c != "" {
				return c
			}
		}
	}
	return ""
}

// sprachNouns are the words after "in …er" that make the adjective a
// language ("in deutscher Sprache", "in arabischer Übersetzung"), unlike "in
// chinesischer Kalligraphie".
var sprachNouns = []string{"sprache", "übersetzung", "fassung", "version", "untertitel", "lautsprache", "schrift"}

func mentionsInSentence(sent []token, interp bool, m *Mentions, add func(code string, tr bool)) {
	armed, list := 0, false // tokens left in which a language counts; inside a list
	translation := interp
	var prev, prev2 string
	for i, t := range sent {
		if t.punct != 0 {
			switch t.punct {
			case ',', '/', '&', ':', '(', ')', '-':
				if list {
					armed = 2
				}
			case '\n':
				if prev != ":" { // "Sprachen möglich:\nSorbisch, …" goes on
					armed, list = 0, false
				}
			}
			prev2, prev = prev, string(t.punct)
			continue
		}
		low := t.low
		if n := countBefore(prev, prev2, low); n > 0 {
			m.Unnamed = max(m.Unnamed, n)
		}
		if low == "mehrsprachig" || low == "mehrsprachige" || low == "mehrsprachigen" || low == "multilingual" {
			m.Unnamed = max(m.Unnamed, 2)
		}
		next := ""
		if i+1 < len(sent) && sent[i+1].punct == 0 {
			next = strings.ToLower(sent[i+1].text)
		}
		code, always := languageWord(t.text, low, prev, next)
		if code == "" && list && armed > 0 {
			code = misspelt(t.text) // "Arabic, Frensh, Spanish"
		}
		if code != "" && prev == "than" && prev2 == "other" {
			code = "" // "a language other than German"
		}
		// in a sentence about interpreting, a language noun needs no trigger
		// ("Sprachmittler für Arabisch, Farsi und Urdu übersetzen die Vorträge")
		noun := interp && names[t.text] != ""
		if code != "" && (always || armed > 0 || t.pair && interp || noun) {
			add(code, translation)
			armed, list = 2, true
			prev2, prev = prev, low
			continue
		}
		if ok, tr := trigger(low); ok {
			// "mit deutscher Übersetzung": the adjective came first
			if base, isAdj := strings.CutSuffix(prev, "er"); tr && isAdj {
				if code := adjective(base); code != "" {
					add(code, true)
				}
			}
			armed, list = 4, false
			translation = translation || tr
		} else if connectors[low] && list {
			armed = 2
		} else if armed > 0 {
			armed--
			list = false
		}
		prev2, prev = prev, low
	}
}

// lowerSameLen lower-cases without changing byte offsets (runes whose
// lower case has another width stay as they are).
func lowerSameLen(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != utf8.RuneLen(r) {
			l = r
		}
		b = utf8.AppendRune(b, l)
	}
	return string(b)
}

// countBefore recognises "in 5 verschiedenen Sprachen" and "in fünf Sprachen".
func countBefore(prev, prev2, low string) int {
	if low != "sprachen" && low != "languages" {
		return 0
	}
	for _, w := range []string{prev, prev2} {
		if n, ok := numberWords[w]; ok && w != "verschiedenen" && w != "unterschiedlichen" {
			return n
		}
		if len(w) > 0 && len(w) <= 2 && isDigits(w) {
			n := 0
			for _, c := range w {
				n = n*10 + int(c-'0')
			}
			return n
		}
	}
	if prev == "verschiedenen" || prev == "unterschiedlichen" || prev == "mehreren" {
		return 2
	}
	return 0
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// languageWord returns the code a word names. always is set for forms that
// name a language on their own ("arabischsprachig", "по-русски"); other
// forms count only after a trigger or in a list.
func languageWord(word, low, prev, next string) (code string, always bool) {
	if c, ok := names[word]; ok {
		return c, false
	}
	if r, _ := utf8.DecodeRuneInString(low); r >= 0x400 && r <= 0x4FF {
		for _, c := range cyrillic {
			if strings.HasPrefix(low, c.stem) {
				return c.code, strings.HasPrefix(c.stem, "по-")
			}
		}
		return "", false
	}
	// "(sorbisch/deutsch)" after "zweisprachig": lower-case adjectives count
	// only in a language context, so the caller checks armed.
	if word == low {
		if c := adjective(low); c != "" {
			return c, false
		}
	}
	// "DE/EN" after "Sprache:"
	if len(word) == 2 && word == strings.ToUpper(word) {
		if c := strings.ToLower(word); Valid(c) {
			return c, false
		}
	}
	for _, suf := range []string{"sprachigen", "sprachiger", "sprachige", "sprachig"} {
		if base, ok := strings.CutSuffix(low, suf); ok {
			if c := adjective(base); c != "" {
				return c, true
			}
		}
	}
	// "ins Deutsche", "in deutscher Sprache"
	if prev == "ins" {
		if base, ok := strings.CutSuffix(low, "e"); ok {
			return adjective(base), false
		}
	}
	if base, ok := strings.CutSuffix(low, "er"); ok && (prev == "in" || prev == "auf") && sprachNoun(next) {
		return adjective(base), false
	}
	return "", false
}

func sprachNoun(w string) bool {
	for _, n := range sprachNouns {
		if strings.HasPrefix(w, n) {
			return true
		}
	}
	return false
}

// misspelt returns the language a capitalised word of at least five letters
// names with one letter wrong, added or missing ("Frensh", "Spansh"); only
// asked inside a list of languages.
func misspelt(word string) string {
	if len(word) < 5 || word[0] < 'A' || word[0] > 'Z' {
		return ""
	}
	for _, name := range sortedNames() { // in order: the first close name wins, every time
		if d := len(name) - len(word); d >= -1 && d <= 1 && name[0] == word[0] && editOne(name, word) {
			return names[name]
		}
	}
	return ""
}

var sortedNames = sync.OnceValue(func() []string {
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
})

// editOne reports that a and b differ by at most one substitution,
// insertion or deletion (bytes).
func editOne(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return len(a)-len(b) <= 1
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}

// adjective maps a lower-case German adjective stem ("arabisch") to a code.
func adjective(base string) string {
	if base == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(base)
	noun := string(unicode.ToUpper(r)) + base[size:]
	return names[noun]
}

// tokens splits text into words (letters, digits, inner hyphens and
// apostrophes) and single punctuation marks.
func tokens(text string, fn func(token)) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += s2
					continue
				}
				if (r2 == '-' || r2 == '\'') && j+s2 < len(text) {
					if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); unicode.IsLetter(r3) {
						j += s2
						continue
					}
				}
				break
			}
			fn(token{text: text[i:j], at: i})
			i = j
		case r == '\n':
			fn(token{punct: '\n'})
			i += size
		case r == '.' || r == '!' || r == '?' || r == ';':
			fn(token{punct: '.'})
			i += size
		case r == ',' || r == '/' || r == '&' || r == ':' || r == '(' || r == ')':
			fn(token{punct: byte(r)})
			i += size
		case r == '-' || r == '–':
			fn(token{punct: '-'})
			i += size
		default:
			i += size
		}
	}
}
