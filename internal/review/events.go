package review

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/teambition/rrule-go"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// decision is the state of an event an audit entry records.
type decision struct {
	Review string `json:"review"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// Approve publishes events and keeps the approved version, against which
// later source changes are diffed. Approving a changed or vanished event
// takes it off the queue.
func (s *Service) Approve(ctx context.Context, ids ...int64) error {
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		for _, id := range ids {
			ev, state, err := liveEvent(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := store.SetReview(ctx, tx, id, "published"); err != nil {
				return err
			}
			if err := store.RecordApproval(ctx, tx, id, ev.Draft, p.Actor()); err != nil {
				return err
			}
			if err := audit(ctx, tx, p, "event.approve", "event", id, decision{Review: ev.Review, State: state},
				decision{Review: "published", State: store.StatePublished}, ev.Draft.Title); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reject withdraws events from publication with a reason staff can read
// later. The event stays stored, so a re-crawl does not bring it back as
// new.
func (s *Service) Reject(ctx context.Context, reason string, ids ...int64) error {
	reason = strings.TrimSpace(reason)
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		for _, id := range ids {
			ev, state, err := liveEvent(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := store.SetReview(ctx, tx, id, "rejected"); err != nil {
				return err
			}
			if err := store.RecordDecision(ctx, tx, id, p.Actor(), reason); err != nil {
				return err
			}
			if err := audit(ctx, tx, p, "event.reject", "event", id, decision{Review: ev.Review, State: state},
				decision{Review: "rejected", State: store.StateRejected, Reason: reason}, ev.Draft.Title); err != nil {
				return err
			}
		}
		return nil
	})
}

// liveEvent loads an event staff may decide on: not merged away.
func liveEvent(ctx context.Context, db store.DB, id int64) (store.Event, string, error) {
	ev, err := store.GetEvent(ctx, db, id)
	if err != nil {
		return ev, "", err
	}
	if ev.MergedInto != nil {
		return ev, "", fmt.Errorf("event %d was merged into %d: %w", id, *ev.MergedInto, event.ErrInvalid)
	}
	state, err := store.ReviewState(ctx, db, id)
	return ev, state, err
}

// Edit sets fields of an event (values as JSON, by store.EditableFields
// name). Each field that differs from the current value becomes a staff
// override: re-crawls keep it. It returns the names of the fields changed.
func (s *Service) Edit(ctx context.Context, id int64, values map[string]json.RawMessage) ([]string, error) {
	var changed []string
	err := s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		var err error
		changed, err = edit(ctx, tx, p, id, values, "event.edit")
		return err
	})
	return changed, err
}

func edit(ctx context.Context, tx pgx.Tx, p auth.Principal, id int64, values map[string]json.RawMessage, action string) ([]string, error) {
	ev, _, err := liveEvent(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	overrides, err := store.Overrides(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	d := ev.Draft
	before, after := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	var changed []string
	for _, name := range store.EditableFields {
		v, ok := values[name]
		if !ok {
			continue
		}
		cur, err := store.FieldValue(d, name)
		if err != nil {
			return nil, err
		}
		if store.SameJSON(cur, v) {
			continue
		}
		if err := store.SetField(&d, name, v); err != nil {
			return nil, err
		}
		now, _ := store.FieldValue(d, name)
		before[name], after[name] = cur, now
		changed = append(changed, name)
	}
	for name := range values {
		if !slices.Contains(store.EditableFields, name) {
			return nil, fmt.Errorf("field %q cannot be edited: %w", name, event.ErrInvalid)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if err := validate(d); err != nil {
		return nil, err
	}
	for _, name := range changed {
		// The first override of a field records what the sources said.
		src := before[name]
		if i := slices.IndexFunc(overrides, func(o store.Override) bool { return o.Field == name }); i >= 0 {
			src = overrides[i].SourceValue
		}
		if err := store.SetOverride(ctx, tx, store.Override{EventID: id, Field: name, Value: after[name],
			SourceValue: src, SetBy: p.Actor()}); err != nil {
			return nil, err
		}
	}
	if _, err := store.WriteEvent(ctx, tx, id, d); err != nil {
		return nil, err
	}
	if err := keepApprovedInStep(ctx, tx, id, changed, after); err != nil {
		return nil, err
	}
	return changed, audit(ctx, tx, p, action, "event", id, before, after, ev.Draft.Title)
}

// keepApprovedInStep writes staff's own edits into the approved version
// too, so the diff of a later source change shows only what the source
// changed.
func keepApprovedInStep(ctx context.Context, tx pgx.Tx, id int64, fields []string, values map[string]json.RawMessage) error {
	r, err := store.GetReview(ctx, tx, id)
	if err != nil || r.ApprovedDraft == nil {
		return err
	}
	d := *r.ApprovedDraft
	for _, name := range fields {
		if err := store.SetField(&d, name, values[name]); err != nil {
			return err
		}
	}
	return store.SetApprovedDraft(ctx, tx, id, d)
}

// validate checks an edited event the way normalisation guarantees it.
func validate(d event.Draft) error {
	var problems []string
	if strings.TrimSpace(d.Title) == "" {
		problems = append(problems, "title is empty")
	}
	if d.Start.IsZero() {
		problems = append(problems, "start is missing")
	}
	if !d.End.IsZero() && d.End.Before(d.Start) && !(d.AllDay && sameDay(d.End, d.Start)) {
		problems = append(problems, "end is before start")
	}
	switch d.Online {
	case event.OnlineNo, event.OnlineYes, event.OnlineHybrid:
	default:
		problems = append(problems, fmt.Sprintf("online %q: want no, yes or hybrid", d.Online))
	}
	switch d.Status {
	case event.StatusScheduled, event.StatusCancelled, event.StatusPostponed:
	default:
		problems = append(problems, fmt.Sprintf("status %q: want scheduled, cancelled or postponed", d.Status))
	}
	if d.Place.Region != "" && !event.ValidRegion(d.Place.Region) {
		problems = append(problems, fmt.Sprintf("region %q is not a Saxon district slug", d.Place.Region))
	}
	for _, l := range d.Languages {
		if len(l) != 2 && l != "hsb" && l != "dsb" {
			problems = append(problems, fmt.Sprintf("language %q: want an ISO 639-1 code", l))
		}
	}
	if d.Recurrence != "" && !validRRule(d.Recurrence) {
		problems = append(problems, "recurrence: want an RFC 5545 RRULE value such as FREQ=WEEKLY;BYDAY=TH")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %w", strings.Join(problems, "; "), event.ErrInvalid)
	}
	return nil
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(event.Berlin), b.In(event.Berlin)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// Revert drops staff's value for a field: the event shows what the
// sources say again (as of the last crawl).
func (s *Service) Revert(ctx context.Context, id int64, field string) error {
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		ev, _, err := liveEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		o, err := store.DeleteOverride(ctx, tx, id, field)
		if err != nil {
			return err
		}
		src := o.SourceValue
		if o.SourceNow != nil {
			src = o.SourceNow
		}
		d := ev.Draft
		if err := store.SetField(&d, field, src); err != nil {
			return err
		}
		if _, err := store.WriteEvent(ctx, tx, id, d); err != nil {
			return err
		}
		return audit(ctx, tx, p, "event.revert", "event", id, map[string]json.RawMessage{field: o.Value},
			map[string]json.RawMessage{field: src}, ev.Draft.Title)
	})
}

// Cancel marks an event cancelled (an override of its status, so a source
// that still lists it does not undo it) and takes it off the queue: the
// answer to "vanished/cancelled?" when the organiser confirms.
func (s *Service) Cancel(ctx context.Context, id int64) error {
	return s.do(ctx, auth.RoleReviewer, func(tx pgx.Tx, p auth.Principal) error {
		status, _ := json.Marshal(event.StatusCancelled)
		changed, err := edit(ctx, tx, p, id, map[string]json.RawMessage{"status": status}, "event.cancel")
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			// Already cancelled: the decision still takes it off the queue.
			if err := audit(ctx, tx, p, "event.cancel", "event", id, nil, map[string]any{"status": status}, ""); err != nil {
				return err
			}
		}
		return store.RecordDecision(ctx, tx, id, p.Actor(), "")
	})
}

// validRRule reports whether s is one RRULE value (without "RRULE:") that
// the feeds can carry as it is: bounded, printable ASCII without spaces or
// quotes (a line break would start a property of the reviewer's choosing
// in every iCal feed), and parsed by the same library the feeds use.
func validRRule(s string) bool {
	if len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	_, err := rrule.StrToROption(s)
	return err == nil
}
