package calendar

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// TestPropWriterMatchesLibrary: the feed's property writer produces the
// library's bytes for every event of the writer fixtures in both
// languages, and for long lines of the seed texts (folding inside
// multi-byte characters, at spaces and after '>'), with and without
// parameters.
func TestPropWriterMatchesLibrary(t *testing.T) {
	var props []ics.BaseProperty
	src := sourceLink{SourceID: "saqsen", Name: "SAQsen!", URL: "https://saqsen.example/veranstaltungen/x"}
	for _, lang := range []string{"de", "en"} {
		for _, e := range writerEvents() {
			var v ics.VEvent
			fillVEvent(&v, e, src, lang, testBase+"/events/1")
			for _, p := range v.Properties {
				props = append(props, p.BaseProperty)
			}
		}
	}
	seeds, _ := filepath.Glob("/work/shared/seeds/*.txt")
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) < 60 {
				continue
			}
			line = icsText(line)
			props = append(props,
				ics.BaseProperty{IANAToken: "DESCRIPTION", Value: line},
				ics.BaseProperty{IANAToken: "URL", Value: line},
				ics.BaseProperty{IANAToken: "LOCATION", Value: line, ICalParameters: map[string][]string{"LANGUAGE": {"de"}, "ALTREP": {`cid:"x"`}}},
			)
		}
	}
	props = append(props,
		ics.BaseProperty{IANAToken: "SUMMARY", Value: strings.Repeat("ä", 80) + "<b>x</b>" + strings.Repeat("ö", 60)},
		ics.BaseProperty{IANAToken: "COMMENT", Value: strings.Repeat("x", 50) + " " + strings.Repeat("y", 10) + "<" + strings.Repeat("z", 40)},
		ics.BaseProperty{IANAToken: "COMMENT", Value: strings.Repeat("x", 50) + ">" + strings.Repeat("y", 60) + "\xff\xfe" + strings.Repeat("z", 80)},
		ics.BaseProperty{IANAToken: "X-NOTE", Value: "a;b,c\\d\ne", ICalParameters: map[string][]string{"X-P": {"v;1", "w:2"}}},
	)
	if len(props) < 100 {
		t.Fatalf("only %d properties to compare", len(props))
	}
	var pw propWriter
	for _, p := range props {
		var want, got bytes.Buffer
		if err := p.SerializeTo(&want, icsConfig); err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(&got)
		pw.prop(w, &p)
		w.Flush()
		if got.String() != want.String() {
			t.Errorf("%s:\n got %q\nwant %q", p.IANAToken, got.String(), want.String())
		}
	}
}
