package admin

import (
	"html/template"
	"regexp"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// warningKind is one kind of warning the normaliser, the recurrence
// expansion or the crawl caps write (in English, into the stored draft):
// the pattern the text has and its German words. Captured groups are put
// in with $1, $2 (regexp.Expand).
type warningKind struct {
	re *regexp.Regexp
	de string
}

// warningKinds are the warnings known to the UI. The texts are written in
// internal/normalize (normalize.go, occurrences.go, where.go),
// internal/ingest (recurrence.go, limits.go) and internal/event
// (limits.go); a warning none matches is shown as it is.
var warningKinds = []warningKind{
	{regexp.MustCompile(`^languages: the text speaks of (\d+) languages without naming them all$`), "Sprachen: Der Text spricht von $1 Sprachen, nennt aber nicht alle"},
	{regexp.MustCompile(`^topics: no rule gave enough evidence$`), "Themen: Keine Regel war sicher genug"},
	{regexp.MustCompile(`^status: the text says the event is (\w+)$`), "Status: Laut Text ist die Veranstaltung ${status}"},
	{regexp.MustCompile(`^start: the year was not written and was taken from the reference date$`), "Beginn: Das Jahr stand nicht im Text und wurde aus dem Bezugsdatum genommen"},
	{regexp.MustCompile(`^start: no day was written; the first date of the recurrence was computed$`), "Beginn: Kein Tag stand im Text; der erste Termin der Wiederholung wurde berechnet"},
	{regexp.MustCompile(`(?s)^start: the date field could not be read: (.*)$`), "Beginn: Das Datumsfeld war nicht lesbar: $1"},
	{regexp.MustCompile(`^start: (\d+) dates in one text; only the first (\d+) were kept$`), "Beginn: $1 Termine in einem Text; nur die ersten $2 wurden übernommen"},
	{regexp.MustCompile(`^start: dates before the publication date were taken as past events and dropped$`), "Beginn: Termine vor dem Veröffentlichungsdatum galten als vergangen und wurden verworfen"},
	{regexp.MustCompile(`(?s)^start: the structured start could not be read: (.*)$`), "Beginn: Der strukturierte Beginn war nicht lesbar: $1"},
	{regexp.MustCompile(`^online: the text speaks of online participation beside a venue; taken as hybrid$`), "Online: Der Text nennt Online-Teilnahme neben einem Ort; als hybrid übernommen"},
	{regexp.MustCompile(`^region: none in the text; the source's default region was used$`), "Region: Keine im Text; die Standardregion der Quelle wurde genommen"},
	{regexp.MustCompile(`^region: guessed from a passing mention of a place$`), "Region: Aus einer beiläufigen Ortsnennung geschlossen"},
	{regexp.MustCompile(`^region: taken from the town in the site's address$`), "Region: Aus dem Ort in der Adresse der Website genommen"},
	{regexp.MustCompile(`^region: unknown$`), "Region: unbekannt"},
	{regexp.MustCompile(`(?s)^recurrence not expanded: (.*)$`), "Wiederholung nicht aufgelöst: $1"},
	{regexp.MustCompile(`^(\d+) occurrences; only the first (\d+) are kept \(limit per announcement\)$`), "$1 Termine; nur die ersten $2 werden behalten (Grenze je Ankündigung)"},
	{regexp.MustCompile(`^(\d+) occurrences; the page's repeated dates reached (\d+), so only (\d+) are kept \(limit per page\)$`), "$1 Termine; die wiederholten Termine der Seite erreichten $2, daher werden nur $3 behalten (Grenze je Seite)"},
	{regexp.MustCompile(`^(\d+) occurrences; the source reached (\d+), so only (\d+) are kept \(limit per source\)$`), "$1 Termine; die Quelle erreichte $2, daher werden nur $3 behalten (Grenze je Quelle)"},
	{regexp.MustCompile(`^… and (\d+) more warnings$`), "… und $1 weitere Hinweise"},
	// The source preview's own (internal/preview) and the crawler's
	// (scrapers) notes about a site.
	{regexp.MustCompile(`^and (\d+) more warnings$`), "und $1 weitere Hinweise"},
	{regexp.MustCompile(`^showing the first (\d+) of (\d+) events$`), "gezeigt werden die ersten $1 von $2 Veranstaltungen"},
	{regexp.MustCompile(`^auto found no events here: selectors \(follow, next, fields\) are the fallback for this site$`), "Auto hat hier keine Veranstaltungen gefunden: Für diese Website sind Selektoren (follow, next, fields) der Ausweg"},
	{regexp.MustCompile(`^the preview stopped at its time limit; the site may hold more$`), "Die Vorschau hat ihr Zeitlimit erreicht; die Website kann mehr enthalten"},
	{regexp.MustCompile(`^sitemap not used: it lists only (\d+) of the (\d+) announcements linked on the start page$`), "Sitemap nicht genutzt: Sie nennt nur $1 der $2 Ankündigungen, die die Startseite verlinkt"},
	{regexp.MustCompile(`^redirects to (\S+), which this crawl fetches itself$`), "leitet weiter auf $1, das dieser Abruf selbst liest"},
	{regexp.MustCompile(`^(\w+) link to another site not followed: (\S+)$`), "Link ($1) auf eine andere Website nicht verfolgt: $2"},
}

// warningText is a stored warning in the UI's language. The warnings are
// written in English, so English shows them as they are; German gets the
// known kinds in German and unknown ones raw rather than not at all.
func warningText(lang, w string) string {
	if lang == "en" {
		return w
	}
	for _, k := range warningKinds {
		m := k.re.FindStringSubmatchIndex(w)
		if m == nil {
			continue
		}
		tmpl := k.de
		if strings.Contains(tmpl, "${status}") {
			st := w[m[2]:m[3]]
			label := tr(lang, "status-"+st)
			if label == "status-"+st || label == "" {
				label = st
			}
			tmpl = strings.ReplaceAll(tmpl, "${status}", label)
		}
		// A captured detail (the unreadable date) is quoted text of the
		// source, not English words: it is kept as it is.
		return string(k.re.ExpandString(nil, tmpl, w, m))
	}
	return w
}

// warningsText joins a draft's warnings for one line of the UI.
func warningsText(lang string, ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = warningText(lang, w)
	}
	return strings.Join(out, "; ")
}

// normErrorText says why no event could be made of an item; the stored
// text is the wrapped Go error ("normalize <url>: no event date found").
func normErrorText(lang, msg string) string {
	switch {
	case strings.HasSuffix(msg, event.ErrNoDate.Error()):
		return tr(lang, "err-nodate")
	case strings.Contains(msg, "no reference date"):
		return tr(lang, "err-noref")
	}
	return msg
}

// runErrorKey is the message key of a crawl error's kind, "" for an
// unknown kind (the UI shows the message as recorded).
func runErrorKey(e store.RunError) string {
	if k := e.Kind(); k != store.KindOther {
		return "err-" + string(k)
	}
	return ""
}

// errorTexts are the words for warnings' and errors' kinds.
var errorTexts = map[string][2]string{
	"err-nodate":        {"Kein Veranstaltungsdatum gefunden", "No event date found"},
	"err-noref":         {"Kein Bezugsdatum (weder Veröffentlichungsdatum noch Vorgabe)", "No reference date (neither a published date nor a default)"},
	"err-404":           {"Seite nicht gefunden (HTTP 404/410)", "Page not found (HTTP 404/410)"},
	"err-5xx":           {"Fehler des Servers der Quelle", "The source's server failed"},
	"err-4xx":           {"Der Server der Quelle hat die Anfrage abgelehnt", "The source's server refused the request"},
	"err-cut":           {"Felder gekürzt (zu lang)", "Fields cut (too long)"},
	"err-limit":         {"Grenze erreicht: nicht alle Termine gespeichert", "Limit reached: not all dates stored"},
	"err-robots":        {"robots.txt verbietet den Abruf", "robots.txt forbids fetching"},
	"err-redirects":     {"Zu viele oder unzulässige Weiterleitungen", "Too many or forbidden redirects"},
	"err-timeout":       {"Zeitüberschreitung", "Timed out"},
	"err-toolarge":      {"Seite zu groß", "Page too large"},
	"err-tls":           {"HTTPS-Zertifikat oder -Verbindung fehlerhaft", "HTTPS certificate or connection failed"},
	"err-dns":           {"Domain nicht gefunden (DNS)", "Domain not found (DNS)"},
	"err-unreachable":   {"Server nicht erreichbar", "Server unreachable"},
	"err-private":       {"Abgelehnt: keine öffentliche Adresse", "Refused: not a public address"},
	"err-notitle":       {"Kein Titel gefunden", "No title found"},
	"err-store":         {"Speichern fehlgeschlagen", "Could not be stored"},
	"err-details":       {"Technische Details", "Technical details"},
	"reason-configured": {"so in der Quellendatei eingestellt", "configured in the sources file"},
}

func init() {
	for k, v := range errorTexts {
		texts[k] = v
	}
}

// invalidKinds are the problems review's validation and the edit form
// report (in English) for an edit staff must correct; $1 is the value.
var invalidKinds = []warningKind{
	{regexp.MustCompile(`title is empty`), "der Titel ist leer"},
	{regexp.MustCompile(`start is missing`), "der Beginn fehlt"},
	{regexp.MustCompile(`end is before start`), "das Ende liegt vor dem Beginn"},
	{regexp.MustCompile(`online ("[^"]*"): want no, yes or hybrid`), "Online $1: erwartet nein, ja oder hybrid"},
	{regexp.MustCompile(`status ("[^"]*"): want scheduled, cancelled or postponed`), "Status $1: erwartet geplant, abgesagt oder verschoben"},
	{regexp.MustCompile(`region ("[^"]*") is not a Saxon district slug`), "Region $1 ist kein sächsischer Landkreis"},
	{regexp.MustCompile(`language ("[^"]*"): want an ISO 639-1 code`), "Sprache $1: erwartet ein Kürzel nach ISO 639-1 (z. B. de, ar)"},
	{regexp.MustCompile(`recurrence: want an RFC 5545 RRULE value such as (\S+)`), "Wiederholung: erwartet eine RRULE nach RFC 5545 wie $1"},
	{regexp.MustCompile(`start ("[^"]*"): want a date and time`), "Beginn $1: erwartet Datum und Uhrzeit"},
	{regexp.MustCompile(`end ("[^"]*"): want a date and time`), "Ende $1: erwartet Datum und Uhrzeit"},
}

// invalidText is the message of a refused edit in the UI's language: the
// known problems in German, anything else as written.
func invalidText(lang, msg string) string {
	if lang == "en" {
		return msg
	}
	for _, k := range invalidKinds {
		msg = k.re.ReplaceAllString(msg, k.de)
	}
	return msg
}

// strategyReason says why a crawl read a site the way it did. The one
// reason the crawler writes itself is translated; the discovery's own
// findings (scrapers.Discover, with URLs and counts) are shown as written,
// marked English so that screen readers pronounce them right.
func strategyReason(lang, why string) template.HTML {
	if why == "configured in the sources file" {
		return template.HTML(template.HTMLEscapeString(tr(lang, "reason-configured")))
	}
	if lang == "en" {
		return template.HTML(template.HTMLEscapeString(why))
	}
	return template.HTML(`<span lang="en">` + template.HTMLEscapeString(why) + `</span>`)
}
