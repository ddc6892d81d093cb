package search

import (
	"context"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// meiliDoc is an event as the Meilisearch index holds it: the searchable
// text and every filterable field. Times are Unix seconds.
type meiliDoc struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Venue       string   `json:"venue,omitempty"`
	City        string   `json:"city,omitempty"`
	TopicNames  string   `json:"topic_names,omitempty"`
	Region      string   `json:"region"`
	Languages   []string `json:"languages"`
	Topics      []string `json:"topics"`
	Start       int64    `json:"start"`
	End         int64    `json:"end"` // when the event is over, as tp_event_end
	Online      string   `json:"online"`
	Sources     []string `json:"source"`
	Status      string   `json:"status"`
	Public      bool     `json:"public"`
}

// descriptionLimit matches the Postgres document (left(description, 4000)).
const descriptionLimit = 4000

func newMeiliDoc(e store.Event, sources []store.EventSource) meiliDoc {
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
	doc := meiliDoc{
		ID: e.ID, Title: d.Title, Description: desc, Venue: d.Place.Venue, City: d.Place.City,
		TopicNames: strings.Join(names, " · "), Region: d.Place.Region,
		Languages: nonNil(d.Languages), Topics: nonNil(d.Topics), Start: d.Start.Unix(), End: endUnix,
		Online: string(d.Online), Status: string(d.Status), Public: e.Review == "published",
		Sources: []string{},
	}
	for _, s := range sources {
		doc.Sources = append(doc.Sources, s.SourceID)
	}
	return doc
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// loadDocs reads events for the index. gone lists ids that must leave it:
// deleted events and events merged into another.
func loadDocs(ctx context.Context, db store.DB, ids []int64) (docs []meiliDoc, gone []int64, err error) {
	evs, err := store.EventsByID(ctx, db, ids)
	if err != nil {
		return nil, nil, err
	}
	srcs, err := store.EventSourcesByEvent(ctx, db, ids)
	if err != nil {
		return nil, nil, err
	}
	found := map[int64]bool{}
	for _, e := range evs {
		if e.MergedInto != nil {
			continue
		}
		found[e.ID] = true
		docs = append(docs, newMeiliDoc(e, srcs[e.ID]))
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
