package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
)

func runNormalizeLines(t *testing.T, args []string, input string) []map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := runNormalize(context.Background(), args, stdio{in: strings.NewReader(input), out: &out, err: &errOut}); err != nil {
		t.Fatalf("runNormalize: %v (stderr %s)", err, errOut.String())
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestNormalizeCommand(t *testing.T) {
	input := strings.Join([]string{
		// seed 003: a date with times and a place in parentheses
		`{"id":"fachtag","url":"https://example.org/fachtag","text":"11. Fachtag Ehrenamt\nAm Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr ehren- und hauptamtlich Engagierte in das Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg) zum 11. Fachtag Ehrenamt eingeladen."}`,
		`this is not json`,
		``,
		// no date at all: no events, no error
		`{"id":2,"text":"Das Projekt läuft seit Januar 2016 und richtet sich sachsenweit an Ehrenamtliche."}`,
		// a date without a year takes it from "published"; two days, two places
		`{"id":"dresden","text":"Zwei Tage zur Bundestagswahl\nOrt: 05.11.: online - 06.11.: im riesa efau Dresden","published":"2021-10-01"}`,
		`{"id":"bad-published","text":"am 3. Mai","published":"gestern"}`,
		`{"id":"no-text"}`,
		// DSM: four regional online meetings
		`{"id":"dsm","text":"Regionale Beteiligung\n24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom) 08.12.2021 - 17:00-19:30 Uhr - Region Dresden – online (Zoom)\nAnmeldung per E-Mail. Die Teilnahme ist kostenfrei."}`,
	}, "\n")
	lines := runNormalizeLines(t, []string{"--ref", "2021-08-01"}, input)
	if len(lines) != 7 {
		t.Fatalf("got %d output lines, want 7 (one per non-empty input line)", len(lines))
	}

	fach := lines[0]
	if fach["id"] != "fachtag" || fach["error"] != nil {
		t.Errorf("line 1: %v", fach)
	}
	ev := fach["events"].([]any)[0].(map[string]any)
	for k, want := range map[string]any{"title": "11. Fachtag Ehrenamt", "start": "2021-09-03T13:00:00+02:00",
		"end": "2021-09-03T19:00:00+02:00", "all_day": false, "online": "no", "venue": "Kulturzentrum „Goldne Sonne“",
		"street": "Fürstenplatz 5", "postal_code": "08289", "city": "Schneeberg", "region": "erzgebirgskreis",
		"recurrence": nil, "registration_required": nil, "cost_free": nil} {
		if ev[k] != want {
			t.Errorf("fachtag %s = %#v, want %#v", k, ev[k], want)
		}
	}
	if langs := ev["languages"].([]any); len(langs) != 1 || langs[0] != "de" {
		t.Errorf("fachtag languages = %v", langs)
	}

	if lines[1]["error"] == nil || lines[1]["id"] != nil || len(lines[1]["events"].([]any)) != 0 {
		t.Errorf("bad JSON line: %v", lines[1])
	}
	if lines[2]["error"] != nil || len(lines[2]["events"].([]any)) != 0 {
		t.Errorf("no-date line: %v", lines[2])
	}

	two := lines[3]["events"].([]any)
	if len(two) != 2 {
		t.Fatalf("two-day line: %v", lines[3])
	}
	d1, d2 := two[0].(map[string]any), two[1].(map[string]any)
	if d1["start"] != "2021-11-05" || d1["all_day"] != true || d1["online"] != "yes" || d1["region"] != nil {
		t.Errorf("05.11.: %v", d1)
	}
	if d2["start"] != "2021-11-06" || d2["online"] != "no" || d2["region"] != "dresden" || d2["venue"] != "riesa efau" {
		t.Errorf("06.11.: %v", d2)
	}

	for i, id := range map[int]string{4: "bad-published", 5: "no-text"} {
		if lines[i]["id"] != id || lines[i]["error"] == nil {
			t.Errorf("line %d: want an error, got %v", i+1, lines[i])
		}
	}

	dsm := lines[6]["events"].([]any)
	if len(dsm) != 2 {
		t.Fatalf("dsm: %v", lines[6])
	}
	for i, region := range []string{"leipzig", "dresden"} {
		e := dsm[i].(map[string]any)
		if e["region"] != region || e["online"] != "yes" || e["registration_required"] != true || e["cost_free"] != true {
			t.Errorf("dsm event %d: %v", i, e)
		}
	}
}

func TestNormalizeCommandFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runNormalize(context.Background(), []string{"--help"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "--ref") && !strings.Contains(errOut.String(), "-ref") {
		t.Errorf("--help: err %v, usage %q", err, errOut.String())
	}
	err = runNormalize(context.Background(), []string{"--ref", "1.5.2021"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	if err == nil {
		t.Error("--ref 1.5.2021: want an error")
	}
	// without --ref the reference is today: a line with a full date still works
	lines := runNormalizeLines(t, nil, `{"id":1,"text":"Treffen am 21.10.2021 um 18 Uhr"}`)
	if e := lines[0]["events"].([]any); len(e) != 1 || e[0].(map[string]any)["start"] != "2021-10-21T18:00:00+02:00" {
		t.Errorf("no --ref: %v", lines[0])
	}
}

func TestNormalizeCommandLongLine(t *testing.T) {
	long := `{"id":1,"text":"` + strings.Repeat("a", maxInputLine) + `"}`
	lines := runNormalizeLines(t, nil, long+"\n"+`{"id":2,"text":"am 21.10.2021"}`)
	if len(lines) != 2 || lines[0]["error"] == nil || lines[1]["id"] != float64(2) {
		t.Errorf("long line: got %d lines, first error %v", len(lines), lines[0]["error"])
	}
}
