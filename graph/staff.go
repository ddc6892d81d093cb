package graph

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treffpunkt/treffpunkt/graph/model"
	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Error codes of the staff mutations.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
)

// staff returns the review service, or the error for a server without one.
func (r *Resolver) staff() (*review.Service, error) {
	if r.Review == nil {
		err := gqlerror.Errorf("staff operations are not enabled on this server")
		errcode.Set(err, CodeForbidden)
		return nil, err
	}
	return r.Review, nil
}

// staffErr gives access errors their codes; the error presenter handles
// the rest (bad input, not found, internal).
func staffErr(err error) error {
	code := ""
	switch {
	case err == nil:
		return nil
	case errors.Is(err, auth.ErrUnauthenticated):
		code = CodeUnauthenticated
	case errors.Is(err, auth.ErrForbidden):
		code = CodeForbidden
	case errors.Is(err, store.ErrExists):
		code = CodeBadInput
	default:
		return err
	}
	msg := err.Error()
	if code == CodeUnauthenticated {
		msg = "unauthenticated" // and nothing else: the caller is anonymous
	}
	gerr := gqlerror.Errorf("%s", msg)
	errcode.Set(gerr, code)
	return gerr
}

// staffGate refuses every mutation of an anonymous caller before any
// resolver reads its arguments, so no validation message, lookup or
// timing reaches someone who is not staff. The roles (reviewer, admin)
// are the review service's to check.
type staffGate struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = staffGate{}

func (staffGate) ExtensionName() string                          { return "StaffGate" }
func (staffGate) Validate(schema graphql.ExecutableSchema) error { return nil }

func (staffGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	if _, ok := auth.FromContext(ctx); ok {
		return nil
	}
	err := gqlerror.Errorf("unauthenticated")
	errcode.Set(err, CodeUnauthenticated)
	return err
}

// parseEventID reads an event id argument.
func parseEventID(id string) (int64, error) {
	n, ok := model.ParseID(id)
	if !ok {
		return 0, invalidID(id)
	}
	return n, nil
}

// reviewResult is the event after a staff action, for the caller.
func reviewResult(ctx context.Context, svc *review.Service, id int64) (*model.ReviewResult, error) {
	d, err := svc.Event(ctx, id)
	if err != nil {
		return nil, staffErr(err)
	}
	return &model.ReviewResult{Event: model.NewEvent(d.Event), State: d.State, ChangedFields: nonNilStrings(d.Changed)}, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// updateValues turns an EventUpdate into the override values review.Edit
// takes (store.EditableFields names, JSON values).
func updateValues(in model.EventUpdate) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	set := func(name string, v any) {
		b, _ := json.Marshal(v)
		out[name] = b
	}
	opt := func(name string, p *string) {
		if p != nil {
			set(name, *p)
		}
	}
	opt("title", in.Title)
	opt("description", in.Description)
	opt("venue", in.Venue)
	opt("street", in.Street)
	opt("postal_code", in.PostalCode)
	opt("city", in.City)
	opt("region", in.Region)
	opt("organizer", in.Organizer)
	opt("recurrence", in.Recurrence)
	for name, t := range map[string]*time.Time{"start": in.Start, "end": in.End} {
		if t != nil {
			set(name, t.In(event.Berlin))
		}
	}
	if in.AllDay != nil {
		set("all_day", *in.AllDay)
	}
	if in.Online != nil {
		set("online", strings.ToLower(string(*in.Online)))
	}
	if in.Status != nil {
		set("status", strings.ToLower(string(*in.Status)))
	}
	if in.Languages != nil {
		set("languages", in.Languages)
	}
	if in.Topics != nil {
		set("topics", in.Topics)
	}
	if in.RegistrationRequired != nil {
		set("registration_required", *in.RegistrationRequired)
	}
	if in.CostFree != nil {
		set("cost_free", *in.CostFree)
	}
	return out
}

// sourceConfig turns a SourceInput into a sources-file entry; validation
// is review's (the sources file's own).
func sourceConfig(in model.SourceInput) (source.Source, error) {
	s := source.Source{ID: in.ID, Name: in.Name, URL: in.URL, Kind: deref(in.Kind), Follow: deref(in.Follow),
		Next: deref(in.Next), Region: deref(in.Region), Organizer: deref(in.Organizer), Languages: in.Languages,
		Fields: source.Fields{Title: deref(in.Title), Body: deref(in.Body), Date: deref(in.Date),
			Place: deref(in.Place), Item: deref(in.Item)},
		Disabled: deref(in.Disabled)}
	if in.Publish != nil {
		s.Publish = strings.ToLower(string(*in.Publish))
	}
	if in.Interval != nil {
		d, err := time.ParseDuration(*in.Interval)
		if err != nil {
			return s, &inputError{"interval " + strconv.Quote(*in.Interval) + ": want a duration such as 6h"}
		}
		s.Interval.Duration = d
	}
	return s, nil
}

type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return event.ErrInvalid }

func staffSource(s store.SourceRow) *model.StaffSource {
	return &model.StaffSource{ID: s.ID, Name: s.Name, URL: s.URL, Publish: model.PublishPolicy(strings.ToUpper(s.Publish)),
		Enabled: s.Enabled}
}

// saveSource validates a source from the API and stores it with save
// (create or update), answering with the source as stored.
func (r *mutationResolver) saveSource(ctx context.Context, input model.SourceInput,
	save func(context.Context, source.Source) error) (*model.StaffSource, error) {
	src, err := sourceConfig(input)
	if err != nil {
		return nil, err
	}
	if err := save(ctx, src); err != nil {
		return nil, staffErr(err)
	}
	row, err := store.GetSource(ctx, r.DB, src.ID)
	return staffSource(row), err
}
