package ingest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestRenormalize stores a site, then makes it look as if an older
// normaliser had read it: every item stamped with version 0, and one
// event's stored reading wrong (its title). Staff approved that event,
// overrode another one's title and dismissed a pair. Renormalize must read
// every item again, put the right reading on the same event (same id and
// UID, a new sequence, "changed" in the review queue), keep the override
// and the dismissal, and a second run must find nothing to do.
func TestRenormalize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, _, srv := setup(t)
	src := testSource(t, "testverein", srv.URL)
	src.Publish = "review"
	if rep := p.CrawlSource(ctx, src); rep.Status != "ok" || rep.EventsNew != 3 {
		t.Fatalf("crawl: %+v", rep)
	}
	var version int
	if err := p.Pool.QueryRow(ctx, `SELECT min(normalizer_version) FROM items`).Scan(&version); err != nil || version != normalize.Version {
		t.Fatalf("items stamped with %d (%v), want normalize.Version %d", version, err, normalize.Version)
	}
	const right = "AG Migrant*innenorganisationen"
	agmo := eventsByTitle(t, p, right)
	bfd := eventsByTitle(t, p, "Informationsveranstaltung zum Bundesfreiwilligendienst")

	// The "old normaliser": a wrong title in the stored readings of one
	// event, all items stamped as read before versions existed.
	mustExec(t, p, `UPDATE items SET normalizer_version = 0`)
	mustExec(t, p, `UPDATE event_items SET draft = jsonb_set(draft, '{title}', '"AG MO (alt)"') WHERE event_id = $1`, agmo.ID)
	mustExec(t, p, `UPDATE events SET title = 'AG MO (alt)', draft = jsonb_set(draft, '{title}', '"AG MO (alt)"'),
		fingerprint = 'old' WHERE id = $1`, agmo.ID)
	old, err := store.GetEvent(ctx, p.Pool, agmo.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Staff: approved the old reading, overrode bfd's title, dismissed a pair.
	if err := store.RecordApproval(ctx, p.Pool, agmo.ID, old.Draft, "staff@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := store.SetReview(ctx, p.Pool, agmo.ID, "published"); err != nil {
		t.Fatal(err)
	}
	title, _ := json.Marshal("Infoabend Bundesfreiwilligendienst")
	srcTitle, _ := json.Marshal(bfd.Draft.Title)
	if err := store.SetOverride(ctx, p.Pool, store.Override{EventID: bfd.ID, Field: "title", Value: title,
		SourceValue: srcTitle, SetBy: "staff@example.org"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, p, `INSERT INTO dedup_distinct (item_id, event_id, decided_by)
		SELECT ei.item_id, $2, 'staff@example.org' FROM event_items ei WHERE ei.event_id = $1`, bfd.ID, agmo.ID)
	if _, err := ingest.Refresh(ctx, p.Pool, bfd.ID); err != nil { // as the staff edit does
		t.Fatal(err)
	}
	bfd, _ = store.GetEvent(ctx, p.Pool, bfd.ID)

	reps, err := p.Renormalize(ctx, "", false)
	if err != nil || len(reps) != 1 || reps[0].Status != "ok" || reps[0].Items != 3 || reps[0].EventsNew != 0 || reps[0].EventsUpdated != 1 {
		t.Fatalf("renormalize: %+v, %v; want 3 items read, 1 event updated", reps, err)
	}
	got, err := store.GetEvent(ctx, p.Pool, agmo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Draft.Title != right || got.UID != agmo.UID || got.Sequence != old.Sequence+1 || got.Review != "published" {
		t.Errorf("after renormalize: title %q uid %s seq %d review %s; want %q, uid %s, seq %d, published",
			got.Draft.Title, got.UID, got.Sequence, got.Review, right, agmo.UID, old.Sequence+1)
	}
	if r, err := store.GetReview(ctx, p.Pool, agmo.ID); err != nil || r.ChangedAt == nil {
		t.Errorf("approved event whose reading changed is not marked changed for review: %+v, %v", r, err)
	}
	after, _ := store.GetEvent(ctx, p.Pool, bfd.ID)
	if after.Draft.Title != "Infoabend Bundesfreiwilligendienst" || after.Sequence != bfd.Sequence {
		t.Errorf("overridden event: title %q seq %d; want the override kept and no new sequence (%d)",
			after.Draft.Title, after.Sequence, bfd.Sequence)
	}
	var distinct, events int
	_ = p.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM dedup_distinct), (SELECT count(*) FROM events)`).Scan(&distinct, &events)
	if distinct != 1 || events != 3 {
		t.Errorf("%d dismissals, %d events after renormalize; want 1 and 3", distinct, events)
	}

	// Nothing is stale any more; reading everything again changes nothing.
	if reps, err := p.Renormalize(ctx, "testverein", false); err != nil || reps[0].Items != 0 {
		t.Errorf("second run: %+v, %v; want nothing to read", reps, err)
	}
	reps, err = p.Renormalize(ctx, "", true)
	if err != nil || reps[0].Items != 3 || reps[0].EventsUpdated != 0 || reps[0].EventsNew != 0 {
		t.Errorf("--all run: %+v, %v; want 3 items read, nothing changed", reps, err)
	}
	if _, err := p.Renormalize(ctx, "nosuch", false); err == nil {
		t.Error("unknown source: no error")
	}
}

func mustExec(t *testing.T, p *ingest.Pipeline, sql string, args ...any) {
	t.Helper()
	if _, err := p.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
