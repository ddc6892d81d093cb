package ingest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestNearbyAnswersAsEventsNear checks that a batch's events read once
// (nearby) give every new occurrence the candidates EventsNear gives it:
// around a DST change, across regions, online events, multi-day events
// still running, events of the crawled source left out, and events the
// batch links to the source leaving the candidates.
func TestNearbyAnswersAsEventsNear(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, id := range []string{"crawled", "other"} {
		if err := store.UpsertSource(ctx, pool, source.Source{ID: id, Name: id, URL: "http://" + id + ".test/", Kind: "ical", Publish: "auto"}); err != nil {
			t.Fatal(err)
		}
	}
	at := func(day, hour int) time.Time { return time.Date(2027, time.March, day, hour, 0, 0, 0, event.Berlin) }
	type ev struct {
		source, region string
		start, end     time.Time
		online         bool
	}
	evs := []ev{
		{"other", "Leipzig", at(26, 10), time.Time{}, false},
		{"other", "Dresden", at(27, 0), time.Time{}, false}, // midnight, a day boundary
		{"other", "", at(28, 3), time.Time{}, false},        // the night clocks go forward
		{"other", "Dresden", at(28, 23), time.Time{}, true},
		{"other", "Leipzig", at(22, 9), at(29, 18), false}, // started days before, still running
		{"other", "Leipzig", at(23, 9), at(25, 18), false}, // started days before, over
		{"other", "Görlitz", at(30, 12), time.Time{}, false},
		{"other", "Leipzig", at(31, 23), time.Time{}, false},
		{"crawled", "Leipzig", at(28, 12), time.Time{}, false}, // the crawled source's own
		// Six weeks later: a second stretch of the same batch (pages of a
		// site written together lie on days far apart).
		{"other", "Leipzig", at(48, 10), time.Time{}, false},
		{"other", "", at(49, 19), time.Time{}, false},
		{"crawled", "Leipzig", at(48, 18), time.Time{}, false},
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i, e := range evs {
			d := event.Draft{Title: fmt.Sprintf("Treffen %d", i), Start: e.start, End: e.end,
				Place: event.Place{Region: e.region}, Online: event.OnlineNo}
			if e.online {
				d.Online = event.OnlineYes
			}
			raw, hash, err := store.HashItem(event.Item{Key: fmt.Sprint(i)})
			if err != nil {
				return err
			}
			item, _, err := store.UpsertItem(ctx, tx, e.source, "http://x.test/", raw, hash, fmt.Sprint(i), 1)
			if err != nil {
				return err
			}
			id, err := store.InsertEvent(ctx, tx, store.NewEvent{UID: fmt.Sprint("u", i), Draft: d, Review: "published"})
			if err != nil {
				return err
			}
			if err := store.Link(ctx, tx, item, 0, id, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	draft := func(start, end time.Time, region string, online bool) event.Draft {
		d := event.Draft{Start: start, End: end, Place: event.Place{Region: region}}
		if online {
			d.Online = event.OnlineYes
		}
		return d
	}
	drafts := []event.Draft{
		draft(at(27, 10), time.Time{}, "Leipzig", false),
		draft(at(28, 10), time.Time{}, "Dresden", false),
		draft(at(29, 1), time.Time{}, "", false),
		draft(at(28, 18), time.Time{}, "Görlitz", true),
		draft(at(29, 10), at(30, 12), "Leipzig", false),
		draft(at(30, 20), time.Time{}, "Görlitz", false),
		draft(at(48, 12), time.Time{}, "Leipzig", false),
		draft(at(49, 20), time.Time{}, "Dresden", false),
	}
	ids := func(es []store.Event) []int64 {
		out := make([]int64, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	nb, err := readNearby(ctx, pool, "crawled", drafts, false)
	if err != nil || nb == nil || len(nb.stretches) != 2 {
		t.Fatalf("readNearby: %v, %v; want two stretches read", nb, err)
	}
	for i, d := range drafts {
		from, to := candidateWindow(d)
		region := d.Place.Region
		if d.Online == event.OnlineYes {
			region = ""
		}
		want, err := store.EventsNear(ctx, pool, from, to, region, "crawled")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := nb.near(from, to, region)
		if !ok || !slices.Equal(ids(got), ids(want)) {
			t.Errorf("draft %d (%s, %q): nearby %v (answered %v), EventsNear %v", i, d.Start, region, ids(got), ok, ids(want))
		}
		wantOwn, err := store.OwnEventsNear(ctx, pool, from, to, region, "crawled")
		if err != nil {
			t.Fatal(err)
		}
		if got := nb.ownNear(from, to, region); !slices.Equal(ids(got), ids(wantOwn)) {
			t.Errorf("draft %d (%s, %q): nearby's own %v, OwnEventsNear %v", i, d.Start, region, ids(got), ids(wantOwn))
		}
	}
	if _, ok := nb.near(at(38, 0), at(40, 0), ""); ok {
		t.Error("nearby answered for days between the stretches it read")
	}
	if len(nb.own) != 2 || len(nb.versions[nb.own[0].ID]) != 1 || len(nb.versions[nb.own[1].ID]) != 1 {
		t.Errorf("own events %v with drafts %v, want the crawled source's two events and their drafts", ids(nb.own), nb.versions)
	}
	// Linked to the crawled source in the batch, an event is no candidate
	// any more but one of the source's own (a translation's candidate); a
	// lost link makes nearby step aside.
	from, to := candidateWindow(drafts[0])
	before, _ := nb.near(from, to, "Leipzig")
	if len(before) == 0 {
		t.Fatal("no candidates for the first draft")
	}
	nb.link(before[0].ID, false, store.LinkedDraft{SourceID: "crawled", Draft: drafts[0]})
	if after, _ := nb.near(from, to, "Leipzig"); slices.Contains(ids(after), before[0].ID) {
		t.Errorf("event %d linked in the batch is still a candidate", before[0].ID)
	}
	if own := nb.ownNear(from, to, "Leipzig"); !slices.Contains(ids(own), before[0].ID) {
		t.Errorf("event %d linked in the batch is not among the source's own %v", before[0].ID, ids(own))
	}
	nb.unlinked([]int64{before[0].ID})
	if _, ok := nb.near(from, to, "Leipzig"); ok {
		t.Error("nearby answered after an event lost a link")
	}
	// Outside the stretch it read, nearby does not answer.
	if _, ok := nb.near(at(1, 0), at(3, 0), ""); ok {
		t.Error("nearby answered for days it did not read")
	}
	if nb, _ := readNearby(ctx, pool, "crawled", drafts[:1], false); nb != nil {
		t.Error("one occurrence: nearby read anyway")
	}
}

// TestOneLanguage checks when a batch may leave its source's own events
// unread: only in a first crawl whose drafts so far and the batch's are in
// one language, since only a page in another language is a translation.
func TestOneLanguage(t *testing.T) {
	de := event.Draft{Title: "Sprachcafé für Geflüchtete", Description: "Wir laden herzlich ein zum gemeinsamen Deutschlernen und Kennenlernen bei Kaffee und Kuchen. Die Teilnahme ist kostenlos.",
		Start: time.Date(2027, 3, 1, 18, 0, 0, 0, event.Berlin)}
	en := event.Draft{Title: "Language café for refugees", Description: "We warmly invite you to learn German together and get to know each other over coffee and cake. Participation is free of charge.",
		Start: de.Start}
	if dedup.TextLanguage(dedup.Record{Draft: de}) == dedup.TextLanguage(dedup.Record{Draft: en}) {
		t.Fatal("test texts are not told apart")
	}
	batch := func(ds ...event.Draft) []reading { return []reading{{drafts: ds}} }
	for _, tc := range []struct {
		name  string
		fresh bool
		wrote []event.Draft
		batch []event.Draft
		want  bool
	}{
		{"first crawl, one language", true, []event.Draft{de}, []event.Draft{de}, true},
		{"first crawl, nothing written yet", true, nil, []event.Draft{de, de}, true},
		{"first crawl, batch in another language", true, []event.Draft{de}, []event.Draft{en}, false},
		{"first crawl, batch in two languages", true, nil, []event.Draft{de, en}, false},
		{"source had items before", false, nil, []event.Draft{de}, false},
	} {
		c := &crawl{fresh: tc.fresh}
		for i, d := range tc.wrote {
			c.wroteLanguage(int64(100+i), d)
		}
		if got := c.oneLanguage(batch(tc.batch...), []map[int]int64{nil}, []int64{1}); got != tc.want {
			t.Errorf("%s: oneLanguage = %v, want %v", tc.name, got, tc.want)
		}
	}
}
