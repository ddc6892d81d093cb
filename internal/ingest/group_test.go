package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// TestGroupFailureStaysWithItsPage writes four small pages in one group,
// one of which the database refuses (a NUL character, which jsonb cannot
// hold): the group is written again page by page, so only that page is
// recorded as failed and the other three are stored with their fetches.
func TestGroupFailureStaysWithItsPage(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &Pipeline{Pool: pool, Logger: log, Now: func() time.Time { return time.Date(2027, 3, 1, 9, 0, 0, 0, event.Berlin) }}
	c, err := p.begin(ctx, source.Source{ID: "grp", Name: "Gruppe", URL: "http://grp.test/", Kind: "html", Publish: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	url := func(i int) string { return fmt.Sprintf("http://grp.test/veranstaltung/%d/", i) }
	var group []*prepared
	for i := range 4 {
		text := fmt.Sprintf("Datum: %d.03.2027, 18:00 Uhr\nOrt: Leipzig\nWir laden herzlich zum Sprachcafé ein.", 10+i)
		if i == 2 {
			text += "\x00"
		}
		pg := scrapers.Page{URL: url(i), Status: 200, FetchedAt: time.Now(), Items: []event.Item{
			{Key: url(i), URL: url(i), Kind: "html", Title: fmt.Sprintf("Sprachcafé %d", i), Text: text}}}
		group = append(group, c.prepare(ctx, pg))
	}
	c.storeSmall(ctx, log, group)

	if want := map[string]bool{url(2): true}; len(c.failed) != 1 || !c.failed[url(2)] {
		t.Errorf("failed pages %v, want %v", c.failed, want)
	}
	if c.run.Errors != 1 || c.run.EventsNew != 3 {
		t.Errorf("run counted %d errors and %d new events, want 1 and 3", c.run.Errors, c.run.EventsNew)
	}
	fetches, err := store.Fetches(ctx, pool, "grp")
	if err != nil {
		t.Fatal(err)
	}
	items, err := store.SourceItems(ctx, pool, "grp")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		_, fetched := fetches[url(i)]
		_, stored := items[url(i)]
		if want := i != 2; fetched != want || stored != want {
			t.Errorf("page %d: fetch recorded %v, item stored %v; want %v", i, fetched, stored, want)
		}
	}
	if len(c.known) != 3 {
		t.Errorf("crawl knows %d items, want the three stored", len(c.known))
	}
}
