package calendar

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func tm(t time.Time) *time.Time { return &t }

// searchIDs pages through the search API as the GraphQL events query does.
func searchIDs(t *testing.T, s search.Searcher, f search.Filter) []int64 {
	t.Helper()
	var ids []int64
	after := ""
	for {
		res, err := s.Search(context.Background(), f, search.Page{First: 3, After: after}, search.StartAsc)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.Event.ID)
		}
		if !res.HasNext {
			return ids
		}
		after = res.EndCursor
	}
}

// TestFeedMatchesSearch: the .ics feed for URL filters holds exactly the
// events the search API (which GraphQL calls) returns for the same filter,
// in the same order — and those are the events the fixtures say.
func TestFeedMatchesSearch(t *testing.T) {
	e := setup(t, Options{})
	today := berlin(2026, 3, 1, 0, 0)
	cases := []struct {
		query  string
		filter search.Filter
		want   []string
	}{
		{"", search.Filter{From: tm(today)},
			[]string{"tp-laeuft", "tp-sprachcafe", "tp-mo-treffen", "tp-lang", "tp-wochen", "tp-radio", "tp-anerkennung", "tp-wochenende", "tp-aktionstag"}},
		{"region=leipzig", search.Filter{From: tm(today), Regions: []string{"leipzig"}},
			[]string{"tp-laeuft", "tp-mo-treffen", "tp-wochen"}},
		{"region=leipzig&region=goerlitz&language=ar", search.Filter{From: tm(today), Regions: []string{"leipzig", "goerlitz"}, Languages: []string{"ar"}},
			[]string{"tp-laeuft", "tp-mo-treffen", "tp-lang", "tp-anerkennung"}},
		{"topic=antidiscrimination,counselling", search.Filter{From: tm(today), Topics: []string{"antidiscrimination", "counselling"}},
			[]string{"tp-wochen", "tp-anerkennung", "tp-aktionstag"}},
		{"q=Sprachcaf%C3%A9", search.Filter{From: tm(today), Query: "Sprachcafé"},
			[]string{"tp-sprachcafe", "tp-lang"}},
		{"online=yes", search.Filter{From: tm(today), Online: "yes"},
			[]string{"tp-wochen", "tp-radio"}},
		{"source=zwischenraum", search.Filter{From: tm(today), Sources: []string{"zwischenraum"}},
			[]string{"tp-wochen", "tp-radio"}},
		{"from=2026-03-15&to=2026-03-24", search.Filter{From: tm(berlin(2026, 3, 15, 0, 0)), To: tm(berlin(2026, 3, 25, 0, 0))},
			[]string{"tp-wochen", "tp-radio", "tp-anerkennung"}},
		{"from=2026-03-10T18:00:00%2B01:00&to=2026-03-12T18:00", search.Filter{From: tm(berlin(2026, 3, 10, 18, 0)), To: tm(berlin(2026, 3, 12, 18, 0))},
			[]string{"tp-mo-treffen"}},
		{"from=2025-01-01&region=chemnitz", search.Filter{From: tm(berlin(2025, 1, 1, 0, 0)), Regions: []string{"chemnitz"}},
			[]string{"tp-vorbei", "tp-sprachcafe"}},
		{"region=nordsachsen", search.Filter{From: tm(today), Regions: []string{"nordsachsen"}}, nil},
	}
	s := search.NewPostgres(e.pool)
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			b := mustStatus(t, e.get(t, "/calendar.ics?"+c.query), http.StatusOK)
			checkLines(t, b)
			var feed []int64
			for _, ev := range parse(t, b).Events() {
				uid := ev.Props.Get(goical.PropUID).Value
				id, ok := e.ids[uid]
				if !ok {
					t.Fatalf("feed has unknown UID %q", uid)
				}
				feed = append(feed, id)
			}
			api := searchIDs(t, s, c.filter)
			if !slices.Equal(feed, api) {
				t.Errorf("feed %v, search %v", e.names(feed), e.names(api))
			}
			if got := e.names(feed); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("feed has %v, want %v", got, c.want)
			}
		})
	}
}

func (e *env) names(ids []int64) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, e.keys[id])
	}
	return out
}

// TestFeedImportsInClient reads the whole feed as a calendar app would and
// compares what it would show with the stored events: the same UIDs,
// titles, times, sequences and states; nothing unpublished, merged or over.
func TestFeedImportsInClient(t *testing.T) {
	e := setup(t, Options{})
	b := mustStatus(t, e.get(t, "/calendar.ics"), http.StatusOK)
	cal := parse(t, b)
	got := eventsByUID(cal)
	for _, hidden := range []string{"tp-entwurf", "tp-abgelehnt", "tp-dublette", "tp-vorbei", "tp-gestern"} {
		if _, ok := got[hidden]; ok {
			t.Errorf("feed shows %s", hidden)
		}
	}
	if len(got) != 9 {
		t.Errorf("%d events in the feed, want 9", len(got))
	}
	for uid, ev := range got {
		stored, err := store.GetEvent(context.Background(), e.pool, e.ids[uid])
		if err != nil {
			t.Fatal(err)
		}
		checkEvent(t, stored, ev)
	}
	// The source of an event is the announcement it came from.
	if d := text(t, got["tp-radio"], goical.PropDescription); !strings.Contains(d, "Quelle: https://zwischenraum.example/veranstaltungen/tp-radio") {
		t.Errorf("tp-radio description lacks its source: %q", d)
	}
	if bytes.Contains(b, []byte("m.haddad@example.org")) || bytes.Contains(b, []byte("Haddad")) {
		t.Error("feed publishes contact data")
	}
}

// TestFeedValidators: ETag and Last-Modified, 304 for a current copy, a new
// ETag once an event changes, a different one for gzip.
func TestFeedValidators(t *testing.T) {
	e := setup(t, Options{})
	r := e.get(t, "/calendar.ics?region=leipzig")
	mustStatus(t, r, http.StatusOK)
	etag, lm := r.Header.Get("ETag"), r.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "public, no-cache" { // revalidated: approvals show at once
		t.Errorf("Cache-Control %q", cc)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	r = e.get(t, "/calendar.ics?region=leipzig", "If-None-Match", etag)
	if b := body(t, r); r.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304", r.StatusCode, len(b))
	}
	r = e.get(t, "/calendar.ics?region=leipzig", "If-Modified-Since", lm)
	if r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d, want 304", r.StatusCode)
	}
	// The same filter written differently is the same feed.
	if r := e.get(t, "/calendar.ics?region=Leipzig,", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("equivalent URL: %d, want 304", r.StatusCode)
	}
	if r := e.get(t, "/calendar.ics?region=dresden", "If-None-Match", etag); r.StatusCode != http.StatusOK {
		t.Errorf("other filter: %d, want 200", r.StatusCode)
	}
	gz := e.get(t, "/calendar.ics?region=leipzig", "Accept-Encoding", "gzip")
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("ETag") == etag {
		t.Errorf("gzip: encoding %q, ETag %q (plain %q)", gz.Header.Get("Content-Encoding"), gz.Header.Get("ETag"), etag)
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	checkLines(t, plain)

	// An organiser cancels: the feed changes and so does its ETag.
	id := e.ids["tp-wochen"]
	ev, err := store.GetEvent(context.Background(), e.pool, id)
	if err != nil {
		t.Fatal(err)
	}
	seq := ev.Sequence
	ev.Draft.Status = event.StatusCancelled
	if _, err := store.WriteEvent(context.Background(), e.pool, id, ev.Draft); err != nil {
		t.Fatal(err)
	}
	r = e.get(t, "/calendar.ics?region=leipzig", "If-None-Match", etag)
	b := mustStatus(t, r, http.StatusOK)
	if r.Header.Get("ETag") == etag {
		t.Error("ETag unchanged after an event changed")
	}
	got := eventsByUID(parse(t, b))["tp-wochen"]
	if s, _ := got.Status(); s != goical.EventCancelled {
		t.Errorf("cancelled event has STATUS %q", s)
	}
	if got, _ := got.Props.Get(goical.PropSequence).Int(); got != seq+1 {
		t.Errorf("SEQUENCE %d after the change, want %d", got, seq+1)
	}
}

// TestFeedDefaultFromMovesAtMidnight: a feed that starts "today" is a
// different feed tomorrow even when no event changed.
func TestFeedDefaultFromMovesAtMidnight(t *testing.T) {
	clock := now
	e := setup(t, Options{Now: func() time.Time { return clock }})
	r := e.get(t, "/calendar.ics")
	b1 := mustStatus(t, r, http.StatusOK)
	etag := r.Header.Get("ETag")
	clock = berlin(2026, 3, 11, 8, 0)
	r = e.get(t, "/calendar.ics", "If-None-Match", etag)
	b2 := mustStatus(t, r, http.StatusOK)
	if n1, n2 := len(parse(t, b1).Events()), len(parse(t, b2).Events()); n2 >= n1 {
		t.Errorf("events on 11 March: %d, on 1 March: %d; want fewer", n2, n1)
	}
}

func TestFeedRejectsBadFilters(t *testing.T) {
	e := setup(t, Options{})
	for _, q := range []string{"region=atlantis", "from=gestern", "to=2026-13-01", "online=vielleicht", "from=2026-04-01&to=2026-03-01", "limit=-3", "q=" + strings.Repeat("x", 201)} {
		for _, path := range []string{"/calendar.ics", "/calendar.json", "/calendar.atom"} {
			r := e.get(t, path+"?"+q)
			if b := body(t, r); r.StatusCode != http.StatusBadRequest {
				t.Errorf("%s?%s: %d %s, want 400", path, q, r.StatusCode, b)
			}
		}
	}
}

// jsonFeed is the documented JSON shape, as a client reads it.
type jsonFeed struct {
	Version string      `json:"version"`
	Title   string      `json:"title"`
	Home    string      `json:"home_page_url"`
	ICS     string      `json:"ics_url"`
	Webcal  string      `json:"webcal_url"`
	Events  []jsonEvent `json:"events"`
	Labels  map[string]map[string]string
}

func TestJSONFeed(t *testing.T) {
	e := setup(t, Options{})
	b := mustStatus(t, e.get(t, "/calendar.json?region=leipzig&region=goerlitz&language=ar&limit=3&lang=en"), http.StatusOK)
	var f jsonFeed
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if f.Version != "treffpunkt-calendar/1" || f.Title != "Treffpunkt – Leipzig · Görlitz District · Arabic" {
		t.Errorf("version %q, title %q", f.Version, f.Title)
	}
	if f.ICS != testBase+"/calendar.ics?language=ar&region=leipzig&region=goerlitz" ||
		f.Webcal != "webcal://treffpunkt.example/calendar.ics?language=ar&region=leipzig&region=goerlitz" {
		t.Errorf("ics_url %q, webcal_url %q", f.ICS, f.Webcal)
	}
	var uids []string
	for _, ev := range f.Events {
		uids = append(uids, ev.UID)
	}
	if !slices.Equal(uids, []string{"tp-laeuft", "tp-mo-treffen", "tp-lang"}) {
		t.Errorf("events %v", uids)
	}
	laeuft, treffen := f.Events[0], f.Events[1]
	if laeuft.Start != "2026-02-20" || laeuft.End != "2026-03-08" || !laeuft.AllDay {
		t.Errorf("all-day event: start %q end %q all_day %v", laeuft.Start, laeuft.End, laeuft.AllDay)
	}
	if treffen.Start != "2026-03-10T17:00:00+01:00" || treffen.End != "2026-03-10T19:30:00+01:00" {
		t.Errorf("timed event: start %q end %q", treffen.Start, treffen.End)
	}
	if treffen.Source == nil || treffen.Source.Name != "SAQsen! Werkstatt der Migrant*innenorganisationen" ||
		treffen.Source.URL != "https://saqsen.example/veranstaltungen/tp-mo-treffen" {
		t.Errorf("source %+v", treffen.Source)
	}
	if treffen.URL != testBase+"/events/"+itoa(e.ids["tp-mo-treffen"]) {
		t.Errorf("url %q", treffen.URL)
	}
	if f.Labels["languages"]["ar"] != "Arabic" || f.Labels["regions"]["goerlitz"] != "Görlitz District" || f.Labels["topics"]["culture_media"] != topicEN("culture_media") {
		t.Errorf("labels %v", f.Labels)
	}
	if bytes.Contains(b, []byte("haddad")) || bytes.Contains(b, []byte("1234567")) {
		t.Error("JSON publishes contact data")
	}
}

func TestAtomFeed(t *testing.T) {
	e := setup(t, Options{})
	r := e.get(t, "/calendar.atom?topic=antidiscrimination")
	b := mustStatus(t, r, http.StatusOK)
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Summary string `xml:"summary"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &feed); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if feed.Title != "Treffpunkt – "+topicDE("antidiscrimination") || feed.Updated == "" {
		t.Errorf("title %q, updated %q", feed.Title, feed.Updated)
	}
	var ids []string
	for _, en := range feed.Entries {
		ids = append(ids, en.ID)
	}
	if !slices.Equal(ids, []string{"tag:treffpunkt.example,2024:tp-wochen", "tag:treffpunkt.example,2024:tp-aktionstag"}) {
		t.Errorf("entries %v", ids)
	}
	if s := feed.Entries[1].Summary; s != "Sa., 28. März 2026 · Dresden" {
		t.Errorf("summary %q", s)
	}
}

func TestCORS(t *testing.T) {
	e := setup(t, Options{})
	for _, path := range []string{"/calendar.ics", "/calendar.json", "/calendar.atom", "/embed.js"} {
		r := e.get(t, path, "Origin", "https://verein.example")
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", path, got)
		}
		req, _ := http.NewRequest(http.MethodOptions, path, nil)
		req.Header.Set("Origin", "https://verein.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "if-none-match")
		req.RemoteAddr = "192.0.2.1:1"
		rec := newRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("%s preflight: %d %v", path, rec.Code, rec.Header())
		}
	}
	// The pages are not meant to be read by other sites' scripts.
	if got := e.get(t, "/", "Origin", "https://verein.example").Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("/ allows origin %q", got)
	}
}

func TestRateLimit(t *testing.T) {
	e := setup(t, Options{Rate: 1, Burst: 3})
	codes := []int{}
	for range 5 {
		codes = append(codes, e.get(t, "/embed.js").StatusCode)
	}
	if !slices.Equal(codes, []int{200, 200, 200, 429, 429}) {
		t.Errorf("statuses %v, want three 200 then 429", codes)
	}
	// Another client has its own bucket.
	req, _ := http.NewRequest(http.MethodGet, "/embed.js", nil)
	req.RemoteAddr = "198.51.100.7:5000"
	rec := newRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("second client: %d", rec.Code)
	}
}

// TestPatternsMount mounts the handler pattern by pattern on a mux beside
// other features, as the server does, and checks every route arrives.
func TestPatternsMount(t *testing.T) {
	e := setup(t, Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("graphql")) })
	for _, p := range Patterns {
		mux.Handle(p, e.h)
	}
	id := itoa(e.ids["tp-radio"])
	for path, want := range map[string]int{
		"/calendar.ics": 200, "/calendar.json": 200, "/calendar.atom": 200, "/embed.js": 200, "/embed": 200,
		"/": 200, "/events/" + id: 200, "/events/" + id + "/calendar.ics": 200, "/static/site.css": 200,
		"/healthz": 200, "/graphql": 200, "/nothing": 404, "/events/": 404,
	} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
	// HEAD answers with the headers only.
	req := httptest.NewRequest(http.MethodHead, "/calendar.ics", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
		t.Errorf("HEAD /calendar.ics: %d, %d bytes, ETag %q", rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
	}
	req = httptest.NewRequest(http.MethodPost, "/calendar.ics", nil)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /calendar.ics: %d", rec.Code)
	}
}

// topicDE and topicEN are a topic's names in the taxonomy the calendar
// shares with GraphQL; the tests follow its wording.
func topicDE(slug string) string { t, _ := search.TopicTerm(slug); return t.NameDE }
func topicEN(slug string) string { t, _ := search.TopicTerm(slug); return t.NameEN }
