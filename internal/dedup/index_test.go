package dedup

import (
	"sync"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// TestIndexAgreesWithBestMatch: for every labelled record, matching it
// against an index of all the others gives what BestMatch over all the
// others gives, so blocking loses nothing Compare would find.
func TestIndexAgreesWithBestMatch(t *testing.T) {
	es := loadEval(t)
	for i, r := range es.recs {
		ix := NewIndex()
		var others []Record
		for j, o := range es.recs {
			if j != i {
				ix.Add(o)
				others = append(others, o)
			}
		}
		got, gev, gok := ix.Match(r)
		want, wev, wok := BestMatch(r, others)
		if gok != wok || (wok && (got.ID != want.ID || gev.Score != wev.Score)) {
			t.Errorf("%s: index %v id %d %.3f, BestMatch %v id %d %.3f", es.names[i],
				gok, got.ID, gev.Score, wok, want.ID, wev.Score)
		}
	}
}

func TestIndexIncremental(t *testing.T) {
	kongress := rec("dhmd", "Deutsches Hygiene-Museum Dresden", "Kongress: Einheit in Vielfalt?", at(5, 20, 0, 0), allDay,
		end(at(5, 21, 0, 0)), place("Deutsches Hygiene-Museum", "01069", "Dresden", "dresden"))
	kongress.ID = 1
	day2 := rec("adb", "Deutsches Hygiene-Museum Dresden", "21.05. | Kongress „Einheit in Vielfalt?“ (2. Tag)", at(5, 21, 9, 0),
		place("Hygiene-Museum", "01069", "Dresden", "dresden"))
	leipzig := rec("x", "Deutsches Hygiene-Museum Dresden", "Kongress: Einheit in Vielfalt?", at(5, 21, 9, 0),
		place("", "", "", "leipzig"))

	ix := NewIndex()
	ix.Add(kongress)
	if got, ev, ok := ix.Match(day2); !ok || got.ID != 1 {
		t.Fatalf("second day not matched to the two-day event (ok %v, %v)", ok, ev.Reasons)
	}
	if _, _, ok := ix.Match(leipzig); ok {
		t.Error("matched across regions")
	}

	// A re-crawl moves the event: the old version no longer matches.
	moved := kongress
	moved.Draft.Start, moved.Draft.End = at(6, 10, 0, 0), at(6, 11, 0, 0)
	ix.Add(moved)
	if ix.Len() != 1 {
		t.Errorf("Len = %d after replacing id 1, want 1", ix.Len())
	}
	if _, _, ok := ix.Match(day2); ok {
		t.Error("matched the replaced version")
	}
	if !ix.Remove(1) || ix.Remove(1) || ix.Len() != 0 {
		t.Error("Remove did not drop id 1 exactly once")
	}
	moved.Draft.Start = at(6, 10, 10, 0)
	if _, _, ok := ix.Match(moved); ok {
		t.Error("matched a removed record")
	}
}

func TestIndexOnlineIgnoresRegion(t *testing.T) {
	a := rec("dsm", dsm, "Digitales Werkstattgespräch Förderrichtlinie Integrative Maßnahmen", at(11, 24, 17, 0),
		online(event.OnlineYes), place("", "", "", "dresden"))
	b := rec("vbff", dsm, "Werkstattgespräch Förderrichtlinie Integrative Maßnahmen (online)", at(11, 24, 17, 0),
		online(event.OnlineYes), place("", "", "", "leipzig"))
	ix := NewIndex()
	ix.Add(a)
	if _, _, ok := ix.Match(b); !ok {
		t.Error("online event not matched because the reposting site sits in another region")
	}
}

func TestIndexConcurrent(t *testing.T) {
	es := loadEval(t)
	ix := NewIndex()
	var wg sync.WaitGroup
	for _, r := range es.recs {
		wg.Add(2)
		go func() { defer wg.Done(); ix.Add(r) }()
		go func() { defer wg.Done(); ix.Match(r) }()
	}
	wg.Wait()
	if ix.Len() != len(es.recs) {
		t.Errorf("Len = %d, want %d", ix.Len(), len(es.recs))
	}
}
