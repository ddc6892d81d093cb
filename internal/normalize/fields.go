package normalize

import (
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
		"telefonisch vereinbaren", "vorher vereinbaren", "nach vereinbarung"}

	costYes = []string{"kostenfrei", "kostenlos", "gebührenfrei", "entgeltfrei", "unentgeltlich", "eintritt frei",
		"eintritt ist frei", "freier eintritt", "eintritt: frei", "teilnahme ist frei", "teilnahme frei",
		"ohne kosten", "keine kosten", "keine teilnahmegebühr", "keine teilnahmegebühren", "teilnahmegebühr entfällt",
		"teilnahme ist kostenfrei", "free of charge", "free admission", "admission free", "for free",
		"бесплатн", "безкоштовн", "вход свободный", "вхід вільний"}
	costNo = []string{"teilnahmegebühr", "teilnahmebeitrag", "unkostenbeitrag", "kostenbeitrag", "eintrittspreis",
		"eintritt:", "eintritt ", "ticketpreis", "tickets", "ermäßigt", "gebühr:", "kosten:", "preis:", "€", "euro",
		"fee", "стоимость"}
)

// registration reads whether the event needs registration: nil when the
// text does not say.
func registration(low string) (req *bool, conf float64) {
	if anyWord(low, registrationNo...) {
		return ptr(false), 0.85
	}
	if anyWord(low, registrationYes...) {
		return ptr(true), 0.85
	}
	return nil, 0.6
}

// costFree reads whether taking part is free. A text that says "kostenfrei"
// anywhere counts as free ("Für Ehrenamtliche ist das Angebot kostenfrei"
// beside a fee for others); a price alone means not free; silence is nil.
func costFree(low string) (free *bool, conf float64) {
	if anyWord(low, costYes...) {
		return ptr(true), 0.85
	}
	for _, w := range costNo {
		i := indexWord(low, w, w == "euro" || w == "fee", 0)
		if w == "€" {
			i = strings.Index(low, w)
		}
		if i < 0 {
			continue
		}
		if w == "€" || w == "euro" || w == "eintritt " || w == "fee" {
			// a price needs a number next to it
			if !digitNear(low, i, 12) {
				continue
			}
		}
		return ptr(false), 0.7
	}
	return nil, 0.6
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
func status(low string) event.Status {
	for _, w := range []string{"abgesagt", "fällt aus", "fällt leider aus", "entfällt", "findet nicht statt",
		"muss leider ausfallen", "muss ausfallen", "ausgefallen", "storniert", "cancelled", "canceled", "отменен"} {
		i := indexWord(low, w, false, 0)
		if i < 0 {
			continue
		}
		before := low[max(0, i-40):i]
		if strings.Contains(before, "nicht ") || strings.Contains(before, "gebühr") || strings.Contains(before, "beitrag") ||
			strings.Contains(before, "kosten") || strings.Contains(before, "anmeldung") {
			continue
		}
		return event.StatusCancelled
	}
	for _, w := range []string{"verschoben", "vertagt", "postponed", "перенесен"} {
		i := indexWord(low, w, false, 0)
		if i >= 0 && !strings.Contains(low[max(0, i-20):i], "nicht ") {
			return event.StatusPostponed
		}
	}
	return event.StatusScheduled
}

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
	{"easy_language", "leichte sprache"},
	{"easy_language", "leichter sprache"},
	{"plain_language", "einfache sprache"},
	{"plain_language", "einfacher sprache"},
	{"sign_language", "gebärdensprach"},
	{"sign_language", "dgs"},
	{"childcare", "kinderbetreuung"},
	{"hearing_loop", "induktionsschleife"},
	{"hearing_loop", "höranlage"},
}

// accessibility lists the access features a text offers. "nicht
// barrierefrei" becomes "not_barrier_free".
func accessibility(low string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range accessFeatures {
		i := indexWord(low, f.word, f.word == "dgs", 0)
		if i < 0 || seen[f.slug] {
			continue
		}
		slug := f.slug
		if (slug == "barrier_free" || slug == "wheelchair") && strings.Contains(low[max(0, i-25):i], "nicht ") {
			slug = "not_barrier_free"
		}
		if !seen[slug] {
			seen[slug] = true
			out = append(out, slug)
		}
		seen[f.slug] = true
	}
	return out
}
