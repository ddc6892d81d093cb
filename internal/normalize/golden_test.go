package normalize

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// TestGolden keeps the whole output for every dev-set announcement —
// organiser, contacts, audience, accessibility, deadlines, confidences,
// warnings, not only the labelled fields — in testdata/golden/<id>.json, so
// any change of behaviour shows up as a diff to review. After an intended
// change: go test ./internal/normalize -run TestGolden -update, then read
// the diff before committing.
func TestGolden(t *testing.T) {
	for _, c := range loadDevSet(t) {
		t.Run(c.ID, func(t *testing.T) {
			drafts := c.run(t)
			for i := range drafts {
				drafts[i].Description, drafts[i].DescriptionHTML = "", "" // the input, tested on its own
			}
			if drafts == nil {
				drafts = []event.Draft{}
			}
			got, err := json.MarshalIndent(drafts, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", c.ID+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s:\n%s", path, got)
			}
		})
	}
}
