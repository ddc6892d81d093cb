package phrases

import (
	"reflect"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	s := Compile([]string{"fortbildung", "*rassis", "ehe$", "junge menschen", "*€", "anmeldung", "anmeld"})
	tests := []struct {
		text string
		want []string // "id@start"
	}{
		{"fortbildungen für ehrenamtliche", []string{"0@0"}},
		{"eine weiterfortbildung", nil},
		{"antirassistische arbeit", []string{"1@4"}},
		{"die ehe und ehemalige", []string{"2@4"}},
		{"für junge\nmenschen", []string{"3@5"}},
		{"für junge  menschen", nil},
		{"eintritt 5€ oder 5 €", []string{"4@10", "4@21"}},
		{"online-anmeldung", []string{"6@7", "5@7"}},
		{"ümlaut-anmeldung ümlaut", []string{"6@8", "5@8"}},
	}
	for _, tt := range tests {
		var got []string
		s.Scan(tt.text, func(id, start, end int) {
			got = append(got, strings.Join([]string{string(rune('0' + id)), "@", itoa(start)}, ""))
			if end <= start || end > len(tt.text) {
				t.Errorf("bad end %d for %d in %q", end, start, tt.text)
			}
		})
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Scan(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if f := s.First("anmeldung und anmeldung"); f[5] != 0 || f[0] != -1 {
		t.Errorf("First = %v", f)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func FuzzScan(f *testing.F) {
	s := Compile([]string{"a", "*b", "c$", "a b", "ä", "*€", ""})
	f.Add("a b c ä € abc")
	f.Fuzz(func(t *testing.T, text string) {
		s.Scan(text, func(id, start, end int) {
			if start < 0 || end > len(text) || start >= end {
				t.Fatalf("%q: id %d at %d..%d", text, id, start, end)
			}
		})
	})
}

func BenchmarkScan(b *testing.B) {
	var pats []string
	for _, w := range strings.Fields("anmeldung kostenlos kostenfrei eintritt teilnahme abgesagt verschoben barrierefrei dolmetsch kinderbetreuung ehrenamt *rassis *diskriminier *beratung *gesundheit workshop seminar *fortbildung *weiterbildung netzwerk vernetz *austausch frauen *jugend famili eltern kinder *asyl flucht geflüchtet *film musik theater ausstellung förderung *finanzierung teilhabe *beteiligung politi *gesetz") {
		pats = append(pats, w)
	}
	s := Compile(pats)
	text := strings.Repeat("Die Werkstatt der Migrant*innenorganisationen ist ein Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen. Jeden Monat gibt es eine Fortbildung zu Fördermöglichkeiten. ", 8)
	text = strings.ToLower(text)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		s.Scan(text, func(int, int, int) {})
	}
}

func TestScripts(t *testing.T) {
	s := Compile([]string{"beratung", "консультац", "*استشارة", "ümlaut"})
	var got []int
	s.Scan("консультация – beratung „استشارة“ ümlaut", func(id, _, _ int) { got = append(got, id) })
	if !reflect.DeepEqual(got, []int{0, 3, 1, 2}) {
		t.Errorf("got %v, want Latin matches first, then the others", got)
	}
	got = nil
	s.Scan("beratung – „ümlaut“", func(id, _, _ int) { got = append(got, id) })
	if !reflect.DeepEqual(got, []int{0, 3}) {
		t.Errorf("got %v", got)
	}
}

// TestScriptsAfterASCII: the other-script automaton runs wherever in the
// text the first such letter is (the check skips ASCII eight bytes at a time).
func TestScriptsAfterASCII(t *testing.T) {
	s := Compile([]string{"консультац"})
	for pad := range 20 {
		for _, tail := range []string{"", " ok", " und mehr ascii text"} {
			text := strings.Repeat("a", pad) + " консультация" + tail
			n := 0
			s.Scan(text, func(int, int, int) { n++ })
			if n != 1 {
				t.Errorf("%q: %d matches, want 1", text, n)
			}
		}
	}
}
