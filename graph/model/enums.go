package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The schema's enums, written by hand so the hand-written models can use
// them (gqlgen binds them by name through autobind).

// OnlineMode mirrors event.OnlineMode.
type OnlineMode string

const (
	OnlineModeNo     OnlineMode = "NO"
	OnlineModeYes    OnlineMode = "YES"
	OnlineModeHybrid OnlineMode = "HYBRID"
)

// EventStatus mirrors event.Status.
type EventStatus string

const (
	EventStatusScheduled EventStatus = "SCHEDULED"
	EventStatusCancelled EventStatus = "CANCELLED"
	EventStatusPostponed EventStatus = "POSTPONED"
)

// EventOrder mirrors search.Order.
type EventOrder string

const (
	EventOrderStartAsc  EventOrder = "START_ASC"
	EventOrderStartDesc EventOrder = "START_DESC"
	EventOrderRelevance EventOrder = "RELEVANCE"
)

// Lang selects display names.
type Lang string

const (
	LangDe Lang = "DE"
	LangEn Lang = "EN"
)

// ChangeKind is what happened to an event in the change feed.
type ChangeKind string

const (
	ChangeKindCreated   ChangeKind = "CREATED"
	ChangeKindUpdated   ChangeKind = "UPDATED"
	ChangeKindCancelled ChangeKind = "CANCELLED"
	ChangeKindMerged    ChangeKind = "MERGED"
	ChangeKindRemoved   ChangeKind = "REMOVED"
)

func unmarshalEnum[T ~string](v any, valid ...T) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: enums must be strings", event.ErrInvalid)
	}
	for _, x := range valid {
		if string(x) == s {
			return x, nil
		}
	}
	return "", fmt.Errorf("%w: %q is not a valid value", event.ErrInvalid, s)
}

func marshalEnum(w io.Writer, s string) { _, _ = io.WriteString(w, strconv.Quote(s)) }

func (e *OnlineMode) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum(v, OnlineModeNo, OnlineModeYes, OnlineModeHybrid)
	return err
}
func (e OnlineMode) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

func (e *EventStatus) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum(v, EventStatusScheduled, EventStatusCancelled, EventStatusPostponed)
	return err
}
func (e EventStatus) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

func (e *EventOrder) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum(v, EventOrderStartAsc, EventOrderStartDesc, EventOrderRelevance)
	return err
}
func (e EventOrder) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

func (e *Lang) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum(v, LangDe, LangEn)
	return err
}
func (e Lang) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

func (e *ChangeKind) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum(v, ChangeKindCreated, ChangeKindUpdated, ChangeKindCancelled, ChangeKindMerged, ChangeKindRemoved)
	return err
}
func (e ChangeKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }
