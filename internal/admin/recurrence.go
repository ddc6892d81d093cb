package admin

import (
	"strconv"
	"strings"
	"time"
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
