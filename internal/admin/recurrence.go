package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// recurrenceText says how an RRULE repeats, in words, for the edit form's
// preview ("monatlich, am 1. Mittwoch, 12-mal"): staff should not have to
// read RFC 5545. Parts it does not know are shown as they are.
func recurrenceText(lang, rule string) string {
	if strings.TrimSpace(rule) == "" {
		return ""
	}
	parts := map[string]string{}
	for _, p := range strings.Split(strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:"), ";") {
		k, v, _ := strings.Cut(p, "=")
		parts[strings.ToUpper(strings.TrimSpace(k))] = strings.ToUpper(strings.TrimSpace(v))
	}
	en := lang == "en"
	pick := func(de, e string) string {
		if en {
			return e
		}
		return de
	}
	var out []string
	n, _ := strconv.Atoi(parts["INTERVAL"])
	every := map[string][2]string{"DAILY": {"täglich", "daily"}, "WEEKLY": {"wöchentlich", "weekly"},
		"MONTHLY": {"monatlich", "monthly"}, "YEARLY": {"jährlich", "yearly"}}[parts["FREQ"]]
	switch {
	case every[0] == "":
		return rule
	case n > 1:
		unit := map[string][2]string{"DAILY": {"Tage", "days"}, "WEEKLY": {"Wochen", "weeks"},
			"MONTHLY": {"Monate", "months"}, "YEARLY": {"Jahre", "years"}}[parts["FREQ"]]
		out = append(out, pick("alle "+strconv.Itoa(n)+" "+unit[0], "every "+strconv.Itoa(n)+" "+unit[1]))
	default:
		out = append(out, pick(every[0], every[1]))
	}
	if by := parts["BYDAY"]; by != "" {
		var days []string
		for _, d := range strings.Split(by, ",") {
			days = append(days, weekdayText(lang, d))
		}
		out = append(out, pick("am ", "on ")+strings.Join(days, ", "))
	}
	if c := parts["COUNT"]; c != "" {
		out = append(out, pick(c+"-mal", c+" times"))
	}
	if u := parts["UNTIL"]; len(u) >= 8 {
		if t, err := time.Parse("20060102", u[:8]); err == nil {
			out = append(out, pick("bis ", "until ")+t.Format("02.01.2006"))
		}
	}
	return strings.Join(out, ", ")
}

// weekdayText reads an RRULE day ("MO", "1WE", "-1FR").
func weekdayText(lang, d string) string {
	names := map[string][2]string{"MO": {"Montag", "Monday"}, "TU": {"Dienstag", "Tuesday"}, "WE": {"Mittwoch", "Wednesday"},
		"TH": {"Donnerstag", "Thursday"}, "FR": {"Freitag", "Friday"}, "SA": {"Samstag", "Saturday"}, "SU": {"Sonntag", "Sunday"}}
	i := 0
	if lang == "en" {
		i = 1
	}
	day := d[max(len(d)-2, 0):]
	name, ok := names[day]
	if !ok {
		return d
	}
	switch ord := d[:len(d)-2]; ord {
	case "":
		return name[i]
	case "-1":
		return [2]string{"letzten ", "last "}[i] + name[i]
	default:
		if n, err := strconv.Atoi(ord); err == nil && n > 0 {
			if i == 1 {
				return [...]string{"", "1st ", "2nd ", "3rd ", "4th ", "5th "}[min(n, 5)] + name[i]
			}
			return strconv.Itoa(n) + ". " + name[i]
		}
	}
	return d
}

// rrTexts are the words of the recurrence editor.
var rrTexts = map[string][2]string{
	"rr-legend":   {"Wiederholung", "Recurrence"},
	"rr-freq":     {"Wiederholt sich", "Repeats"},
	"rr-none":     {"nicht", "never"},
	"rr-weekly":   {"wöchentlich", "weekly"},
	"rr-monthly":  {"monatlich", "monthly"},
	"rr-interval": {"Abstand (alle n Wochen bzw. Monate)", "Interval (every n weeks or months)"},
	"rr-days":     {"Wochentage (keiner: der Tag des Beginns)", "Weekdays (none: the start's day)"},
	"rr-ord":      {"Im Monat am", "In the month on the"},
	"rr-ord1":     {"1.", "1st"},
	"rr-ord2":     {"2.", "2nd"},
	"rr-ord3":     {"3.", "3rd"},
	"rr-ord4":     {"4.", "4th"},
	"rr-ord-1":    {"letzten", "last"},
	"rr-day":      {"Wochentag", "Weekday"},
	"rr-until":    {"Bis (Datum)", "Until (date)"},
	"rr-count":    {"Anzahl der Termine", "Number of dates"},
	"rr-end-help": {"Ende: ein Datum oder eine Anzahl (gilt beides, zählt das Datum); leer heißt ohne Ende.", "End: a date or a number (with both, the date counts); empty means no end."},
	"rr-raw":      {"Als RRULE bearbeiten", "Edit as RRULE"},
	"rr-editor":   {"Mit Auswahlfeldern bearbeiten", "Edit with choices"},
}

func init() {
	for k, v := range rrTexts {
		texts[k] = v
	}
}

// rruleDays are RRULE's weekdays in the order of a German week.
var rruleDays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// maxPreviewRule bounds the rule the preview endpoint reads (the stored
// value is bounded the same way by review's validation).
const maxPreviewRule = 512

// rrEditor is what the edit form's recurrence editor starts from: the
// stored rule read into its few choices. Custom is set when the rule says
// more than the editor can (DAILY, BYMONTHDAY, several n-th weekdays …):
// then the form keeps the plain RRULE field, so nothing is lost by saving.
type rrEditor struct {
	Freq     string // "", WEEKLY or MONTHLY
	Interval int
	Days     []string // WEEKLY: MO, TU …
	Ord      string   // MONTHLY: 1 … 4 or -1 (last)
	OrdDay   string   // MONTHLY: MO, TU …
	Until    string   // yyyy-mm-dd, for <input type=date>
	Count    string
	Custom   bool
}

// readEditor reads a stored rule for the editor.
func readEditor(rule string) rrEditor {
	e := rrEditor{Interval: 1}
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if rule == "" {
		return e
	}
	for _, p := range strings.Split(rule, ";") {
		k, v, _ := strings.Cut(p, "=")
		k, v = strings.ToUpper(strings.TrimSpace(k)), strings.ToUpper(strings.TrimSpace(v))
		switch k {
		case "FREQ":
			e.Freq = v
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 99 {
				e.Custom = true
			}
			e.Interval = n
		case "BYDAY":
			e.Days = strings.Split(v, ",")
		case "UNTIL":
			t, err := time.Parse("20060102", v[:min(len(v), 8)])
			if err != nil {
				e.Custom = true
				break
			}
			e.Until = t.Format("2006-01-02")
		case "COUNT":
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 999 {
				e.Custom = true
			}
			e.Count = v
		case "WKST":
			if v != "MO" {
				e.Custom = true
			}
		default:
			e.Custom = true
		}
	}
	switch e.Freq {
	case "WEEKLY":
		for _, d := range e.Days {
			if !slices.Contains(rruleDays, d) {
				e.Custom = true
			}
		}
	case "MONTHLY":
		// The editor knows one "n-th weekday of the month".
		if len(e.Days) != 1 || len(e.Days[0]) < 3 {
			e.Custom = true
			break
		}
		d := e.Days[0]
		e.Ord, e.OrdDay, e.Days = d[:len(d)-2], d[len(d)-2:], nil
		if !slices.Contains([]string{"1", "2", "3", "4", "-1"}, strings.TrimPrefix(e.Ord, "+")) || !slices.Contains(rruleDays, e.OrdDay) {
			e.Custom = true
		}
		e.Ord = strings.TrimPrefix(e.Ord, "+")
	default:
		e.Custom = true
	}
	return e
}

// recurrencePreview answers the editor's script with the words for a
// rule in the staff member's language: the preview is the same Go text
// the page shows, not a second implementation in JavaScript. Whether the
// rule is valid is decided where it is saved (review's validation).
func (h *Handler) recurrencePreview(w http.ResponseWriter, r *http.Request) error {
	rule := r.URL.Query().Get("rule")
	if len(rule) > maxPreviewRule {
		return fmt.Errorf("recurrence: longer than %d bytes: %w", maxPreviewRule, event.ErrInvalid)
	}
	out := struct {
		Text string `json:"text"`
	}{Text: recurrenceText(h.langOf(r), rule)}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}
