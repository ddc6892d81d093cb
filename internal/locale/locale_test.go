package locale

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEveryKeyInEveryLanguage: each message file has exactly German's keys,
// and every plural message every form CLDR gives the language.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	want, err := Keys(Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range All() {
		got, err := Keys(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range want {
			if !slices.Contains(got, k) {
				t.Errorf("%s lacks %q", l.Code, k)
			}
		}
		for _, k := range got {
			if !slices.Contains(want, k) {
				t.Errorf("%s has %q, which German lacks", l.Code, k)
			}
		}
		written, needed, err := PluralForms(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		for k, need := range needed {
			for _, f := range need {
				if !slices.Contains(written[k], f) {
					t.Errorf("%s %q lacks the plural form %q (CLDR: %v)", l.Code, k, f, need)
				}
			}
		}
		for _, k := range want {
			if s := l.T(k); s == "" {
				t.Errorf("%s %q is empty", l.Code, k)
			}
		}
	}
}

func TestPlurals(t *testing.T) {
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"de", 1, "1 Termin"},
		{"de", 2, "2 Termine"},
		{"en", 1, "1 event"},
		{"en", 0, "0 events"},
		{"ar", 0, "لا توجد فعاليات"},
		{"ar", 1, "فعالية واحدة"},
		{"ar", 2, "فعاليتان"},
		{"ar", 3, "3 فعاليات"},
		{"ar", 11, "11 فعالية"},
		{"ar", 100, "100 فعالية"},
		{"ru", 1, "1 мероприятие"},
		{"ru", 3, "3 мероприятия"},
		{"ru", 5, "5 мероприятий"},
		{"ru", 21, "21 мероприятие"},
		{"uk", 1, "1 захід"},
		{"uk", 4, "4 заходи"},
		{"uk", 11, "11 заходів"},
		{"vi", 1, "1 sự kiện"},
	}
	for _, c := range cases {
		if got := Get(c.lang).N("results", c.n); got != c.want {
			t.Errorf("%s N(results, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestChoose(t *testing.T) {
	cases := []struct{ query, accept, want string }{
		{"", "", "de"},
		{"ar", "en", "ar"},
		{"AR-sy", "", "ar"},
		{"xx", "uk-UA,uk;q=0.9,en;q=0.5", "uk"},
		{"", "fa-IR", "fa"},
		{"", "fr-FR, en;q=0.3", "en"},
		{"", "ja", "de"},
		{"", strings.Repeat("en,", 300), "de"},
	}
	for _, c := range cases {
		if got := Choose(c.query, c.accept); got != c.want {
			t.Errorf("Choose(%q, %q) = %q, want %q", c.query, c.accept, got, c.want)
		}
	}
}

// TestDates: CLDR forms per language (a sample; the data is CLDR's).
func TestDates(t *testing.T) {
	when := time.Date(2026, 12, 9, 18, 30, 0, 0, time.UTC)
	cases := []struct{ lang, day, time string }{
		{"de", "Mittwoch, 9. Dezember 2026", "18:30"},
		{"en", "Wednesday, 9 December 2026", "18:30"},
		{"ar", "الأربعاء، 9 ديسمبر 2026", "6:30 م"},
		{"uk", "середа, 9 грудня 2026 р.", "18:30"},
		{"tr", "9 Aralık 2026 Çarşamba", "18:30"},
	}
	for _, c := range cases {
		l := Get(c.lang)
		if got := l.Day(when); got != c.day {
			t.Errorf("%s Day = %q, want %q", c.lang, got, c.day)
		}
		if got := l.Time(when); got != c.time {
			t.Errorf("%s Time = %q, want %q", c.lang, got, c.time)
		}
	}
	if Get("ar").Dir() != "rtl" || Get("fa").Dir() != "rtl" || Get("uk").Dir() != "ltr" {
		t.Error("writing directions")
	}
}
