package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// organizerCues introduce the organiser: "Eine Veranstaltung des Deutschen
// Hygiene-Museums in Kooperation mit …", "Ein Angebot des Verbandes …".
// The article after the cue is dropped.
var organizerCues = []string{"Eine Veranstaltung des ", "Eine Veranstaltung der ", "Eine Veranstaltung von ",
	"Eine Veranstaltung vom ", "Ein Angebot des ", "Ein Angebot der ", "Ein Angebot von ", "Ein Projekt des ",
	"Ein Projekt der ", "Ein Projekt von ", "Organisiert wird die Veranstaltung vom ",
	"Organisiert wird die Veranstaltung von der ", "Organisiert vom ", "Organisiert von der ", "Organisiert von ",
	"Veranstaltet vom ", "Veranstaltet von der ", "Veranstaltet von ", "Diese Veranstaltung ist eine Kooperation des ",
	"Diese Veranstaltung ist eine Kooperation der ", "Veranstalter: ", "Veranstalterin: ", "Veranstalter*in: ",
	"Veranstalter:in: ", "Veranstalter_in: ", "Veranstaltende: ", "Organizer: ", "Organised by ", "Organized by ",
	"Организатор: "}

// organizerStops end the organiser's name.
var organizerStops = []string{" in Kooperation", " in Zusammenarbeit", " im Rahmen", " gefördert", " mit der ",
	" mit dem ", " mit freundlicher", " und der ", " – ", " - ", ";", "\n", " zusammen mit", " in cooperation",
	" with ", " statt", " lädt ", " laden "}

// organizer finds who organises the event from the cues the lexicon found
// (end offset in text, cue); "" when the text does not say.
func organizer(text string, cues [][2]int) string {
	best, at := "", len(text)
	for _, c := range cues {
		start := c[0] - len(organizerCues[c[1]])
		if start >= at {
			continue
		}
		if name := organizerName(text[c[0]:]); name != "" {
			best, at = name, start
		}
	}
	return best
}

// organizerName cuts the name at the first stop or sentence end ("e. V."
// and "e.V." are not sentence ends) and takes genitive endings off the head
// noun ("Dachverbandes sächsischer …" → "Dachverband sächsischer …").
func organizerName(s string) string {
	end := min(len(s), 200)
	for _, stop := range organizerStops {
		if i := strings.Index(s[:end], stop); i >= 0 {
			end = i
		}
	}
	for i := 0; i < end; i++ {
		if s[i] != '.' {
			continue
		}
		if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\n' {
			continue // "e.V"
		}
		w := s[max(0, i-3):i]
		if strings.HasSuffix(w, " e") || strings.HasSuffix(w, " V") || strings.HasSuffix(w, "e.V") || strings.HasSuffix(w, " Dr") {
			continue
		}
		end = i
		break
	}
	name := strings.TrimSpace(s[:end])
	name = strings.Trim(name, " ,:-–\"“”„")
	if utf8.RuneCountInString(name) < 3 {
		return ""
	}
	return uninflect(name)
}

// orgNouns are head nouns of organisation names whose genitive ending the
// organiser cue forces ("des Verbandes" → "Verband").
var orgNouns = []string{"verband", "dachverband", "verein", "netzwerk", "kompetenznetzwerk", "bündnis", "projekt",
	"büro", "kulturbüro", "rat", "flüchtlingsrat", "forum", "zentrum", "museum", "hilfswerk", "kollektiv",
	"institut", "bund", "arbeitskreis", "haus", "werk", "ministerium", "amt"}

// uninflect takes the genitive ending off the head noun, which is the first
// or second word ("Dachverbandes sächsischer …", "IQ Netzwerks Sachsen").
func uninflect(name string) string {
	words := strings.Split(name, " ")
	n := 1
	if len(words) > 1 && words[0] == strings.ToUpper(words[0]) {
		n = 2 // an acronym first ("IQ Netzwerks Sachsen")
	}
	for i := 0; i < len(words) && i < n; i++ {
		lw := strings.ToLower(words[i])
		for _, n := range orgNouns {
			for _, end := range []string{"es", "s"} {
				if strings.HasSuffix(lw, n+end) {
					words[i] = words[i][:len(words[i])-len(end)]
					return strings.Join(words, " ")
				}
			}
		}
	}
	return name
}

// contacts collects e-mail addresses, phone numbers and contact names.
func contacts(text string) event.Contact {
	var c event.Contact
	c.Emails = emails(text)
	c.Phones = phones(text)
	c.Names = contactNames(text, c.Emails)
	return c
}

func emails(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		at := strings.IndexByte(text[i:], '@')
		if at < 0 {
			break
		}
		at += i
		a := at
		for a > 0 && emailByte(text[a-1]) {
			a--
		}
		b := at + 1
		for b < len(text) && (emailByte(text[b]) && text[b] != '+') {
			b++
		}
		addr := strings.TrimRight(text[a:b], ".-")
		if a < at && strings.Contains(addr[at-a:], ".") && !contains(out, addr) {
			out = append(out, addr)
		}
		i = at + 1
	}
	return out
}

func emailByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '+'
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// phones finds numbers like "0351 / 407 662 53", "01575 5520787" or "+49 341
// 123456": a leading 0 or +, 9 to 15 digits, only spaces, "/" and "-"
// between them. Dates, times and postcodes never qualify.
func phones(text string) []string {
	var out []string
	// numbers start with "0" or "+": jump from one to the next
	next0, nextPlus := strings.IndexByte(text, '0'), strings.IndexByte(text, '+')
	for i := 0; i < len(text); i++ {
		if next0 >= 0 && next0 < i {
			if next0 = strings.IndexByte(text[i:], '0'); next0 >= 0 {
				next0 += i
			}
		}
		if nextPlus >= 0 && nextPlus < i {
			if nextPlus = strings.IndexByte(text[i:], '+'); nextPlus >= 0 {
				nextPlus += i
			}
		}
		switch {
		case next0 < 0 && nextPlus < 0:
			return out
		case next0 < 0:
			i = nextPlus
		case nextPlus < 0:
			i = next0
		default:
			i = min(next0, nextPlus)
		}
		c := text[i]
		if i > 0 && (isDigitByte(text[i-1]) || text[i-1] == '.' || text[i-1] == ':' || text[i-1] == '/') {
			continue
		}
		j, digits, last := i, 0, i
		if c == '+' {
			j++
		}
		for j < len(text) {
			if isDigitByte(text[j]) {
				digits++
				j++
				last = j
				continue
			}
			// a short run of separators followed by a digit continues the number
			k := j
			for k < len(text) && k-j < 3 && strings.IndexByte(" /-()", text[k]) >= 0 {
				k++
			}
			if k == j || k >= len(text) || !isDigitByte(text[k]) {
				break
			}
			j = k
		}
		if digits >= 9 && digits <= 15 && (last >= len(text) || text[last] != '.' && text[last] != ':') {
			p := strings.Join(strings.Fields(text[i:last]), " ")
			if !contains(out, p) {
				out = append(out, p)
			}
		}
		i = max(i, last)
	}
	return out
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// contactNames reads "Kontakt: Marko Schmidt, Nina Fridman und Theresa Lux"
// and names standing right before a phone number or an e-mail address
// ("Hamida Taamiri, 01575 …", "Neko Panteleeva\nneko.panteleeva@…").
func contactNames(text string, mails []string) []string {
	var out []string
	add := func(n string) {
		if n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	for rest := text; rest != ""; {
		line, next, _ := strings.Cut(rest, "\n")
		rest = next
		nextLine, _, _ := strings.Cut(next, "\n")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if c := line[0]; c == 'K' || c == 'A' || c == 'C' {
			for _, cue := range contactCues {
				if v, ok := strings.CutPrefix(line, cue); ok {
					for _, part := range splitNames(v) {
						add(personName(part))
					}
				}
			}
		}
		if head, tail, ok := strings.Cut(line, ","); ok && !strings.Contains(head, ":") {
			if strings.IndexByte(tail, '@') >= 0 || len(phones(tail)) > 0 {
				add(personName(head))
			}
		}
		if strings.IndexByte(nextLine, '@') >= 0 && strings.IndexByte(line, '@') < 0 {
			add(personName(line))
		}
	}
	return out
}

var contactCues = []string{"Kontakt:", "Ansprechpartner:", "Ansprechpartnerin:", "Ansprechpartner*in:",
	"Ansprechpartner:in:", "Ansprechperson:", "Contact:"}

func splitNames(s string) []string {
	s = strings.ReplaceAll(s, " und ", ",")
	s = strings.ReplaceAll(s, " & ", ",")
	return strings.Split(s, ",")
}

// personName accepts two or three capitalised words ("Nina Fridman",
// "Dr. Anna Weber") and nothing else.
func personName(s string) string {
	s = strings.TrimSpace(s)
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 4 {
		return ""
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, "0123456789@:/") {
			return ""
		}
	}
	return s
}
