package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// MarshalEventID writes a numeric id as the string GraphQL IDs are.
func MarshalEventID(id int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(strconv.FormatInt(id, 10))) })
}

// UnmarshalEventID reads an id given as a string or a number.
func UnmarshalEventID(v any) (int64, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %v is not an event id", event.ErrInvalid, v)
	}
	return n, nil
}

// MarshalDateTime writes RFC 3339 in Europe/Berlin.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.In(event.Berlin).Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads RFC 3339, or a plain date (midnight in Berlin).
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: a DateTime is a string", event.ErrInvalid)
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, event.Berlin); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %q is not an RFC 3339 date-time (2026-03-10T17:00:00+01:00) or a date (2026-03-10)", event.ErrInvalid, s)
}
