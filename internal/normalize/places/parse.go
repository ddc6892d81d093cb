package places

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
)

// maxLine bounds the work on one place line; longer input is cut (a place
// line longer than this is prose, not an address).
const maxLine = 400

// Parse reads one place as written on an "Ort:" line or in a place field:
// "Haus der Stadtmission - Demmeringstraße 18 - 04177 Leipzig",
// "DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig)",
// "im riesa efau Dresden", "ONLINE (Link erhalten Sie nach Anmeldung)".
func Parse(s string) Result {
	s = cleanLine(s)
	var r Result
	if s == "" {
		return r
	}
	if rest, ok := cutOnlinePrefix(s); ok {
		r.Online = true
		s = rest
	}
	segs := segments(s)
	var venue []seg
	address := false
	for i, g := range segs {
		txt := s[g.start:g.end]
		if online, detail := onlineSegment(txt); online || detail {
			// "online (Zoom)" makes the place online; "Link erhalten Sie nach
			// Anmeldung" only says how to join and is no venue either way
			r.Online = r.Online || online
			continue
		}
		if pc, city, pre, ok := postcodeCity(txt); ok {
			r.PostalCode, r.City = pc, city
			if pre = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(pre), " in")); pre != "" && isStreet(pre) && r.Street == "" {
				r.Street = pre
			}
			address = true
			continue
		}
		if isStreet(txt) {
			if r.Street == "" {
				r.Street = txt
			}
			address = true
			continue
		}
		if r.City == "" && knownPlace(txt) {
			r.City = txt
			continue
		}
		if dateLike(txt) {
			continue // "Mi, 20.10.2021 | 18:00 Uhr | Volkshochschule …"
		}
		// the venue is the first run of adjacent segments before the address
		if !address && (len(venue) == 0 || venue[len(venue)-1].idx == i-1) {
			g.idx = i
			venue = append(venue, g)
		}
	}
	if len(venue) > 0 {
		r.Venue = cleanVenue(s[venue[0].start:venue[len(venue)-1].end])
	}
	r.splitTrailingCity()
	if r.Online && r.Street == "" && r.PostalCode == "" && proseVenue(r.Venue) {
		r.Venue = ""
	}
	r.resolve()
	return r
}

// splitTrailingCity turns "riesa efau Dresden" into venue "riesa efau" and
// city "Dresden" when no city was found elsewhere.
func (r *Result) splitTrailingCity() {
	if r.City != "" || r.Venue == "" {
		return
	}
	var last gazetteer.Hit
	gazetteer.Scan(r.Venue, func(h gazetteer.Hit) { last = h })
	if last.End != len(r.Venue) || last.Start == 0 || last.Weak || last.Region != "" {
		return
	}
	r.City = r.Venue[last.Start:]
	v := strings.TrimSpace(r.Venue[:last.Start])
	v = strings.TrimSuffix(v, " in")
	r.Venue = strings.TrimRight(v, " ,–-")
}

type seg struct{ start, end, idx int }

var weekdays = map[string]bool{"mo": true, "di": true, "mi": true, "do": true, "fr": true, "sa": true, "so": true,
	"montag": true, "dienstag": true, "mittwoch": true, "donnerstag": true, "freitag": true, "samstag": true,
	"sonnabend": true, "sonntag": true}

// dateLike reports whether a segment is a date, a time or a weekday rather
// than part of a place: "Mi", "20.10.2021", "18:00 Uhr", "ab 18 Uhr".
func dateLike(s string) bool {
	low := strings.ToLower(strings.TrimRight(s, "."))
	if weekdays[low] || strings.HasSuffix(low, " uhr") || low == "uhr" {
		return true
	}
	digits, marks := 0, 0
	for i := 0; i < len(low); i++ {
		switch c := low[i]; {
		case isDigit(c):
			digits++
		case c == '.' || c == ':':
			marks++
		}
	}
	return digits >= 2 && marks >= 1 && digits+marks >= len(strings.ReplaceAll(low, " ", ""))-3
}

// segments splits a place line at commas, semicolons, pipes, parentheses and
// spaced dashes; "Alte Messe/Deutscher Platz 4" and "Leipzig-Connewitz" stay whole.
func segments(s string) []seg {
	var out []seg
	start := 0
	add := func(end int) {
		a, b := start, end
		for a < b && (s[a] == ' ' || s[a] == ':') {
			a++
		}
		for b > a && s[b-1] == ' ' {
			b--
		}
		if a < b {
			out = append(out, seg{start: a, end: b})
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '(' && placeInParens(s, start, i):
			// "Halle (Saale)": the parenthesis belongs to the name
			i += strings.IndexByte(s[i:], ')') + 1
			continue
		case c == ',' || c == ';' || c == '|' || c == '(' || c == ')' || c == '\n':
			add(i)
			start = i + 1
		case c == ' ' && i+2 < len(s) && s[i+1] == '-' && s[i+2] == ' ':
			add(i)
			start = i + 3
			i += 3
			continue
		case c == ' ' && (strings.HasPrefix(s[i+1:], "– ") || strings.HasPrefix(s[i+1:], "— ")):
			add(i)
			start = i + 1 + len("– ")
			i = start
			continue
		}
		i++
	}
	add(len(s))
	return out
}

// placeInParens reports whether the parenthesis at open completes a place
// name begun at start, optionally after a postcode ("06108 Halle (Saale)").
func placeInParens(s string, start, open int) bool {
	close := strings.IndexByte(s[open:], ')')
	if close < 0 || close > 24 {
		return false
	}
	cand := strings.TrimSpace(s[start : open+close+1])
	if i := findPostcode(cand, 0); i >= 0 {
		cand = strings.TrimSpace(cand[i+5:])
	}
	return knownPlace(cand)
}

// cleanLine collapses white space and trims separators around the line.
func cleanLine(s string) string {
	if len(s) > maxLine {
		s = s[:maxLine]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " :-–—,;|.")
}

var onlineWords = []string{"online", "zoom", "webex", "jitsi", "bigbluebutton", "livestream", "live-stream",
	"videokonferenz", "webinar", "digital", "ms teams", "microsoft teams", "internet"}

// cutOnlinePrefix handles lines that start with an online word. Scraped
// lists sometimes glue the next paragraph to it ("Ort: OnlineWas bedeutet …"):
// a capital letter right after the word ends the place.
func cutOnlinePrefix(s string) (string, bool) {
	low := lowerASCII(s)
	for _, w := range onlineWords {
		if !strings.HasPrefix(low, w) {
			continue
		}
		rest := s[len(w):]
		r, _ := utf8.DecodeRuneInString(rest)
		switch {
		case rest == "":
			return "", true
		case unicode.IsUpper(r):
			return "", true
		case unicode.IsLetter(r) || r == '-':
			return s, false // "Online-Aktivitäten", "Digitalisierung": not a place
		}
		return strings.TrimLeft(rest, " -–:,"), true
	}
	return s, false
}

// onlineDetail are words of segments that describe how to join online
// ("Link erhalten Sie nach Anmeldung"), never a venue.
var onlineDetail = []string{"link", "zugangsdaten", "einwahl", "anmeldung", "teilnahme", "zoom", "plattform"}

func onlineSegment(s string) (online, detail bool) {
	onlineSet().Scan(lowerASCII(s), func(id, _, _ int) {
		if id < len(onlineWords) {
			online = true
		} else {
			detail = true
		}
	})
	return online, detail
}

// onlineSet matches onlineWords, then onlineDetail, as whole words.
var onlineSet = sync.OnceValue(func() *phrases.Set {
	var pats []string
	for _, w := range append(append([]string(nil), onlineWords...), onlineDetail...) {
		pats = append(pats, w+"$")
	}
	return phrases.Compile(pats)
})

// knownPlace reports whether s is exactly a place name (Saxon or not).
func knownPlace(s string) bool {
	return gazetteer.ByName(s) != nil || gazetteer.Outside(s)
}

var venuePrepositions = []string{"im ", "in der ", "in dem ", "in den ", "in das ", "in die ", "ins ", "in ",
	"auf dem ", "auf der ", "beim ", "bei ", "zum ", "zur "}

// cleanVenue drops a leading preposition ("im riesa efau") and quotes
// around the whole name.
func cleanVenue(v string) string {
	v = strings.TrimSpace(v)
	low := lowerASCII(v)
	for _, p := range venuePrepositions {
		if strings.HasPrefix(low, p) && len(v) > len(p) {
			v = v[len(p):]
			break
		}
	}
	return strings.Trim(v, " ,:-–")
}

// proseVenue reports whether a venue candidate reads like a sentence rather
// than a name: many lower-case words or sentence punctuation.
func proseVenue(v string) bool {
	if v == "" {
		return false
	}
	if strings.ContainsAny(v, "?!") || len(v) > 100 {
		return true
	}
	lower := 0
	for _, w := range strings.Fields(v) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !smallWords[w] {
			lower++
		}
	}
	return lower > 2
}

var smallWords = map[string]bool{"der": true, "die": true, "das": true, "des": true, "den": true, "dem": true,
	"für": true, "und": true, "am": true, "im": true, "zum": true, "zur": true, "von": true, "e.V.": true, "an": true, "auf": true}

// lowerASCII lower-cases ASCII letters only, so byte offsets in the result
// are offsets in s (strings.ToLower may change the length of invalid or
// special runes).
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
