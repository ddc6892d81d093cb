package topics

import (
	"strings"
)

// Selection of topics from scores. A topic needs MinScore; it must also
// reach RelScore of the best topic so a side remark does not become a
// topic; at most MaxTopics are kept. When no topic reaches MinScore, the
// strongest one with at least WeakScore is kept alone: every event is about
// something, a weak topic (its Confidence shows it) is more use to a reader
// filtering by topic than none, and staff see the rule that gave it.
const (
	MinScore   = 3.0
	WeakScore  = 1.0
	RelScore   = 0.25
	MaxTopics  = 3
	titleBoost = 1.0 // a rule matching the title counts this much extra
	maxCount   = 3   // occurrences of one rule counted at most (2 → 3 raised corpus F1; more fitted the dev sites only)
)

// Match is a topic with its score and the rules that gave it.
type Match struct {
	Slug     string
	Score    float64
	Evidence []string // patterns that matched, in rule order
}

// Confidence maps a score to 0..1: one strong stem (3) gives 0.5, three give 0.9.
func (m Match) Confidence() float64 {
	c := 0.2 + m.Score/10
	return min(c, 0.95)
}

// Classify scores every topic over title and text and returns the chosen
// topics, best first. Scores add the weight of each rule per occurrence (at
// most maxCount times, so a long text does not win by repetition); a rule
// found in the title adds titleBoost times its weight again. Negative rules
// (organisation names) cancel one occurrence of the word they contain.
func Classify(title, text string) []Match {
	return Select(Score(title, text))
}

// Score returns the score of every topic with any evidence, best first.
func Score(title, text string) []Match {
	return ScoreLower(strings.ToLower(title), strings.ToLower(text))
}

// ScoreLower is Score for a title and text already in lower case.
func ScoreLower(title, text string) []Match {
	t := data()
	hits := make([]uint8, len(t.rules))
	t.set.Scan(text, func(r, _, _ int) { Count(hits, r, false) })
	if title != "" {
		t.set.Scan(title, func(r, _, _ int) { Count(hits, r, true) })
	}
	return ScoreHits(hits)
}

// Patterns returns the rule patterns in rule order, for callers that match
// them together with other word lists in one pass (see ScoreHits).
func Patterns() []string {
	t := data()
	out := make([]string, len(t.rules))
	for i, r := range t.rules {
		out[i] = r.Pattern
	}
	return out
}

// inTitle marks a rule found in the title; the low bits count occurrences
// in the text, capped at maxCount.
const inTitle = 0x80

// Count records a match of rule r in hits (one byte per rule).
func Count(hits []uint8, r int, title bool) {
	switch {
	case title:
		hits[r] |= inTitle
	case hits[r]&^inTitle < maxCount:
		hits[r]++
	}
}

// ScoreHits scores the topics from per-rule hits filled by Count, best first.
func ScoreHits(hit []uint8) []Match {
	t := data()
	// Two passes: count the rules that matched per topic, then fill one
	// backing array for all Evidence lists (this runs once per
	// announcement; growing 15 lists one append at a time was most of the
	// normaliser's garbage).
	var pos [32]int   // topic index → position in out + 1 (0: not yet); the taxonomy has 15
	var nEv [32]int   // topic index → rules that matched
	var order [32]int // position in out → topic index
	var buf [64]int
	matched := buf[:0] // the rules that matched, in rule order
	n, total := 0, 0
	for i, h := range hit[:len(t.rules)] {
		if h == 0 {
			continue
		}
		matched = append(matched, i)
		k := t.ruleTopic[i]
		if pos[k] == 0 {
			order[n] = k
			n++
			pos[k] = n
		}
		nEv[k]++
		total++
	}
	if n == 0 {
		return nil
	}
	out := make([]Match, n)
	ev := make([]string, total)
	for p, k := range order[:n] {
		out[p].Slug = t.topics[k].Slug
		out[p].Evidence, ev = ev[:0:nEv[k]], ev[nEv[k]:]
	}
	for _, i := range matched {
		r, h := &t.rules[i], hit[i]
		w := r.Weight * float64(max(h&^inTitle, 1))
		if h&inTitle != 0 {
			w += titleBoost * r.Weight
		}
		m := &out[pos[t.ruleTopic[i]]-1]
		m.Score += w
		m.Evidence = append(m.Evidence, r.Pattern)
	}
	// best first, ties in rule order (insertion sort: at most 15 topics)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Select applies MinScore, RelScore and MaxTopics to scores (best first).
func Select(scores []Match) []Match {
	var out []Match
	for _, m := range scores {
		if len(out) == MaxTopics || m.Score < MinScore || len(out) > 0 && m.Score < RelScore*out[0].Score {
			break
		}
		out = append(out, m)
	}
	if len(out) == 0 && len(scores) > 0 && scores[0].Score >= WeakScore {
		out = scores[:1:1]
	}
	return out
}

// Slugs returns the slugs of ms.
func Slugs(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Slug
	}
	return out
}
