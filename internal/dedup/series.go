package dedup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// SeriesKey returns a stable key shared by the occurrences of one series:
// the same organiser (or, when no organiser is known, the same source) and
// the same normalised title. The title is normalised as for matching
// (folded, dates, times, numbers and stop words removed, words stemmed) and
// additionally loses ordinal words ("Erste Lernwerkstatt"), generic format
// words and the names of Saxon towns, so "Digitales Werkstattgespräch –
// Region Leipzig" and "… – Region Dresden" share a key. Word order does not
// matter. The key is a hex SHA-256 prefix, suitable for an indexed column.
func SeriesKey(r Record) string {
	sum := sha256.Sum256([]byte(seriesBasis(r)))
	return hex.EncodeToString(sum[:12])
}

// seriesBasis is the readable text SeriesKey hashes.
func seriesBasis(r Record) string {
	org := normOrganizer(r.Organizer)
	if org == "" {
		org = normOrganizer(r.Draft.Organizer)
	}
	if org == "" {
		org = "source:" + r.SourceID
	}
	ws := titleWords(r.Draft.Title, r.Draft.Place.City)
	var keep []string
	for _, w := range ws {
		if ordinalWords[w] || saxonTowns[w] || genericWords[w] {
			continue
		}
		keep = append(keep, stem(w))
	}
	if len(keep) == 0 { // a title of generic words only: keep them
		for _, w := range ws {
			keep = append(keep, stem(w))
		}
	}
	slices.Sort(keep)
	keep = slices.Compact(keep)
	return org + "|" + strings.Join(keep, " ")
}

// saxonTowns are folded names of the Saxon district towns and larger
// places; series titles often name the town of one occurrence.
var saxonTowns = setOf(
	"sachsen", "leipzig", "dresden", "chemnitz", "zwickau", "plauen", "goerlitz", "bautzen",
	"freiberg", "pirna", "meissen", "riesa", "hoyerswerda", "grimma", "markkleeberg", "delitzsch",
	"torgau", "annaberg", "buchholz", "aue", "schneeberg", "zittau", "radebeul", "freital",
	"limbach", "oberfrohna", "glauchau", "werdau", "crimmitschau", "reichenbach", "mittweida",
	"doebeln", "borna", "wurzen", "oschatz", "kamenz", "loebau", "weisswasser", "niesky",
	"coswig", "grossenhain", "heidenau", "sebnitz", "dippoldiswalde", "marienberg", "stollberg",
	"erzgebirge", "vogtland", "lausitz", "oberlausitz", "mittelsachsen", "nordsachsen",
)

// maxOccurrences bounds an expansion: a rule that yields more within the
// horizon (FREQ=HOURLY, a typo) is rejected rather than flooding the store.
const maxOccurrences = 1000

// Occurrences expands an RFC 5545 recurrence rule (with or without the
// "RRULE:" prefix) from start up to start+horizon, in Europe/Berlin wall
// clock time: a monthly meeting at 15:00 stays at 15:00 across the change
// to and from summer time. As in RFC 5545, start itself is the first
// occurrence even if the rule would not generate it, and it counts towards
// COUNT. A local UNTIL without "Z" is read as Berlin time.
func Occurrences(rule string, start time.Time, horizon time.Duration) ([]time.Time, error) {
	if horizon <= 0 {
		return nil, fmt.Errorf("expand recurrence: horizon %v: %w", horizon, event.ErrInvalid)
	}
	s := strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	opt, err := rrule.StrToROptionInLocation(s, event.Berlin)
	if err != nil {
		return nil, fmt.Errorf("parse recurrence %q: %w: %w", rule, event.ErrInvalid, err)
	}
	start = start.In(event.Berlin).Truncate(time.Second) // the library works in seconds
	opt.Dtstart = start
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("build recurrence %q: %w: %w", rule, event.ErrInvalid, err)
	}
	end := start.Add(horizon)
	out := []time.Time{start}
	next := rr.Iterator()
	for {
		t, ok := next()
		if !ok || t.After(end) {
			break
		}
		if t.Equal(start) {
			continue
		}
		if len(out) == maxOccurrences {
			return nil, fmt.Errorf("expand recurrence %q: more than %d occurrences within %v: %w",
				rule, maxOccurrences, horizon, event.ErrInvalid)
		}
		out = append(out, t.In(event.Berlin))
	}
	if opt.Count > 0 && len(out) > opt.Count { // start counted as the first of COUNT
		out = out[:opt.Count]
	}
	return out, nil
}
