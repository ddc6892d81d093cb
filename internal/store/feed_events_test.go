package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestFeedEventsByID: the lean load equals EventsByID except for the
// draft's secondary fields, which it leaves empty, and keeps the order
// of the ids.
func TestFeedEventsByID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	yes, no := true, false
	lat, lon := 51.3397, 12.3731
	full := event.Draft{
		Title:           "Fortbildung: Asylverfahren und Aufenthaltsrecht",
		Description:     "Modulreihe für Ehrenamtliche und Multiplikator*innen.\nMit Pause.",
		DescriptionHTML: "<p>Modulreihe für Ehrenamtliche und Multiplikator*innen.</p>",
		Start:           time.Date(2026, 3, 14, 10, 0, 0, 0, event.Berlin),
		End:             time.Date(2026, 3, 14, 16, 0, 0, 0, event.Berlin),
		Online:          event.OnlineHybrid, Status: event.StatusScheduled,
		Place:                event.Place{Venue: "Kulturbüro Sachsen", Street: "Bautzner Straße 45", PostalCode: "01099", City: "Dresden", Region: "dresden", Lat: &lat, Lon: &lon},
		Languages:            []string{"de", "ar"},
		Topics:               []string{"training", "asylum"},
		Recurrence:           "FREQ=WEEKLY;COUNT=5",
		RegistrationRequired: &yes, CostFree: &no,
		RegistrationDeadline: time.Date(2026, 3, 10, 0, 0, 0, 0, event.Berlin),
		DoorsOpen:            time.Date(2026, 3, 14, 9, 30, 0, 0, event.Berlin),
		Organizer:            "Kulturbüro Sachsen e.V.",
		Contact:              event.Contact{Names: []string{"M. Muster"}, Emails: []string{"support@example.org"}},
		Audience:             []string{"Ehrenamtliche"},
		Accessibility:        []string{"barrierefrei"},
		Confidence:           map[string]float64{"start": 0.9},
		Warnings:             []string{"end guessed"},
	}
	allDay := event.Draft{
		Title: "Interkulturelle Woche", Start: time.Date(2026, 9, 20, 0, 0, 0, 0, event.Berlin), AllDay: true,
		Online: event.OnlineNo, Status: event.StatusCancelled, Place: event.Place{City: "Leipzig", Region: "leipzig"},
	}
	a, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "tp-feed-a", Draft: full, Review: "published"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "tp-feed-b", Draft: allDay, Review: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{b, 999999, a}
	want, err := store.EventsByID(ctx, pool, ids)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.FeedEventsByID(ctx, pool, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != b || got[1].ID != a {
		t.Fatalf("got %d events, want b then a", len(got))
	}
	if got[1].Draft.Contact.Emails != nil || got[1].Draft.DescriptionHTML != "" || got[1].Draft.Warnings != nil {
		t.Error("secondary draft fields are loaded")
	}
	for i := range want {
		w := want[i]
		d := &w.Draft
		d.DescriptionHTML, d.RegistrationDeadline, d.DoorsOpen = "", time.Time{}, time.Time{}
		d.Contact, d.Audience, d.Accessibility, d.Confidence, d.Warnings = event.Contact{}, nil, nil, nil, nil
		if !reflect.DeepEqual(got[i], w) {
			t.Errorf("event %d:\n got %+v\nwant %+v", w.ID, got[i], w)
		}
	}
	// Repeated and missing ids, and the common case of all found.
	for _, ids := range [][]int64{{999998, a, b, a, 999999, b}, {a, b}} {
		got, err := store.FeedEventsByID(ctx, pool, ids)
		if err != nil {
			t.Fatal(err)
		}
		want, err := store.EventsByID(ctx, pool, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%v: %d events, want %d", ids, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Draft.Title != want[i].Draft.Title {
				t.Errorf("%v: event %d is %d %q, want %d %q", ids, i, got[i].ID, got[i].Draft.Title, want[i].ID, want[i].Draft.Title)
			}
		}
	}
	if evs, err := store.FeedEventsByID(ctx, pool, nil); err != nil || evs != nil {
		t.Errorf("no ids: %v, %v", evs, err)
	}
}

// BenchmarkFeedEventsByID loads a feed's batch of 500 events (a feed of
// 10,000 events loads twenty).
func BenchmarkFeedEventsByID(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	rows, err := pool.Query(ctx, `
		INSERT INTO events (uid, title, description, start_at, end_at, online, venue, street, postal_code, city, region,
			languages, topics, status, review, draft, fingerprint)
		SELECT 'tp-bench-' || n, 'Sprachcafé Nr. ' || n || ' – Deutsch üben für Geflüchtete',
			'Jeden Montag treffen sich Menschen aus Syrien, Afghanistan und der Ukraine mit Ehrenamtlichen.',
			'2026-03-02 08:00+01'::timestamptz + n * interval '37 minutes', '2026-03-02 10:00+01'::timestamptz + n * interval '37 minutes',
			'no', 'Stadtteilladen „Ölbaum“', 'Berliner Straße 1', '02826', 'Görlitz', 'goerlitz',
			ARRAY['de', 'ar', 'fa'], ARRAY['training', 'volunteering'], 'scheduled', 'published', '{}', md5(n::text)
		FROM generate_series(1, 500) n
		RETURNING id`)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		evs, err := store.FeedEventsByID(ctx, pool, ids)
		if err != nil || len(evs) != len(ids) {
			b.Fatalf("%d events, %v", len(evs), err)
		}
	}
}
