package search

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// meiliDoc is an event as the Meilisearch index holds it: the searchable
// text and every filterable field. Times are Unix seconds.
type meiliDoc struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Venue       string `json:"venue,omitempty"`
	City        string `json:"city,omitempty"`
	TopicNames  string `json:"topic_names,omitempty"`
	Start       int64  `json:"start"`
	End         int64  `json:"end"` // when the event is over, as tp_event_end
	Status      string `json:"status"`
	Public      bool   `json:"public"`
	// facets holds each facet's attribute: a string for a one-value facet
	// ("" for none), else a list.
	facets map[string]any
}

// MarshalJSON writes the fixed fields and the facet attributes as one
// object.
func (d meiliDoc) MarshalJSON() ([]byte, error) {
	type plain meiliDoc
	b, err := json.Marshal(plain(d))
	if err != nil || len(d.facets) == 0 {
		return b, err
	}
	fb, err := json.Marshal(d.facets)
	if err != nil {
		return nil, err
	}
	// Both are non-empty objects: join them inside one pair of braces.
	return append(append(b[:len(b)-1], ','), fb[1:]...), nil
}

// descriptionLimit matches the Postgres document (left(description, 4000)).
const descriptionLimit = 4000

func newMeiliDoc(e store.Event) meiliDoc {
	d := e.Draft
	end := d.Start
	if !d.End.IsZero() {
		end = d.End
	}
	endUnix := end.Unix()
	if d.AllDay {
		endUnix += 24 * 3600
	}
	desc := d.Description
	if r := []rune(desc); len(r) > descriptionLimit {
		desc = string(r[:descriptionLimit])
	}
	var names []string
	for _, t := range d.Topics {
		if term, ok := TopicTerm(t); ok {
			names = append(names, term.NameDE, term.NameEN)
		}
	}
	return meiliDoc{
		ID: e.ID, Title: d.Title, Description: desc, Venue: d.Place.Venue, City: d.Place.City,
		TopicNames: strings.Join(names, " · "), Start: d.Start.Unix(), End: endUnix,
		Status: string(d.Status), Public: e.Public(),
	}
}

// facetAttrs reads the facet attributes of events from the same SQL
// expressions Postgres filters and counts with, so the index holds exactly
// what SQL searches.
func facetAttrs(ctx context.Context, db store.DB, fs FacetSet, ids []int64) (map[int64]map[string]any, error) {
	out := make(map[int64]map[string]any, len(ids))
	scan := newFacetScan(fs)
	err := store.EachFacetRow(ctx, db, fs.columns(), ids, scan.dest, func(id int64) error {
		m := make(map[string]any, len(fs))
		for i, fc := range fs {
			if fc.Column != "" {
				m[fc.Attr] = scan.one[i]
			} else {
				m[fc.Attr] = slices.Clone(scan.many[i])
			}
		}
		out[id] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadDocs reads events for the index. gone lists ids that must leave it:
// deleted events and events merged into another.
func loadDocs(ctx context.Context, db store.DB, fs FacetSet, ids []int64) (docs []meiliDoc, gone []int64, err error) {
	evs, err := store.EventsByID(ctx, db, ids)
	if err != nil {
		return nil, nil, err
	}
	facets, err := facetAttrs(ctx, db, fs, ids)
	if err != nil {
		return nil, nil, err
	}
	found := map[int64]bool{}
	for _, e := range evs {
		if e.MergedInto != nil {
			continue
		}
		found[e.ID] = true
		doc := newMeiliDoc(e)
		doc.facets = facets[e.ID]
		docs = append(docs, doc)
	}
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	return docs, gone, nil
}

// topicSynonyms lets a query in either language, or a common German
// variant, find the topic's words ("Schulung" finds "Fortbildung").
func topicSynonyms() map[string][]string {
	groups := [][]string{
		{"fortbildung", "weiterbildung", "schulung", "training", "seminar", "workshop"},
		{"vernetzung", "netzwerk", "austausch", "networking", "vernetzungstreffen"},
		{"beratung", "counselling", "counseling", "sprechstunde"},
		{"gesundheit", "health", "gesundheitsförderung"},
		{"förderung", "finanzierung", "fördermittel", "funding"},
		{"ehrenamt", "ehrenamtliche", "volunteering", "volunteer", "engagement"},
		{"antidiskriminierung", "antirassismus", "rassismus", "diskriminierung", "anti-discrimination", "racism"},
		{"teilhabe", "partizipation", "politik", "participation", "politics"},
		{"kultur", "medien", "culture", "media"},
		{"arbeit", "anerkennung", "beruf", "work", "recognition", "employment"},
		{"asyl", "flucht", "geflüchtete", "asylum", "refugees", "refuge"},
		{"jugend", "jugendliche", "youth"},
		{"gender", "gleichstellung", "frauen", "equality", "women"},
		{"recht", "verein", "vereinsrecht", "law", "association"},
		{"familie", "familien", "eltern", "family", "parents"},
	}
	out := map[string][]string{}
	for _, g := range groups {
		for _, w := range g {
			for _, o := range g {
				if o != w {
					out[w] = append(out[w], o)
				}
			}
		}
	}
	return out
}
