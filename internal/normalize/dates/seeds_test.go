package dates

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/seeds/*.golden from the current output")

// render writes one occurrence per line, with the text it covers.
func render(text string, occs []Occurrence) string {
	var b strings.Builder
	for _, o := range occs {
		start, end := o.Start.Format(time.RFC3339), ""
		if o.AllDay {
			start = o.Start.Format(time.DateOnly)
		}
		if !o.End.IsZero() {
			end = o.End.Format(time.RFC3339)
			if o.AllDay && o.End.Hour() == 0 && o.End.Minute() == 0 {
				end = o.End.Format(time.DateOnly)
			}
		}
		fmt.Fprintf(&b, "%-8s %-25s %-25s %-26s guessed=%-5v %q\n", o.Kind, start, end, o.Recurrence, o.YearGuessed,
			text[o.Span[0]:o.Span[1]])
	}
	return b.String()
}

// TestSeeds runs Extract over the partner pages in testdata/seeds (copies of
// ../shared/seeds) and compares with the reviewed golden files. Run with
// -update after a deliberate change and review the diff.
func TestSeeds(t *testing.T) {
	files, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seeds: %v", err)
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := render(string(text), Extract(string(text), ref))
		golden := strings.TrimSuffix(f, ".txt") + ".golden"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: output differs from %s\ngot:\n%s\nwant:\n%s", f, golden, got, want)
		}
	}
}

// TestSeedsWithoutEvents: four of the seed pages describe projects, not
// events. Their years, project runtimes, phone numbers and postcodes must not
// become event dates.
func TestSeedsWithoutEvents(t *testing.T) {
	for _, name := range []string{"000_bb41dbb57dd1b9b6", "001_dff15172e75a70df", "002_a9bf0ce6137ed1ea", "004_331875c2547f7974"} {
		text, err := os.ReadFile("testdata/seeds/" + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range Extract(string(text), ref) {
			if o.Kind != KindMention {
				t.Errorf("%s: %s %q is not a mention", name, o.Kind, text[o.Span[0]:o.Span[1]])
			}
		}
	}
}
