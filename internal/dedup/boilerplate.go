package dedup

import (
	"slices"
	"strings"
)

// minBoilerplateWords keeps short lines out of boilerplate: "Datum:",
// "Ort: Online" or "Anmeldung erforderlich" repeat on every page of a site
// but belong to the event they stand in.
const minBoilerplateWords = 5

// Boilerplate is the set of paragraphs that one site repeats on many of its
// pages (a radio-show blurb, a funding notice). They are not part of any
// event and are removed from descriptions before matching.
type Boilerplate struct {
	norm  map[string]bool // normalised paragraph → present
	paras []string        // as first seen, for staff and persistence
}

// LearnBoilerplate finds the paragraphs (lines) of one site's page texts
// that occur on at least minPages pages and on at least share (0..1) of all
// pages. Paragraphs are compared after folding case, umlauts and
// punctuation, so a re-typed quote mark does not hide a copy.
func LearnBoilerplate(pages []string, minPages int, share float64) *Boilerplate {
	count := map[string]int{}
	first := map[string]string{}
	for _, page := range pages {
		seen := map[string]bool{}
		for _, line := range strings.Split(page, "\n") {
			n, ok := normParagraph(line)
			if !ok || seen[n] {
				continue
			}
			seen[n] = true
			count[n]++
			if _, ok := first[n]; !ok {
				first[n] = strings.TrimSpace(line)
			}
		}
	}
	b := &Boilerplate{norm: map[string]bool{}}
	need := max(minPages, 1)
	for n, c := range count {
		if c >= need && float64(c) >= share*float64(len(pages)) {
			b.norm[n] = true
			b.paras = append(b.paras, first[n])
		}
	}
	slices.Sort(b.paras)
	return b
}

// BoilerplateFrom rebuilds a Boilerplate from the list Paragraphs returned
// (as persisted per site, possibly edited by staff).
func BoilerplateFrom(paragraphs []string) *Boilerplate {
	b := &Boilerplate{norm: map[string]bool{}}
	for _, p := range paragraphs {
		if n, ok := normParagraph(p); ok && !b.norm[n] {
			b.norm[n] = true
			b.paras = append(b.paras, strings.TrimSpace(p))
		}
	}
	slices.Sort(b.paras)
	return b
}

// Paragraphs lists the boilerplate paragraphs as they appeared on the site,
// sorted.
func (b *Boilerplate) Paragraphs() []string {
	if b == nil {
		return nil
	}
	return slices.Clone(b.paras)
}

// Strip removes the boilerplate lines from text and collapses the blank
// lines they leave behind. Everything else is kept as it was. A nil
// Boilerplate strips nothing.
func (b *Boilerplate) Strip(text string) string {
	if b == nil || len(b.norm) == 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	out := lines[:0:0]
	blank := false
	for _, line := range lines {
		if n, ok := normParagraph(line); ok && b.norm[n] {
			continue
		}
		isBlank := strings.TrimSpace(line) == ""
		if isBlank && (blank || len(out) == 0) {
			continue
		}
		out = append(out, line)
		blank = isBlank
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// normParagraph folds a line for comparison; ok is false for lines too
// short to be boilerplate.
func normParagraph(line string) (string, bool) {
	ws := words(line)
	if len(ws) < minBoilerplateWords {
		return "", false
	}
	return strings.Join(ws, " "), true
}
