package topics

import (
	"sort"
	"strings"
)

// Selection of topics from scores. A topic needs MinScore; it must also
// reach RelScore of the best topic so a side remark does not become a
// topic; at most MaxTopics are kept.
const (
	MinScore   = 3.0
	RelScore   = 0.25
	MaxTopics  = 3
	titleBoost = 1.0 // a rule matching the title counts this much extra
	maxCount   = 2   // occurrences of one rule counted at most
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
	t := data()
	hitBody := make([]uint8, len(t.rules))
	hitTitle := make([]bool, len(t.rules))
	t.m.scan(strings.ToLower(text), func(r int) {
		if hitBody[r] < maxCount {
			hitBody[r]++
		}
	})
	if title != "" {
		t.m.scan(strings.ToLower(title), func(r int) { hitTitle[r] = true })
	}
	byTopic := map[string]*Match{}
	var order []string
	for i, r := range t.rules {
		if hitBody[i] == 0 && !hitTitle[i] {
			continue
		}
		w := r.Weight * float64(max(hitBody[i], 1))
		if hitTitle[i] {
			w += titleBoost * r.Weight
		}
		m := byTopic[r.Topic]
		if m == nil {
			m = &Match{Slug: r.Topic}
			byTopic[r.Topic] = m
			order = append(order, r.Topic)
		}
		m.Score += w
		m.Evidence = append(m.Evidence, r.Pattern)
	}
	out := make([]Match, 0, len(order))
	for _, s := range order {
		out = append(out, *byTopic[s])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
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
