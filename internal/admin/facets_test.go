package admin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// changingSite is one partner page whose text the test changes between
// crawls.
type changingSite struct {
	mu   sync.Mutex
	text string
}

func (s *changingSite) set(text string) { s.mu.Lock(); s.text = text; s.mu.Unlock() }

func (s *changingSite) source(t *testing.T) source.Source {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="de"><body><h1>Elterncafé für Familien</h1><div class="entry"><p>`+s.text+`</p></div></body></html>`)
	}))
	t.Cleanup(srv.Close)
	src := source.Source{ID: "elterncafe", Name: "Elterncafé", URL: srv.URL + "/", Fields: source.Fields{Title: "h1", Body: ".entry"},
		Region: "leipzig", Languages: []string{"de"}, Publish: "review", AllowPrivate: true}
	src.ApplyDefaults()
	if err := src.Validate(); err != nil {
		t.Fatal(err)
	}
	return src
}

// TestFacetEditSurvivesRecrawl: staff set free (no), access and audience
// on the edit form; a re-crawl of the changed page brings the source's
// changes but keeps staff's values, in the draft and in the facet columns
// the filters read. A form sent back unchanged adds no override.
func TestFacetEditSurvivesRecrawl(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	site := &changingSite{text: "Am Dienstag, 8. Juni 2021, 16 Uhr, im Haus der Demokratie, Bernhard-Göring-Straße 152, 04277 Leipzig. Der Eintritt ist frei. Für junge Menschen und Eltern."}
	src := site.source(t)
	crawl := func(wantUpdated int) {
		t.Helper()
		for _, rep := range f.pipe.CrawlAll(ctx, []source.Source{src}, 1) {
			if rep.Status == "failed" || rep.EventsNew+rep.EventsUpdated != wantUpdated {
				t.Fatalf("crawl: %+v, want %d event(s) new or updated", rep, wantUpdated)
			}
		}
	}
	crawl(1)
	var id int64
	if err := f.pool.QueryRow(ctx, `SELECT id FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ev := strconv.FormatInt(id, 10)
	facetsOf := func() (free *bool, audience, access []string) {
		t.Helper()
		if err := f.pool.QueryRow(ctx, `SELECT cost_free, audience, access FROM events WHERE id = $1`, id).Scan(&free, &audience, &access); err != nil {
			t.Fatal(err)
		}
		return
	}
	if free, audience, _ := facetsOf(); free == nil || !*free || !slices.Equal(audience, []string{"parents", "youth"}) {
		t.Fatalf("normaliser: free %v audience %v; want free, parents and youth", free, audience)
	}

	b := f.browser(t)
	b.login("r@example.org", f.user(t, "r@example.org", auth.RoleReviewer))
	_, page := b.get("/admin/events/" + ev)
	for _, want := range []string{
		`<legend>Zielgruppe</legend>`, `<input type="hidden" name="f.audience.shown" value="parents,youth">`,
		`<input type="checkbox" name="f.audience" value="youth" checked> Jugendliche`,
		`<input type="checkbox" name="f.audience" value="women"> Frauen`,
		`<legend>Barrierefreiheit &amp; Unterstützung</legend>`,
		`<input type="checkbox" name="f.access" value="childcare"> Kinderbetreuung`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}

	// The form as shown: no override.
	form := url.Values{"f.audience": {"", "youth", "parents"}, "f.audience.shown": {"parents,youth"},
		"f.access": {""}, "f.access.shown": {""}}
	if res, body := b.post("/admin/events/"+ev+"/edit", form, nil); res.StatusCode >= 400 {
		t.Fatalf("edit: %d %.300s", res.StatusCode, body)
	}
	if os, _ := store.Overrides(ctx, f.pool, id); len(os) != 0 {
		t.Errorf("an unchanged form made overrides %+v", os)
	}
	// A value no filter knows is refused.
	bad := url.Values{"f.access": {"teleport"}, "f.access.shown": {""}}
	if res, _ := b.post("/admin/events/"+ev+"/edit", bad, nil); res.StatusCode < 400 {
		t.Errorf("access=teleport: %d, want an error", res.StatusCode)
	}

	form = url.Values{"f.cost_free": {"no"}, "f.audience": {"", "women"}, "f.audience.shown": {"parents,youth"},
		"f.access": {"", "childcare", "interpreting"}, "f.access.shown": {""}}
	if res, body := b.post("/admin/events/"+ev+"/edit", form, nil); res.StatusCode >= 400 {
		t.Fatalf("edit: %d %.300s", res.StatusCode, body)
	}
	check := func(when string) {
		t.Helper()
		free, audience, access := facetsOf()
		if free == nil || *free || !slices.Equal(audience, []string{"women"}) || !slices.Equal(access, []string{"childcare", "interpreting"}) {
			t.Errorf("%s: free %v audience %v access %v; want staff's false, [women], [childcare interpreting]", when, free, audience, access)
		}
	}
	check("after the edit")

	site.set("Am Dienstag, 8. Juni 2021, 17 Uhr, im Haus der Demokratie, Bernhard-Göring-Straße 152, 04277 Leipzig. Der Eintritt ist frei. Für junge Menschen und Eltern.")
	crawl(1)
	check("after the re-crawl")
	got, err := store.GetEvent(ctx, f.pool, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Draft.Start.Hour() != 17 {
		t.Errorf("the source's new time did not come through: %s", got.Draft.Start)
	}
	os, err := store.Overrides(ctx, f.pool, id)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, o := range os {
		fields = append(fields, o.Field)
	}
	if !slices.Equal(fields, []string{"cost_free", "audience", "access"}) {
		t.Errorf("overrides %v", fields)
	}
	// The queue's facet filters see staff's values.
	for _, c := range []struct {
		query  string
		listed bool
	}{
		{"", true},
		{"access=childcare", true},
		{"access=easy_language", false},
		{"free=0", true},
		{"free=1", false},
		{"audience=women&access=interpreting", true},
		{"audience=youth", false},
	} {
		res, page := b.get("/admin/?state=all&" + c.query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("queue %s: %d", c.query, res.StatusCode)
		}
		if got := strings.Contains(page, `data-id="`+ev+`"`); got != c.listed {
			t.Errorf("queue %s lists the event: %v, want %v", c.query, got, c.listed)
		}
	}
	if _, page := b.get("/admin/?state=all&free=0&access=childcare"); !strings.Contains(page, `<option value="0" selected>with a fee</option>`) &&
		!strings.Contains(page, `<option value="0" selected>kostenpflichtig</option>`) {
		t.Errorf("the queue's free filter does not show the choice")
	}
	if res, _ := b.get("/admin/?access=teleport"); res.StatusCode < 400 {
		t.Errorf("queue access=teleport: %d, want an error", res.StatusCode)
	}
	// The form now shows staff's values.
	_, page = b.get("/admin/events/" + ev)
	if !strings.Contains(page, `<input type="checkbox" name="f.access" value="childcare" checked> Kinderbetreuung`) {
		t.Errorf("edit form does not tick staff's childcare")
	}
}
