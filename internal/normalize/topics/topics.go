// Package topics assigns an event 1–3 topics of Treffpunkt's taxonomy from
// transparent, weighted rules kept in rules.csv (German stems and phrases).
// There is no model: every topic can be traced to the rules that matched.
package topics

import (
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/treffpunkt/treffpunkt/internal/normalize/phrases"
)

//go:embed topics.csv rules.csv
var files embed.FS

// Topic is one entry of the taxonomy with its display names.
type Topic struct {
	Slug   string
	NameDE string
	NameEN string
}

// Rule is one line of rules.csv.
type Rule struct {
	Pattern string // as written, with its "*" and "$" markers
	Topic   string
	Weight  float64
}

type tables struct {
	topics    []Topic
	rules     []Rule
	ruleTopic []int // rule → index of its topic in topics
	set       *phrases.Set
}

var (
	once sync.Once
	tab  *tables
)

// data parses the embedded files once; they are part of the binary, so an
// error is a build defect (TestRules catches it) and panics.
func data() *tables {
	once.Do(func() {
		t, err := load()
		if err != nil {
			panic("topics: " + err.Error())
		}
		tab = t
	})
	return tab
}

// All returns the 15 topics in display order.
func All() []Topic {
	return append([]Topic(nil), data().topics...)
}

// Name returns the display names of a topic slug.
func Name(slug string) (de, en string, ok bool) {
	for _, t := range data().topics {
		if t.Slug == slug {
			return t.NameDE, t.NameEN, true
		}
	}
	return "", "", false
}

// Rules returns the rules in file order (for staff tools and tests).
func Rules() []Rule {
	return append([]Rule(nil), data().rules...)
}

func load() (*tables, error) {
	t := &tables{}
	rows, err := readCSV("topics.csv")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range rows {
		if len(r) != 3 {
			return nil, fmt.Errorf("topics.csv: want 3 fields, got %q", r)
		}
		if len(t.topics) == 32 {
			return nil, fmt.Errorf("topics.csv: more than 32 topics")
		}
		t.topics = append(t.topics, Topic{Slug: r[0], NameDE: r[1], NameEN: r[2]})
		known[r[0]] = true
	}
	rows, err = readCSV("rules.csv")
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if len(r) != 3 {
			return nil, fmt.Errorf("rules.csv: rule %d: want pattern,topic,weight, got %q", i+1, r)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(r[2]), 64)
		if err != nil {
			return nil, fmt.Errorf("rules.csv: rule %d (%s): weight: %w", i+1, r[0], err)
		}
		if !known[r[1]] {
			return nil, fmt.Errorf("rules.csv: rule %d (%s): unknown topic %q", i+1, r[0], r[1])
		}
		p := strings.TrimSpace(r[0])
		if p != strings.ToLower(p) || strings.Trim(p, "*$ ") == "" {
			return nil, fmt.Errorf("rules.csv: rule %d: pattern %q must be lower case and not empty", i+1, p)
		}
		t.rules = append(t.rules, Rule{Pattern: p, Topic: r[1], Weight: w})
		for k, tp := range t.topics {
			if tp.Slug == r[1] {
				t.ruleTopic = append(t.ruleTopic, k)
			}
		}
	}
	pats := make([]string, len(t.rules))
	for i, r := range t.rules {
		pats[i] = r.Pattern
	}
	t.set = phrases.Compile(pats)
	return t, nil
}

func readCSV(name string) ([][]string, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("read %s: no rows", name)
	}
	return rows[1:], nil
}
