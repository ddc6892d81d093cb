package calendar

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is the tests' clock: Sunday 1 March 2026, 10:00 in Leipzig.
var now = berlin(2026, 3, 1, 10, 0)

const testBase = "https://treffpunkt.example"

var testSources = []source.Source{
	{ID: "saqsen", Name: "SAQsen! Werkstatt der Migrant*innenorganisationen", URL: "https://saqsen.example/", Kind: "html", Publish: "auto"},
	{ID: "kulturbuero", Name: "Kulturbüro Sachsen", URL: "https://kulturbuero.example/", Kind: "html", Publish: "auto"},
	{ID: "zwischenraum", Name: "Zwischenraum Radio", URL: "https://zwischenraum.example/", Kind: "ical", Publish: "auto"},
}

// fixture is one event of the database tests with the source that
// announced it.
type fixture struct {
	key, source, review string
	d                   event.Draft
}

// dbFixtures are the writer's events plus what the public must not see
// and what has already passed.
func dbFixtures() []fixture {
	w := writerEvents()
	src := []string{"saqsen", "kulturbuero", "kulturbuero", "zwischenraum", "kulturbuero", "saqsen", "saqsen", "zwischenraum"}
	var out []fixture
	for i, e := range w {
		out = append(out, fixture{key: e.UID, source: src[i], review: "published", d: e.Draft})
	}
	return append(out,
		fixture{key: "tp-entwurf", source: "saqsen", review: "pending", d: event.Draft{
			Title: "Workshop Öffentlichkeitsarbeit für Vereine", Start: berlin(2026, 3, 11, 17, 0),
			Place: event.Place{City: "Leipzig", Region: "leipzig"}, Languages: []string{"de"}, Topics: []string{"training"}}},
		fixture{key: "tp-abgelehnt", source: "kulturbuero", review: "rejected", d: event.Draft{
			Title: "Newsletter März", Start: berlin(2026, 3, 2, 9, 0), Online: event.OnlineYes,
			Languages: []string{"de"}, Topics: []string{"networking"}}},
		fixture{key: "tp-vorbei", source: "saqsen", review: "published", d: event.Draft{
			Title: "Sommerfest der Vereine", Start: berlin(2025, 8, 23, 14, 0), End: berlin(2025, 8, 23, 20, 0),
			Place: event.Place{City: "Chemnitz", Region: "chemnitz"}, Languages: []string{"de"}, Topics: []string{"culture_media"}}},
		fixture{key: "tp-gestern", source: "saqsen", review: "published", d: event.Draft{
			Title: "Vereinsstammtisch", Start: berlin(2026, 2, 28, 19, 0), End: berlin(2026, 2, 28, 22, 0),
			Place: event.Place{City: "Leipzig", Region: "leipzig"}, Languages: []string{"de", "ar"}, Topics: []string{"networking"}}},
		fixture{key: "tp-laeuft", source: "kulturbuero", review: "published", d: event.Draft{
			Title: "Ausstellung „Ankommen in Sachsen“", Start: berlin(2026, 2, 20, 0, 0), End: berlin(2026, 3, 8, 0, 0), AllDay: true,
			Place: event.Place{Venue: "Stadtbibliothek", City: "Leipzig", Region: "leipzig"}, Languages: []string{"de", "ar", "fa"}, Topics: []string{"culture_media"}}},
		fixture{key: "tp-dublette", source: "saqsen", review: "published", d: event.Draft{
			Title: "Austauschtreffen Leipziger MOs", Start: berlin(2026, 3, 10, 17, 0),
			Place: event.Place{City: "Leipzig", Region: "leipzig"}, Languages: []string{"de"}, Topics: []string{"networking"}}},
	)
}

type env struct {
	pool *pgxpool.Pool
	h    *Handler
	ids  map[string]int64 // event id by fixture key (= UID)
	keys map[int64]string
}

// setup gives a test its own database with the fixtures (tp-dublette merged
// into tp-mo-treffen, as deduplication would) and a handler on it.
func setup(t testing.TB, opts Options) *env {
	t.Helper()
	return setupWith(t, opts, func(pool *pgxpool.Pool) search.Searcher { return search.NewPostgres(pool) })
}

// setupWith is setup with the searcher newSearcher makes.
func setupWith(t testing.TB, opts Options, newSearcher func(*pgxpool.Pool) search.Searcher) *env {
	t.Helper()
	pool := pgtest.New(t)
	ctx := context.Background()
	for _, s := range testSources {
		if err := store.UpsertSource(ctx, pool, s); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{pool: pool, ids: map[string]int64{}, keys: map[int64]string{}}
	for _, f := range dbFixtures() {
		id := insertEvent(t, pool, f)
		e.ids[f.key], e.keys[id] = id, f.key
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET merged_into = $1 WHERE id = $2`, e.ids["tp-mo-treffen"], e.ids["tp-dublette"]); err != nil {
		t.Fatal(err)
	}
	if opts.BaseURL == "" {
		opts.BaseURL = testBase
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	if opts.Rate == 0 {
		opts.Rate = -1
	}
	h, err := NewHandler(pool, newSearcher(pool), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e
}

// insertEvent stores an event with the source item that announced it.
func insertEvent(t testing.TB, db store.DB, f fixture) int64 {
	t.Helper()
	ctx := context.Background()
	d := f.d
	if d.Status == "" {
		d.Status = event.StatusScheduled
	}
	if d.Online == "" {
		d.Online = event.OnlineNo
	}
	id, err := store.InsertEvent(ctx, db, store.NewEvent{UID: f.key, Draft: d, Review: f.review})
	if err != nil {
		t.Fatal(err)
	}
	it := event.Item{Key: f.key, URL: "https://" + f.source + ".example/veranstaltungen/" + f.key, Kind: "html", Title: d.Title}
	raw, hash, err := store.HashItem(it)
	if err != nil {
		t.Fatal(err)
	}
	itemID, err := store.SaveItem(ctx, db, f.source, it.URL, raw, hash, it.Key)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Link(ctx, db, itemID, 0, id, d); err != nil {
		t.Fatal(err)
	}
	return id
}

// bulkInsert adds n published events with a source item each, starting at
// from and 37 minutes apart, in a few statements.
func bulkInsert(t testing.TB, db store.DB, n int, from time.Time) {
	t.Helper()
	ctx := context.Background()
	_, err := db.Exec(ctx, `
		WITH ev AS (
			INSERT INTO events (uid, title, description, start_at, end_at, online, venue, street, postal_code, city, region,
				languages, topics, status, review, draft, fingerprint)
			SELECT 'tp-bulk-' || n,
				'Sprachcafé Nr. ' || n || ' – Deutsch üben für Geflüchtete 🌍 im Stadtteilladen Görlitz',
				'Jeden Montag treffen sich Menschen aus Syrien, Afghanistan und der Ukraine mit Ehrenamtlichen, um Deutsch zu üben; Tee, Kaffee und Kuchen gibt es auch.',
				$1::timestamptz + n * interval '37 minutes', $1::timestamptz + n * interval '37 minutes' + interval '2 hours',
				'no', 'Stadtteilladen „Ölbaum“', 'Berliner Straße ' || (n % 90 + 1), '02826', 'Görlitz', 'goerlitz',
				ARRAY['de', 'ar', 'fa'], ARRAY['training', 'volunteering'], 'scheduled', 'published',
				'{"title": "", "start": "2026-03-02T10:00:00+01:00", "all_day": false, "online": "no", "place": {}, "languages": [], "topics": [], "status": "scheduled"}',
				md5(n::text)
			FROM generate_series(1, $2::int) n
			RETURNING id, uid),
		it AS (
			INSERT INTO items (source_id, key, page_url, raw, raw_hash)
			SELECT 'saqsen', uid, 'https://saqsen.example/veranstaltungen/', jsonb_build_object('url', 'https://saqsen.example/veranstaltungen/' || uid), md5(uid)
			FROM ev
			RETURNING id, key)
		INSERT INTO event_items (item_id, occurrence, event_id, draft)
		SELECT it.id, 0, ev.id, '{}' FROM it JOIN ev ON ev.uid = it.key`, from, n)
	if err != nil {
		t.Fatalf("bulk insert %d events: %v", n, err)
	}
	// Production tables have statistics (autovacuum); without them the
	// planner hash-joins all items for each batch of source links.
	if _, err := db.Exec(ctx, `ANALYZE events, items, event_items`); err != nil {
		t.Fatalf("analyze after bulk insert: %v", err)
	}
}

// get requests path from the handler.
func (e *env) get(t testing.TB, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.10:4711"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustStatus(t testing.TB, r *http.Response, want int) []byte {
	t.Helper()
	b := body(t, r)
	if r.StatusCode != want {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, want, b)
	}
	return b
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
