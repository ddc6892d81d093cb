package normalize

import (
	"strings"
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
)

// onlineSignal is what a text says about the event's format.
type onlineSignal struct {
	online bool // the event (or part of it) happens online
	hybrid bool // the text says both on site and online
}

// eventNouns are the words that make "online"/"digital" in front of them
// describe the event's format ("online Gesprächsrunde", "Digitaler
// Austausch", "Online-Info-Café"). Matched as word starts, lower case.
var eventNouns = []string{"veranstaltung", "seminar", "workshop", "treffen", "treff", "austausch", "gespräch",
	"konferenz", "fachtag", "fachkonferenz", "tagung", "vortrag", "werkstatt", "info", "sprechstunde", "beratung",
	"kurs", "lesung", "diskussion", "podium", "stammtisch", "café", "cafe", "sitzung", "schulung",
	"fortbildung", "weiterbildung", "training", "coaching", "lernwerkstatt", "format", "abend", "runde",
	"event", "meeting", "frühstück", "forum", "talk", "dialog", "vernetzung", "konzert", "lesereise",
	"angebot", "kongress", "reihe", "session", "lecture", "fest", "filmvorführung", "premiere", "sendung",
	"variante", "teilnahme"}

// notFormat are words after "online" that make it about something else
// ("Online-Aktivitäten Ihres Vereins", "online anmelden", "online unter …").
var notFormat = []string{"aktivität", "präsenz", "anmeld", "registr", "unter", "abrufbar", "verfügbar", "einsehen",
	"lesen", "buchen", "bestell", "bewerb", "formular", "shop", "marketing", "redaktion", "kommunikation",
	"medien", "auftritt", "plattform", "petition", "umfrage", "spende", "tool", "informier", "gestellt",
	"zu finden", "finden sie", "nachlesen", "nachzulesen", "herunterladen", "download", "ticket", "handel",
	"dating", "sicherheit", "banking", "version", "erreichbar", "präsent", "sichtbar", "http", "www", "zur verfügung",
	"gestellt", "veröffentlicht", "nachschauen", "ansehen", "anschauen"}

// platforms name a video or streaming service: the event is online.
var platforms = []string{"zoom", "webex", "jitsi", "bigbluebutton", "big blue button", "microsoft teams",
	"ms teams", "videokonferenz", "video-konferenz", "videocall", "webinar", "livestream", "live-stream",
	"gestreamt", "streamen", "stream", "онлайн", "zoom-meeting", "youtube-live", "wonder.me", "gather.town"}

// hybridWords say "on site and online" ("UND ONLINE MÖGLICH ÜBER ZOOM").
var hybridWords = []string{"hybrid", "vor ort und online", "präsenz und online", "online und vor ort",
	"online und in präsenz", "und online möglich", "auch online", "oder online", "sowie online", "und online",
	"online zugeschaltet", "zuschaltung", "alternativ online", "in präsenz oder", "digital und analog"}

// formatWords are all words detectOnline looks at, in one phrases.Set:
// "online" and "digital" (judged by their context), the platforms, the
// hybrid phrases and the on-site phrases.
var formatWords = sync.OnceValue(func() *phrases.Set { return phrases.Compile(formatPatterns()) })

func formatPatterns() []string {
	pats := []string{"online", "digital"}
	pats = append(pats, platforms...)
	pats = append(pats, hybridWords...)
	return append(pats, onSiteWords...)
}

var onSiteWords = []string{"vor ort", "in präsenz"}

// formatHit is a match of formatPatterns: the pattern and where it starts.
type formatHit struct{ id, start int }

// detectOnline reads the format signals of a lower-cased text.
func detectOnline(low string) onlineSignal {
	var hits []formatHit
	formatWords().Scan(low, func(id, start, _ int) { hits = append(hits, formatHit{id, start}) })
	return onlineFrom(low, hits)
}

// onlineFrom reads the format signals from the matches of formatPatterns.
func onlineFrom(low string, hits []formatHit) onlineSignal {
	var s onlineSignal
	firstHybrid, lastPlatform := 2+len(platforms), 2+len(platforms)+len(hybridWords)
	hybridWord, hybridPhrase, onSite := false, false, false
	stream, streamOnly, other := false, false, false // a stream of the event; "nur im Livestream"; any other online signal
	for _, h := range hits {
		switch id, start := h.id, h.start; {
		case id == 0:
			f := onlineFormat(low, start)
			s.online = s.online || f
			if f && streamAfter(low, start+len("online")) {
				stream = true // "Online Stream unter diesem Link", "online übertragen"
			} else {
				other = other || f
			}
		case id == 1:
			f := digitalFormat(low, start)
			s.online = s.online || f
			other = other || f
		case id < firstHybrid:
			if negated(low, start) {
				continue // "Ein Live-Streaming ist nicht vorgesehen"
			}
			s.online = true
			if isStream(platforms[id-2]) {
				stream = true
				streamOnly = streamOnly || onlyBefore(low, start)
			} else {
				other = true
			}
		case id < lastPlatform:
			hybridPhrase = true
			hybridWord = hybridWord || hybridWords[id-firstHybrid] == "hybrid"
		default:
			onSite = onSite || onSiteToo(low, start)
		}
	}
	// "im Livestream und vor Ort", "wer nicht vor Ort sein kann, … per Zoom"
	if hybridWord || s.online && (hybridPhrase || onSite) {
		s.online, s.hybrid = true, true
	}
	// A stream carries what happens in a room ("wird über einen Live-Stream
	// übertragen", "im Literaturhaus oder im Livestream"): hybrid, unless the
	// text says only the stream or names a video conference or online format.
	if stream && !other && !streamOnly {
		s.online, s.hybrid = true, true
	}
	return s
}

// isStream reports the platforms that broadcast live what happens in a room
// rather than meet online; a film that "kann gestreamt werden" is online.
func isStream(p string) bool {
	switch p {
	case "livestream", "live-stream", "stream", "youtube-live":
		return true
	}
	return false
}

// streamAfter reports a stream word right after i ("online stream",
// "Online-Livestream", "online übertragen").
func streamAfter(low string, i int) bool {
	rest := strings.TrimLeft(low[i:min(len(low), i+20)], " -")
	return strings.HasPrefix(rest, "stream") || strings.HasPrefix(rest, "livestream") ||
		strings.HasPrefix(rest, "live-stream") || strings.HasPrefix(rest, "übertrag")
}

// onlyBefore reports "nur", "ausschließlich" or "rein" just before i.
func onlyBefore(low string, i int) bool {
	before := low[max(0, i-24):i]
	return strings.Contains(before, "nur ") || strings.Contains(before, "ausschließlich") || strings.Contains(before, "rein ")
}

// negated reports a negation in the clause of the word at i ("Ein
// Live-Streaming ist nicht vorgesehen", "kein Livestream").
func negated(low string, i int) bool {
	from := max(0, i-30)
	if k := strings.LastIndexAny(low[from:i], ".!?\n"); k >= 0 {
		from += k + 1
	}
	to := min(len(low), i+40)
	if k := strings.IndexAny(low[i:to], ".!?\n"); k >= 0 {
		to = i + k
	}
	clause := " " + low[from:to] + " "
	return strings.Contains(clause, " nicht ") || strings.Contains(clause, " kein ") || strings.Contains(clause, " keinen ")
}

// onlineFormat decides whether "online" at i describes the event's format.
func onlineFormat(low string, i int) bool {
	rest := low[i+len("online"):]
	compound := rest != "" && (rest[0] == '-' || letterAt(rest, 0))
	if compound {
		part := strings.TrimLeft(rest, "-")
		for _, n := range notFormat {
			if strings.HasPrefix(part, n) {
				return false
			}
		}
		for _, n := range eventNouns {
			if strings.HasPrefix(part, n) {
				return true
			}
		}
		return false
	}
	next := nextWords(low, i+len("online"), 4)
	if offlinePair(low, i, next) {
		return false
	}
	if len(next) > 0 {
		next = next[:min(2, len(next))]
		joined := strings.Join(next, " ")
		for _, n := range notFormat {
			if strings.HasPrefix(joined, n) {
				return false
			}
		}
	}
	return true
}

// offlinePair reports "online" paired with its opposite ("unsere online
// und offline Realitäten", "offline and online spaces"): the pair names a
// sphere of life, not the event's format, unless the event "findet online
// und offline statt". next are the words after "online".
func offlinePair(low string, i int, next []string) bool {
	paired := len(next) >= 2 && isAnd(next[0]) && next[1] == "offline"
	if !paired {
		w := prevWord(low, i)
		paired = isAnd(w) && prevWord(low, max(0, strings.LastIndex(low[:i], w))) == "offline"
	}
	if !paired {
		return false
	}
	for _, w := range next {
		if w == "statt" || w == "teilnehmen" || w == "möglich" {
			return false
		}
	}
	return true
}

func isAnd(w string) bool {
	switch w {
	case "und", "and", "oder", "or", "wie", "sowie":
		return true
	}
	return false
}

// digitalFormat decides whether "digital" at i describes the format:
// "digitaler Austausch", "findet digital statt", "Digitale
// Werkstattgespräche" — not "Digitalisierung" or "unter digitalen Lebens-
// und Arbeitsbedingungen".
func digitalFormat(low string, i int) bool {
	rest := low[i+len("digital"):]
	switch {
	case strings.HasPrefix(rest, " statt"), strings.HasPrefix(rest, " durchgeführt"):
		return true
	case strings.HasPrefix(rest, "e ") || strings.HasPrefix(rest, "er ") || strings.HasPrefix(rest, "es ") ||
		strings.HasPrefix(rest, "en "):
		next := nextWords(low, i+len("digital")+strings.IndexByte(rest, ' '), 1)
		if len(next) == 1 {
			for _, n := range eventNouns {
				if strings.HasPrefix(next[0], n) {
					return true
				}
			}
		}
	}
	return false
}

// onSiteToo reports whether the on-site phrase at i offers a way to take
// part, not "findet nicht vor Ort statt".
func onSiteToo(low string, i int) bool {
	before := low[max(0, i-12):i]
	if strings.Contains(before, "nicht ") || strings.Contains(before, "kein") {
		return false
	}
	// "Hilfe vor Ort erhalten", "Ansprechpartner vor Ort finden": help in
	// one's own town, not a way to take part in this event
	after := low[min(len(low), i+len("vor ort")):min(len(low), i+len("vor ort")+24)]
	for _, w := range localVerbs {
		if strings.HasPrefix(strings.TrimLeft(after, " "), w) {
			return false
		}
	}
	return true
}

var localVerbs = []string{"erhalten", "bekommen", "finden", "zu finden", "suchen", "kennen"}
