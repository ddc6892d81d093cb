package normalize

import (
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/normalize/dates"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
)

// maxTitle is the longest title kept; longer first lines are cut at a word.
const maxTitle = 140

// cleanTitle removes what list pages put around a title: parts between
// pipes that are only a date or a place ("01.08.19 | Titel | Leipzig" →
// "Titel"), a date at the start or end ("Titel – 24.11.2021"), and a label
// such as "Veranstaltung:".
func cleanTitle(t string, ref time.Time) string {
	t = strings.Join(strings.Fields(t), " ")
	if strings.Contains(t, "|") {
		var keep []string
		for _, part := range strings.Split(t, "|") {
			part = strings.TrimSpace(part)
			if part == "" || onlyDate(part, ref) || isPlaceName(part) {
				continue
			}
			keep = append(keep, part)
		}
		if len(keep) > 0 {
			t = strings.Join(keep, " – ")
		}
	}
	t = trimDates(t, ref)
	for _, label := range []string{"Veranstaltung:", "Termin:", "Event:", "Einladung:"} {
		if rest, ok := strings.CutPrefix(t, label); ok && strings.TrimSpace(rest) != "" {
			t = strings.TrimSpace(rest)
		}
	}
	return clip(t, maxTitle)
}

// onlyDate reports whether s is nothing but a date expression.
func onlyDate(s string, ref time.Time) bool {
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	for _, o := range dates.Extract(s, ref) {
		rest := strings.Trim(s[:o.Span[0]]+s[o.Span[1]:], " ,.:-–|()")
		if rest == "" || len([]rune(rest)) <= 3 {
			return true
		}
	}
	return false
}

func isPlaceName(s string) bool {
	return gazetteer.ByName(s) != nil || gazetteer.Outside(s)
}

// trimDates cuts a date that starts or ends the title, with its joining
// words ("am", "vom") and separators.
func trimDates(t string, ref time.Time) string {
	if !strings.ContainsAny(t, "0123456789") {
		return t // every date the grammar knows has a digit
	}
	occ := dates.Extract(t, ref)
	if len(occ) == 0 {
		return t
	}
	last := occ[len(occ)-1]
	tail := strings.Trim(t[last.Span[1]:], " .)")
	if last.Span[0] > 0 && tail == "" {
		head := strings.TrimRight(t[:last.Span[0]], " ,:-–|(")
		for _, w := range []string{" am", " vom", " ab", " bis", " von", " -", " –"} {
			head = strings.TrimSuffix(head, w)
		}
		if h := strings.TrimSpace(strings.TrimRight(head, " ,:-–|(")); len(h) >= 3 {
			t = h
		}
	}
	occ = dates.Extract(t, ref)
	if len(occ) > 0 && strings.Trim(t[:occ[0].Span[0]], " ,.:-–|(") == "" {
		rest := strings.TrimLeft(t[occ[0].Span[1]:], " ,.:-–|)")
		if len(rest) >= 3 {
			t = rest
		}
	}
	return t
}
