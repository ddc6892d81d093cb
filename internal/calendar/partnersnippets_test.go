package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// TestPartnerSnippets: the snippets a partner copies are valid JSON-LD and
// iCalendar for the event they describe, without empty fields.
func TestPartnerSnippets(t *testing.T) {
	start := time.Date(2021, 9, 3, 10, 0, 0, 0, event.Berlin)
	d := event.Draft{Title: "Fachtag Ehrenamt", Start: start, End: start.Add(6 * time.Hour), Online: event.OnlineNo,
		Languages: []string{"de"}, Place: event.Place{Venue: "Haus der Demokratie", Street: "Bernhard-Göring-Straße 152",
			PostalCode: "04277", City: "Leipzig"}}
	js, err := jsonLDSnippet("Verein e.V.", "https://verein.example/termine/", d, start)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(js, `<script type="application/ld+json">`), "</script>")
	var ev map[string]any
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, js)
	}
	if ev["@type"] != "Event" || ev["startDate"] != "2021-09-03T10:00:00+02:00" || ev["name"] != "Fachtag Ehrenamt" {
		t.Errorf("JSON-LD event: %v", ev)
	}
	addr := ev["location"].(map[string]any)["address"].(map[string]any)
	if addr["postalCode"] != "04277" {
		t.Errorf("address: %v", addr)
	}
	online := d
	online.Online, online.Place = event.OnlineYes, event.Place{}
	js, _ = jsonLDSnippet("Verein e.V.", "https://verein.example/", online, start)
	if strings.Contains(js, `""`) || !strings.Contains(js, "VirtualLocation") {
		t.Errorf("online event snippet:\n%s", js)
	}

	cal, err := ical.ParseCalendar(strings.NewReader(strings.ReplaceAll(icalSnippet("Verein e.V.", "https://verein.example/termine/", d, start), "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events in the iCal snippet", len(evs))
	}
	if got := evs[0].GetProperty(ical.ComponentPropertySummary).Value; got != "Fachtag Ehrenamt" {
		t.Errorf("SUMMARY %q", got)
	}
	if got := evs[0].GetProperty(ical.ComponentPropertyDtStart).Value; got != "20210903T100000" {
		t.Errorf("DTSTART %q", got)
	}
}
