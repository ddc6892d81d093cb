package calendar

import (
	"context"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// sourceLink is the announcement an event is published from.
type sourceLink struct {
	SourceID string
	Name     string // the partner's name
	URL      string // the announcement page
	// Facets are the event's facet values, when loaded with linkEvents
	// (badges, feeds).
	Facets eventFacets
}

// linkEvents returns, for each of the events, its source link (see
// firstSources) with its facet values: what a listing or feed shows of an
// event beyond its columns. The two queries run at once, so a feed's
// linking stage takes as long as the slower of them, not their sum (db is
// the handler's pool).
func linkEvents(ctx context.Context, db store.DB, ids []int64) (map[int64]sourceLink, error) {
	var srcs map[int64]sourceLink
	var fvs map[int64]eventFacets
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { srcs, err = firstSources(gctx, db, ids); return err })
	g.Go(func() (err error) { fvs, err = loadFacets(gctx, db, ids); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for id, fv := range fvs {
		l := srcs[id]
		l.Facets = fv
		srcs[id] = l
	}
	return srcs, nil
}

// firstSources is store.FirstSources: the "link to the source" of feeds
// and widget.
func firstSources(ctx context.Context, db store.DB, ids []int64) (map[int64]sourceLink, error) {
	links, err := store.FirstSources(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]sourceLink, len(links))
	for id, l := range links {
		out[id] = sourceLink{SourceID: l.SourceID, Name: l.Name, URL: l.URL}
	}
	return out, nil
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
