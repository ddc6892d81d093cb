package calendar

import (
	"context"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// sourceLink is the announcement an event is published from.
type sourceLink = store.SourceLink

// firstSources is store.FirstSources: the "link to the source" of feeds
// and widget.
func firstSources(ctx context.Context, db store.DB, ids []int64) (map[int64]sourceLink, error) {
	return store.FirstSources(ctx, db, ids)
}

// eventSource is one announcement of an event on its page.
type eventSource struct {
	sourceLink
	Vanished bool // the page no longer lists it
}

// eventSources lists every announcement of an event, oldest first, one
// per page URL, and a contact address to register with: the first one an
// announcement gives, from a source that marks its contacts as public.
func eventSources(ctx context.Context, db store.DB, id int64) ([]eventSource, string, error) {
	linked, err := store.LinkedDrafts(ctx, db, id)
	if err != nil {
		return nil, "", err
	}
	srcs := map[string]store.SourceRow{}
	seen := map[string]bool{}
	var out []eventSource
	var contact string
	for _, l := range linked {
		src, ok := srcs[l.SourceID]
		if !ok {
			if src, err = store.GetSource(ctx, db, l.SourceID); err != nil {
				return nil, "", err
			}
			srcs[l.SourceID] = src
		}
		if contact == "" && src.PublicContacts && !l.Vanished {
			for _, m := range l.Draft.Contact.Emails {
				if strings.Contains(m, "@") && !strings.ContainsAny(m, " <>\"?") {
					contact = "mailto:" + m
					break
				}
			}
		}
		if seen[l.URL] {
			continue
		}
		seen[l.URL] = true
		out = append(out, eventSource{sourceLink{SourceID: l.SourceID, Name: src.Name, URL: l.URL}, l.Vanished})
	}
	return out, contact, nil
}
