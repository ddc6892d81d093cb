package places

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// findPostcode returns the byte offset of the first German postcode in s at
// or after from: five digits standing alone and followed by a capitalised
// word ("04177 Leipzig"), so phone numbers ("01575 5520787") do not count.
func findPostcode(s string, from int) int {
	for i := from; i+5 <= len(s); i++ {
		if !isDigit(s[i]) {
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i != 5 || (i > 0 && (isAlnumBefore(s, i) || s[i-1] == '.' || s[i-1] == '+' || s[i-1] == '/')) {
			i = j
			continue
		}
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k == j || k >= len(s) {
			i = j
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[k:])
		if unicode.IsUpper(r) {
			return i
		}
		i = j
	}
	return -1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnumBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// postcodeCity finds "04177 Leipzig" in a segment and returns the postcode,
// the city and the text before the postcode (a street, "Fürstenplatz 5 in").
func postcodeCity(s string) (pc, city, before string, ok bool) {
	i := findPostcode(s, 0)
	if i < 0 {
		return "", "", "", false
	}
	pc = s[i : i+5]
	before = strings.TrimSuffix(strings.TrimSpace(s[:i]), "D-")
	return pc, cityAfter(s[i+5:]), before, true
}

// cityAfter reads the city name that follows a postcode: the longest run of
// words the gazetteer knows ("Neustadt in Sachsen", "Halle (Saale)"), else
// the first word ("Musterdorf").
func cityAfter(s string) string {
	s = strings.TrimLeft(s, " ")
	end := len(s)
	for i, r := range s {
		if r == ',' || r == ';' || r == '|' || r == '\n' || r == ')' && !strings.Contains(s[:i], "(") {
			end = i
			break
		}
		if r == ' ' && (strings.HasPrefix(s[i:], " - ") || strings.HasPrefix(s[i:], " – ")) {
			end = i
			break
		}
	}
	s = s[:end]
	words := strings.Fields(s)
	if len(words) > 5 {
		words = words[:5]
	}
	for k := len(words); k > 1; k-- {
		cand := strings.Join(words[:k], " ")
		if knownPlace(cand) {
			return cand
		}
	}
	if len(words) == 0 {
		return ""
	}
	return strings.TrimRight(words[0], ".:")
}

var streetSuffixes = []string{"straße", "strasse", "str.", "str", "weg", "platz", "allee", "gasse", "ring", "ufer",
	"damm", "markt", "chaussee", "promenade", "steig", "stieg", "pfad", "berg", "hof", "park", "brücke", "zeile",
	"winkel", "anger", "graben", "wall", "garten", "kai", "passage", "siedlung", "höhe", "gässchen", "bogen", "leite",
	// Upper Sorbian: square, road, lane
	"naměsto", "dróha", "hasa"}

var streetStarts = map[string]bool{"Am": true, "An": true, "Auf": true, "Im": true, "In": true, "Zum": true,
	"Zur": true, "Unter": true, "Hinter": true, "Vor": true, "Alte": true, "Alter": true, "Altes": true,
	"Neue": true, "Neuer": true, "Große": true, "Großer": true, "Kleine": true, "Kleiner": true, "Straße": true}

var notStreet = map[string]bool{"uhr": true, "raum": true, "saal": true, "halle": true, "haus": true, "etage": true,
	"og": true, "eg": true, "zimmer": true, "gebäude": true, "werk": true, "stock": true, "jahr": true, "jahre": true,
	"jahren": true, "seite": true, "nr.": true, "nummer": true, "tag": true, "tage": true, "punkt": true}

// isStreet reports whether s is a street with a house number: "Kochstraße
// 132", "Alte Messe/Deutscher Platz 4", "Am Markt 1", "Straße des 18. Oktober 10a".
func isStreet(s string) bool {
	s = strings.TrimSpace(strings.ReplaceAll(s, "–", "-"))
	body, ok := cutHouseNumber(s)
	if !ok || strings.ContainsAny(body, ":") {
		return false
	}
	words := strings.Fields(body)
	if len(words) == 0 || len(words) > 7 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(words[0]); !unicode.IsUpper(r) {
		return false
	}
	last := strings.ToLower(words[len(words)-1])
	if notStreet[last] || isMonth(last) && words[0] != "Straße" {
		return false
	}
	if streetStarts[words[0]] && len(words) >= 2 {
		return true
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		for _, suf := range streetSuffixes {
			if strings.HasSuffix(lw, suf) && len(lw) > len(suf)-1 {
				return true
			}
		}
	}
	return false
}

// cutHouseNumber removes a trailing house number ("18", "10a", "12-14",
// "5 b") and returns the rest.
func cutHouseNumber(s string) (string, bool) {
	i := len(s)
	// optional range "-14" or "/14"
	j := i
	for j > 0 && (isDigit(s[j-1]) || isLetterASCII(s[j-1])) && i-j < 4 {
		j--
	}
	if j > 0 && j < i && (s[j-1] == '-' || s[j-1] == '/') && isDigit(s[j]) {
		i = j - 1
	}
	// optional letter
	if i > 0 && isLetterASCII(s[i-1]) && i > 1 && (isDigit(s[i-2]) || s[i-2] == ' ' && i > 2 && isDigit(s[i-3])) {
		i--
		if s[i-1] == ' ' {
			i--
		}
	}
	d := i
	for d > 0 && isDigit(s[d-1]) {
		d--
	}
	if d == i || i-d > 4 || d == 0 || s[d-1] != ' ' {
		return "", false
	}
	return strings.TrimSpace(s[:d]), true
}

func isLetterASCII(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

var months = []string{"januar", "jan.", "februar", "feb.", "märz", "maerz", "april", "apr.", "mai", "juni",
	"juli", "august", "aug.", "september", "sept.", "sep.", "oktober", "okt.", "november", "nov.", "dezember", "dez."}

func isMonth(w string) bool {
	for _, m := range months {
		if w == m {
			return true
		}
	}
	return false
}
