package normalize

import (
	"iter"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Word lists of the yes/no fields, lower case. A phrase matches at a word
// start; the "no" lists are checked first because they contain the "yes"
// words ("ohne Anmeldung").
var (
	registrationNo = []string{"ohne anmeldung", "ohne vorherige anmeldung", "keine anmeldung", "anmeldung ist nicht",
		"anmeldung nicht erforderlich", "anmeldung nicht notwendig", "anmeldung nicht nötig", "anmeldung ist keine",
		"einfach vorbeikommen", "kommt einfach vorbei", "kommen sie einfach vorbei", "no registration",
		"ohne termin", "ohne terminvereinbarung", "ohne voranmeldung", "no appointment",
		"без регистрации", "без предварительной записи"}
	registrationYes = []string{"anmeldung", "anmeldungen", "anmeldeschluss", "anmeldefrist", "anmeldeformular",
		"anmeldelink", "anmelden", "angemeldet", "voranmeldung", "online-anmeldung", "melden sie sich",
		"meldet euch", "meldet ihr euch", "melden sich bitte", "bitte melden", "registrierung",
		"registrieren sie sich", "bitte registrieren", "registriert euch", "teilnahme nur nach",
		"begrenzte teilnehmendenzahl", "begrenzte teilnehmerzahl", "plätze sind begrenzt", "registration",
		"register", "sign up", "rsvp", "регистрац", "зарегистр", "записаться", "запись", "запишитесь",
		"реєстрац", "зареєстр", "terminvereinbarung", "termin vereinbaren", "termine vereinbaren",
		"telefonisch vereinbaren", "vorher vereinbaren", "nach vereinbarung", "anzumelden", "zgłosz", "zgłasza",
		"formularz", "zapisy",
		// booking is registering: sold out, advance sale, reservations, booking platforms, "for our planning"
		"ausgebucht", "vorverkauf", "reservier", "eventbrite", "pretix", "eveeno", "erleichtert uns die planung",
		"für unsere planung", "zur besseren planung", "für die planung",
		"buchung", "buchen$", "buchbar", "booking", "book your", "book a"}

	costYes = []string{"kostenfrei", "kostenlos", "gebührenfrei", "entgeltfrei", "unentgeltlich", "eintritt frei",
		"eintritt ist frei", "freier eintritt", "eintritt: frei", "teilnahme ist frei", "teilnahme frei",
		"ohne kosten", "keine kosten", "keine teilnahmegebühr", "keine teilnahmegebühren", "teilnahmegebühr entfällt",
		"teilnahme ist kostenfrei", "gratis", "free of charge", "free admission", "admission free", "for free",
		"бесплатн", "безкоштовн", "вход свободный", "вхід вільний"}
	costNo = []string{"teilnahmegebühr", "teilnahmebeitrag", "unkostenbeitrag", "kostenbeitrag", "eintrittspreis",
		"tagungsgebühr", "kursgebühr", "seminargebühr", "selbstkostenbeitrag", "teilnahmekosten",
		"eintritt:", "eintritt ", "ticketpreis", "tickets", "ermäßigt", "gebühr:", "kosten:", "preis:", "*€", "euro$",
		"fee$", "стоимость"}
)

// registration reads whether the event needs registration: nil when the
// text does not say.
func registration(h hits) (req *bool, conf float64) {
	if h.any(listRegNo) {
		return ptr(false), 0.85
	}
	if h.any(listRegYes) {
		if registrationWaived(h.low) {
			return ptr(false), 0.85
		}
		return ptr(true), 0.85
	}
	if need, ok := ticketsToCollect(h); ok {
		return ptr(need), 0.7
	}
	return nil, 0.6
}

// Tickets handed out beforehand, free or not, are a registration: "Die
// Eintrittskarten werden im Bürgerbüro ausgegeben", "Freikarten können ab
// Montag abgeholt werden". A sentence that says they are no longer needed
// ("Es ist nicht mehr notwendig, Eintrittskarten abzuholen") says the
// opposite. A box-office sale on the day ("Karten an der Abendkasse") has
// no collection word and says nothing.
var (
	ticketWords  = []string{"*eintrittskarte", "*freikarte", "karten", "tickets", "ticket$"}
	collectWords = []string{"ausgegeben", "abgegeben", "abholen", "abzuholen", "abgeholt", "abholung", "vorab erhält",
		"vorher erhält"}
	ticketWaivers = []string{"nicht mehr", "nicht notwendig", "nicht nötig", "nicht erforderlich", "keine"}
)

// ticketsToCollect reads a sentence naming tickets with a word for
// collecting them; the sentence after it counts when it goes on about
// them ("Es gibt Eintrittskarten. Diese werden … ausgegeben").
func ticketsToCollect(h hits) (need, found bool) {
	if !h.any(listTicket) {
		return false, false
	}
	low := h.low
	for at := range occurrencesOf(low, ticketKeys) {
		from, to := sentenceAround(low, at)
		if next := strings.TrimLeft(low[min(len(low), to+1):], " "); to < len(low) && low[to] == '.' &&
			(strings.HasPrefix(next, "diese ") || strings.HasPrefix(next, "sie ")) {
			_, to = sentenceAround(low, len(low)-len(next))
		}
		if sent := low[from:to]; containsAny(sent, collectWords) {
			return !containsAny(sent, ticketWaivers), true
		}
	}
	return false, false
}

// ticketKeys are ticketWords without their lexicon markers, for a search
// anywhere in the text.
var ticketKeys = func() []string {
	keys := make([]string, len(ticketWords))
	for i, w := range ticketWords {
		keys[i] = strings.Trim(w, "*$")
	}
	return keys
}()

// occurrencesOf yields the offset of every occurrence of each key in low,
// key by key.
func occurrencesOf(low string, keys []string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, key := range keys {
			for off := 0; ; {
				k := strings.Index(low[off:], key)
				if k < 0 {
					break
				}
				at := off + k
				off = at + len(key)
				if !yield(at) {
					return
				}
			}
		}
	}
}

// costFree reads whether taking part is free. A text that says "kostenfrei"
// anywhere counts as free ("Für Ehrenamtliche ist das Angebot kostenfrei"
// beside a fee for others); a price alone means not free; silence is nil.
func costFree(h hits) (free *bool, conf float64) {
	if h.any(listCostYes) || labelledFree(h) {
		return ptr(true), 0.85
	}
	paid := false
	h.each(listCostNo, func(k, at int) {
		switch costNo[k] {
		case "*€", "euro$", "eintritt ", "fee$":
			// a currency word needs a number next to it
			paid = paid || digitNear(h.low, at, 12)
		default:
			paid = true
		}
	})
	if paid {
		return ptr(false), 0.7
	}
	return nil, 0.6
}

// waivers say that a registration is not required; they count in the
// sentence of a registration word ("Eine Anmeldung zur Veranstaltung ist
// nicht erforderlich", "Anmeldung erwünscht, jedoch nicht zwingend").
var waivers = []string{"nicht erforderlich", "nicht notwendig", "nicht nötig", "nicht zwingend", "nicht verpflichtend",
	"nicht zwingend notwendig", "nicht vorgeschrieben", "not required", "not necessary", "spontan", "auch ohne"}

func registrationWaived(low string) bool {
	return inSentenceOf(low, []string{"anmeld", "voranmeld", "registr"}, waivers)
}

// freeLabels are the words a price follows ("Eintritt: frei", "Der Eintritt
// zum Festival ist frei", "Online-Teilnahme: frei", "Kosten: 0 €",
// "Admission is free").
var freeLabels = []string{"eintritt", "teilnahme", "kosten", "gebühr", "admission", "entrance", "entry", "preis",
	"cost", "price", "fee$", "fees$", "money$"}

// labelledFree reads a label followed, within its clause, by "frei",
// "free" or a price of 0, or with "keine"/"none" as its value.
func labelledFree(h hits) bool {
	low := h.low
	free := false
	h.each(listFreeLabel, func(k, first int) {
		l := strings.TrimSuffix(freeLabels[k], "$")
		for off := first; !free; {
			k := strings.Index(low[off:], l)
			if k < 0 {
				break
			}
			at := off + k + len(l)
			off = at
			end := min(len(low), at+40)
			if nl := strings.IndexAny(low[at:end], "\n.;!?"); nl >= 0 {
				end = at + nl
			}
			free = clauseSaysFree(low[at:end])
		}
	})
	return free
}

// clauseSaysFree reports a word "frei"/"free" or a price of 0 in clause.
func clauseSaysFree(clause string) bool {
	// "Kosten: keine", "Fee: none", "Money: without": a label's value that
	// says there is nothing to pay; only as the value right after the colon
	// ("Teilnahme: keine Anmeldung nötig" names no price)
	if v, ok := strings.CutPrefix(strings.TrimLeft(clause, " "), ":"); ok {
		switch v = strings.Trim(v, " "); v {
		case "keine", "keiner", "keins", "none", "nothing", "without", "nil", "0":
			return true
		}
	}
	sep := func(c byte) bool { return c == ' ' || c == ':' || c == ',' || c == '-' || c == '|' || c == '!' }
	for i := 0; i < len(clause); {
		for i < len(clause) && sep(clause[i]) {
			i++
		}
		k := i
		for k < len(clause) && !sep(clause[k]) {
			k++
		}
		switch w := clause[i:k]; w {
		case "frei", "free", "0€", "0,00", "0,-", "0,00€":
			return true
		case "0":
			if strings.Contains(clause, "€") || strings.Contains(clause, "euro") {
				return true
			}
		}
		i = k
	}
	return false
}

// inSentenceOf reports whether a sentence that holds one of the keys also
// holds one of the words.
func inSentenceOf(low string, keys, words []string) bool {
	for at := range occurrencesOf(low, keys) {
		if from, to := sentenceAround(low, at); containsAny(low[from:to], words) {
			return true
		}
	}
	return false
}

// sentenceAround returns the bounds of the sentence (or line) around
// offset at, at most 120 bytes before it and 160 after: the end is the
// offset of the closing punctuation or line break.
func sentenceAround(low string, at int) (from, to int) {
	from = max(0, at-120)
	if i := strings.LastIndexAny(low[from:at], ".!?\n"); i >= 0 {
		from += i + 1
	}
	to = min(len(low), at+160)
	if i := strings.IndexAny(low[at:to], ".!?\n"); i >= 0 {
		to = at + i
	}
	return from, to
}

func digitNear(s string, i, d int) bool {
	for j := max(0, i-d); j < min(len(s), i+d); j++ {
		if s[j] >= '0' && s[j] <= '9' {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

// status reads a cancellation or postponement. Fees that "entfallen" and
// negations ("nicht abgesagt") do not count.
func status(h hits) event.Status {
	st := event.StatusScheduled
	h.each(listCancelled, func(_, at int) {
		before := h.low[max(0, at-40):at]
		if st == event.StatusScheduled && !strings.Contains(before, "nicht ") && !strings.Contains(before, "gebühr") &&
			!strings.Contains(before, "beitrag") && !strings.Contains(before, "kosten") && !strings.Contains(before, "anmeldung") {
			st = event.StatusCancelled
		}
	})
	if st != event.StatusScheduled {
		return st
	}
	h.each(listPostponed, func(_, at int) {
		if !strings.Contains(h.low[max(0, at-20):at], "nicht ") {
			st = event.StatusPostponed
		}
	})
	return st
}

var (
	cancelledWords = []string{"abgesagt", "fällt aus", "fällt leider aus", "entfällt", "findet nicht statt",
		"muss leider ausfallen", "muss ausfallen", "ausgefallen", "storniert", "cancelled", "canceled", "отменен"}
	postponedWords = []string{"verschoben", "vertagt", "postponed", "перенесен"}
)

// accessFeatures are accessibility and language-access offers, as slugs.
var accessFeatures = []struct{ slug, word string }{
	{"barrier_free", "barrierefrei"},
	{"barrier_free", "barrierearm"},
	{"wheelchair", "rollstuhl"},
	{"interpreting", "dolmetsch"},
	{"interpreting", "verdolmetsch"},
	{"interpreting", "übersetzung in"},
	{"interpreting", "übersetzung ins"},
	{"interpreting", "übersetzt"},
	{"interpreting", "sprachmittl"},
	{"interpreting", "simultan übersetzt"},
	{"interpreting", "tłumacz"},
	{"interpreting", "interpreting"},
	{"interpreting", "interpretation"},
	{"easy_language", "leichte sprache"},
	{"easy_language", "leichter sprache"},
	{"plain_language", "einfache sprache"},
	{"plain_language", "einfacher sprache"},
	{"sign_language", "gebärdensprach"},
	{"sign_language", "dgs$"},
	{"childcare", "kinderbetreuung"},
	{"hearing_loop", "induktionsschleife"},
	{"hearing_loop", "höranlage"},
}

// accessibility lists the access features a text offers. "nicht
// barrierefrei" becomes "not_barrier_free".
func accessibility(h hits) []string {
	var out []string
	seen := map[string]bool{}
	h.each(listAccess, func(k, at int) {
		f := accessFeatures[k]
		if seen[f.slug] {
			return
		}
		slug := f.slug
		if (slug == "barrier_free" || slug == "wheelchair") && strings.Contains(h.low[max(0, at-25):at], "nicht ") {
			slug = "not_barrier_free"
		}
		if !seen[slug] {
			seen[slug] = true
			out = append(out, slug)
		}
		seen[f.slug] = true
	})
	return out
}
