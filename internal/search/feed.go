package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// ChangeKind says what happened to an event since a moment.
type ChangeKind string

const (
	Created   ChangeKind = "created"
	Updated   ChangeKind = "updated"
	Cancelled ChangeKind = "cancelled"
	Merged    ChangeKind = "merged"  // a duplicate, now MergedInto
	Removed   ChangeKind = "removed" // not (or no longer) public
)

// Change is one entry of the change feed.
type Change struct {
	ID         int64
	Kind       ChangeKind
	ChangedAt  time.Time
	MergedInto *int64
	Event      *store.Event // the public event; nil for Merged and Removed
	Cursor     string
}

// ChangePage is one page of the change feed.
type ChangePage struct {
	Changes []Change
	HasNext bool
}

type changeCursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

// Changes lists events changed at or after since, oldest change first,
// paged on (updated_at, id). An event appears once, with its latest state.
// Unless staff, only events that are or once were public are listed:
// the ids of events still in (or rejected from) the review queue stay
// with staff.
func Changes(ctx context.Context, db store.DB, since time.Time, p Page, staff bool) (ChangePage, error) {
	if p.First < 0 || p.First > MaxPageSize {
		return ChangePage{}, fmt.Errorf("%w: first must be between 0 and %d, got %d", ErrInvalid, MaxPageSize, p.First)
	}
	if p.First == 0 {
		p.First = MaxPageSize
	}
	after := changeCursor{At: since}
	if p.After != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.After)
		if err != nil || json.Unmarshal(b, &after) != nil {
			return ChangePage{}, fmt.Errorf("%w: malformed cursor", ErrInvalid)
		}
	}
	list, err := store.EventChanges(ctx, db, since, after.At, after.ID, p.First+1, staff)
	if err != nil {
		return ChangePage{}, err
	}
	var page ChangePage
	if len(list) > p.First {
		list, page.HasNext = list[:p.First], true
	}
	var public []int64
	for _, x := range list {
		if x.Public {
			public = append(public, x.ID)
		}
	}
	evs, err := store.EventsByID(ctx, db, public)
	if err != nil {
		return ChangePage{}, err
	}
	byID := map[int64]*store.Event{}
	for i := range evs {
		byID[evs[i].ID] = &evs[i]
	}
	for _, x := range list {
		c := Change{ID: x.ID, ChangedAt: x.Updated, MergedInto: x.MergedInto, Event: byID[x.ID]}
		switch {
		case x.MergedInto != nil:
			c.Kind = Merged
		case !x.Public:
			c.Kind = Removed
		case x.Status == "cancelled":
			c.Kind = Cancelled
		case !x.Created.Before(since):
			c.Kind = Created
		default:
			c.Kind = Updated
		}
		if c.Kind == Merged || c.Kind == Removed {
			c.Event = nil
		}
		b, _ := json.Marshal(changeCursor{At: x.Updated, ID: x.ID})
		c.Cursor = base64.RawURLEncoding.EncodeToString(b)
		page.Changes = append(page.Changes, c)
	}
	return page, nil
}
