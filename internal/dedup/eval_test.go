package dedup

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// labelled is testdata/pairs.json: normalised drafts written directly (dedup
// must not depend on the normaliser) and labelled pairs.
type labelled struct {
	Records []struct {
		ID, Cluster, Source, Organizer, URL string
		OwnSite                             bool `json:"own_site"`
		Title, Desc                         string
		Start, End                          string
		AllDay                              bool `json:"all_day"`
		Online                              string
		Venue, Street, Postal, City, Region string
		// Truth is what the page says, for records the pipeline read
		// (the m-… mirror records); without it a record was written as
		// its text reads.
		Truth *truth
	}
	Pairs []struct {
		A, B, Label, Why string
	}
}

// truth: the start (a plain date when the page states no time), online
// mode and district (only where the page names a place) of a record's
// page; Misread says what the normaliser got wrong, if anything.
type truth struct {
	Start, Online, Region, Misread string
}

// readRight says whether the draft's start day, clock time (or none),
// online mode and district are those of its page (truth), as the corpus's
// readRight in internal/ingest does: pairs of two records read right tell
// matching errors from reading errors.
func (tr *truth) readRight(d event.Draft) bool {
	if tr == nil {
		return true
	}
	st := d.Start.In(event.Berlin)
	if d.Start.IsZero() || len(tr.Start) < 10 || st.Format(time.DateOnly) != tr.Start[:10] {
		return false
	}
	if len(tr.Start) > 10 {
		if d.AllDay || st.Format("15:04") != tr.Start[11:16] {
			return false
		}
	} else if !d.AllDay {
		return false
	}
	return string(d.Online) == tr.Online && (tr.Region == "" || d.Place.Region == tr.Region)
}

type evalSet struct {
	recs    []Record
	names   []string       // record id in the file
	right   []bool         // read right (truth.readRight)
	cluster []string       // labelled cluster per record
	byName  map[string]int // id → index
	pairs   []evalPair
}

type evalPair struct {
	a, b  int
	label string
	why   string
}

func loadEval(t testing.TB) *evalSet { return loadEvalFile(t, "testdata/pairs.json") }

func loadEvalFile(t testing.TB, path string) *evalSet {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var l labelled
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	es := &evalSet{byName: map[string]int{}}
	parse := func(id, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		tm, err := time.ParseInLocation("2006-01-02T15:04", s, event.Berlin)
		if err != nil {
			t.Fatalf("record %s: %v", id, err)
		}
		return tm
	}
	for i, r := range l.Records {
		if _, dup := es.byName[r.ID]; dup {
			t.Fatalf("duplicate record id %s", r.ID)
		}
		es.byName[r.ID] = i
		es.names = append(es.names, r.ID)
		es.cluster = append(es.cluster, r.Cluster)
		rec := Record{
			ID: int64(i + 1), SourceID: r.Source, Organizer: r.Organizer, OwnSite: r.OwnSite, URL: r.URL,
			Draft: event.Draft{
				Title: r.Title, Description: r.Desc,
				Start: parse(r.ID, r.Start), End: parse(r.ID, r.End), AllDay: r.AllDay,
				Online: event.OnlineMode(r.Online),
				Place:  event.Place{Venue: r.Venue, Street: r.Street, PostalCode: r.Postal, City: r.City, Region: r.Region},
			},
		}
		es.recs = append(es.recs, rec)
		right := r.Truth.readRight(rec.Draft)
		if r.Truth != nil && right != (r.Truth.Misread == "") {
			t.Fatalf("record %s: read right %v, but its truth says misread %q", r.ID, right, r.Truth.Misread)
		}
		es.right = append(es.right, right)
	}
	for _, p := range l.Pairs {
		a, okA := es.byName[p.A]
		b, okB := es.byName[p.B]
		if !okA || !okB {
			t.Fatalf("pair %s–%s names an unknown record", p.A, p.B)
		}
		sameCluster := es.cluster[a] == es.cluster[b]
		switch p.Label {
		case "same", "different", "series":
		default:
			t.Fatalf("pair %s–%s: unknown label %q", p.A, p.B, p.Label)
		}
		if (p.Label == "same") != sameCluster {
			t.Fatalf("pair %s–%s labelled %s contradicts the clusters", p.A, p.B, p.Label)
		}
		es.pairs = append(es.pairs, evalPair{a, b, p.Label, p.Why})
	}
	return es
}

// pairStats counts labelled pairs: a prediction is positive when Same.
type pairStats struct{ tp, fp, fn, tn int }

func (s pairStats) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s pairStats) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

func (s *pairStats) add(label string, v Verdict) {
	switch {
	case label == "same" && v == Same:
		s.tp++
	case label == "same":
		s.fn++
	case v == Same:
		s.fp++
	default:
		s.tn++
	}
}

// TestPairsEval reports pair precision and recall on the labelled set, for
// all pairs and for pairs of two records read right, and how the records
// cluster under union-find over Same verdicts. It fails below issue 14's
// precision 0.98 or recall 0.95 (either count), when a series pair is
// judged Same, or when Compare is not symmetric.
func TestPairsEval(t *testing.T) {
	es := loadEval(t)
	st, right, feats := evalPairs(t, es)
	cs := clusterEval(es, feats)
	t.Logf("clusters: labelled %d, predicted %d, recovered exactly %d; all-pairs precision %.3f, recall %.3f (%d record pairs)",
		cs.labelled, cs.predicted, cs.exact, cs.all.precision(), cs.all.recall(), len(es.recs)*(len(es.recs)-1)/2)

	if testing.Verbose() {
		sweep(t, es, feats)
	}
	for _, c := range []struct {
		name string
		st   pairStats
	}{{"all pairs", st}, {"pairs read right", right}} {
		if c.st.precision() < 0.98 || c.st.recall() < 0.95 {
			t.Errorf("%s: precision %.3f / recall %.3f below the targets 0.98 / 0.95", c.name, c.st.precision(), c.st.recall())
		}
	}
}

// TestHoldoutEval reports the same figures on pairs written after the
// thresholds were fixed. It is not tuned on; its floors only catch a
// regression.
func TestHoldoutEval(t *testing.T) {
	es := loadEvalFile(t, "testdata/holdout.json")
	st, _, feats := evalPairs(t, es)
	cs := clusterEval(es, feats)
	t.Logf("holdout clusters: labelled %d, predicted %d, recovered exactly %d", cs.labelled, cs.predicted, cs.exact)
	if st.precision() < 0.9 || st.recall() < 0.7 {
		t.Errorf("holdout precision %.3f / recall %.3f below the floors 0.9 / 0.7", st.precision(), st.recall())
	}
}

// evalPairs judges every labelled pair, logs the misses and the totals (of
// all pairs and of pairs whose two records were read right), and fails on
// asymmetry or on a series pair judged Same.
func evalPairs(t *testing.T, es *evalSet) (all, right pairStats, _ []*features) {
	t.Helper()
	feats := make([]*features, len(es.recs))
	for i, r := range es.recs {
		feats[i] = prepare(r)
	}
	st := &all
	seriesSeen, seriesHit := 0, 0
	for _, p := range es.pairs {
		ev := Compare(es.recs[p.a], es.recs[p.b])
		back := Compare(es.recs[p.b], es.recs[p.a])
		if ev.Verdict != back.Verdict || ev.Score != back.Score {
			t.Errorf("asymmetric: %s–%s %v/%.4f vs %v/%.4f", es.names[p.a], es.names[p.b],
				ev.Verdict, ev.Score, back.Verdict, back.Score)
		}
		st.add(p.label, ev.Verdict)
		if es.right[p.a] && es.right[p.b] {
			right.add(p.label, ev.Verdict)
		}
		if p.label == "series" {
			seriesSeen++
			if ev.Verdict == SeriesSibling {
				seriesHit++
			}
			if ev.Verdict == Same {
				t.Errorf("series pair %s–%s judged Same: %s", es.names[p.a], es.names[p.b], strings.Join(ev.Reasons, "; "))
			}
		}
		if (p.label == "same") != (ev.Verdict == Same) || testing.Verbose() && p.label == "series" && ev.Verdict != SeriesSibling {
			t.Logf("miss %-7s %-22s %-22s → %-9v %.3f %v | read right %v/%v | %s", p.label, es.names[p.a], es.names[p.b],
				ev.Verdict, ev.Score, roundParts(ev.Parts), es.right[p.a], es.right[p.b], strings.Join(ev.Reasons, "; "))
		}
	}
	nRight := 0
	for _, r := range es.right {
		if r {
			nRight++
		}
	}
	t.Logf("labelled pairs: %d (same %d); TP %d FP %d FN %d TN %d", len(es.pairs), st.tp+st.fn, st.tp, st.fp, st.fn, st.tn)
	t.Logf("series pairs recognised as SeriesSibling: %d/%d", seriesHit, seriesSeen)
	t.Logf("labelled pairs, all pairs: precision %.3f, recall %.3f (TP %d, FP %d, FN %d)",
		all.precision(), all.recall(), all.tp, all.fp, all.fn)
	t.Logf("labelled pairs, pairs read right (%d of %d records read right): precision %.3f, recall %.3f (TP %d, FP %d, FN %d; %d pairs)",
		nRight, len(es.recs), right.precision(), right.recall(), right.tp, right.fp, right.fn, right.tp+right.fp+right.fn+right.tn)
	return all, right, feats
}

type clusterStats struct {
	labelled, predicted, exact int
	all                        pairStats
}

// clusterEval joins every pair of records judged Same (union-find) and
// compares the resulting clusters with the labelled ones.
func clusterEval(es *evalSet, feats []*features) clusterStats {
	n := len(es.recs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if p := score(feats[i], feats[j], false); p.verdict == Same {
				parent[find(i)] = find(j)
			}
		}
	}
	var cs clusterStats
	pred := map[int][]int{}
	gold := map[string][]int{}
	for i := 0; i < n; i++ {
		pred[find(i)] = append(pred[find(i)], i)
		gold[es.cluster[i]] = append(gold[es.cluster[i]], i)
	}
	cs.labelled, cs.predicted = len(gold), len(pred)
	for _, members := range pred {
		if g := gold[es.cluster[members[0]]]; slices.Equal(g, members) {
			cs.exact++
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			label := "different"
			if es.cluster[i] == es.cluster[j] {
				label = "same"
			}
			v := Different
			if find(i) == find(j) {
				v = Same
			}
			cs.all.add(label, v)
		}
	}
	return cs
}

// sweep prints precision and recall for neighbouring thresholds, the table
// the constants were chosen from.
func sweep(t *testing.T, es *evalSet, feats []*features) {
	ps := make([]parts, len(es.pairs))
	for i, p := range es.pairs {
		ps[i] = score(feats[p.a], feats[p.b], false)
	}
	t.Log("sweep: same  titleGate  precision recall")
	for _, same := range []float64{0.45, 0.50, 0.55, 0.58, 0.60, 0.62, 0.65, 0.70} {
		for _, gate := range []float64{0.20, 0.25, 0.30, 0.35, 0.40} {
			th := defaults
			th.same, th.titleGate = same, gate
			var st pairStats
			for i, p := range es.pairs {
				st.add(p.label, th.decide(&ps[i]))
			}
			mark := ""
			if th == defaults {
				mark = "  ← chosen"
			}
			t.Logf("sweep: %.2f  %.2f       %.3f     %.3f%s", same, gate, st.precision(), st.recall(), mark)
		}
	}
	t.Log("series sweep: seriesTitle  series→SeriesSibling  different→SeriesSibling")
	for _, st := range []float64{0.55, 0.60, 0.65, 0.70, 0.75, 0.80} {
		th := defaults
		th.seriesTitle = st
		hit, total, wrong := 0, 0, 0
		for i, p := range es.pairs {
			v := th.decide(&ps[i])
			switch {
			case p.label == "series":
				total++
				if v == SeriesSibling {
					hit++
				}
			case v == SeriesSibling:
				wrong++
			}
		}
		mark := ""
		if th == defaults {
			mark = "  ← chosen"
		}
		t.Logf("series sweep: %.2f         %d/%d                 %d%s", st, hit, total, wrong, mark)
	}
}

func roundParts(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%.2f ", k, m[k])
	}
	return strings.TrimSpace(b.String())
}

// TestIncrementalOrder feeds the labelled records to an Index in random
// orders, as concurrent crawls deliver them, each joining the event of its
// best match. Clusters of the offline mirror (records "m-…" and the events
// they belong to) must come out the same in every order; the log says in
// how many orders every cluster does.
func TestIncrementalOrder(t *testing.T) {
	es := loadEval(t)
	n := len(es.recs)
	mirror := map[string]bool{}
	for i, name := range es.names {
		if strings.HasPrefix(name, "m-") {
			mirror[es.cluster[i]] = true
		}
	}
	rng := rand.New(rand.NewPCG(4, 2021))
	const orders = 100
	exact := 0
	for range orders {
		ix := NewIndex()
		event := make([]int, n) // the first record of each predicted event
		byID := map[int64]int{}
		for _, i := range rng.Perm(n) {
			event[i] = i
			if m, _, ok := ix.MatchAdd(es.recs[i]); ok {
				event[i] = event[byID[m.ID]]
			}
			byID[es.recs[i].ID] = i
		}
		all := true
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if (event[i] == event[j]) == (es.cluster[i] == es.cluster[j]) {
					continue
				}
				all = false
				if mirror[es.cluster[i]] || mirror[es.cluster[j]] {
					t.Errorf("mirror records %s and %s: same event %v, labelled same %v", es.names[i], es.names[j],
						event[i] == event[j], es.cluster[i] == es.cluster[j])
				}
			}
		}
		if all {
			exact++
		}
	}
	t.Logf("incremental: every cluster exact in %d of %d random orders", exact, orders)
}
