package ingest_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// TestMirror crawls the whole offline mirror with sources.demo.yaml, as
// `make run` does: every cross-posted event must come out once with all
// its sources, series must stay apart, and a second crawl changes nothing.
func TestMirror(t *testing.T) {
	srv := httptest.NewServer(demosites.Handler())
	defer srv.Close()
	t.Setenv("DEMO_BASE", srv.URL)
	srcs, err := source.Load("../../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var enabled []source.Source
	for _, s := range srcs {
		if !s.Disabled {
			s.Delay.Duration = time.Millisecond
			enabled = append(enabled, s)
		}
	}
	ctx := context.Background()
	p := &ingest.Pipeline{Pool: pgtest.New(t)}
	for _, rep := range p.CrawlAll(ctx, enabled, 4) {
		if rep.Status == "failed" || rep.EventsNew == 0 {
			t.Errorf("first crawl of %s: %+v", rep.Source, rep)
		}
	}
	for _, rep := range p.CrawlAll(ctx, enabled, 4) {
		if rep.EventsNew != 0 || rep.EventsUpdated != 0 {
			t.Errorf("second crawl of %s changed things: %+v", rep.Source, rep)
		}
	}

	// Cross-posts from internal/demosites/README.md: one event each, with
	// every source that announced it.
	crossPosts := []struct {
		day       string
		title     string // a word of the canonical title, lower case
		sources   []string
		organizer string // a word of the canonical organiser, when it is known
	}{
		{"2021-03-19", "liebe", []string{"adb-sachsen", "buendnis-leipzig", "saqsen"}, ""},
		{"2021-03-15", "wochen gegen rassismus", []string{"adb-sachsen", "buendnis-leipzig", "ntsachsen", "saqsen"}, ""},
		{"2021-04-20", "abschl", []string{"buendnis-leipzig", "dsm-sachsen", "saqsen"}, ""},
		{"2021-05-19", "werkstatt", []string{"buendnis-leipzig", "saqsen"}, ""},
		{"2021-05-21", "migrantisches leben", []string{"adb-sachsen", "saqsen"}, ""},
		{"2021-05-27", "gender pay gap", []string{"adb-sachsen", "saqsen"}, ""},
		{"2021-06-23", "teilhabe und antidiskriminierung", []string{"adb-sachsen", "ntsachsen", "saqsen"}, ""},
		{"2021-07-07", "fragestunde", []string{"adb-sachsen", "ntsachsen", "saqsen"}, ""},
		{"2021-09-03", "fachtag ehrenamt", []string{"ntsachsen", "saqsen"}, ""},
		{"2021-09-13", "ag m", []string{"buendnis-leipzig", "saqsen"}, ""},
		{"2021-10-21", "bundesfreiwilligendienst", []string{"buendnis-leipzig", "saqsen"}, ""},
		// The calendar states itself as organiser of what it re-posts; the
		// DSM's own page wins the merge.
		{"2021-11-18", "förderkürzungen", []string{"adb-sachsen", "dsm-sachsen", "saqsen"}, "Dachverband"},
		{"2021-11-24", "werkstattgespräche", []string{"buendnis-leipzig", "dsm-sachsen", "saqsen"}, ""},
		{"2021-12-08", "werkstattgespräche", []string{"dsm-sachsen", "saqsen"}, ""},
		{"2021-12-14", "werkstattgespräche", []string{"dsm-sachsen", "saqsen"}, ""},
		{"2021-12-15", "werkstattgespräche", []string{"dsm-sachsen", "saqsen"}, ""},
		{"2021-11-29", "eckpunkte", []string{"dsm-sachsen", "saqsen"}, ""},
		{"2021-12-02", "widerstand", []string{"dsm-sachsen", "saqsen"}, ""},
		{"2021-12-04", "fördermittel", []string{"dsm-sachsen", "saqsen"}, "Dachverband"},
		{"2021-12-10", "identität und zugehörigkeit", []string{"adb-sachsen", "ntsachsen", "saqsen"}, ""},
	}
	for _, cp := range crossPosts {
		rows, err := p.Pool.Query(ctx, `
			SELECT e.id, e.title, e.organizer, array(SELECT DISTINCT i.source_id FROM event_items ei JOIN items i ON i.id = ei.item_id
			                            WHERE ei.event_id = e.id ORDER BY 1)
			FROM events e
			WHERE (e.start_at AT TIME ZONE 'Europe/Berlin')::date = $1::date AND e.merged_into IS NULL
			  AND EXISTS (SELECT 1 FROM event_items ei WHERE ei.event_id = e.id
			              AND lower(ei.draft->>'title') LIKE '%' || $2 || '%')`, cp.day, cp.title)
		if err != nil {
			t.Fatal(err)
		}
		type match struct {
			id        int64
			title     string
			organizer string
			sources   []string
		}
		var got []match
		for rows.Next() {
			var m match
			if err := rows.Scan(&m.id, &m.title, &m.organizer, &m.sources); err != nil {
				t.Fatal(err)
			}
			got = append(got, m)
		}
		rows.Close()
		if len(got) != 1 || !slices.Equal(got[0].sources, cp.sources) {
			t.Errorf("%s %q: want one event from %v, got %d: %+v", cp.day, cp.title, strings.Join(cp.sources, ","), len(got), got)
			continue
		}
		if !strings.Contains(got[0].organizer, cp.organizer) {
			t.Errorf("%s %q: organiser %q, want %q in it", cp.day, cp.title, got[0].organizer, cp.organizer)
		}
	}

	// Hard negatives: events that share a day, a time or an intro stay apart.
	apart := []struct {
		day    string
		events int
		why    string
	}{
		{"2021-03-15", 2, "the campaign weeks and the film streamed during them; a round-up post names both"},
		{"2021-07-07", 2, "Fragestunde and Offener Treff Juli, both online at 15:00"},
		{"2021-11-24", 3, "Werkstattgespräch Leipzig, Netzwerktreffen Ostsachsen, Fachtag in Dresden"},
	}
	for _, a := range apart {
		var n int
		if err := p.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE merged_into IS NULL
			AND (start_at AT TIME ZONE 'Europe/Berlin')::date = $1::date`, a.day).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != a.events {
			t.Errorf("%s: %d events, want %d (%s)", a.day, n, a.events, a.why)
		}
	}
	// The SITG conferences share their intro, not their date: one event each.
	var confs, confDays int
	if err := p.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (start_at AT TIME ZONE 'Europe/Berlin')::date)
		FROM events WHERE merged_into IS NULL AND title ILIKE '%konferenz%'
		  AND start_at >= '2021-05-01' AND start_at < '2021-08-01'`).Scan(&confs, &confDays); err != nil {
		t.Fatal(err)
	}
	if confs < 5 || confs != confDays {
		t.Errorf("SITG conferences: %d events on %d days, want one event per date (5)", confs, confDays)
	}

	// The monthly Offener Treff is a series: one event per month, never merged.
	var treffs int
	if err := p.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE title ILIKE '%offener treff%' AND merged_into IS NULL
		AND start_at < '2022-01-01'`).Scan(&treffs); err != nil {
		t.Fatal(err)
	}
	if treffs < 5 {
		t.Errorf("Offener Treff: %d events in 2021, want one per month announced", treffs)
	}
}
