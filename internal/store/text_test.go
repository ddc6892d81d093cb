package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestInvalidBytesStored: a draft with invalid UTF-8 and NUL bytes (a
// broken partner page) is stored with the bytes replaced, not lost to
// "invalid byte sequence for encoding UTF8".
func TestInvalidBytesStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	d := event.Draft{Title: "Infoabend \xff\xfe Projektfinanzierung\x00", Description: "Wann: \xffDonnerstag",
		Start: time.Date(2022, 10, 6, 18, 0, 0, 0, event.Berlin), Languages: []string{"de"}, Topics: []string{},
		Place: event.Place{City: "Dresden\xff"}, Organizer: "Kulturbüro\x00", Status: event.StatusScheduled, Online: event.OnlineNo}
	id, err := store.InsertEvent(ctx, pool, store.NewEvent{UID: "broken", Draft: d, Review: "pending"})
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
	e, err := store.GetEvent(ctx, pool, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Draft.Title != "Infoabend \uFFFD Projektfinanzierung" || e.Draft.Place.City != "Dresden\uFFFD" || e.Draft.Organizer != "Kulturbüro" {
		t.Errorf("stored %q / %q / %q", e.Draft.Title, e.Draft.Place.City, e.Draft.Organizer)
	}
	d.Description = "Wann: \xffFreitag\x00"
	if changed, err := store.WriteEvent(ctx, pool, id, d); err != nil || !changed {
		t.Errorf("update: changed %v, %v", changed, err)
	}
}
