package places

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
)

// maxText bounds the work Find does on one text.
const maxText = 64 << 10

// placeLabels start a line that names the place ("Ort: …"). Lower case,
// without the colon.
var placeLabels = []string{"ort", "veranstaltungsort", "wo", "adresse", "anschrift", "location", "venue", "place",
	"where", "treffpunkt", "место", "адрес", "місце"}

// Find looks for the place of an event in free text, best evidence first:
// an "Ort:" line, an address with a postcode ("(Fürstenplatz 5 in 08289
// Schneeberg)"), then "im Werk 2 in Leipzig-Connewitz" style phrases.
func Find(text string) Result {
	return Read(text).Place()
}

// Text is a text being read for its place and region. Both are computed on
// first use and share one scan of the place names, which is the costly part
// and often not needed: an "Ort:" line or a postcode settles the place.
type Text struct {
	text    string
	hits    []gazetteer.Hit
	scanned bool
	place   *Result
	region  *Guess
}

// Read starts reading text (at most maxText bytes of it).
func Read(text string) *Text {
	if len(text) > maxText {
		text = text[:maxText]
	}
	return &Text{text: text}
}

func (t *Text) names() []gazetteer.Hit {
	if !t.scanned {
		t.hits, t.scanned = scanNames(t.text), true
	}
	return t.hits
}

// Place is Find of the text.
func (t *Text) Place() Result {
	if t.place == nil {
		r := t.findPlace()
		t.place = &r
	}
	return *t.place
}

// Region is RegionIn of the text.
func (t *Text) Region() Guess {
	if t.region == nil {
		g := guessRegion(t.text, t.names())
		t.region = &g
	}
	return *t.region
}

func (t *Text) findPlace() Result {
	if r, ok := fromLabel(t.text); ok {
		return r
	}
	if r, ok := fromPostcode(t.text); ok {
		return r
	}
	if r, ok := fromAddressLine(t.text); ok {
		return r
	}
	r, _ := fromPreposition(t.text, t.names())
	return r
}

// scanNames lists the place names of a text (gazetteer.Scan).
func scanNames(text string) []gazetteer.Hit {
	var hits []gazetteer.Hit
	gazetteer.Scan(text, func(h gazetteer.Hit) { hits = append(hits, h) })
	return hits
}

// LabelLine returns the value of the first "Ort:" style line and its byte
// offset in text, or -1.
func LabelLine(text string) (string, int) {
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if v, ok := labelValue(text[start:end]); ok {
			return v, start
		}
		start = end + 1
	}
	return "", -1
}

func labelValue(line string) (string, bool) {
	line = strings.TrimLeft(line, " \t•-*")
	colon := strings.IndexByte(line, ':')
	if colon <= 0 || colon > 24 {
		return "", false
	}
	label := strings.TrimSpace(line[:colon])
	for _, l := range placeLabels {
		if strings.EqualFold(label, l) {
			v := strings.TrimSpace(line[colon+1:])
			return v, v != ""
		}
	}
	return "", false
}

func fromLabel(text string) (Result, bool) {
	v, at := LabelLine(text)
	if at < 0 {
		return Result{}, false
	}
	r := Parse(v)
	if !r.Found() && !r.Online {
		return Result{}, false
	}
	r.Labelled = true
	return r, true
}

// Bounds of the window around a postcode that fromPostcode reads, and of
// the postcodes it tries: the work stays linear on any input.
const (
	windowBefore = 240
	windowAfter  = 120
	maxPostcodes = 16
)

// fromPostcode parses the clause around the first postcode of the text.
func fromPostcode(text string) (Result, bool) {
	for n, from := 0, 0; n < maxPostcodes; n++ {
		i := findPostcode(text, from)
		if i < 0 {
			return Result{}, false
		}
		from = i + 5
		lo, hi := max(0, i-windowBefore), min(len(text), i+windowAfter)
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		lineStart := lo + strings.LastIndexByte(text[lo:i], '\n') + 1
		lineEnd := strings.IndexByte(text[i:hi], '\n')
		if lineEnd < 0 {
			lineEnd = hi
		} else {
			lineEnd += i
		}
		line := text[lineStart:lineEnd]
		at := i - lineStart
		if contactLine(line[:at]) {
			continue // "Info: Förderverein …, Domplatz 5, 04808 Wurzen": the organiser's office, not the venue
		}
		var r Result
		if open := strings.LastIndexByte(line[:at], '('); open >= 0 && !strings.Contains(line[open:at], ")") {
			// "Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg)"
			close := strings.IndexByte(line[at:], ')')
			if close < 0 {
				close = len(line) - at
			}
			r = Parse(line[open+1 : at+close])
			if r.Venue == "" {
				r.Venue = venueBefore(line[:open])
			}
		} else {
			r = Parse(clause(line, at))
		}
		if r.PostalCode != "" {
			return r, true
		}
	}
	return Result{}, false
}

// contactLabels start the part of a line that gives an organiser's or a
// contact's address ("Info:", "Kontakt:", "Veranstalter:", "Impressum").
var contactLabels = []string{"info:", "infos:", "kontakt:", "contact:", "veranstalter:", "veranstalterin:",
	"träger:", "herausgeber:", "impressum", "anmeldung:", "anmeldung bei", "anmeldung an", "v.i.s.d.p", "postanschrift",
	"geschäftsstelle"}

// contactLine reports a contact label in the line before the postcode.
func contactLine(before string) bool {
	low := strings.ToLower(before)
	for _, l := range contactLabels {
		if strings.Contains(low, l) {
			return true
		}
	}
	return false
}

// fromAddressLine reads a short line that is an address without a postcode:
// "Serbski dom, Póstowe naměsto 2, Budyšin" — a street and a known town.
func fromAddressLine(text string) (Result, bool) {
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		start = end + 1
		if len(line) > 160 || !strings.Contains(line, ",") || contactLine(line) {
			continue
		}
		if !strings.ContainsAny(line, "0123456789") {
			if r, ok := townFirstLine(line); ok {
				return r, true
			}
			continue
		}
		if r := Parse(line); r.Street != "" && r.City != "" {
			return r, true
		}
	}
	return Result{}, false
}

// townFirstLine reads a short line that names the town first and then the
// spot, as programme pages list the stations of an event: "Borna, Markt /
// Ecke Bahnhofstraße", "Wurzen, Kulturhaus, Saal". Only a line of its own
// counts, starting with a Saxon town and a comma; the rest must be a name
// (capitalised, no sentence), not a date ("Dresden, den 3. Mai").
func townFirstLine(line string) (Result, bool) {
	line = strings.TrimSpace(line)
	town, rest, ok := strings.Cut(line, ",")
	rest = strings.TrimSpace(rest)
	if !ok || len(line) > 80 || rest == "" || len(strings.Fields(town)) > 3 || gazetteer.Weak(town) ||
		len(gazetteer.ByName(town)) == 0 || strings.ContainsAny(rest, ".!?:;") {
		return Result{}, false
	}
	if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsUpper(r) || proseVenue(rest) {
		return Result{}, false
	}
	var r Result
	r.City, r.Venue = town, rest
	r.resolve()
	return r, r.Region != ""
}

// clause cuts the part of a line around an address: from the last sentence
// end or colon before it to the end of the city.
func clause(line string, at int) string {
	start := 0
	for _, sep := range []string{". ", ": ", "! ", "? "} {
		if k := strings.LastIndex(line[:at], sep); k >= 0 && k+len(sep) > start {
			start = k + len(sep)
		}
	}
	c := line[start:]
	if k := lastPreposition(c[:at-start]); k >= 0 {
		c = c[k:]
		at -= k
	}
	// the clause ends with the sentence after the city ("St. Egidien" and
	// other abbreviations of up to three letters do not end it)
	from := min(len(c), at-start+5)
	for k := from; k+1 < len(c); k++ {
		if c[k] == '.' && c[k+1] == ' ' && len(lastWord(c[from:k])) > 3 {
			return c[:k]
		}
	}
	return c
}

// lastPreposition finds the last " im "/" in der "… that can introduce a
// venue, so "Am Freitag sind alle in das Haus X, Str 1, 01234 Y eingeladen"
// yields "in das Haus X, …".
func lastPreposition(s string) int {
	best := -1
	for _, p := range []string{" im ", " in der ", " in dem ", " in das ", " ins ", " in den ", " auf dem ", " beim "} {
		if k := lastIndexFold(s, p); k >= 0 && k+1 > best {
			best = k + 1
		}
	}
	return best
}

// lastIndexFold is strings.LastIndex ignoring ASCII case of s (p is lower case).
func lastIndexFold(s, p string) int {
	for i := len(s) - len(p); i >= 0; i-- {
		if s[i] != p[0] {
			continue
		}
		k := 1
		for k < len(p) && s[i+k]|0x20 == p[k] || k < len(p) && s[i+k] == p[k] {
			k++
		}
		if k == len(p) {
			return i
		}
	}
	return -1
}

// venueBefore takes the words before an address in parentheses back to a
// preposition: "… eingeladen in das Kulturzentrum „Goldne Sonne“ " →
// "Kulturzentrum „Goldne Sonne“".
func venueBefore(s string) string {
	s = strings.TrimRight(s, " ")
	if k := lastPreposition(" " + s); k >= 0 {
		v := cleanVenue(s[max(k-1, 0):])
		if len(strings.Fields(v)) <= 8 && !proseVenue(v) {
			return v
		}
	}
	return ""
}

// fromPreposition finds "in Leipzig-Connewitz" or "im riesa efau Dresden":
// a Saxon municipality or an outside place after "in" (possibly after a
// venue introduced by "im"/"in der"), in the same line.
func fromPreposition(text string, hits []gazetteer.Hit) (Result, bool) {
	var r Result
	found := false
	for _, h := range hits {
		if found {
			break
		}
		if h.Weak || h.Region != "" {
			continue
		}
		before := text[max(0, h.Start-80):h.Start]
		if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
			before = before[nl+1:]
		}
		if isRegionWord(lastWord(before)) {
			continue // "Region Leipzig", "Landkreis Bautzen": a region, not a place
		}
		name := text[h.Start:h.End]
		switch {
		case strings.HasSuffix(before, " in ") || before == "in " || strings.HasSuffix(before, " In "):
			r = Result{Place: r.Place}
			r.City = name
			r.Venue = venueInFront(strings.TrimSuffix(strings.TrimSuffix(before, "in "), "In "))
		case notVenueTown[lastWord(before)]:
			continue // "die Band aus Berlin", "die Fahrt nach Prag": where someone comes from or goes
		default:
			v := venueInFront(before)
			if v == "" {
				continue
			}
			r.City, r.Venue = name, v
		}
		r.Outside = h.Outside
		found = true
	}
	if !found {
		return Result{}, false
	}
	r.resolve()
	if !r.Outside && r.Region != "" {
		r.Confidence = min(r.Confidence, 0.7)
	}
	return r, true
}

// notVenueTown are the words before a town that name where someone or
// something comes from or goes, not where the event is.
var notVenueTown = map[string]bool{"aus": true, "von": true, "nach": true, "über": true, "gegen": true, "bis": true}

// venueInFront returns "Werk 2" from "Das Treffen findet im Werk 2 ": up to
// five words after "im", "in der", "ins" … that end right before the city.
func venueInFront(before string) string {
	k := lastPreposition(" " + before)
	if k < 0 {
		return ""
	}
	v := strings.TrimSpace(before[max(k-1, 0):])
	v = cleanVenue(v)
	words := strings.Fields(v)
	if len(words) == 0 || len(words) > 5 || proseVenue(v) || strings.ContainsAny(v, ".,;:!?") && !strings.Contains(v, "e.V.") {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(v); unicode.IsDigit(r) {
		return "" // "im 2. Stock"
	}
	if strings.Count(v, "(") != strings.Count(v, ")") {
		return "" // "im Wahlkreis 3 (Leipzig …)": the town is a remark inside brackets, not the venue's town
	}
	if isRegionWord(strings.ToLower(words[0])) || strings.EqualFold(words[0], "Rahmen") {
		return ""
	}
	return v
}

func lastWord(s string) string {
	j := len(s)
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\n' || s[j-1] == '\t') {
		j--
	}
	i := j
	for i > 0 && s[i-1] != ' ' && s[i-1] != '\n' && s[i-1] != '\t' {
		i--
	}
	w := strings.Trim(s[i:j], "(„\"'")
	for k := 0; k < len(w); k++ {
		if c := w[k]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(w) // rare: allocate only for capitals
		}
	}
	return w
}
