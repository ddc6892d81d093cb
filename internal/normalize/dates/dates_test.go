package dates

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// ref is the reference date of most cases: a page published on 1 June 2021.
var ref = time.Date(2021, 6, 1, 12, 0, 0, 0, event.Berlin)

// want is one expected occurrence. start/end are "2006-01-02" for midnight
// (all-day) values or "2006-01-02T15:04-07:00" for instants; end "" means zero.
type want struct {
	kind   Kind
	start  string
	end    string
	allDay bool
	rrule  string
	span   string // the text under Span
	guess  bool   // YearGuessed
}

func ev(start, end string) want      { return want{kind: KindEvent, start: start, end: end} }
func day(start string) want          { return want{kind: KindEvent, start: start, allDay: true} }
func days(start, end string) want    { return want{kind: KindEvent, start: start, end: end, allDay: true} }
func (w want) spanned(s string) want { w.span = s; return w }
func (w want) guessed() want         { w.guess = true; return w }
func (w want) as(k Kind) want        { w.kind = k; return w }

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04-07:00", "2006-01-02"} {
		if v, err := time.ParseInLocation(layout, s, event.Berlin); err == nil {
			return v
		}
	}
	t.Fatalf("bad time in test table: %q", s)
	return time.Time{}
}

func format(o Occurrence, text string) string {
	return fmt.Sprintf("%s %s–%s allDay=%v rrule=%q guessed=%v span=%q", o.Kind, o.Start.Format(time.RFC3339),
		o.End.Format(time.RFC3339), o.AllDay, o.Recurrence, o.YearGuessed, text[o.Span[0]:o.Span[1]])
}

func check(t *testing.T, text string, got []Occurrence, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		var b strings.Builder
		for _, o := range got {
			b.WriteString("\n\t" + format(o, text))
		}
		t.Fatalf("%q: got %d occurrences, want %d:%s", text, len(got), len(wants), b.String())
	}
	for i, w := range wants {
		o := got[i]
		start, end := mustTime(t, w.start), mustTime(t, w.end)
		ok := o.Kind == w.kind && o.Start.Equal(start) && o.End.Equal(end) && o.AllDay == w.allDay &&
			o.Recurrence == w.rrule && (w.span == "" || text[o.Span[0]:o.Span[1]] == w.span) &&
			o.YearGuessed == w.guess && o.Start.Location() == event.Berlin &&
			(o.End.IsZero() || o.End.Location() == event.Berlin)
		if !ok {
			t.Errorf("%q #%d:\n\tgot  %s\n\twant %s %s–%s allDay=%v rrule=%q guessed=%v span=%q", text, i, format(o, text),
				w.kind, start.Format(time.RFC3339), end.Format(time.RFC3339), w.allDay, w.rrule, w.guess, w.span)
		}
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		text string
		want []want
	}{
		// Forms from the seeds and the issue.
		{"Die erste Fachkonferenz am 21. Mai 2021 dient dazu", []want{day("2021-05-21").spanned("21. Mai 2021")}},
		{"24.11.2021 - 17:00-19:30 Uhr", []want{ev("2021-11-24T17:00+01:00", "2021-11-24T19:30+01:00").spanned("24.11.2021 - 17:00-19:30 Uhr")}},
		{"vom 22. Jul 2019 - 16:00 bis 1. Aug 2019 - 20:00", []want{ev("2019-07-22T16:00+02:00", "2019-08-01T20:00+02:00").spanned("22. Jul 2019 - 16:00 bis 1. Aug 2019 - 20:00")}},
		{"Fr, 26.07.2019, 16-20h", []want{ev("2019-07-26T16:00+02:00", "2019-07-26T20:00+02:00").spanned("Fr, 26.07.2019, 16-20h")}},
		{"07.07.21 im Zeitraum 15 bis 17 Uhr", []want{ev("2021-07-07T15:00+02:00", "2021-07-07T17:00+02:00").spanned("07.07.21 im Zeitraum 15 bis 17 Uhr")}},
		{"Die diesjährigen Internationalen Wochen gegen Rassismus finden vom 15. – 28. März 2021 statt.", []want{days("2021-03-15", "2021-03-28").spanned("15. – 28. März 2021")}},
		{"Der Film kann vom 15.-28. März kostenlos gestreamt werden.", []want{days("2021-03-15", "2021-03-28").spanned("15.-28. März").guessed()}},
		{"Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr ehren- und hauptamtlich Engagierte", []want{
			ev("2021-09-03T13:00+02:00", "2021-09-03T19:00+02:00").spanned("Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr")}},
		{"Ort: 05.11.: online - 06.11.: im riesa efau Dresden", []want{
			day("2021-11-05").spanned("05.11.").guessed(), day("2021-11-06").spanned("06.11.").guessed()}},
		{"01.08.19 | Titel | Leipzig", []want{day("2019-08-01").spanned("01.08.19")}},
		{"Anmeldeschluss: 30. April 2021", []want{day("2021-04-30").as(KindDeadline)}},
		{"veranstaltet am 10.12.2021 von 16 bis 19 Uhr einen digitalen Austausch", []want{ev("2021-12-10T16:00+01:00", "2021-12-10T19:00+01:00").spanned("10.12.2021 von 16 bis 19 Uhr")}},
		// Times attached to their date.
		{"am 3. Mai 2021 um 14 Uhr", []want{ev("2021-05-03T14:00+02:00", "").spanned("3. Mai 2021 um 14 Uhr")}},
		{"3. Mai 2021, 14.30 Uhr", []want{ev("2021-05-03T14:30+02:00", "")}},
		{"3. Mai 2021 14:30h", []want{ev("2021-05-03T14:30+02:00", "").spanned("3. Mai 2021 14:30h")}},
		{"Sa 8. Mai 2021 ab 18 Uhr", []want{ev("2021-05-08T18:00+02:00", "").spanned("Sa 8. Mai 2021 ab 18 Uhr")}},
		{"21.05.2021, 10:00 – 16:00 Uhr", []want{ev("2021-05-21T10:00+02:00", "2021-05-21T16:00+02:00")}},
		{"21.05.2021, 10 - 16 Uhr", []want{ev("2021-05-21T10:00+02:00", "2021-05-21T16:00+02:00")}},
		{"21.05.2021 zwischen 15 und 17 Uhr", []want{ev("2021-05-21T15:00+02:00", "2021-05-21T17:00+02:00")}},
		{"21.05.2021 von 10.00 bis 12.30 Uhr", []want{ev("2021-05-21T10:00+02:00", "2021-05-21T12:30+02:00")}},
		{"21.05.2021 bis 17 Uhr", []want{{kind: KindEvent, start: "2021-05-21", end: "2021-05-21T17:00+02:00", allDay: true}}},
		{"Datum: 21.05.2021\nUhrzeit: 18:00", []want{ev("2021-05-21T18:00+02:00", "").spanned("21.05.2021\nUhrzeit: 18:00")}},
		{"21.05.2021, 22-2 Uhr", []want{ev("2021-05-21T22:00+02:00", "2021-05-22T02:00+02:00")}},
		// A time written apart from its date, before or after it.
		{"Am 3. Mai 2021 treffen wir uns im Park. Los geht es um 15 Uhr.", []want{ev("2021-05-03T15:00+02:00", "").spanned("3. Mai 2021")}},
		{"Um 15 Uhr am 3. Mai 2021 im Park", []want{ev("2021-05-03T15:00+02:00", "").spanned("3. Mai 2021")}},
		// On a later line too, when the date has no time of its own (real pages write the day in one
		// line or paragraph and the hour in another: "Datum: …" / "Zeit: …").
		{"Am 3. Mai 2021 treffen wir uns.\nUm 15 Uhr gibt es Kaffee.", []want{ev("2021-05-03T15:00+02:00", "").spanned("3. Mai 2021")}},
		{"Datum: 15. Juni 2019\nZeit: 10:00 – 14:00 Uhr", []want{ev("2019-06-15T10:00+02:00", "2019-06-15T14:00+02:00").spanned("15. Juni 2019\nZeit: 10:00 – 14:00 Uhr")}},
		{"28.10. | Fachtag | Dresden\n9:30 – 16:30 Uhr | Saal", []want{ev("2021-10-28T09:30+02:00", "2021-10-28T16:30+02:00").spanned("28.10.").guessed()}},
		{"Am 3. Mai 2021 um 10 Uhr treffen wir uns.\nUm 15 Uhr gibt es Kaffee.", []want{ev("2021-05-03T10:00+02:00", "").spanned("3. Mai 2021 um 10 Uhr")}},
		{"Anmeldung bis 2. Mai 2021.\nBeginn 15 Uhr.", []want{day("2021-05-02").as(KindDeadline)}},
		{"Konzert am 27.09.2020 11 Uhr.\nVon 11 bis 12 Uhr spielen die Lehrer.", []want{ev("2020-09-27T11:00+02:00", "2020-09-27T12:00+02:00").spanned("27.09.2020 11 Uhr")}},
		{"Konzert am 27.09.2020 11 Uhr.\nVon 14 bis 15 Uhr gibt es Kaffee.", []want{ev("2020-09-27T11:00+02:00", "").spanned("27.09.2020 11 Uhr")}},
		// After a weekday: spaced numeric dates and calendar tiles.
		{"Fr., 28. 09. 18\n19:00 Uhr\nFilmnacht", []want{ev("2018-09-28T19:00+02:00", "").spanned("Fr., 28. 09. 18\n19:00 Uhr")}},
		{"Stadtrundgang\n06\nSo 10.2013\n15:00 Uhr\nTreffpunkt", []want{ev("2013-10-06T15:00+02:00", "").spanned("So 10.2013\n15:00 Uhr")}},
		{"am 28. 09. kommen 18 Leute", nil},
		{"Das Fest am 22. September 2019 beginnt um zehn Uhr.", []want{ev("2019-09-22T10:00+02:00", "").spanned("22. September 2019 beginnt um zehn Uhr")}},
		{"Am 22. September 2019 ab Elf Uhr", []want{ev("2019-09-22T11:00+02:00", "").spanned("22. September 2019 ab Elf Uhr")}},
		// English dates and 12-hour clocks.
		{"from November 4 to 6, 2022 - Conference", []want{days("2022-11-04", "2022-11-06").spanned("November 4 to 6, 2022")}},
		{"Odbędzie się ono 5 czerwca 2023 r. w godzinach 17:00-19:30 w Domu", []want{ev("2023-06-05T17:00+02:00", "2023-06-05T19:30+02:00").spanned("5 czerwca 2023")}},
		{"Wot 22. septembra 2019 je swjedźeń.", []want{day("2019-09-22").spanned("22. septembra 2019")}},
		{"Wed, Jan 22, 2020 | 3 p.m. - 5 p.m.", []want{ev("2020-01-22T15:00+01:00", "2020-01-22T17:00+01:00").spanned("Wed, Jan 22, 2020 | 3 p.m. - 5 p.m.")}},
		{"18th March // Saturday\n10 a.m. action", []want{ev("2021-03-18T10:00+01:00", "").spanned("18th March").guessed()}},
		{"on Sunday, September 19th, 2pm.", []want{ev("2021-09-19T14:00+02:00", "").spanned("Sunday, September 19th, 2pm").guessed()}},
		{"Monday March 14th 2022, 12-2 p.m.", []want{ev("2022-03-14T12:00+01:00", "2022-03-14T14:00+01:00").spanned("Monday March 14th 2022, 12-2 p.m.")}},
		{"Mai 12 Teilnehmende", nil},
		{"um 10 am Bahnhof am 3. Mai 2021", []want{day("2021-05-03")}}, // a spaced "am" is German
		// Doors versus start.
		{"Am 3. Mai 2021. Einlass: 18 Uhr, Beginn 18:30", []want{
			ev("2021-05-03T18:30+02:00", "").spanned("3. Mai 2021"), ev("2021-05-03T18:00+02:00", "").as(KindDoorsOpen).spanned("Einlass: 18 Uhr")}},
		{"Sa, 4.12.2021, Einlass: 18 Uhr, Beginn 18:30", []want{
			ev("2021-12-04T18:30+01:00", "").spanned("Sa, 4.12.2021, Einlass: 18 Uhr, Beginn 18:30"), ev("2021-12-04T18:00+01:00", "").as(KindDoorsOpen)}},
		// Month names and abbreviations, weekdays.
		{"12. Jan. 2022", []want{day("2022-01-12").spanned("12. Jan. 2022")}},
		{"1. Sept. 2021", []want{day("2021-09-01")}},
		{"3. März 2021, 3. Maerz 2021 und 3. Marz 2021", []want{day("2021-03-03"), day("2021-03-03"), day("2021-03-03")}},
		{"am 3. Juni und am 3. Juli", []want{day("2021-06-03").guessed(), day("2021-07-03").guessed()}},
		{"4. Okt. 2021; 5. Dez. 2021; 6. Feb. 2022; 7. Nov 2021", []want{day("2021-10-04"), day("2021-12-05"), day("2022-02-06"), day("2021-11-07")}},
		{"Mo, 13.09.2021", []want{day("2021-09-13").spanned("Mo, 13.09.2021")}},
		{"Di. 14.09.2021", []want{day("2021-09-14").spanned("Di. 14.09.2021")}},
		{"Montag, 13. September 2021", []want{day("2021-09-13").spanned("Montag, 13. September 2021")}},
		{"online Gesprächsrunde am 19.3.2021. Moderiert", []want{day("2021-03-19").spanned("19.3.2021")}},
		{"erwarten am 27. und 28. März um 10:00 Uhr in der", []want{
			ev("2021-03-27T10:00+01:00", "").spanned("27. und 28. März um 10:00 Uhr").guessed(),
			ev("2021-03-28T10:00+02:00", "").spanned("27. und 28. März um 10:00 Uhr").guessed()}},
		{"27./28. März 2021", []want{day("2021-03-27"), day("2021-03-28")}},
		{"am 3., 10. und 17. Mai 2021", []want{day("2021-05-03"), day("2021-05-10"), day("2021-05-17")}},
		{"am 05.11. und 06.11.2021 jeweils 10 Uhr", []want{ev("2021-11-05T10:00+01:00", ""), ev("2021-11-06T10:00+01:00", "")}},
		{"Unser Programm für das erste Treffen am 19. Mai:", []want{day("2021-05-19").guessed()}},
		{"Das Thema des Runden Tisches am 27. Mai 2021 ist", []want{day("2021-05-27")}},
		{"Die Zusatzkonferenz am 9. Juli 2021 ist eine Ergänzung", []want{day("2021-07-09")}},
		// Ranges.
		{"vom 30.12. bis 2.1.2022", []want{days("2021-12-30", "2022-01-02")}},
		{"12.-16.04.2021", []want{days("2021-04-12", "2021-04-16")}},
		{"15.–28. März 2021, 10–16 Uhr", []want{ev("2021-03-15T10:00+01:00", "2021-03-28T16:00+02:00")}},
		// ISO 8601.
		{"2021-05-21", []want{day("2021-05-21")}},
		{"2021-05-21T10:00:00+02:00", []want{ev("2021-05-21T10:00+02:00", "")}},
		{"2021-05-21T08:00:00Z", []want{ev("2021-05-21T10:00+02:00", "")}},
		{"2021-05-21T10:00", []want{ev("2021-05-21T10:00+02:00", "")}},
		{"2021-12-01T10:00:00.000+0100", []want{ev("2021-12-01T10:00+01:00", "")}},
		// Recurrences.
		{"Jeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff", []want{
			{kind: KindEvent, start: "2021-06-02", allDay: true, rrule: "FREQ=MONTHLY;BYDAY=1WE", span: "Jeden ersten Mittwoch im Monat", guess: true}}},
		{"jeden letzten Freitag", []want{{kind: KindEvent, start: "2021-06-25", allDay: true, rrule: "FREQ=MONTHLY;BYDAY=-1FR", guess: true}}},
		{"wöchentlich dienstags", []want{{kind: KindEvent, start: "2021-06-01", allDay: true, rrule: "FREQ=WEEKLY;BYDAY=TU", guess: true}}},
		{"jeden Montag von 18 bis 20 Uhr", []want{{kind: KindEvent, start: "2021-06-07T18:00+02:00", end: "2021-06-07T20:00+02:00", rrule: "FREQ=WEEKLY;BYDAY=MO", guess: true}}},
		{"alle zwei Wochen donnerstags", []want{{kind: KindEvent, start: "2021-06-03", allDay: true, rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", guess: true}}},
		{"immer dienstags und donnerstags", []want{{kind: KindEvent, start: "2021-06-01", allDay: true, rrule: "FREQ=WEEKLY;BYDAY=TU,TH", guess: true}}},
		{"14-tägig mittwochs 17 Uhr", []want{{kind: KindEvent, start: "2021-06-02T17:00+02:00", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", guess: true}}},
		{"am ersten und dritten Dienstag im Monat", []want{{kind: KindEvent, start: "2021-06-01", allDay: true, rrule: "FREQ=MONTHLY;BYDAY=1TU,3TU", guess: true}}},
		{"dienstags 18 Uhr", []want{{kind: KindEvent, start: "2021-06-01T18:00+02:00", rrule: "FREQ=WEEKLY;BYDAY=TU", guess: true}}},
		{"dienstags geschlossen", nil},
		// Common forms on other partner pages.
		{"Samstag, 12.06.2021, 10:00 Uhr bis 16:00 Uhr", []want{ev("2021-06-12T10:00+02:00", "2021-06-12T16:00+02:00")}},
		{"12.06.2021 | 18:00 Uhr", []want{ev("2021-06-12T18:00+02:00", "").spanned("12.06.2021 | 18:00 Uhr")}},
		{"Datum: Donnerstag, 10. Juni 2021\nZeit: 18:00 - 20:00 Uhr", []want{ev("2021-06-10T18:00+02:00", "2021-06-10T20:00+02:00")}},
		{"vom 01. bis 03. Juli 2021", []want{days("2021-07-01", "2021-07-03")}},
		{"1.-3.7.2021", []want{days("2021-07-01", "2021-07-03")}},
		{"Freitag 18. Juni 2021 bis Sonntag 20. Juni 2021", []want{days("2021-06-18", "2021-06-20")}},
		{"Mittwoch, 16.06., 17 Uhr", []want{ev("2021-06-16T17:00+02:00", "").guessed()}},
		{"Dienstag, den 22.06.2021, 19.00 Uhr", []want{ev("2021-06-22T19:00+02:00", "")}},
		{"22.6. 19 Uhr", []want{ev("2021-06-22T19:00+02:00", "").guessed()}},
		{"14 - 17.30 Uhr am 23.6.2021", []want{ev("2021-06-23T14:00+02:00", "2021-06-23T17:30+02:00").spanned("23.6.2021")}},
		{"Am 17.06.2021: Beginn: 17 Uhr, Ende: 19 Uhr", []want{ev("2021-06-17T17:00+02:00", "2021-06-17T19:00+02:00")}},
		{"Am 3. Mai 2021 Beginn 17 Uhr. Danach Ende gegen 21 Uhr.", []want{ev("2021-05-03T17:00+02:00", "2021-05-03T21:00+02:00")}},
		{"am 24.06.2021, 18 Uhr Einlass, 19 Uhr Beginn", []want{
			ev("2021-06-24T19:00+02:00", ""), ev("2021-06-24T18:00+02:00", "").as(KindDoorsOpen).spanned("18 Uhr Einlass")}},
		{"20210521T100000Z", []want{ev("2021-05-21T12:00+02:00", "")}},
		{"ab dem 5. Juli jeden Dienstag um 18 Uhr", []want{{kind: KindEvent, start: "2021-07-06T18:00+02:00", rrule: "FREQ=WEEKLY;BYDAY=TU",
			span: "5. Juli jeden Dienstag um 18 Uhr", guess: true}}},
		{"jeden Donnerstag ab 8. Juli", []want{{kind: KindEvent, start: "2021-07-08", allDay: true, rrule: "FREQ=WEEKLY;BYDAY=TH",
			span: "jeden Donnerstag ab 8. Juli", guess: true}}},
		{"jeden Mittwoch 18 Uhr ab 7. Juli bis 28. Juli 2021", []want{{kind: KindEvent, start: "2021-07-07T18:00+02:00",
			rrule: "FREQ=WEEKLY;BYDAY=WE;UNTIL=20210728T215959Z", guess: true}}},
		// Deadlines and mentions.
		{"Bitte meldet euch bis zum 10.6. an.", []want{day("2021-06-10").as(KindDeadline).guessed()}},
		{"Bitte bis zum 11.6. anmelden.", []want{day("2021-06-11").as(KindDeadline).guessed()}},
		{"Die Ausstellung ist bis zum 11.6. zu sehen.", []want{day("2021-06-11").as(KindMention).guessed()}},
		{"die am 10. Juni stattgefundene Konferenz", []want{day("2021-06-10").as(KindMention).guessed()}},
		{"Anmeldung bis 12.3.", []want{day("2021-03-12").as(KindDeadline).guessed()}},
		{"Anmeldung bitte bis zum 12.03.2021, 18 Uhr", []want{ev("2021-03-12T18:00+01:00", "").as(KindDeadline)}},
		{"Das Projekt läuft bis zum 31.12.2023.", []want{day("2023-12-31").as(KindMention)}},
		{"Das Projekt existiert seit Januar 2016 und", []want{day("2016-01-01").as(KindMention).spanned("Januar 2016")}},
		{"werden an dieser Stelle im April 2016 erfolgen", []want{days("2016-04-01", "2016-04-30").as(KindMention)}},
		{"Mit dem Gesetz soll ab 2024 Integration", []want{day("2024-01-01").as(KindMention)}},
		{"in den Jahren 2021-2023 einerseits Neuland", []want{days("2021-01-01", "2023-12-31").as(KindMention).spanned("2021-2023")}},
		{"Newsletter (Ausgabe 02/ Oktober 2015) sowie", []want{days("2015-10-01", "2015-10-31").as(KindMention).spanned("Oktober 2015")}},
		{"soll von Mai bis September 2021 gemeinsam", []want{days("2021-05-01", "2021-09-30").as(KindMention)}},
		{"Stand: 12.03.2021", []want{day("2021-03-12").as(KindMention)}},
		// Not dates at all.
		{"Hamida Taamiri, 01575 5520787, hamida.taamiri@pokubi-sachsen.de", nil},
		{"Telefon: 0351 / 407 662 53", nil},
		{"Haus der Stadtmission - Demmeringstraße 18 - 04177 Leipzig", nil},
		{"Personen zwischen 14 und 27 Jahren", nil},
		{"für Jugendliche zwischen 15-22 zum Thema", nil},
		{"zum 11. Fachtag Ehrenamt eingeladen", nil},
		{"als Modulreihe (1-5) an", nil},
		{"Version 1.2.3.4 und 10.10.10.10", nil},
		{"14 Uhr", nil}, // a time without a date
		{"Bundestagswahl 2021", nil},
		// DST.
		{"28.03.2021 10:00", []want{ev("2021-03-28T10:00+02:00", "")}},
		{"27.03.2021 10:00", []want{ev("2021-03-27T10:00+01:00", "")}},
		{"31.10.2021 02:30", []want{ev("2021-10-31T02:30+02:00", "")}}, // ambiguous: first occurrence
		{"28.03.2021 02:30", []want{ev("2021-03-28T03:30+02:00", "")}}, // in the gap: read with the winter offset
		// Impossible dates and times.
		{"31.02.2021", nil},
		{"am 30. Februar", nil},
		{"21.05.2021 25:00 Uhr", []want{day("2021-05-21")}},
	}
	for _, tt := range tests {
		check(t, tt.text, Extract(tt.text, ref), tt.want)
	}
}

// TestYearNearestRef: a date without a year lands nearest to the reference date.
func TestYearNearestRef(t *testing.T) {
	tests := []struct {
		text string
		ref  time.Time
		want string
	}{
		{"am 19. Mai", time.Date(2021, 6, 1, 0, 0, 0, 0, event.Berlin), "2021-05-19"},
		{"am 19. Januar", time.Date(2021, 12, 20, 0, 0, 0, 0, event.Berlin), "2022-01-19"},
		{"am 20. Dezember", time.Date(2022, 1, 10, 0, 0, 0, 0, event.Berlin), "2021-12-20"},
		{"05.11.", time.Date(2021, 10, 1, 0, 0, 0, 0, event.Berlin), "2021-11-05"},
		// The weekday settles it: 26 July was a Friday in 2019, not in 2020.
		{"Fr, 26.07.", time.Date(2020, 1, 15, 0, 0, 0, 0, event.Berlin), "2019-07-26"},
		{"29.02.", time.Date(2021, 1, 10, 0, 0, 0, 0, event.Berlin), "2020-02-29"},
	}
	for _, tt := range tests {
		got := Extract(tt.text, tt.ref)
		if len(got) != 1 || !got[0].Start.Equal(mustTime(t, tt.want)) || !got[0].YearGuessed {
			t.Errorf("Extract(%q, %s) = %v, want one guessed date %s", tt.text, tt.ref.Format("2006-01-02"), got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		text string
		want []want
	}{
		{"2021-05-21T10:00:00+02:00", []want{ev("2021-05-21T10:00+02:00", "")}},
		{"21. Mai 2021", []want{day("2021-05-21")}},
		{"21.05.2021, 10:00 – 16:00 Uhr", []want{ev("2021-05-21T10:00+02:00", "2021-05-21T16:00+02:00")}},
		// A time alone goes on ref's day.
		{"14 Uhr", []want{ev("2021-06-01T14:00+02:00", "").guessed()}},
		{"14.30 Uhr", []want{ev("2021-06-01T14:30+02:00", "").guessed()}},
		{"14:30h", []want{ev("2021-06-01T14:30+02:00", "").guessed()}},
		{"ab 18 Uhr", []want{ev("2021-06-01T18:00+02:00", "").guessed()}},
		{"10 - 16 Uhr", []want{ev("2021-06-01T10:00+02:00", "2021-06-01T16:00+02:00").guessed()}},
		{"bis 17 Uhr", []want{{kind: KindEvent, start: "2021-06-01", end: "2021-06-01T17:00+02:00", allDay: true, guess: true}}},
		{"Uhrzeit: 18:00", []want{ev("2021-06-01T18:00+02:00", "").guessed()}},
		{"Einlass: 18 Uhr, Beginn 18:30", []want{
			ev("2021-06-01T18:00+02:00", "").as(KindDoorsOpen).guessed().spanned("Einlass: 18 Uhr"),
			ev("2021-06-01T18:30+02:00", "").guessed().spanned("Beginn 18:30")}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.text, ref)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		check(t, tt.text, got, tt.want)
		for _, o := range got {
			if strings.Contains(tt.text, "Uhr") && !strings.Contains(tt.text, "2021") && !o.DayGuessed {
				t.Errorf("Parse(%q): a bare time must set DayGuessed", tt.text)
			}
		}
	}
	for _, s := range []string{"", "Ort: Leipzig", "25:00 Uhr", "31.02.2021", "Telefon 0351 / 407 662 53"} {
		if got, err := Parse(s, ref); !errors.Is(err, event.ErrNoDate) {
			t.Errorf("Parse(%q) = %v, %v; want ErrNoDate", s, got, err)
		}
	}
}

// TestSpansSplitText checks what the normaliser relies on: the text between
// one event occurrence and the next is the information about the first.
func TestSpansSplitText(t *testing.T) {
	text := "24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom) 08.12.2021 - 17:00-19:30 Uhr - Region Dresden – online (Zoom) 14.12.2021 - 17:00-19:30 Uhr - Region Bautzen – online (Zoom) 15.12.2021 - 17:00-19:30 Uhr - Region Chemnitz – online (Zoom)"
	got := Extract(text, ref)
	regions := []string{"Leipzig", "Dresden", "Bautzen", "Chemnitz"}
	if len(got) != len(regions) {
		t.Fatalf("got %d occurrences, want %d", len(got), len(regions))
	}
	for i, o := range got {
		end := len(text)
		if i+1 < len(got) {
			end = got[i+1].Span[0]
		}
		between := text[o.Span[1]:end]
		if !strings.Contains(between, "Region "+regions[i]) || strings.Contains(between, "Uhr") {
			t.Errorf("occurrence %d: text after it is %q, want the %s block without times", i, between, regions[i])
		}
		if o.AllDay || o.End.Sub(o.Start) != 150*time.Minute {
			t.Errorf("occurrence %d: %s – %s, want 17:00–19:30", i, o.Start, o.End)
		}
	}
}

// TestZeroRef: without a reference date nothing is guessed.
func TestZeroRef(t *testing.T) {
	text := "am 19. Mai 2021 und am 20. Mai, jeden Montag, jeden Dienstag ab 1. Juni 2021"
	check(t, text, Extract(text, time.Time{}), []want{
		day("2021-05-19"),
		{kind: KindEvent, start: "2021-06-01", allDay: true, rrule: "FREQ=WEEKLY;BYDAY=TU", span: "jeden Dienstag ab 1. Juni 2021"},
	})
	if got, err := Parse("14 Uhr", time.Time{}); err == nil {
		t.Errorf("Parse(14 Uhr) without ref = %v, want an error", got)
	}
}
