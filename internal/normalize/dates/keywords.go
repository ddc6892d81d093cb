package dates

import "time"

// kwID identifies a word the grammar cares about. Spelling variants share one
// ID. The ranges (months, weekdays, …) are contiguous so a keyword's value can
// be computed from its ID.
type kwID uint16

const (
	kwNone kwID = iota

	kwJan // kwJan..kwDec: months in order
	kwFeb
	kwMar
	kwApr
	kwMay
	kwJun
	kwJul
	kwAug
	kwSep
	kwOct
	kwNov
	kwDec

	kwSun // kwSun..kwSat: weekdays in time.Weekday order
	kwMon
	kwTue
	kwWed
	kwThu
	kwFri
	kwSat

	kwSunS // kwSunS..kwSatS: adverbs ("dienstags") in time.Weekday order
	kwMonS
	kwTueS
	kwWedS
	kwThuS
	kwFriS
	kwSatS

	kwOrd1 // ordinals erste..fünfte
	kwOrd2
	kwOrd3
	kwOrd4
	kwOrd5
	kwOrdLast     // letzte
	kwOrdPenult   // vorletzte
	kwTwo         // zwei
	kwThree       // drei
	kwFour        // vier
	kwUhr         // Uhr
	kwH           // h (as in 16-20h)
	kwT           // T of ISO 8601
	kwZ           // Z of ISO 8601
	kwAm          // am
	kwVom         // vom, von
	kwBis         // bis
	kwAb          // ab
	kwUm          // um
	kwUnd         // und, sowie
	kwZum         // zum, zur
	kwDem         // dem, den, der
	kwSeit        // seit
	kwIm          // im
	kwJeweils     // jeweils
	kwCa          // ca, circa, gegen
	kwZwischen    // zwischen
	kwEinlass     // Einlass
	kwBeginn      // Beginn, Start, Anfang
	kwEnde        // Ende
	kwUhrzeit     // Uhrzeit, Zeit
	kwZeitraum    // Zeitraum
	kwJeden       // jeden, jede, jeder, jedes
	kwImmer       // immer, regelmäßig
	kwWeekly      // wöchentlich
	kwMonthly     // monatlich
	kwAlle        // alle
	kwWoche       // Woche, Wochen
	kwMonat       // Monat, Monats
	kwMonate      // Monate
	kwTaegig      // -tägig (14-tägig)
	kwBiweekly    // vierzehntägig, zweiwöchentlich
	kwJahr        // Jahr, Jahre, Jahren, Jahres
	kwSchluss     // Anmeldeschluss, Anmeldefrist, Bewerbungsschluss, Frist, Deadline …
	kwAnmeldung   // Anmeldung, anmelden, Bewerbung, Registrierung …
	kwSpaetestens // spätestens
	kwLaeuft      // läuft, Laufzeit
	kwStand       // Stand, veröffentlicht, aktualisiert … (a date about the page, not the event)
	kwPast        // stattgefunden(en): the date of something that already took place
	kwOrdSuf      // st, nd, rd, th of English ordinals ("18th March", "September 19th")
	kwPM          // pm (as in "2pm", "6 pm")
)

// keywords maps folded spellings to keyword IDs (see scanWord for folding).
// It is the source for kwTable, which the tokenizer actually reads.
var keywords = map[string]kwID{
	"januar": kwJan, "jan": kwJan, "janner": kwJan, "jaenner": kwJan, "january": kwJan,
	"februar": kwFeb, "feb": kwFeb, "febr": kwFeb, "february": kwFeb,
	"marz": kwMar, "maerz": kwMar, "mrz": kwMar, "mar": kwMar, "march": kwMar,
	"april": kwApr, "apr": kwApr,
	"mai": kwMay, "may": kwMay,
	"juni": kwJun, "jun": kwJun, "june": kwJun,
	"juli": kwJul, "jul": kwJul, "july": kwJul,
	"august": kwAug, "aug": kwAug,
	"september": kwSep, "sep": kwSep, "sept": kwSep,
	"oktober": kwOct, "okt": kwOct, "october": kwOct, "oct": kwOct,
	"november": kwNov, "nov": kwNov,
	"dezember": kwDec, "dez": kwDec, "december": kwDec, "dec": kwDec,
	// Upper Sorbian and Polish genitive month names as written after a day ("22. septembra",
	// "5 czerwca 2023"); spellings with letters the folding does not keep (měrca, września) are missing
	"januara": kwJan, "februara": kwFeb, "apryla": kwApr, "meje": kwMay, "junija": kwJun, "julija": kwJul,
	"awgusta": kwAug, "septembra": kwSep, "oktobra": kwOct, "nowembra": kwNov, "decembra": kwDec,
	"stycznia": kwJan, "lutego": kwFeb, "marca": kwMar, "kwietnia": kwApr, "maja": kwMay, "czerwca": kwJun,
	"lipca": kwJul, "sierpnia": kwAug, "listopada": kwNov, "grudnia": kwDec,

	"sonntag": kwSun, "so": kwSun, "sunday": kwSun, "sun": kwSun,
	"montag": kwMon, "mo": kwMon, "monday": kwMon, "mon": kwMon,
	"dienstag": kwTue, "di": kwTue, "tuesday": kwTue, "tue": kwTue, "tues": kwTue,
	"mittwoch": kwWed, "mi": kwWed, "wednesday": kwWed, "wed": kwWed,
	"donnerstag": kwThu, "do": kwThu, "thursday": kwThu, "thu": kwThu, "thur": kwThu, "thurs": kwThu,
	"freitag": kwFri, "fr": kwFri, "friday": kwFri, "fri": kwFri,
	"samstag": kwSat, "sonnabend": kwSat, "sa": kwSat, "saturday": kwSat, "sat": kwSat,
	"st": kwOrdSuf, "nd": kwOrdSuf, "rd": kwOrdSuf, "th": kwOrdSuf, "pm": kwPM,

	"sonntags": kwSunS, "montags": kwMonS, "dienstags": kwTueS, "mittwochs": kwWedS,
	"donnerstags": kwThuS, "freitags": kwFriS, "samstags": kwSatS, "sonnabends": kwSatS,

	"erste": kwOrd1, "ersten": kwOrd1, "erster": kwOrd1, "erstes": kwOrd1,
	"zweite": kwOrd2, "zweiten": kwOrd2, "zweiter": kwOrd2, "zweites": kwOrd2,
	"dritte": kwOrd3, "dritten": kwOrd3, "dritter": kwOrd3, "drittes": kwOrd3,
	"vierte": kwOrd4, "vierten": kwOrd4, "vierter": kwOrd4, "viertes": kwOrd4,
	"funfte": kwOrd5, "funften": kwOrd5, "fuenfte": kwOrd5, "fuenften": kwOrd5,
	"letzte": kwOrdLast, "letzten": kwOrdLast, "letzter": kwOrdLast, "letztes": kwOrdLast,
	"vorletzte": kwOrdPenult, "vorletzten": kwOrdPenult, "vorletzter": kwOrdPenult,
	"zwei": kwTwo, "drei": kwThree, "vier": kwFour,

	"uhr": kwUhr, "h": kwH, "t": kwT, "z": kwZ,
	"am": kwAm, "vom": kwVom, "von": kwVom, "bis": kwBis, "ab": kwAb, "um": kwUm,
	"und": kwUnd, "sowie": kwUnd, "zum": kwZum, "zur": kwZum,
	"dem": kwDem, "den": kwDem, "der": kwDem,
	"seit": kwSeit, "im": kwIm, "jeweils": kwJeweils,
	"ca": kwCa, "circa": kwCa, "gegen": kwCa, "zwischen": kwZwischen,
	"einlass": kwEinlass, "beginn": kwBeginn, "start": kwBeginn, "anfang": kwBeginn,
	"ende": kwEnde, "uhrzeit": kwUhrzeit, "zeit": kwUhrzeit, "zeitraum": kwZeitraum,
	"jeden": kwJeden, "jede": kwJeden, "jeder": kwJeden, "jedes": kwJeden,
	"immer": kwImmer, "regelmassig": kwImmer, "regelmaessig": kwImmer,
	"wochentlich": kwWeekly, "woechentlich": kwWeekly,
	"monatlich": kwMonthly, "alle": kwAlle,
	"woche": kwWoche, "wochen": kwWoche, "monat": kwMonat, "monats": kwMonat, "monate": kwMonate,
	"tagig": kwTaegig, "taegig": kwTaegig,
	"vierzehntagig": kwBiweekly, "vierzehntaegig": kwBiweekly, "zweiwochentlich": kwBiweekly,
	"zweiwoechentlich": kwBiweekly, "zweiwochig": kwBiweekly, "zweiwoechig": kwBiweekly,
	"jahr": kwJahr, "jahre": kwJahr, "jahren": kwJahr, "jahres": kwJahr,

	"anmeldeschluss": kwSchluss, "anmeldefrist": kwSchluss, "bewerbungsschluss": kwSchluss,
	"bewerbungsfrist": kwSchluss, "einsendeschluss": kwSchluss, "meldeschluss": kwSchluss,
	"teilnahmeschluss": kwSchluss, "frist": kwSchluss, "deadline": kwSchluss,
	"einreichungsfrist": kwSchluss, "registrierungsschluss": kwSchluss,
	"anmeldung": kwAnmeldung, "anmelden": kwAnmeldung, "anmeldungen": kwAnmeldung,
	"bewerbung": kwAnmeldung, "bewerben": kwAnmeldung, "bewerbungen": kwAnmeldung,
	"registrierung": kwAnmeldung, "registrieren": kwAnmeldung, "ruckmeldung": kwAnmeldung,
	"rueckmeldung": kwAnmeldung, "einreichen": kwAnmeldung, "melden": kwAnmeldung,
	"spatestens": kwSpaetestens, "spaetestens": kwSpaetestens,
	"lauft": kwLaeuft, "laeuft": kwLaeuft, "laufzeit": kwLaeuft, "projektlaufzeit": kwLaeuft,
	"laufen": kwLaeuft, "befristet": kwLaeuft,
	"stand": kwStand, "veroffentlicht": kwStand, "veroeffentlicht": kwStand,
	"aktualisiert": kwStand, "erstellt": kwStand, "gegrundet": kwStand, "gegruendet": kwStand,
	"geboren": kwStand, "verstorben": kwStand,
	"stattgefunden": kwPast, "stattgefundene": kwPast, "stattgefundenen": kwPast,
	"stattgefundener": kwPast, "stattgefundenes": kwPast,
}

func (k kwID) isMonth() bool      { return k >= kwJan && k <= kwDec }
func (k kwID) month() time.Month  { return time.Month(k-kwJan) + 1 }
func (k kwID) isWeekday() bool    { return k >= kwSun && k <= kwSat }
func (k kwID) isWeekdayAdv() bool { return k >= kwSunS && k <= kwSatS }
func (k kwID) weekday() time.Weekday {
	if k.isWeekdayAdv() {
		return time.Weekday(k - kwSunS)
	}
	return time.Weekday(k - kwSun)
}

// ordinal returns the BYDAY position of an ordinal keyword (1..5, -1, -2).
func (k kwID) ordinal() int {
	switch {
	case k >= kwOrd1 && k <= kwOrd5:
		return int(k-kwOrd1) + 1
	case k == kwOrdLast:
		return -1
	case k == kwOrdPenult:
		return -2
	}
	return 0
}

// kwTable is an open-addressing hash table of the keywords, FNV-1a hashed.
// Every word of every text is looked up, and Go's map hashing was a third of
// Extract's time; this table is probed with the hash scanWord computes anyway.
const (
	kwTableBits = 10
	fnvOffset   = 2166136261
	fnvPrime    = 16777619
)

type kwSlot struct {
	key string
	id  kwID
}

var kwTable = buildKwTable()

func buildKwTable() *[1 << kwTableBits]kwSlot {
	var t [1 << kwTableBits]kwSlot
	for k, id := range keywords {
		if len(k) > maxWord {
			panic("dates: keyword longer than maxWord: " + k)
		}
		h := uint32(fnvOffset)
		for x := 0; x < len(k); x++ {
			h = (h ^ uint32(k[x])) * fnvPrime
		}
		for idx := h & (1<<kwTableBits - 1); ; idx = (idx + 1) & (1<<kwTableBits - 1) {
			if t[idx].key == "" {
				t[idx] = kwSlot{k, id}
				break
			}
		}
	}
	return &t
}

func lookupKeyword(w []byte, h uint32) kwID {
	for idx := h & (1<<kwTableBits - 1); ; idx = (idx + 1) & (1<<kwTableBits - 1) {
		slot := &kwTable[idx]
		if slot.key == "" {
			return kwNone
		}
		if slot.key == string(w) {
			return slot.id
		}
	}
}
