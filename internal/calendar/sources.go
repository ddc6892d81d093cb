package calendar

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
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

// firstSources returns, for each of the events, the announcement it was
// first seen in that is still online (else the first one at all): the
// "link to the source" of feeds and widget. One query per batch of a feed.
func firstSources(ctx context.Context, db store.DB, ids []int64) (map[int64]sourceLink, error) {
	out := make(map[int64]sourceLink, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// The items are read one by one through their primary key (the
	// LATERAL with OFFSET 0 keeps the planner from hash-joining all
	// items, which took a third longer on 10,000 items and grows with
	// every item ever crawled).
	rows, err := db.Query(ctx, `
		SELECT DISTINCT ON (ei.event_id) ei.event_id, i.source_id, s.name, coalesce(nullif(i.raw->>'url', ''), i.page_url)
		FROM event_items ei
		CROSS JOIN LATERAL (SELECT i.source_id, i.vanished_at, i.raw, i.page_url FROM items i WHERE i.id = ei.item_id OFFSET 0) i
		JOIN sources s ON s.id = i.source_id
		WHERE ei.event_id = ANY($1::bigint[])
		ORDER BY ei.event_id, i.vanished_at IS NOT NULL, ei.first_seen, ei.item_id, ei.occurrence`, store.IDArray(ids))
	if err != nil {
		return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
	}
	defer rows.Close()
	// The partner's id and name repeat from row to row: read without a
	// copy (DriverBytes) and kept once.
	var id int64
	var srcID, name pgtype.DriverBytes
	var url string
	names := map[string][2]string{}
	for rows.Next() {
		if err := rows.Scan(&id, &srcID, &name, &url); err != nil {
			return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
		}
		n, ok := names[string(srcID)]
		if !ok || n[1] != string(name) {
			n = [2]string{string(srcID), string(name)}
			names[n[0]] = n
		}
		out[id] = sourceLink{SourceID: n[0], Name: n[1], URL: url}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources of %d events: %w", len(ids), err)
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
