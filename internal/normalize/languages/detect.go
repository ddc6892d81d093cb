package languages

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detection is the language of a text as far as a cheap detector can tell.
type Detection struct {
	// Codes are the languages of the text, main language first; a second
	// code appears when a bilingual text has a substantial part in it.
	Codes      []string
	Confidence float64
}

// minLetters is the least text the detector decides on; shorter texts give
// no detection. sample is how much of a text it reads: a few hundred words
// tell the language as well as the whole page.
const (
	// minSecond is how many stopwords a second language of a text needs.
	minSecond  = 6
	minLetters = 40
	sample     = 4096
)

// Detect tells the language of a text from its script (Cyrillic → ru or
// uk, Arabic script → ar or fa) and, for Latin script, from German and
// English stopwords.
func Detect(text string) Detection {
	if len(text) > sample {
		text = text[:sample]
	}
	var st stopCount
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if unicode.IsLetter(r) {
			st.add(text[i : i+size])
		} else {
			st.end()
		}
		i += size
	}
	st.end()
	return DetectWith(text, st.de, st.en)
}

// StopwordPatterns are the German and English stopwords as whole-word
// patterns (phrases syntax) with 'd' or 'e' for each, for callers that
// count them in a pass of their own and call DetectWith.
func StopwordPatterns() (pats []string, lang []byte) {
	for w, l := range stopwords {
		pats = append(pats, w+"$")
		lang = append(lang, l)
	}
	return pats, lang
}

// DetectWith is Detect for a caller that counted the German (de) and
// English (en) stopwords of the text already.
func DetectWith(text string, de, en int) Detection {
	return DetectCounts(text, Stopwords{DE: de, EN: en})
}

// Stopwords counts the stopwords of each language a text holds.
type Stopwords struct{ DE, EN, HSB int }

// DetectCounts is DetectWith with Upper Sorbian counted too. A Latin text
// written in two languages (a German and an English version, a Sorbian and
// a German one) is in both when the smaller one holds at least a quarter of
// the stopwords: bilingual pages address readers of both.
func DetectCounts(text string, sw Stopwords) Detection {
	if len(text) > sample {
		text = text[:sample]
	}
	de, en := sw.DE, sw.EN
	st := stopCount{de: de, en: en}
	latin, cyr, arab, ukr, pers := countScripts(text)
	hsbL, plL := countSlavic(text)
	if hsbL >= minSlavic && hsbL*200 >= latin {
		sw.HSB = max(sw.HSB, minSecond) // Sorbian letters: the stopwords of a PDF may be broken up
	}
	total := latin + cyr + arab
	if total < minLetters {
		return Detection{}
	}
	type part struct {
		code string
		n    int
	}
	parts := make([]part, 0, 5) // at most Cyrillic, Arabic, two Latin and Polish: on the stack
	if cyr > 0 {
		c := "ru"
		if ukr*50 >= cyr { // Ukrainian letters in at least 2 % of the Cyrillic ones
			c = "uk"
		}
		parts = append(parts, part{c, cyr})
	}
	if arab > 0 {
		c := "ar"
		if pers*30 >= arab {
			c = "fa"
		}
		parts = append(parts, part{c, arab})
	}
	if latin > 0 {
		code := st.language(latin == total || latin*2 > total)
		parts = append(parts, part{code, latin})
		// the second Latin language of a bilingual text
		second := ""
		switch {
		case sw.HSB >= minSecond && 4*sw.HSB >= sw.HSB+de:
			if code == "de" && de >= minSecond {
				parts[len(parts)-1].code, second = "hsb", "de"
			} else if code == "de" || code == "" {
				parts[len(parts)-1].code = "hsb"
			}
		case code == "de" && en >= minSecond && 4*en >= en+de:
			second = "en"
		case code == "en" && de >= minSecond && 4*de >= en+de:
			second = "de"
		}
		if second != "" {
			parts = append(parts, part{second, latin / 2})
		}
		if plL >= minSlavic && plL*200 >= latin {
			// Polish letters in at least 0.5 % of the Latin ones: a Polish text or version
			if code == "" || code == "de" && de < minSecond {
				parts[len(parts)-1].code = "pl" // hardly a German stopword: the text is Polish only
			} else {
				parts = append(parts, part{"pl", latin / 2})
			}
		}
	}
	// main language first, then any other part with at least 20 % of the letters
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j].n > parts[j-1].n; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	d := Detection{Confidence: float64(parts[0].n) / float64(total)}
	for i, p := range parts {
		if p.code != "" && (i == 0 || p.n*5 >= total || p.n*5 >= latin*2) {
			d.Codes = append(d.Codes, p.code)
		}
	}
	return d
}

// Stopwords are frequent function words; they are compared lower-cased.
var deStop = map[string]bool{"der": true, "die": true, "das": true, "und": true, "mit": true, "für": true,
	"ist": true, "sind": true, "von": true, "zu": true, "im": true, "den": true, "dem": true, "ein": true,
	"eine": true, "sich": true, "auf": true, "nicht": true, "wir": true, "sie": true, "ihr": true, "es": true,
	"des": true, "zur": true, "zum": true, "auch": true, "bei": true, "wie": true, "uns": true, "oder": true}

var enStop = map[string]bool{"the": true, "and": true, "of": true, "to": true, "for": true, "with": true,
	"is": true, "are": true, "on": true, "will": true, "you": true, "we": true, "our": true, "this": true,
	"be": true, "at": true, "from": true, "an": true, "by": true, "your": true, "all": true, "who": true,
	"about": true, "please": true, "can": true, "have": true, "it": true}

// stopwords maps each stopword to 'd' (German) or 'e' (English); one map
// lookup per word.
// hsbStop are frequent Upper Sorbian words that German and English texts
// hardly use.
var hsbStop = []string{"je", "su", "za", "wo", "ze", "wot", "tež", "při", "přez", "abo", "dla", "pola", "mjez",
	"kotryž", "kotraž", "budźe", "serbsce"}

var stopwords = func() map[string]byte {
	m := map[string]byte{}
	for _, w := range hsbStop {
		m[w] = 'h'
	}
	for w := range deStop {
		m[w] = 'd'
	}
	for w := range enStop {
		m[w] = 'e'
	}
	return m
}()

// stopCount counts German and English stopwords word by word as Detect
// reads the text.
type stopCount struct {
	buf    [6]byte
	n      int // bytes of the current word
	de, en int
}

// add appends the bytes of one letter to the current word.
func (s *stopCount) add(b string) {
	for k := 0; k < len(b); k++ {
		if s.n < len(s.buf) {
			c := b[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.buf[s.n] = c
		}
		s.n++
	}
}

// end closes the current word; stopwords are at most six bytes long.
func (s *stopCount) end() {
	if s.n > 0 && s.n <= len(s.buf) {
		switch stopwords[string(s.buf[:s.n])] {
		case 'd':
			s.de++
		case 'e':
			s.en++
		}
	}
	s.n = 0
}

// language tells German from English; other Latin-script languages are
// taken as German, the default of the partner pages. A Latin part beside a
// text in another script (main is false) must have sentences of its own — a
// few stopwords — not just a German address line.
func (s *stopCount) language(main bool) string {
	if s.en >= 4 && s.en > 2*s.de {
		return "en"
	}
	if !main && s.de < 3 {
		return ""
	}
	return "de"
}

// minSlavic is how many letters only Upper Sorbian (ě, ř) or only Polish
// (ą, ę, ś, ż) writes a text needs before it counts as written in it: a
// name or two ("Budyšin", "Śląsk") does not make a text Sorbian or Polish.
const minSlavic = 8

// countSlavic counts the letters that tell Upper Sorbian and Polish apart
// from German and from each other.
func countSlavic(text string) (hsb, pl int) {
	// all these letters have the lead byte 0xC4 or 0xC5: jump from one to
	// the next (a lead byte is never a continuation byte)
	for _, lead := range [2]byte{0xC4, 0xC5} {
		for i := 0; ; i++ {
			k := strings.IndexByte(text[i:], lead)
			if k < 0 {
				break
			}
			i += k
			switch r, _ := utf8.DecodeRuneInString(text[i:]); r {
			case 'ě', 'Ě', 'ř', 'Ř':
				hsb++
			case 'ą', 'Ą', 'ę', 'Ę', 'ś', 'Ś', 'ż', 'Ż':
				pl++
			}
		}
	}
	return hsb, pl
}

// countScripts counts the letters of each script from the UTF-8 lead bytes,
// decoding only the few letters that tell Ukrainian from Russian and
// Persian from Arabic.
func countScripts(text string) (latin, cyr, arab, ukr, pers int) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c < utf8.RuneSelf:
			if 'a' <= c|0x20 && c|0x20 <= 'z' {
				latin++
			}
		case c < 0xC0: // continuation byte
		case c == 0xD0 || c == 0xD1 || c == 0xD2 && i+1 < len(text) && (text[i+1] == 0x90 || text[i+1] == 0x91):
			cyr++
			if i+1 < len(text) {
				switch r, _ := utf8.DecodeRuneInString(text[i:]); r {
				case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
					ukr++
				}
			}
		case c >= 0xD8 && c <= 0xDB:
			arab++
			if c >= 0xD9 {
				switch r, _ := utf8.DecodeRuneInString(text[i:]); r {
				case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
					pers++
				}
			}
		case c == 0xEF && i+1 < len(text) && text[i+1] >= 0xAD && text[i+1] <= 0xBB:
			arab++ // presentation forms
		default:
			if r, _ := utf8.DecodeRuneInString(text[i:]); unicode.IsLetter(r) {
				latin++ // umlauts, accents
			}
		}
	}
	return
}
