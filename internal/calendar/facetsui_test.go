package calendar

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
)

// TestJSONFacets: every event of the JSON feed carries the facets of the
// registry that are not native fields (free, registration, audience,
// access), the languages interpreting is into, and the announcement's
// language.
func TestJSONFacets(t *testing.T) {
	e := setupFacets(t, Options{})
	var feed struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal(mustStatus(t, e.get(t, "/calendar.json?limit=50"), http.StatusOK), &feed); err != nil {
		t.Fatal(err)
	}
	byUID := map[string]map[string]any{}
	for _, ev := range feed.Events {
		byUID[ev["uid"].(string)] = ev
	}
	cases := []struct {
		uid, field string
		want       any
	}{
		{"tp-sprachcafe", "free", true},
		{"tp-sprachcafe", "registration", false},
		{"tp-sprachcafe", "audience", []any{"youth"}},
		{"tp-sprachcafe", "access", []any{"childcare"}},
		{"tp-sprachcafe", "content_lang", "de"},
		{"tp-mo-treffen", "registration", true},
		{"tp-mo-treffen", "access", []any{"barrier_free"}},
		{"tp-anerkennung", "free", false},
		{"tp-anerkennung", "access", []any{"interpreting", "sign_language"}},
		{"tp-anerkennung", "interpreting", []any{"ar", "fa"}},
		{"tp-aktionstag", "free", nil}, // unknown: absent
		{"tp-aktionstag", "audience", []any{}},
		{"tp-aktionstag", "interpreting", nil},
	}
	for _, c := range cases {
		ev, ok := byUID[c.uid]
		if !ok {
			t.Fatalf("%s not in the feed", c.uid)
		}
		got, has := ev[c.field]
		if c.want == nil {
			if has {
				t.Errorf("%s: %s = %v, want absent", c.uid, c.field, got)
			}
			continue
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(c.want)
		if string(g) != string(w) {
			t.Errorf("%s: %s = %s, want %s", c.uid, c.field, g, w)
		}
	}
	// The feed is named after every facet chosen.
	var named struct{ Title string }
	if err := json.Unmarshal(mustStatus(t, e.get(t, "/calendar.json?region=chemnitz&free=1&access=childcare"), http.StatusOK), &named); err != nil {
		t.Fatal(err)
	}
	if named.Title != "Treffpunkt – Chemnitz · kostenfrei · Kinderbetreuung" {
		t.Errorf("feed title %q", named.Title)
	}
	for _, native := range []string{"region", "language", "topic"} {
		if _, has := byUID["tp-sprachcafe"][native]; has {
			t.Errorf("the feed repeats the native facet %s", native)
		}
	}
}

// TestICSFacets: the facets' slugs as X-TREFFPUNKT-* properties, the
// access offers in the description.
func TestICSFacets(t *testing.T) {
	e := setupFacets(t, Options{})
	cal := parse(t, mustStatus(t, e.get(t, "/calendar.ics?access=interpreting"), http.StatusOK))
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want tp-anerkennung only", len(evs))
	}
	ev := evs[0]
	var access []string
	for _, p := range ev.Props["X-TREFFPUNKT-ACCESS"] {
		access = append(access, p.Value)
	}
	if !slices.Equal(access, []string{"interpreting", "sign_language"}) {
		t.Errorf("X-TREFFPUNKT-ACCESS %q", access)
	}
	if p := ev.Props.Get("X-TREFFPUNKT-FREE"); p == nil || p.Value != "false" {
		t.Errorf("X-TREFFPUNKT-FREE %v", p)
	}
	desc := text(t, ev, goical.PropDescription)
	if !strings.Contains(desc, "\nBarrierefreiheit & Unterstützung: Dolmetschung: Arabisch, Persisch (Farsi/Dari), Gebärdensprache\n") {
		t.Errorf("description lacks the access offers: %q", desc)
	}
}

// TestAtomFacets: the badges as Atom categories, "facet:value" with the
// label in the feed's language.
func TestAtomFacets(t *testing.T) {
	e := setupFacets(t, Options{})
	b := string(mustStatus(t, e.get(t, "/calendar.atom?access=interpreting&lang=en"), http.StatusOK))
	for _, want := range []string{
		`<category term="free:true"`, // absent: tp-anerkennung is not free
		`<category term="access:interpreting" label="interpreting: Arabic, Persian (Farsi/Dari)"></category>`,
		`<category term="access:sign_language" label="sign language"></category>`,
	} {
		if got := strings.Contains(b, want); got != (want != `<category term="free:true"`) {
			t.Errorf("atom has %s: %v", want, got)
		}
	}
}

// badgeRE finds the badges of a page.
var badgeRE = regexp.MustCompile(`<li class="offer" data-facet="(\w+)" data-value="(\w+)">([^<]*)</li>`)

func pageBadges(b []byte) []string {
	var out []string
	for _, m := range badgeRE.FindAllSubmatch(b, -1) {
		out = append(out, string(m[3]))
	}
	return out
}

// TestPageBadges: the badges of list items and event pages, in the page's
// language; interpreting names its languages.
func TestPageBadges(t *testing.T) {
	e := setupFacets(t, Options{})
	cases := []struct {
		name, path string
		want       []string
	}{
		{"list de", "/?free=1&access=childcare", []string{"kostenfrei", "Kinderbetreuung"}},
		{"list en", "/?free=1&access=childcare&lang=en", []string{"free of charge", "childcare"}},
		{"list ar", "/?free=1&access=childcare&lang=ar", []string{"مجاني", "رعاية الأطفال"}},
		{"event registration", "/events/" + itoa(e.ids["tp-mo-treffen"]), []string{"kostenfrei", "Anmeldung nötig", "barrierefrei"}},
		{"event interpreting", "/events/" + itoa(e.ids["tp-anerkennung"]), []string{"Dolmetschung: Arabisch, Persisch (Farsi/Dari)", "Gebärdensprache"}},
		{"event interpreting uk", "/events/" + itoa(e.ids["tp-anerkennung"]) + "?lang=uk", []string{"усний переклад: арабська, перська", "жестова мова"}},
		{"embed", "/embed?access=sign_language", []string{"Dolmetschung: Arabisch, Persisch (Farsi/Dari)", "Gebärdensprache"}},
		{"no facets", "/events/" + itoa(e.ids["tp-aktionstag"]), nil},
		{"partner page", "/partners/kulturbuero", []string{"Dolmetschung: Arabisch, Persisch (Farsi/Dari)", "Gebärdensprache"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := mustStatus(t, e.get(t, c.path), http.StatusOK)
			if got := pageBadges(b); !slices.Equal(got, c.want) {
				t.Errorf("badges %q, want %q", got, c.want)
			}
			if len(c.want) > 0 && !strings.Contains(c.path, "lang=") && !strings.Contains(string(b), `<ul class="badges" aria-label="Angebote">`) {
				t.Errorf("the badges' list has no label")
			}
		})
	}
}

// TestFilterFormFacets: the front page's form has a control for every
// facet of the registry, with counts within the other filters, and shows
// what the URL chose.
func TestFilterFormFacets(t *testing.T) {
	e := setupFacets(t, Options{})
	cases := []struct {
		query string
		want  []string // fragments of the form
		not   []string
	}{
		{"", []string{
			`<fieldset class="field facet" id="f-free">`, `<legend>Kosten</legend>`,
			`<input type="radio" name="free" value="" checked> egal`,
			`<input type="radio" name="free" value="1"> <bdi>kostenfrei</bdi> <span class="count">(2)</span>`,
			`<input type="radio" name="free" value="0"> <bdi>kostenpflichtig</bdi> <span class="count">(1)</span>`,
			`<input type="radio" name="registration" value="1"> <bdi>Anmeldung nötig</bdi> <span class="count">(1)</span>`,
			`<legend>Zielgruppe</legend>`,
			`<input type="checkbox" name="audience" value="youth"> <bdi>Jugendliche</bdi> <span class="count">(1)</span>`,
			`<input type="checkbox" name="audience" value="women"> <bdi>Frauen</bdi> <span class="count">(0)</span>`,
			`<input type="checkbox" name="access" value="interpreting"> <bdi>Dolmetschung</bdi> <span class="count">(1)</span>`,
			`<select id="f-region" name="region">`, `<select id="f-language" name="language">`, `<select id="f-topic" name="topic">`,
		}, nil},
		// Counts within the other filters: with free=1, the access counts
		// are of free events only; free's own counts stay.
		{"free=1", []string{
			`<input type="radio" name="free" value="1" checked> <bdi>kostenfrei</bdi> <span class="count">(2)</span>`,
			`<input type="radio" name="free" value="0"> <bdi>kostenpflichtig</bdi> <span class="count">(1)</span>`,
			`<input type="checkbox" name="access" value="interpreting"> <bdi>Dolmetschung</bdi> <span class="count">(0)</span>`,
			`<input type="checkbox" name="access" value="childcare"> <bdi>Kinderbetreuung</bdi> <span class="count">(1)</span>`,
		}, []string{`name="free" value="" checked`}},
		{"registration=0", []string{`<input type="radio" name="registration" value="0" checked>`}, nil},
		{"audience=youth&audience=multipliers", []string{
			`<input type="checkbox" name="audience" value="youth" checked>`,
			`<input type="checkbox" name="audience" value="multipliers" checked>`,
		}, nil},
		{"access=barrier_free,childcare", []string{
			`<input type="checkbox" name="access" value="barrier_free" checked>`,
			`<input type="checkbox" name="access" value="childcare" checked>`,
		}, nil},
		{"lang=fa", []string{`<legend>هزینه</legend>`, `<bdi>رایگان</bdi>`}, nil},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			s := string(mustStatus(t, e.get(t, "/?"+c.query), http.StatusOK))
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("form lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(s, n) {
					t.Errorf("form has %s", n)
				}
			}
		})
	}
	// The snippet for partners writes the facets as the widget's attributes.
	s := string(mustStatus(t, e.get(t, "/?free=1&access=childcare&registration=0"), http.StatusOK))
	if !strings.Contains(s, `free=&#34;1&#34; registration=&#34;0&#34; access=&#34;childcare&#34;`) {
		t.Errorf("widget snippet lacks the facets: %s", s[strings.Index(s, `<textarea id="snippet"`):][:300])
	}
}
