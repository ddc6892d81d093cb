package admin

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestTabCounts: the open and all tabs are sums of the per-state counts,
// the same on every call (they once depended on map iteration order).
func TestTabCounts(t *testing.T) {
	cases := []struct {
		name string
		in   map[string]int
		want map[string]int
	}{
		{"empty", map[string]int{}, map[string]int{"": 0, "all": 0}},
		{"open only", map[string]int{"new": 3, "changed": 2},
			map[string]int{"new": 3, "changed": 2, "": 5, "all": 5}},
		{"every state", map[string]int{"new": 40, "changed": 9, "vanished": 1, "published": 30, "rejected": 9},
			map[string]int{"new": 40, "changed": 9, "vanished": 1, "published": 30, "rejected": 9, "": 50, "all": 89}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := maps.Clone(c.in)
			for range 50 { // map order differs between calls: each must agree
				if got := tabCounts(c.in); !maps.Equal(got, c.want) {
					t.Fatalf("tabCounts(%v) = %v, want %v", c.in, got, c.want)
				}
			}
			if !maps.Equal(in, c.in) {
				t.Errorf("tabCounts changed its argument: %v", c.in)
			}
		})
	}
}

// TestDisplayNames: the German UI names regions, languages, topics and
// audit actions instead of showing their codes.
func TestDisplayNames(t *testing.T) {
	cases := []struct{ got, want string }{
		{rawText("de", "region", []byte(`"leipzig"`)), "Leipzig"},
		{rawText("de", "languages", []byte(`["de","ar"]`)), "Deutsch, Arabisch"},
		{rawText("de", "topics", []byte(`["antidiscrimination"]`)), "Antidiskriminierung & Antirassismus"},
		{rawText("en", "topics", []byte(`["antidiscrimination"]`)), "Anti-discrimination & anti-racism"},
		{actionLabel("de", "event.approve"), "Termin freigegeben"},
		{actionLabel("de", "something.new"), "something.new"},
		{regionLabel("de", "saechsische-schweiz-osterzgebirge"), "Landkreis Sächsische Schweiz-Osterzgebirge"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestFormValuesPickers: the pickers send one value per checkbox, the
// free-text field comma-separated codes; together they are the list, and
// unchecking everything clears it.
func TestFormValuesPickers(t *testing.T) {
	cases := []struct {
		form       url.Values
		langs, top string
	}{
		{url.Values{"f.languages": {"de", "ar", "xx, YY"}, "f.topics": {"", "health", "youth"}}, `["de","ar","xx","yy"]`, `["health","youth"]`},
		{url.Values{"f.languages": {""}, "f.topics": {""}}, `[]`, `[]`},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		got, err := formValues(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got["languages"]) != c.langs || string(got["topics"]) != c.top {
			t.Errorf("%v: languages %s, topics %s; want %s, %s", c.form, got["languages"], got["topics"], c.langs, c.top)
		}
	}
}

func TestRecurrenceText(t *testing.T) {
	cases := []struct{ lang, rule, want string }{
		{"de", "FREQ=MONTHLY;BYDAY=1WE;COUNT=12", "monatlich, am 1. Mittwoch, 12-mal"},
		{"en", "FREQ=MONTHLY;BYDAY=1WE;COUNT=12", "monthly, on 1st Wednesday, 12 times"},
		{"de", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20260629", "alle 2 Wochen, am Montag, Donnerstag, bis 29.06.2026"},
		{"de", "FREQ=MONTHLY;BYDAY=-1FR", "monatlich, am letzten Freitag"},
		{"de", "FREQ=SECONDLY", "FREQ=SECONDLY"},
		{"de", "", ""},
	}
	for _, c := range cases {
		if got := recurrenceText(c.lang, c.rule); got != c.want {
			t.Errorf("recurrenceText(%q, %q) = %q, want %q", c.lang, c.rule, got, c.want)
		}
	}
}
