package ingest_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/dedup"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
)

// corpusPath is the labelled corpus of real announcements, kept outside
// the repository (its texts must never be copied into it).
const corpusPath = "../../../shared/corpus/announcements.json"

type corpusRecord struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Site      string `json:"site"`
	Published string `json:"published"`
	Text      string `json:"text"`
	Group     string `json:"group"`
	Truth     struct {
		Start     string `json:"start"`
		Online    any    `json:"online"`
		Landkreis string `json:"landkreis"`
	} `json:"truth"`
}

func loadCorpus(t *testing.T) []corpusRecord {
	t.Helper()
	b, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Skipf("corpus of real announcements not found (%v): this evaluation needs ../shared/corpus/ next to the worktree", err)
	}
	var c struct{ Records []corpusRecord }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("corpus: %v", err)
	}
	return c.Records
}

// corpusRef is the reference date for dates without a year, as the
// corpus's score.py chooses it: the page's date, else two weeks before the
// labelled start (a crawl reads a page before its event).
func corpusRef(r corpusRecord) time.Time {
	if r.Published != "" {
		if t, err := time.ParseInLocation(time.DateOnly, r.Published[:min(10, len(r.Published))], event.Berlin); err == nil {
			return t
		}
	}
	if len(r.Truth.Start) >= 10 {
		if t, err := time.ParseInLocation(time.DateOnly, r.Truth.Start[:10], event.Berlin); err == nil {
			return t.AddDate(0, 0, -14)
		}
	}
	return time.Now()
}

// readRight says whether the normaliser read the record's labelled event
// right where matching looks: its start day, its clock time (or none),
// online or not, and its district.
func readRight(r corpusRecord, d event.Draft) bool {
	s := r.Truth.Start
	if len(s) < 10 || d.Start.IsZero() {
		return false
	}
	st := d.Start.In(event.Berlin)
	if st.Format(time.DateOnly) != s[:10] {
		return false
	}
	if len(s) > 10 {
		if d.AllDay || st.Format("15:04") != s[11:16] {
			return false
		}
	} else if !d.AllDay {
		return false
	}
	online := fmt.Sprint(r.Truth.Online)
	switch {
	case online == "true" && d.Online != event.OnlineYes, online == "hybrid" && d.Online != event.OnlineHybrid,
		online == "false" && d.Online != event.OnlineNo:
		return false
	}
	return regionName[d.Place.Region] == r.Truth.Landkreis || (r.Truth.Landkreis == "" && d.Place.Region == "")
}

var regionName = map[string]string{"chemnitz": "Chemnitz", "erzgebirgskreis": "Erzgebirgskreis",
	"mittelsachsen": "Mittelsachsen", "vogtlandkreis": "Vogtlandkreis", "zwickau": "Zwickau", "dresden": "Dresden",
	"bautzen": "Bautzen", "goerlitz": "Görlitz", "meissen": "Meißen",
	"saechsische-schweiz-osterzgebirge": "Sächsische Schweiz-Osterzgebirge", "leipzig": "Leipzig",
	"landkreis-leipzig": "Landkreis Leipzig", "nordsachsen": "Nordsachsen", "": ""}

type pairScore struct{ tp, fp, fn int }

func (s pairScore) String() string {
	p, r := 1.0, 1.0
	if s.tp+s.fp > 0 {
		p = float64(s.tp) / float64(s.tp+s.fp)
	}
	if s.tp+s.fn > 0 {
		r = float64(s.tp) / float64(s.tp+s.fn)
	}
	return fmt.Sprintf("precision %.3f, recall %.3f (TP %d, FP %d, FN %d)", p, r, s.tp, s.fp, s.fn)
}

// TestCorpusCrossPosts reads the corpus's real announcements as a crawl
// does (normalise, then match each new record against the events of other
// sites known so far, as the store's candidates and block) and scores the
// resulting events as pairs: records of one `group` announce one event,
// every other pair is two events. Pairs whose two records were both read
// right (readRight) are scored apart, so reading errors and matching
// errors are told apart. Issue 14's targets: precision ≥ 0.98, recall ≥
// 0.95.
func TestCorpusCrossPosts(t *testing.T) {
	recs := loadCorpus(t)
	type known struct {
		rec   dedup.Record
		event int
	}
	var seen []known
	joined := make([]int, len(recs))
	right := make([]bool, len(recs))
	drafts := make([]event.Draft, len(recs))
	for i, r := range recs {
		joined[i] = i
		it := event.Item{Key: r.ID, URL: r.URL, Kind: event.KindHTML, Text: r.Text, Published: r.Published}
		ds, err := normalize.Normalize(it, normalize.Options{Ref: corpusRef(r)})
		if err != nil || len(ds) == 0 {
			continue
		}
		// The labelled event is the announcement's first.
		d := slices.MinFunc(ds, func(a, b event.Draft) int { return a.Start.Compare(b.Start) })
		drafts[i], right[i] = d, readRight(r, d)
		rec := dedup.Record{ID: int64(i + 1), SourceID: r.Site, Organizer: d.Organizer, URL: r.URL, Draft: d}
		var cands, block []dedup.Record
		for _, k := range seen {
			c := k.rec
			c.ID = int64(k.event + 1)
			block = append(block, c)
			if k.rec.SourceID != r.Site {
				cands = append(cands, c)
			}
		}
		if m, _, ok := dedup.BestMatchIn(rec, cands, block); ok {
			joined[i] = int(m.ID - 1)
		}
		seen = append(seen, known{rec: rec, event: joined[i]})
	}
	var all, readOK pairScore
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			same := recs[i].Group != "" && recs[i].Group == recs[j].Group
			got := joined[i] == joined[j]
			s := &pairScore{}
			switch {
			case same && got:
				s.tp = 1
			case same:
				s.fn = 1
			case got:
				s.fp = 1
			}
			all.tp, all.fp, all.fn = all.tp+s.tp, all.fp+s.fp, all.fn+s.fn
			if right[i] && right[j] {
				readOK.tp, readOK.fp, readOK.fn = readOK.tp+s.tp, readOK.fp+s.fp, readOK.fn+s.fn
			}
			if same != got && testing.Verbose() {
				kind := "missed"
				if got {
					kind = "false merge"
				}
				ev := dedup.Compare(dedup.Record{SourceID: recs[i].Site, Draft: drafts[i]},
					dedup.Record{SourceID: recs[j].Site, Draft: drafts[j]})
				t.Logf("%s %s/%s (read right: %v/%v): %s", kind, recs[i].ID, recs[j].ID, right[i], right[j],
					strings.Join(ev.Reasons, "; "))
			}
		}
	}
	t.Logf("corpus cross-posts, all pairs: %v", all)
	t.Logf("corpus cross-posts, pairs read right: %v", readOK)
}
