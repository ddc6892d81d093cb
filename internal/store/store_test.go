package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestSchemaCurrentAfterMigrate(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	if err := store.CheckSchema(context.Background(), pool); err != nil {
		t.Fatalf("CheckSchema: %v", err)
	}
}

func TestSourceRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	srcs, err := source.Parse([]byte(`
sources:
  - id: saqsen
    name: SAQsen! Werkstatt der Migrant*innenorganisationen
    url: http://127.0.0.1:8081/saqsen/
    kind: html
    follow: "h2 a"
    region: leipzig
    languages: [de]
    interval: 6h
    publish: auto
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.UpsertSource(ctx, pool, srcs[0]); err != nil {
		t.Fatal(err)
	}
	got, err := store.GetSource(ctx, pool, "saqsen")
	if err != nil {
		t.Fatal(err)
	}
	if got.Interval.Duration != 6*time.Hour || got.Region != "leipzig" || got.Follow != "h2 a" || !got.Enabled {
		t.Errorf("round trip lost fields: %+v", got)
	}
	if _, err := store.GetSource(ctx, pool, "nope"); !errors.Is(err, event.ErrNotFound) {
		t.Errorf("missing source: got %v, want ErrNotFound", err)
	}
}

func TestWriteEventOnlyWhenChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	d := event.Draft{
		Title:  "AG Migrant*innenorganisationen",
		Start:  time.Date(2021, 9, 13, 17, 0, 0, 0, event.Berlin),
		Online: event.OnlineNo, Status: event.StatusScheduled,
		Place:     event.Place{Venue: "Werk 2", City: "Leipzig", Region: "leipzig"},
		Languages: []string{"de"}, Topics: []string{"networking"},
	}
	id, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "tp-test", Draft: d, Review: "published"})
	if err != nil {
		t.Fatal(err)
	}
	changed, err := store.WriteEvent(ctx, pool, id, d)
	if err != nil || changed {
		t.Fatalf("unchanged draft: changed=%v err=%v", changed, err)
	}
	d.Start = d.Start.Add(time.Hour)
	if changed, err = store.WriteEvent(ctx, pool, id, d); err != nil || !changed {
		t.Fatalf("moved draft: changed=%v err=%v", changed, err)
	}
	got, err := store.GetEvent(ctx, pool, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Draft.Start.Equal(d.Start) || got.Sequence != 1 || got.Draft.Place.Region != "leipzig" {
		t.Errorf("got start %v seq %d region %q", got.Draft.Start, got.Sequence, got.Draft.Place.Region)
	}
	if got.Draft.Start.Location() != event.Berlin {
		t.Errorf("start not in Berlin: %v", got.Draft.Start.Location())
	}
}

// TestListingEventsByID: listings get every column, in the order asked,
// without decoding the draft's secondary fields.
func TestListingEventsByID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	d := event.Draft{Title: "Sprachcafé Arabisch–Deutsch", Description: "Jeden Dienstag", DescriptionHTML: "<p>Jeden Dienstag</p>",
		Start: time.Date(2026, 3, 3, 17, 0, 0, 0, event.Berlin), Online: event.OnlineNo, Languages: []string{"ar", "de"},
		Topics: []string{"culture_media"}, Place: event.Place{City: "Leipzig", Region: "leipzig"},
		Contact: event.Contact{Emails: []string{"info@example.org"}}, Warnings: []string{"year guessed"}}
	a, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "tp-a", Draft: d, Review: "published"})
	if err != nil {
		t.Fatal(err)
	}
	d.Title = "Zweites"
	b, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "tp-b", Draft: d, Review: "published"})
	if err != nil {
		t.Fatal(err)
	}
	full, err := store.EventsByID(ctx, pool, []int64{b, a, 999})
	if err != nil {
		t.Fatal(err)
	}
	lean, err := store.ListingEventsByID(ctx, pool, []int64{b, a, 999})
	if err != nil {
		t.Fatal(err)
	}
	if len(lean) != 2 || lean[0].ID != b || lean[1].ID != a {
		t.Fatalf("got %d events", len(lean))
	}
	if lean[1].Draft.Contact.Emails != nil || lean[1].Draft.Warnings != nil || len(full[1].Draft.Contact.Emails) != 1 {
		t.Errorf("listing decoded the draft: contact %q warnings %v", lean[1].Draft.Contact, lean[1].Draft.Warnings)
	}
	for i := range full {
		f, l := full[i], lean[i]
		f.Draft.Contact, f.Draft.Warnings, f.Draft.Confidence = event.Contact{}, nil, nil
		if !reflect.DeepEqual(f, l) {
			t.Errorf("columns differ:\n full %+v\nlisting %+v", f, l)
		}
	}
}
