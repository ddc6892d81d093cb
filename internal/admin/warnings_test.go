package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// englishWarning matches the English words of the warnings and errors the
// pipeline stores; none may reach a German page.
var englishWarning = regexp.MustCompile(`(?i)\b(?:region|start|topics|languages|status|online): (?:none|unknown|guessed|taken|the|no|\d+ dates|dates)|recurrence not expanded|occurrences; |more warnings|no event date found|no reference date`)

func TestWarningText(t *testing.T) {
	for _, tc := range []struct{ in, de string }{
		{"region: unknown", "Region: unbekannt"},
		{"region: none in the text; the source's default region was used", "Region: Keine im Text; die Standardregion der Quelle wurde genommen"},
		{"languages: the text speaks of 3 languages without naming them all", "Sprachen: Der Text spricht von 3 Sprachen, nennt aber nicht alle"},
		{"status: the text says the event is cancelled", "Status: Laut Text ist die Veranstaltung abgesagt"},
		{"start: the date field could not be read: 31.02.", "Beginn: Das Datumsfeld war nicht lesbar: 31.02."},
		{"start: 40 dates in one text; only the first 30 were kept", "Beginn: 40 Termine in einem Text; nur die ersten 30 wurden übernommen"},
		{"12 occurrences; the source reached 500, so only 3 are kept (limit per source)", "12 Termine; die Quelle erreichte 500, daher werden nur 3 behalten (Grenze je Quelle)"},
		{"… and 4 more warnings", "… und 4 weitere Hinweise"},
		{"showing the first 50 of 80 events", "gezeigt werden die ersten 50 von 80 Veranstaltungen"},
		{"sitemap not used: it lists only 3 of the 9 announcements linked on the start page", "Sitemap nicht genutzt: Sie nennt nur 3 der 9 Ankündigungen, die die Startseite verlinkt"},
		{"follow link to another site not followed: https://other.example/x", "Link (follow) auf eine andere Website nicht verfolgt: https://other.example/x"},
		{"something new the UI does not know", "something new the UI does not know"},
	} {
		if got := warningText("de", tc.in); got != tc.de {
			t.Errorf("warningText(de, %q) = %q, want %q", tc.in, got, tc.de)
		}
		if got := warningText("en", tc.in); got != tc.in {
			t.Errorf("warningText(en, %q) = %q, want it unchanged", tc.in, got)
		}
	}
	// Every known kind, written as the pipeline writes it, reads German.
	for _, w := range []string{
		"topics: no rule gave enough evidence",
		"start: the year was not written and was taken from the reference date",
		"start: no day was written; the first date of the recurrence was computed",
		"start: dates before the publication date were taken as past events and dropped",
		"start: the structured start could not be read: x",
		"online: the text speaks of online participation beside a venue; taken as hybrid",
		"region: guessed from a passing mention of a place",
		"region: taken from the town in the site's address",
		"recurrence not expanded: no occurrence",
		"5 occurrences; only the first 2 are kept (limit per announcement)",
		"5 occurrences; the page's repeated dates reached 9, so only 1 are kept (limit per page)",
		"auto found no events here: selectors (follow, next, fields) are the fallback for this site",
		"the preview stopped at its time limit; the site may hold more",
		"redirects to https://x.example/b, which this crawl fetches itself",
		"and 3 more warnings",
	} {
		if got := warningText("de", w); got == w || englishWarning.MatchString(got) {
			t.Errorf("warningText(de, %q) = %q: not translated", w, got)
		}
	}
	if got := normErrorText("de", "normalize https://x.example/a: no event date found"); got != "Kein Veranstaltungsdatum gefunden" {
		t.Errorf("normErrorText = %q", got)
	}
	// Each kind of crawl error (store.RunError.Kind) has words; an unknown
	// one is shown as recorded.
	for _, k := range store.RunErrorKinds {
		if _, ok := texts["err-"+string(k)]; !ok && k != store.KindOther {
			t.Errorf("crawl error kind %s has no words", k)
		}
	}
	if got := runErrorKey(store.RunError{Status: 404, Message: "HTTP 404 Not Found"}); got != "err-404" {
		t.Errorf("runErrorKey(404) = %q", got)
	}
	if got := runErrorKey(store.RunError{Message: "not an HTML page (application/pdf)"}); got != "" {
		t.Errorf("runErrorKey(other) = %q, want none", got)
	}
}

// TestGermanPagesNoEnglishWarnings opens the German queue, every event
// page and the source pages over the crawled demo mirror: the warnings
// the normaliser wrote in English are shown in German.
func TestGermanPagesNoEnglishWarnings(t *testing.T) {
	f := setup(t)
	ids := []string{"kulturbuero-sachsen", "saqsen", "pokubi", "kulturbuero-dresden"}
	f.crawl(t, ids...)
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	rows, err := f.pool.Query(t.Context(), `SELECT id::text FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, "/admin/events/"+id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "/admin/", "/admin/?state=all")
	for _, id := range ids {
		paths = append(paths, "/admin/sources/"+id)
	}
	german := 0
	for _, p := range paths {
		res, body := b.get(p)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		if m := englishWarning.FindString(body); m != "" {
			i := strings.Index(body, m)
			t.Errorf("GET %s: English warning %q in …%s…", p, m, body[max(i-100, 0):min(i+100, len(body))])
		}
		german += strings.Count(body, "Region: ") + strings.Count(body, "Beginn: ") + strings.Count(body, "Themen: ")
	}
	if german == 0 {
		t.Errorf("no German warning on %d pages: the demo data should carry some", len(paths))
	}
	t.Log(fmt.Sprintf("%d pages, %d German warnings", len(paths), german))
}

// TestInvalidEditGerman: a refused edit says what is wrong in German.
func TestInvalidEditGerman(t *testing.T) {
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen")
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	var ev string
	if err := f.pool.QueryRow(t.Context(), `SELECT id::text FROM events ORDER BY id LIMIT 1`).Scan(&ev); err != nil {
		t.Fatal(err)
	}
	b.get("/admin/events/" + ev)
	res, body := b.post("/admin/events/"+ev+"/edit", url.Values{"f.recurrence": {"nonsense"}, "f.title": {" "}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("edit: %d, want 422", res.StatusCode)
	}
	for _, want := range []string{"Ungültige Eingabe", "der Titel ist leer", "Wiederholung: erwartet eine RRULE nach RFC 5545 wie FREQ=WEEKLY;BYDAY=TH"} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	for _, english := range []string{"title is empty", "want an RFC"} {
		if strings.Contains(body, english) {
			t.Errorf("error page says %q in English", english)
		}
	}
	if got := invalidText("de", `start "x": want a date and time`); got != `Beginn "x": erwartet Datum und Uhrzeit` {
		t.Errorf("invalidText = %q", got)
	}
	if got := invalidText("de", "something unknown"); got != "something unknown" {
		t.Errorf("invalidText(unknown) = %q", got)
	}
}

// TestRunPagesGerman: a crawl run's page and its source's page name the
// run's status and the configured strategy in German.
func TestRunPagesGerman(t *testing.T) {
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen")
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	var run, status string
	if err := f.pool.QueryRow(t.Context(), `SELECT id::text, status FROM crawl_runs ORDER BY id LIMIT 1`).Scan(&run, &status); err != nil {
		t.Fatal(err)
	}
	runID, _ := strconv.ParseInt(run, 10, 64)
	if err := store.AddRunError(t.Context(), f.pool, runID, "https://x.example/a", 0,
		`Get "https://x.example/robots.txt": tls: failed to verify certificate: x509: certificate signed by unknown authority`); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/admin/runs/" + run); !strings.Contains(body, "HTTPS-Zertifikat oder -Verbindung fehlerhaft") {
		t.Errorf("run page does not name the certificate failure")
	}
	for _, p := range []string{"/admin/runs/" + run, "/admin/sources/kulturbuero-sachsen"} {
		_, body := b.get(p)
		if want := tr("de", "run-"+status); !strings.Contains(body, want) {
			t.Errorf("GET %s: lacks the status %q", p, want)
		}
		for _, english := range []string{">" + status + "<", "> " + status + "<", "configured in the sources file", "HTTP 404 Not Found</td>"} {
			if strings.Contains(body, english) {
				t.Errorf("GET %s: English %q", p, english)
			}
		}
	}
}
