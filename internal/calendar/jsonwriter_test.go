package calendar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/search"
)

// TestJSONWriterEventAsMarshal: the feed's objects, encoded into one
// reused buffer with the facets added, are json.Marshal's bytes with the
// facets before the closing brace — HTML characters and line separators
// escaped alike, nothing left over from the previous event.
func TestJSONWriterEventAsMarshal(t *testing.T) {
	evs := writerEvents()
	evs[0].Draft.Title = `<b>"Tee & Gespräch"</b>` + "\u2028" + `\ende`
	evs[1].Draft.Description = "" // shorter than the event before it
	access := slices.IndexFunc(shownFacets, func(fc *search.Facet) bool { return fc.Name == "access" })
	fvs := []eventFacets{{{Facet: access, Value: "interpreting"}}, nil}
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	jw := &jsonWriter{w: bw, info: feedInfo{base: testBase, lang: "de"}, regions: map[string]bool{}, languages: map[string]bool{}, topics: map[string]bool{}}
	var want bytes.Buffer
	for i, e := range evs[:2] {
		src := sourceLink{SourceID: "saqsen", Name: "SAQsen <e. V.>", URL: "https://saqsen.example/?a=1&b=2", Facets: fvs[i]}
		if err := jw.event(e, src); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(toJSONEvent(e, src, "de", jw.info.eventURL(e.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			want.WriteByte(',')
		}
		want.Write(append(appendJSONFacets(b[:len(b)-1], src.Facets), '}'))
	}
	bw.Flush()
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Errorf("writer:\n%s\nwant:\n%s", out.Bytes(), want.Bytes())
	}
	if !bytes.Contains(out.Bytes(), []byte(`\u003cb\u003e`)) || !bytes.Contains(out.Bytes(), []byte(`"access":["interpreting"]`)) {
		t.Errorf("HTML not escaped or facets missing:\n%s", out.Bytes())
	}
}
