package dedup

import "strconv"

// A calendar that lists a congress per day marks the later days in their
// titles ("Kongress „Einheit in Vielfalt?“ (2. Tag)", "Tag 2: Workshops",
// "Zweiter Konferenztag", "Day 2"), while another site announces the same
// congress by its first day only and no end. Such a record is a day of an
// event that began N-1 days earlier: its span reaches back that far
// (features.firstDay), so the day rule lets it meet the first day's record.

// dayWords name one day of a multi-day event. Compounds with a kind of
// event as their head ("Fachtag", "Aktionstag", "Thementag") are events of
// their own and their number is an edition ("11. Fachtag Ehrenamt"), so
// only a day of a named longer event counts.
var dayWords = setOf("tag", "day", "kongresstag", "konferenztag", "tagungstag", "festivaltag",
	"seminartag", "messetag", "workshoptag")

// ordinalValue reads an ordinal written as a word or a number, folded:
// "zweiter", "2", "2te", "2nd", "second". Zero when w is none.
var ordinalValue = map[string]int{
	"erster": 1, "erste": 1, "ersten": 1, "first": 1,
	"zweiter": 2, "zweite": 2, "zweiten": 2, "second": 2,
	"dritter": 3, "dritte": 3, "dritten": 3, "third": 3,
	"vierter": 4, "vierte": 4, "vierten": 4, "fourth": 4,
}

func ordinal(w string) int {
	if n, ok := ordinalValue[w]; ok {
		return n
	}
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 || i > 2 {
		return 0
	}
	switch w[i:] {
	case "", "te", "ter", "ten", "nd", "rd", "th", "st":
	default:
		return 0
	}
	n, _ := strconv.Atoi(w[:i])
	return n
}

// articles after a day word make it a name: "2. Tag der offenen Tür",
// "3. Tag der Demokratie" are editions, not days.
var articles = setOf("der", "des", "die", "den", "the", "of")

// eventDay returns N when the folded title words mark the record as the
// N-th day (2 ≤ N ≤ MaxSpanDays) of a multi-day event: "2. Tag", "Tag 2",
// "zweiter Kongresstag", "Day 2"; else 0.
func eventDay(ws []string) int {
	for i, w := range ws {
		if !dayWords[w] {
			continue
		}
		if i+1 < len(ws) && articles[ws[i+1]] {
			continue
		}
		n := 0
		switch {
		case i+1 < len(ws) && isNumber(ws[i+1]) && (w == "tag" || w == "day"):
			n = ordinal(ws[i+1]) // "Tag 2", even after a date ("14.10. | Tag 2")
		case i > 0 && ws[i-1][0] != '0':
			n = ordinal(ws[i-1]) // "2. Tag"; "01.02. Tag" ends a date
		}
		if n >= 2 && n <= MaxSpanDays {
			return n
		}
	}
	return 0
}
