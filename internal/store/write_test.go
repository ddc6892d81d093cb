package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestBatchedWrites checks the crawl's batched writes against the
// statements they replace: UpsertItems reports ids and new rows as
// UpsertItem does (a key twice in a batch is one item, updated by the
// second), and InsertLinkedEvent leaves the event and the link Link would.
func TestBatchedWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := store.UpsertSource(ctx, pool, source.Source{ID: "s", Name: "S", URL: "http://s.test/", Kind: "ical", Publish: "auto"}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 3, 28, 10, 0, 0, 0, event.Berlin)
	d := event.Draft{Title: "Sprachcafé", Description: "Deutsch üben bei Kaffee.", Start: start,
		Place: event.Place{City: "Leipzig", Region: "Leipzig"}, Online: event.OnlineNo}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		saved, err := store.UpsertItems(ctx, tx, "s", "http://s.test/feed.ics",
			[]store.NewItem{{Key: "a", Hash: "1", Raw: []byte(`{"key":"a"}`)}, {Key: "b", Hash: "2", Raw: []byte(`{"key":"b","url":"http://s.test/b"}`)},
				{Key: "a", Hash: "3", Raw: []byte(`{"key":"a","title":"neu"}`)}}, 7)
		if err != nil {
			return err
		}
		if !saved[0].Inserted || !saved[1].Inserted || saved[2].Inserted || saved[2].ID != saved[0].ID || saved[1].ID == saved[0].ID {
			t.Errorf("UpsertItems = %+v; want a and b new, a again the same row, not new", saved)
		}
		var hash string
		if err := tx.QueryRow(ctx, `SELECT raw_hash FROM items WHERE id = $1`, saved[0].ID).Scan(&hash); err != nil || hash != "3" {
			t.Errorf("item a's hash %q (%v); want the second write's", hash, err)
		}
		id, err := store.InsertLinkedEvent(ctx, tx, store.NewEvent{UID: "u1", Draft: d, Review: "published"}, saved[1].ID, 2)
		if err != nil {
			return err
		}
		links, err := store.Links(ctx, tx, saved[1].ID)
		if err != nil {
			return err
		}
		if len(links) != 1 || links[2] != id {
			t.Errorf("links of item b = %v; want occurrence 2 → event %d", links, id)
		}
		linked, err := store.LinkedDrafts(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(linked) != 1 || linked[0].Draft.Title != d.Title || !linked[0].Draft.Start.Equal(start) {
			t.Errorf("linked drafts of event %d = %+v; want item b's draft", id, linked)
		}
		ev, err := store.GetEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		if ev.Draft.Title != d.Title || ev.Draft.Place.Region != "Leipzig" || ev.Review != "published" {
			t.Errorf("event %d = %+v", id, ev)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
