package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/app/apptest"
	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/search/searchtest"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// api is the service's handler with the GraphQL mount, served over HTTP.
type api struct {
	url string
	ids map[string]int64
	db  *pgxpool.Pool
	key string // an API key sent as Bearer token; "" for anonymous
}

// setup starts the `serve` process (internal/app, as the binary does) on
// the seeded events, with the clock at searchtest.Ref.
func setup(t *testing.T) *api {
	t.Helper()
	pool := pgtest.New(t)
	ids := searchtest.Seed(t, pool)
	a := apptest.Start(t, pool, app.Serve, map[string]string{"CORS_ORIGINS": "https://partner.example"},
		app.WithClock(func() time.Time { return searchtest.Ref }))
	return &api{url: "http://" + a.Addr() + "/graphql", ids: ids, db: pool}
}

type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

type response struct {
	Data   json.RawMessage
	Errors []gqlError
}

func (a *api) do(t *testing.T, body map[string]any) response {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, a.url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.key != "" {
		req.Header.Set("Authorization", "Bearer "+a.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r response
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
	}
	return r
}

// query runs a query that must succeed and decodes its data into out.
func (a *api) query(t *testing.T, q string, vars map[string]any, out any) {
	t.Helper()
	r := a.do(t, map[string]any{"query": q, "variables": vars})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

// code runs a query that must fail and returns the first error's code.
func (a *api) code(t *testing.T, q string, vars map[string]any) string {
	t.Helper()
	r := a.do(t, map[string]any{"query": q, "variables": vars})
	if len(r.Errors) == 0 {
		t.Fatalf("query succeeded: %s", r.Data)
	}
	return r.Errors[0].Extensions.Code
}

func (a *api) keys(ids []string) []string {
	byID := map[string]string{}
	for k, id := range a.ids {
		byID[strconv.FormatInt(id, 10)] = k
	}
	out := []string{}
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out
}

const eventsQuery = `query($filter: EventFilter, $first: Int, $after: String, $orderBy: EventOrder) {
  events(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    facets { regions { value count } languages { value count } topics { value count }
             free { value count } registration { value count } audience { value count } access { value count } }
  }
}`

type eventsData struct {
	Events struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   struct{ ID, Title string }
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Facets struct {
			Regions, Languages, Topics, Free, Registration, Audience, Access []struct {
				Value string
				Count int
			}
		}
	}
}

func (d eventsData) ids() []string {
	var out []string
	for _, e := range d.Events.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

func TestEventsFilters(t *testing.T) {
	t.Parallel()
	a := setup(t)
	upcoming := []string{"wochen", "mo-treffen", "gesundheit", "schulung", "radio", "oeffnung", "spoton", "anerkennung"}
	iso := func(day int) string { return searchtest.At(day, 0, 0).Format(time.RFC3339) }
	tests := []struct {
		name   string
		filter map[string]any
		order  string
		want   []string
	}{
		{"no filter: upcoming published events", nil, "", upcoming},
		{"from in the past", map[string]any{"from": "2025-01-01T00:00:00+01:00"}, "", append([]string{"sommerfest"}, upcoming...)},
		{"to", map[string]any{"to": iso(15)}, "", []string{"wochen", "mo-treffen", "gesundheit", "schulung"}},
		{"from and to", map[string]any{"from": iso(15), "to": iso(21)}, "", []string{"radio", "oeffnung", "spoton"}},
		{"dates without time", map[string]any{"from": "2026-03-15", "to": "2026-03-21"}, "", []string{"radio", "oeffnung", "spoton"}},
		{"query", map[string]any{"query": "Rassismus"}, "", []string{"wochen", "oeffnung"}},
		{"query prefix", map[string]any{"query": "leip"}, "", []string{"wochen", "mo-treffen", "gesundheit"}},
		{"query with typo", map[string]any{"query": "Radiosenung"}, "", []string{"radio"}},
		{"regions", map[string]any{"regions": []string{"leipzig", "dresden"}}, "", []string{"wochen", "mo-treffen", "gesundheit", "oeffnung"}},
		{"languages", map[string]any{"languages": []string{"ar"}}, "", []string{"gesundheit", "anerkennung"}},
		{"topics", map[string]any{"topics": []string{"training"}}, "", []string{"schulung", "oeffnung"}},
		{"online YES", map[string]any{"online": "YES"}, "", []string{"wochen", "gesundheit", "radio"}},
		{"online NO", map[string]any{"online": "NO"}, "", []string{"mo-treffen", "gesundheit", "schulung", "oeffnung", "spoton", "anerkennung"}},
		{"online HYBRID", map[string]any{"online": "HYBRID"}, "", []string{"gesundheit"}},
		{"sources", map[string]any{"sources": []string{"zwischenraum"}}, "", []string{"wochen", "radio"}},
		{"text + region + topic + dates", map[string]any{"query": "Fortbildung", "regions": []string{"dresden"}, "topics": []string{"training"}, "from": iso(1), "to": iso(31)}, "", []string{"oeffnung"}},
		{"language + online + source", map[string]any{"languages": []string{"de"}, "online": "YES", "sources": []string{"saqsen"}}, "", []string{"gesundheit"}},
		{"region + language, nothing", map[string]any{"regions": []string{"bautzen"}, "languages": []string{"ar"}}, "", []string{}},
		{"latest first", map[string]any{"regions": []string{"leipzig"}}, "START_DESC", []string{"gesundheit", "mo-treffen", "wochen"}},
		{"relevance", map[string]any{"query": "Asylverfahren"}, "RELEVANCE", []string{"schulung"}},
		{"free", map[string]any{"free": true}, "", []string{"mo-treffen", "gesundheit", "schulung", "anerkennung"}},
		{"not free", map[string]any{"free": false}, "", []string{"oeffnung"}},
		{"registration", map[string]any{"registration": false}, "", []string{"spoton"}},
		{"audience", map[string]any{"audience": []string{"youth", "women"}}, "", []string{"gesundheit", "spoton"}},
		{"access", map[string]any{"access": []string{"barrier_free"}}, "", []string{"mo-treffen", "oeffnung"}},
		{"free + access + region", map[string]any{"free": true, "access": []string{"interpreting"}, "regions": []string{"leipzig"}}, "", []string{"gesundheit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"filter": tc.filter, "first": 50}
			if tc.order != "" {
				vars["orderBy"] = tc.order
			}
			var d eventsData
			a.query(t, eventsQuery, vars, &d)
			if got := a.keys(d.ids()); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if d.Events.TotalCount != len(tc.want) {
				t.Errorf("totalCount %d, want %d", d.Events.TotalCount, len(tc.want))
			}
		})
	}
}

func TestEventsFacets(t *testing.T) {
	t.Parallel()
	a := setup(t)
	var d eventsData
	a.query(t, eventsQuery, map[string]any{"filter": map[string]any{"regions": []string{"leipzig"}}, "first": 1}, &d)
	f := d.Events.Facets
	regions := map[string]int{}
	for _, r := range f.Regions {
		regions[r.Value] = r.Count
	}
	// The region facet ignores the region filter; the others count within it.
	if regions["leipzig"] != 3 || regions["dresden"] != 1 || regions["bautzen"] != 1 || len(regions) != 5 {
		t.Errorf("region facet %v", f.Regions)
	}
	if len(f.Languages) != 4 || f.Languages[0].Value != "de" || f.Languages[0].Count != 3 {
		t.Errorf("language facet %v", f.Languages)
	}
	if len(f.Topics) != 5 {
		t.Errorf("topic facet %v", f.Topics)
	}
	// Booleans as "true"/"false"; counted within the region.
	if len(f.Free) != 1 || f.Free[0].Value != "true" || f.Free[0].Count != 2 || len(f.Registration) != 1 ||
		len(f.Audience) != 1 || f.Audience[0].Value != "women" || len(f.Access) != 2 {
		t.Errorf("free %v registration %v audience %v access %v", f.Free, f.Registration, f.Audience, f.Access)
	}
	if d.Events.TotalCount != 3 || len(d.Events.Edges) != 1 || !d.Events.PageInfo.HasNextPage {
		t.Errorf("total %d, %d edges, next %v", d.Events.TotalCount, len(d.Events.Edges), d.Events.PageInfo.HasNextPage)
	}
}

func TestEventsPaginationStableUnderInserts(t *testing.T) {
	t.Parallel()
	a := setup(t)
	var p1 eventsData
	a.query(t, eventsQuery, map[string]any{"first": 3}, &p1)
	if got := a.keys(p1.ids()); !slices.Equal(got, []string{"wochen", "mo-treffen", "gesundheit"}) || p1.Events.PageInfo.HasPreviousPage {
		t.Fatalf("page 1: %v", got)
	}
	if *p1.Events.PageInfo.EndCursor != p1.Events.Edges[2].Cursor {
		t.Error("endCursor is not the last edge's cursor")
	}
	d := searchtest.Fixtures[0].Draft
	d.Title, d.Start, d.End = "Stammtisch der Vereine", searchtest.At(5, 18, 0), time.Time{}
	a.ids["neu-frueh"] = searchtest.Insert(t, a.db, "saqsen", "tp-neu-frueh", "published", d)
	d.Title, d.Start = "Offenes Treffen im Café", searchtest.At(15, 18, 0)
	a.ids["neu-spaet"] = searchtest.Insert(t, a.db, "saqsen", "tp-neu-spaet", "published", d)

	var p2 eventsData
	a.query(t, eventsQuery, map[string]any{"first": 3, "after": *p1.Events.PageInfo.EndCursor}, &p2)
	if got := a.keys(p2.ids()); !slices.Equal(got, []string{"schulung", "neu-spaet", "radio"}) {
		t.Errorf("page 2 after inserts: %v", got)
	}
	if !p2.Events.PageInfo.HasPreviousPage || !p2.Events.PageInfo.HasNextPage || p2.Events.TotalCount != 10 {
		t.Errorf("page info %+v, total %d", p2.Events.PageInfo, p2.Events.TotalCount)
	}
	var p3 eventsData
	a.query(t, eventsQuery, map[string]any{"first": 3, "after": *p2.Events.PageInfo.EndCursor}, &p3)
	if got := a.keys(p3.ids()); !slices.Equal(got, []string{"oeffnung", "spoton", "anerkennung"}) || p3.Events.PageInfo.HasNextPage {
		t.Errorf("page 3: %v, next %v", got, p3.Events.PageInfo.HasNextPage)
	}
}

func TestEventByID(t *testing.T) {
	t.Parallel()
	a := setup(t)
	const q = `query($id: ID!) { event(id: $id) {
		id title description start end allDay online status languages topics updatedAt
		place { venue street postalCode city region { slug name nameEn: name(lang: EN) } }
		sources { url firstSeen lastSeen source { id name url } }
	} }`
	var d struct {
		Event *struct {
			ID, Title, Start, Online, Status string
			End                              *string
			AllDay                           bool
			Languages, Topics                []string
			Place                            *struct {
				Venue, City *string
				Region      *struct{ Slug, Name, NameEn string }
			}
			Sources []struct {
				URL    string
				Source struct{ ID, Name string }
			}
		}
	}
	a.query(t, q, map[string]any{"id": strconv.FormatInt(a.ids["anerkennung"], 10)}, &d)
	e := d.Event
	if e == nil {
		t.Fatal("published event not found")
	}
	if e.Title != "Beratungstag zur Anerkennung ausländischer Berufsabschlüsse" || e.Status != "CANCELLED" || e.Online != "NO" ||
		e.Start != "2026-03-24T10:00:00+01:00" || e.End == nil || *e.End != "2026-03-24T14:00:00+01:00" {
		t.Errorf("event %+v", e)
	}
	if e.Place == nil || e.Place.Region == nil || e.Place.Region.Name != "Landkreis Görlitz" || e.Place.Region.NameEn != "Görlitz District" {
		t.Errorf("place %+v", e.Place)
	}
	if !slices.Equal(e.Languages, []string{"de", "ar", "fa"}) || len(e.Sources) != 1 || e.Sources[0].Source.ID != "saqsen" ||
		!strings.HasPrefix(e.Sources[0].URL, "http://127.0.0.1:8081/saqsen/") {
		t.Errorf("languages %v sources %+v", e.Languages, e.Sources)
	}

	// Radio is online only: no place.
	a.query(t, q, map[string]any{"id": strconv.FormatInt(a.ids["radio"], 10)}, &d)
	if d.Event == nil || d.Event.Place != nil || d.Event.Online != "YES" {
		t.Errorf("online event %+v", d.Event)
	}
	// Pending, rejected and merged events are not public.
	for _, k := range []string{"entwurf", "abgelehnt", "dublette"} {
		d.Event = nil
		a.query(t, q, map[string]any{"id": strconv.FormatInt(a.ids[k], 10)}, &d)
		if d.Event != nil {
			t.Errorf("%s is visible", k)
		}
	}
	a.query(t, q, map[string]any{"id": "999999"}, &d)
	if d.Event != nil {
		t.Error("missing event found")
	}
	if c := a.code(t, q, map[string]any{"id": "abc"}); c != "BAD_USER_INPUT" {
		t.Errorf("malformed id: code %s", c)
	}
}

// TestUnlisted: an event no partner page lists any more stays public with
// the date it was unlisted, and its sources say which pages dropped it.
func TestUnlisted(t *testing.T) {
	t.Parallel()
	a := setup(t)
	const q = `query($id: ID!) { event(id: $id) { unlistedSince sources { listed } } }`
	var d struct {
		Event *struct {
			UnlistedSince *string
			Sources       []struct{ Listed bool }
		}
	}
	id := a.ids["anerkennung"]
	vars := map[string]any{"id": strconv.FormatInt(id, 10)}
	a.query(t, q, vars, &d)
	if d.Event == nil || d.Event.UnlistedSince != nil || len(d.Event.Sources) != 1 || !d.Event.Sources[0].Listed {
		t.Fatalf("listed event: %+v", d.Event)
	}
	ctx := context.Background()
	rows, err := a.db.Query(ctx, `SELECT item_id FROM event_items WHERE event_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	items, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if _, evs, err := store.MarkItemsVanished(ctx, a.db, items); err != nil || !slices.Equal(evs, []int64{id}) {
		t.Fatalf("mark vanished: %v %v", evs, err)
	}
	a.query(t, q, vars, &d)
	if d.Event == nil || d.Event.UnlistedSince == nil || d.Event.Sources[0].Listed {
		t.Errorf("unlisted event: %+v", d.Event)
	}
}

func TestListsAndNames(t *testing.T) {
	t.Parallel()
	a := setup(t)
	var d struct {
		Regions   []struct{ Slug, Name, En string }
		Topics    []struct{ Slug, Name, En string }
		Languages []struct{ Code, Name, En string }
		Sources   []struct {
			ID, Name, URL string
		}
		Health string
	}
	a.query(t, `{ regions { slug name en: name(lang: EN) } topics { slug name en: name(lang: EN) }
		languages { code name en: name(lang: EN) } sources { id name url } health }`, nil, &d)
	if len(d.Regions) != 13 || d.Regions[8].Slug != "meissen" || d.Regions[8].Name != "Landkreis Meißen" || d.Regions[8].En != "Meissen District" {
		t.Errorf("regions %+v", d.Regions)
	}
	if len(d.Topics) != 15 || d.Topics[3].Slug != "health" || d.Topics[3].Name != "Gesundheit" || d.Topics[3].En != "Health" {
		t.Errorf("topics %+v", d.Topics)
	}
	var codes []string
	for _, l := range d.Languages {
		codes = append(codes, l.Code)
		if l.Code == "ar" && (l.Name != "Arabisch" || l.En != "Arabic") {
			t.Errorf("arabic named %q / %q", l.Name, l.En)
		}
	}
	// Languages of published events only (the pending/rejected ones add none).
	if !slices.Equal(codes, []string{"ar", "de", "en", "es", "fa", "ru", "tr"}) {
		t.Errorf("languages %v", codes)
	}
	if len(d.Sources) != 3 || d.Sources[0].ID != "kulturbuero" || d.Sources[0].Name != "Kulturbüro Sachsen" {
		t.Errorf("sources %+v", d.Sources)
	}
	if d.Health != "ok" {
		t.Errorf("health %q", d.Health)
	}
}

func TestEventsChanged(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ctx := context.Background()
	const q = `query($since: DateTime!, $first: Int, $after: String) { eventsChanged(since: $since, first: $first, after: $after) {
		edges { cursor node { id kind mergedInto event { title status } } }
		pageInfo { hasNextPage endCursor }
	} }`
	type feed struct {
		EventsChanged struct {
			Edges []struct {
				Node struct {
					ID, Kind   string
					MergedInto *string
					Event      *struct{ Title, Status string }
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	since := time.Now().Add(-time.Hour).Format(time.RFC3339)
	collect := func(key string) map[string]string {
		kinds := map[string]string{}
		after := ""
		c := &api{url: a.url, ids: a.ids, db: a.db, key: key}
		for pages := 0; ; pages++ {
			var f feed
			vars := map[string]any{"since": since, "first": 5}
			if after != "" {
				vars["after"] = after
			}
			c.query(t, q, vars, &f)
			for _, e := range f.EventsChanged.Edges {
				k := a.keys([]string{e.Node.ID})[0]
				kinds[k] = e.Node.Kind
				if k == "dublette" && (e.Node.MergedInto == nil || *e.Node.MergedInto != strconv.FormatInt(a.ids["gesundheit"], 10) || e.Node.Event != nil) {
					t.Errorf("merged change %+v", e.Node)
				}
				if e.Node.Kind == "REMOVED" && e.Node.Event != nil {
					t.Errorf("removed event %s exposed", k)
				}
			}
			if !f.EventsChanged.PageInfo.HasNextPage {
				break
			}
			after = *f.EventsChanged.PageInfo.EndCursor
			if pages > 5 {
				t.Fatal("feed does not end")
			}
		}
		return kinds
	}
	// Withdrawn after publication: subscribers must learn to drop it.
	if _, err := a.db.Exec(ctx, `UPDATE events SET review = 'rejected', updated_at = now() WHERE id = $1`, a.ids["sommerfest"]); err != nil {
		t.Fatal(err)
	}
	check := func(who string, kinds, want map[string]string) {
		for k := range a.ids {
			w, ok := want[k]
			if !ok {
				w = "CREATED"
			}
			if kinds[k] != w {
				t.Errorf("%s: %s: kind %q, want %q", who, k, kinds[k], w)
			}
		}
	}
	// Anonymous (issue 12): events that were never public are not listed,
	// not even by id.
	check("anonymous", collect(""), map[string]string{"dublette": "MERGED", "sommerfest": "REMOVED",
		"entwurf": "", "abgelehnt": "", "anerkennung": "CANCELLED"})
	// Staff (with an API key, through the process's key check) see every change.
	staffKey, _, err := review.CreateKey(ctx, a.db, auth.CLI, "sync", auth.RoleReviewer, "")
	if err != nil {
		t.Fatal(err)
	}
	check("staff", collect(staffKey), map[string]string{"dublette": "MERGED", "sommerfest": "REMOVED",
		"entwurf": "REMOVED", "abgelehnt": "REMOVED", "anerkennung": "CANCELLED"})

	// Later: an older event is edited; only it appears.
	if _, err := a.db.Exec(ctx, `UPDATE events SET created_at = created_at - interval '2 days', updated_at = updated_at - interval '2 days'`); err != nil {
		t.Fatal(err)
	}
	mark := time.Now().Add(-time.Second)
	if _, err := a.db.Exec(ctx, `UPDATE events SET title = 'Zwischenraum – Sondersendung', updated_at = now() WHERE id = $1`, a.ids["radio"]); err != nil {
		t.Fatal(err)
	}
	var f feed
	a.query(t, q, map[string]any{"since": mark.Format(time.RFC3339Nano)}, &f)
	if e := f.EventsChanged.Edges; len(e) != 1 || e[0].Node.Kind != "UPDATED" || e[0].Node.Event.Title != "Zwischenraum – Sondersendung" {
		t.Errorf("changes since the edit: %+v", e)
	}
}

func TestErrorsAndLimits(t *testing.T) {
	t.Parallel()
	a := setup(t)
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"page too large", eventsQuery, map[string]any{"first": 101}, "BAD_USER_INPUT"},
		{"page zero", eventsQuery, map[string]any{"first": 0}, "BAD_USER_INPUT"},
		{"unknown region", eventsQuery, map[string]any{"filter": map[string]any{"regions": []string{"atlantis"}}}, "BAD_USER_INPUT"},
		{"malformed cursor", eventsQuery, map[string]any{"after": "xyz"}, "BAD_USER_INPUT"},
		{"to before from", eventsQuery, map[string]any{"filter": map[string]any{"from": "2026-03-10T00:00:00Z", "to": "2026-03-01T00:00:00Z"}}, "BAD_USER_INPUT"},
		{"bad date", eventsQuery, map[string]any{"filter": map[string]any{"from": "next tuesday"}}, "BAD_USER_INPUT"},
		{"bad enum", eventsQuery, map[string]any{"orderBy": "SHUFFLE"}, "GRAPHQL_VALIDATION_FAILED"},
		{"syntax", `{ events { `, nil, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ events { nope } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"too deep", deepQuery(6), nil, "DEPTH_LIMIT_EXCEEDED"},
		{"too complex", `{ events(first: 100) { edges { node { sources { source { name region { name } } } series { events { title sources { url } } } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if c := a.code(t, tc.query, tc.vars); c != tc.code {
				t.Errorf("code %q, want %s", c, tc.code)
			}
		})
	}
	// Introspection (GraphiQL's schema query) passes the limits.
	var d struct {
		Schema struct{ Types []struct{ Name string } }
	}
	a.query(t, `{ schema: __schema { types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }`, nil, &d)
	if len(d.Schema.Types) < 20 {
		t.Errorf("introspection: %d types", len(d.Schema.Types))
	}
}

func TestPersistedQueries(t *testing.T) {
	t.Parallel()
	a := setup(t)
	q := `{ regions { slug } }`
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	r := a.do(t, map[string]any{"extensions": ext})
	if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: %+v", r.Errors)
	}
	if r = a.do(t, map[string]any{"query": q, "extensions": ext}); len(r.Errors) > 0 {
		t.Fatalf("register: %+v", r.Errors)
	}
	// A GET with the hash alone now answers (cacheable by CDNs).
	extJSON, _ := json.Marshal(ext)
	resp, err := http.Get(a.url + "?extensions=" + url.QueryEscape(string(extJSON)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"slug":"leipzig"`) {
		t.Errorf("GET by hash: %d %s", resp.StatusCode, body)
	}
}

func TestGraphiQLAndCORS(t *testing.T) {
	t.Parallel()
	a := setup(t)
	req, _ := http.NewRequest("GET", a.url, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(body)), "graphiql") {
		t.Errorf("GraphiQL: %d", resp.StatusCode)
	}
	// A GET query from a program still gets JSON.
	resp, err = http.Get(a.url + "?query=" + url.QueryEscape("{ health }"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(bytes.TrimSpace(body)) != `{"data":{"health":"ok"}}` {
		t.Errorf("GET query: %s", body)
	}

	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", a.url, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := preflight("https://partner.example"); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://partner.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("allowed origin: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("https://evil.example"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", r.Header)
	}
}

// deepQuery nests series { events } n times inside an events query.
func deepQuery(n int) string {
	nest := "id"
	for range n {
		nest = "series { events { " + nest + " } }"
	}
	return "{ events(first: 1) { edges { node { " + nest + " } } } }"
}
