package demosites

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Bad input that a file cannot express. Each URL is linked from a list page
// of its site, so a crawl of the mirror meets it; README.md lists them.
const (
	// ServerErrorPath always answers 500, as a CMS with a broken plugin does.
	ServerErrorPath = "/kulturbuero-dresden/spot-on/termine/vernetzungstreffen-freital.html"
	// RedirectLoopPath and redirectLoopOther send the client back and forth
	// (an old short link whose target was renamed to point back at it).
	RedirectLoopPath  = "/buendnis-leipzig/go/wahlkreis-check/"
	redirectLoopOther = "/buendnis-leipzig/go/wahlkreis-check-2021/"
	// SlowPath answers only after SlowDelay, longer than any sane crawler
	// timeout; it gives up early when the client goes away.
	SlowPath = "/buendnis-leipzig/mahnwache-livestream/"
	// OversizePath is a page of about 3 MB, above the 1 MiB max_bytes of the
	// kulturbuero-dresden source in sources.demo.yaml.
	OversizePath = "/kulturbuero-dresden/spot-on/termine/dokumentation-fachtag.html"
	// NotFoundPath is linked from a list page but was deleted.
	NotFoundPath = "/kulturbuero-sachsen/2021/05/03/modul-4-verschoben/"
	// DisallowedPath is linked from a SAQsen list page, exists, and is
	// disallowed by robots.txt.
	DisallowedPath = "/saqsen/intern/protokoll-ag-mo-september/"
	// BrokenPath has unclosed tags and garbage bytes but still carries its
	// title and date.
	BrokenPath = "/kulturbuero-dresden/spot-on/termine/infoabend-projektfinanzierung.html"
)

// SlowDelay is how long SlowPath waits before answering.
const SlowDelay = 30 * time.Second

// special answers the URLs that misbehave on purpose; it reports whether it
// handled the request.
func special(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case ServerErrorPath:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Fehler</title></head><body><h1>Internal Server Error</h1>"+
			"<p>Die Datenbank ist zurzeit nicht erreichbar. Bitte versuchen Sie es später erneut.</p></body></html>\n")
		return true
	case RedirectLoopPath:
		http.Redirect(w, r, redirectLoopOther, http.StatusFound)
		return true
	case redirectLoopOther:
		http.Redirect(w, r, RedirectLoopPath, http.StatusFound)
		return true
	case SlowPath:
		t := time.NewTimer(SlowDelay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-t.C:
		}
		return false // then serve the page as usual
	}
	return false
}

// generatedPages are pages too big to keep as files: the oversize page is
// the same report paragraph repeated, as a CMS that inlines a whole
// conference documentation would render it.
func generatedPages() map[string][]byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Dokumentation: Fachtag Migrantische Strukturen im ländlichen Raum – Kulturbüro Dresden</title>
</head>
<body>
<div id="inhalt">
<h1>Dokumentation: Fachtag Migrantische Strukturen im ländlichen Raum</h1>
<p class="wann"><b>Wann:</b> Freitag, 2. Dezember 2022, 10:00 bis 16:00 Uhr</p>
<p class="wo"><b>Wo:</b> Kulturbüro Dresden, Dresden</p>
<div class="beschreibung">
`)
	const para = "<p>Besonders in strukturschwachen und ländlichen Regionen sind migrantisch getragene Strukturen oftmals erste " +
		"Begegnungs- und Austauschorte, Treffpunkte für Personen mit und ohne Migrationsbiografie, ebenso wie wichtige " +
		"Ressourcen für Orientierung und Beratung für Neuzugewanderte. (Protokoll, Abschnitt %d)</p>\n"
	for i := 1; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, para, i)
	}
	b.WriteString("</div>\n</div>\n</body>\n</html>\n")
	return map[string][]byte{strings.TrimPrefix(OversizePath, "/"): []byte(b.String())}
}
