package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// site is a partner site whose one announcement the test rewrites.
type site struct {
	mu          sync.Mutex
	title, body string
	hidden      bool // the list page no longer links the announcement
	srv         *httptest.Server
}

func newSite(t *testing.T, title, body string) *site {
	s := &site{title: title, body: body}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/termine/":
			link := `<a class="ev" href="/termine/infoabend">Infoabend</a>`
			if s.hidden {
				link = "<p>Zurzeit keine Termine.</p>"
			}
			fmt.Fprintf(w, `<!doctype html><html lang="de"><body>%s</body></html>`, link)
		case "/termine/infoabend":
			fmt.Fprintf(w, `<!doctype html><html lang="de"><body><h1>%s</h1><div class="text"><p>%s</p></div></body></html>`, s.title, s.body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) set(title, body string) {
	s.mu.Lock()
	s.title, s.body, s.hidden = title, body, false
	s.mu.Unlock()
}

func (s *site) hide() {
	s.mu.Lock()
	s.hidden = true
	s.mu.Unlock()
}

func (s *site) source(id string) source.Source {
	src := source.Source{ID: id, Name: "Verein " + id, URL: s.srv.URL + "/termine/", Kind: "html", Follow: "a.ev",
		Fields: source.Fields{Title: "h1", Body: ".text"}, Region: "leipzig", Languages: []string{"de"},
		Publish: "review", AllowPrivate: true}
	src.ApplyDefaults()
	src.Delay.Duration = time.Millisecond
	return src
}

var ref = time.Date(2021, 5, 1, 9, 0, 0, 0, event.Berlin)

type env struct {
	pool *pgxpool.Pool
	pipe *ingest.Pipeline
	svc  *review.Service
	ctx  context.Context // a reviewer's
}

func setup(t *testing.T) env {
	pool := pgtest.New(t)
	pipe := &ingest.Pipeline{Pool: pool, AllowPrivate: true, NoPoliteness: true, Now: func() time.Time { return ref }}
	svc := review.New(pool, review.Options{Pipeline: pipe})
	t.Cleanup(svc.Close)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 0, Email: "reviewer@example.org", Role: auth.RoleReviewer})
	return env{pool, pipe, svc, ctx}
}

func (e env) crawl(t *testing.T, src source.Source) ingest.Report {
	t.Helper()
	rep := e.pipe.CrawlSource(context.Background(), src)
	if rep.Status != "ok" {
		t.Fatalf("crawl %s: %+v", src.ID, rep)
	}
	return rep
}

func (e env) onlyEvent(t *testing.T, sourceID string) store.Event {
	t.Helper()
	var id int64
	err := e.pool.QueryRow(context.Background(), `SELECT DISTINCT ei.event_id FROM event_items ei JOIN items i ON i.id = ei.item_id
		WHERE i.source_id = $1`, sourceID).Scan(&id)
	if err != nil {
		t.Fatalf("the event of %s: %v", sourceID, err)
	}
	ev, err := store.GetEvent(context.Background(), e.pool, id)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// TestRecrawlKeepsStaffEdit: staff approve and edit an event; the partner
// then changes the page; the re-crawl brings the source's changes but
// keeps staff's fields, notes that the source moved under them, and puts
// the approved event back in the queue as changed. The audit log has every
// step.
func TestRecrawlKeepsStaffEdit(t *testing.T) {
	e := setup(t)
	s := newSite(t, "Infoabend Anerkennung",
		"Am Donnerstag, 20. Mai 2021, 18 Uhr, im Werk 2, Kochstraße 132, 04277 Leipzig.")
	src := s.source("verein")
	e.crawl(t, src)
	ev := e.onlyEvent(t, "verein")
	if ev.Review != "pending" || ev.Draft.Start.Hour() != 18 {
		t.Fatalf("first crawl: review %s, start %s", ev.Review, ev.Draft.Start)
	}

	if err := e.svc.Approve(e.ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	staffStart := time.Date(2021, 5, 20, 19, 0, 0, 0, event.Berlin)
	changed, err := e.svc.Edit(e.ctx, ev.ID, map[string]json.RawMessage{
		"title": raw("Infoabend: Anerkennung ausländischer Abschlüsse"),
		"start": raw(staffStart),
		"city":  raw(ev.Draft.Place.City), // unchanged: no override
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changed, []string{"title", "start"}) {
		t.Errorf("edit changed %v, want [title start]", changed)
	}

	s.set("Infoabend Anerkennung (verschoben)",
		"Neuer Termin: Donnerstag, 27. Mai 2021, 18 Uhr, Haus der Demokratie, Bernhard-Göring-Straße 152, 04277 Leipzig.")
	if rep := e.crawl(t, src); rep.EventsUpdated != 1 {
		t.Fatalf("re-crawl: %+v, want one event updated", rep)
	}
	got, err := store.GetEvent(context.Background(), e.pool, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Draft.Title != "Infoabend: Anerkennung ausländischer Abschlüsse" || !got.Draft.Start.Equal(staffStart) {
		t.Errorf("re-crawl clobbered the edit: %q at %s", got.Draft.Title, got.Draft.Start)
	}
	if got.Draft.Place.Venue == ev.Draft.Place.Venue {
		t.Errorf("the source's new place did not come through: venue %q", got.Draft.Place.Venue)
	}
	os, err := store.Overrides(context.Background(), e.pool, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 2 {
		t.Fatalf("overrides: %+v", os)
	}
	for _, o := range os {
		if o.SourceNow == nil || o.SourceChangedAt == nil {
			t.Errorf("override of %s does not note that the source changed it", o.Field)
		}
	}
	d, err := e.svc.Event(e.ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != store.StateChanged || !slices.Contains(d.Changed, "venue") || slices.Contains(d.Changed, "title") {
		t.Errorf("after the re-crawl: state %s, changed %v; want changed with venue but not staff's title", d.State, d.Changed)
	}

	// Reverting the date takes the source's current one.
	if err := e.svc.Revert(e.ctx, ev.ID, "start"); err != nil {
		t.Fatal(err)
	}
	got, _ = store.GetEvent(context.Background(), e.pool, ev.ID)
	if want := time.Date(2021, 5, 27, 18, 0, 0, 0, event.Berlin); !got.Draft.Start.Equal(want) {
		t.Errorf("after revert start = %s, want %s", got.Draft.Start, want)
	}
	// A third crawl of the same page changes nothing and keeps the title.
	if rep := e.crawl(t, src); rep.EventsUpdated != 0 {
		t.Errorf("unchanged re-crawl updated events: %+v", rep)
	}

	entries, err := store.AuditLog(context.Background(), e.pool, store.AuditFilter{TargetType: "event"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range entries {
		actions = append(actions, a.Action)
		if a.Actor != "reviewer@example.org" || a.TargetID != fmt.Sprint(ev.ID) {
			t.Errorf("audit entry %+v", a)
		}
	}
	if want := []string{"event.revert", "event.edit", "event.approve"}; !slices.Equal(actions, want) {
		t.Errorf("audit actions %v, want %v", actions, want)
	}
}

// TestSplitSticks: two partners announce the same evening; the pipeline
// merges them, staff split them apart, and matching never joins the split
// item to the event again, even when it is placed anew.
func TestSplitSticks(t *testing.T) {
	e := setup(t)
	body := "Am Donnerstag, 20. Mai 2021, 18 Uhr, im Werk 2, Kochstraße 132, 04277 Leipzig."
	a, b := newSite(t, "Infoabend Anerkennung", body), newSite(t, "Infoabend Anerkennung", body)
	e.crawl(t, a.source("a"))
	e.crawl(t, b.source("b"))
	evA, evB := e.onlyEvent(t, "a"), e.onlyEvent(t, "b")
	if evA.ID != evB.ID {
		t.Fatalf("the pipeline did not merge the cross-post: %d and %d", evA.ID, evB.ID)
	}
	d, err := e.svc.Event(e.ctx, evA.ID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(d.Items, func(it store.EventItem) bool { return it.SourceID == "b" })
	split, err := e.svc.Split(e.ctx, evA.ID, store.LinkRef{ItemID: d.Items[i].ItemID, Occurrence: d.Items[i].Occurrence})
	if err != nil {
		t.Fatal(err)
	}
	// The announcement drops its date and brings it back: the occurrence
	// is matched again from scratch.
	if _, err := e.pool.Exec(context.Background(), `DELETE FROM event_items WHERE item_id = $1`, d.Items[i].ItemID); err != nil {
		t.Fatal(err)
	}
	b.set("Infoabend Anerkennung", body+" Eintritt frei.")
	e.crawl(t, b.source("b"))
	if got := e.onlyEvent(t, "b"); got.ID == evA.ID {
		t.Errorf("re-crawl joined the split item to event %d again (split event %d)", evA.ID, split)
	}
	if got := e.onlyEvent(t, "a"); got.ID != evA.ID {
		t.Errorf("source a moved to event %d", got.ID)
	}
}

// TestRolesAndMerge: reviewers may not touch sources; a merge keeps every
// source link and a split undoes it.
func TestRolesAndMerge(t *testing.T) {
	e := setup(t)
	a := newSite(t, "Sprachcafé Deutsch–Arabisch", "Gemeinsam Deutsch und Arabisch üben, bei Tee und Gebäck. Donnerstag, 20. Mai 2021, 16 Uhr, Stadtteilladen, Eisenbahnstraße 66, 04315 Leipzig.")
	b := newSite(t, "Infoabend Anerkennung", "Am Donnerstag, 20. Mai 2021, 18 Uhr, im Werk 2, Kochstraße 132, 04277 Leipzig.")
	e.crawl(t, a.source("a"))
	e.crawl(t, b.source("b"))
	evA, evB := e.onlyEvent(t, "a"), e.onlyEvent(t, "b")
	if evA.ID == evB.ID {
		t.Fatal("different titles were merged")
	}
	if err := e.svc.CreateSource(e.ctx, a.source("c")); err == nil {
		t.Error("a reviewer created a source")
	}
	if _, err := e.svc.CrawlNow(context.Background(), "a"); err == nil {
		t.Error("an anonymous caller started a crawl")
	}
	if err := e.svc.Merge(e.ctx, evA.ID, evB.ID); err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Event(e.ctx, evA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 2 {
		t.Fatalf("merged event has %d source links, want 2", len(d.Items))
	}
	gone, _ := store.GetEvent(context.Background(), e.pool, evB.ID)
	if gone.MergedInto == nil || *gone.MergedInto != evA.ID {
		t.Fatalf("merged_into of %d = %v", evB.ID, gone.MergedInto)
	}
	// A re-crawl keeps the merge.
	b.set("Infoabend Anerkennung", "Am Donnerstag, 20. Mai 2021, 18 Uhr, im Werk 2, Kochstraße 132, 04277 Leipzig. Mit Dolmetschung.")
	e.crawl(t, b.source("b"))
	if got := e.onlyEvent(t, "b"); got.ID != evA.ID {
		t.Errorf("re-crawl undid the merge: b is on event %d", got.ID)
	}
	i := slices.IndexFunc(d.Items, func(it store.EventItem) bool { return it.SourceID == "b" })
	back, err := e.svc.Split(e.ctx, evA.ID, store.LinkRef{ItemID: d.Items[i].ItemID, Occurrence: d.Items[i].Occurrence})
	if err != nil {
		t.Fatal(err)
	}
	if back != evB.ID {
		t.Errorf("split made event %d, want the merged-away %d back", back, evB.ID)
	}
	restored, _ := store.GetEvent(context.Background(), e.pool, evB.ID)
	if restored.MergedInto != nil || restored.Draft.Title != "Infoabend Anerkennung" {
		t.Errorf("restored event: merged_into %v, title %q", restored.MergedInto, restored.Draft.Title)
	}
}

// TestVanishedNeedsDecision: a published event whose announcement is gone
// from the site comes back to the queue as "vanished" (never deleted);
// marking it cancelled takes it off the queue, and a later crawl that
// finds it again does not undo the cancellation.
func TestVanishedNeedsDecision(t *testing.T) {
	e := setup(t)
	body := "Am Donnerstag, 20. Mai 2021, 18 Uhr, im Werk 2, Kochstraße 132, 04277 Leipzig."
	s := newSite(t, "Infoabend Anerkennung", body)
	src := s.source("verein")
	e.crawl(t, src)
	ev := e.onlyEvent(t, "verein")
	if err := e.svc.Approve(e.ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	s.hide()
	e.crawl(t, src)
	state, err := store.ReviewState(context.Background(), e.pool, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if state != store.StateVanished {
		t.Fatalf("state after the announcement vanished: %s", state)
	}
	entries, _, _, err := e.svc.Queue(e.ctx, store.QueueFilter{})
	if err != nil || len(entries) != 1 || entries[0].State != store.StateVanished {
		t.Fatalf("queue: %+v %v", entries, err)
	}
	if err := e.svc.Cancel(e.ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if entries, _, _, _ := e.svc.Queue(e.ctx, store.QueueFilter{}); len(entries) != 0 {
		t.Errorf("cancelled event still queued: %+v", entries)
	}
	s.set("Infoabend Anerkennung", body)
	e.crawl(t, src)
	got, _ := store.GetEvent(context.Background(), e.pool, ev.ID)
	if got.Draft.Status != event.StatusCancelled || got.VanishedAt != nil {
		t.Errorf("after it came back: status %s, vanished %v", got.Draft.Status, got.VanishedAt)
	}
}
