package store

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// EditableFields are the event fields staff can override, in form order.
// Each is stored as the JSON of its Go value.
var EditableFields = []string{
	"title", "description", "start", "end", "all_day", "online", "status",
	"venue", "street", "postal_code", "city", "region",
	"languages", "topics", "organizer", "registration_required", "cost_free", "recurrence",
	"audience", "access",
}

// field reads and writes one editable field of a draft.
type editField struct {
	get func(d *event.Draft) any
	set func(d *event.Draft, raw []byte) error
}

func plainField[T any](p func(d *event.Draft) *T) editField {
	return editField{
		get: func(d *event.Draft) any { return *p(d) },
		set: func(d *event.Draft, raw []byte) error { return json.Unmarshal(raw, p(d)) },
	}
}

// clock fields are compared in Berlin time, so the same instant read back
// from the database in another zone is not a change.
func clockField(p func(d *event.Draft) *time.Time) editField {
	return editField{
		get: func(d *event.Draft) any {
			if p(d).IsZero() {
				return nil
			}
			return p(d).In(event.Berlin)
		},
		set: func(d *event.Draft, raw []byte) error {
			var t *time.Time
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			*p(d) = time.Time{}
			if t != nil {
				*p(d) = t.In(event.Berlin)
			}
			return nil
		},
	}
}

func listField(p func(d *event.Draft) *[]string) editField {
	return editField{
		get: func(d *event.Draft) any { return nonNil(*p(d)) },
		set: func(d *event.Draft, raw []byte) error { return json.Unmarshal(raw, p(d)) },
	}
}

var editFields = map[string]editField{
	"title": plainField(func(d *event.Draft) *string { return &d.Title }),
	"description": {
		get: func(d *event.Draft) any { return d.Description },
		set: func(d *event.Draft, raw []byte) error {
			if err := json.Unmarshal(raw, &d.Description); err != nil {
				return err
			}
			// Staff write plain text; the HTML version follows it so the
			// scraped markup never contradicts the edit.
			d.DescriptionHTML = paragraphsHTML(d.Description)
			return nil
		},
	},
	"start":                 clockField(func(d *event.Draft) *time.Time { return &d.Start }),
	"end":                   clockField(func(d *event.Draft) *time.Time { return &d.End }),
	"all_day":               plainField(func(d *event.Draft) *bool { return &d.AllDay }),
	"online":                plainField(func(d *event.Draft) *event.OnlineMode { return &d.Online }),
	"status":                plainField(func(d *event.Draft) *event.Status { return &d.Status }),
	"venue":                 plainField(func(d *event.Draft) *string { return &d.Place.Venue }),
	"street":                plainField(func(d *event.Draft) *string { return &d.Place.Street }),
	"postal_code":           plainField(func(d *event.Draft) *string { return &d.Place.PostalCode }),
	"city":                  plainField(func(d *event.Draft) *string { return &d.Place.City }),
	"region":                plainField(func(d *event.Draft) *string { return &d.Place.Region }),
	"languages":             listField(func(d *event.Draft) *[]string { return &d.Languages }),
	"topics":                listField(func(d *event.Draft) *[]string { return &d.Topics }),
	"organizer":             plainField(func(d *event.Draft) *string { return &d.Organizer }),
	"registration_required": plainField(func(d *event.Draft) **bool { return &d.RegistrationRequired }),
	"cost_free":             plainField(func(d *event.Draft) **bool { return &d.CostFree }),
	"recurrence":            plainField(func(d *event.Draft) *string { return &d.Recurrence }),
	// The facets' words (the staff form offers the filters' slugs; the
	// generated columns map either vocabulary, migrations 00090 and 00160).
	"audience": listField(func(d *event.Draft) *[]string { return &d.Audience }),
	"access":   listField(func(d *event.Draft) *[]string { return &d.Accessibility }),
}

// paragraphsHTML turns plain text into escaped paragraphs.
func paragraphsHTML(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

// FieldValue returns the JSON of one editable field of a draft.
func FieldValue(d event.Draft, name string) (json.RawMessage, error) {
	f, ok := editFields[name]
	if !ok {
		return nil, fmt.Errorf("field %q: %w", name, event.ErrInvalid)
	}
	return json.Marshal(f.get(&d))
}

// SetField sets one editable field of a draft from its JSON.
func SetField(d *event.Draft, name string, raw json.RawMessage) error {
	f, ok := editFields[name]
	if !ok {
		return fmt.Errorf("field %q: %w", name, event.ErrInvalid)
	}
	if err := f.set(d, raw); err != nil {
		return fmt.Errorf("field %s: %v: %w", name, err, event.ErrInvalid)
	}
	return nil
}

// FieldValues returns every editable field of a draft, by name.
func FieldValues(d event.Draft) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(EditableFields))
	for _, name := range EditableFields {
		v, err := FieldValue(d, name)
		if err == nil {
			out[name] = v
		}
	}
	return out
}

// ChangedFields lists the editable fields whose values differ, in form order.
func ChangedFields(a, b event.Draft) []string {
	va, vb := FieldValues(a), FieldValues(b)
	var out []string
	for _, name := range EditableFields {
		if !SameJSON(va[name], vb[name]) {
			out = append(out, name)
		}
	}
	return out
}

// SameJSON compares two JSON texts by value, so jsonb's reformatting (and
// key order) does not count as a change.
func SameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}

// Override is a staff value for one field of an event.
type Override struct {
	EventID     int64
	Field       string
	Value       json.RawMessage
	SourceValue json.RawMessage // what the sources said when staff edited
	// SourceNow is set when a later crawl brought another value than
	// SourceValue: the source changed a field staff had overridden.
	SourceNow       json.RawMessage
	SourceChangedAt *time.Time
	SetBy           string
	SetAt           time.Time
}

// Overrides returns an event's overrides in form order.
func Overrides(ctx context.Context, db DB, eventID int64) ([]Override, error) {
	rows, err := db.Query(ctx, `
		SELECT event_id, field, value, source_value, source_now, source_changed_at, set_by, set_at
		FROM event_overrides WHERE event_id = $1`, eventID)
	if err != nil {
		return nil, fmt.Errorf("overrides of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.EventID, &o.Field, &o.Value, &o.SourceValue, &o.SourceNow, &o.SourceChangedAt,
			&o.SetBy, &o.SetAt); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Override) int {
		return slices.Index(EditableFields, a.Field) - slices.Index(EditableFields, b.Field)
	})
	return out, rows.Err()
}

// SetOverride records a staff value for a field. sourceValue is what the
// sources say now; an existing override keeps the source value it recorded
// first, since the sources did not change by the edit.
func SetOverride(ctx context.Context, db DB, o Override) error {
	_, err := db.Exec(ctx, `
		INSERT INTO event_overrides (event_id, field, value, source_value, set_by)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (event_id, field) DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, set_at = now()`,
		o.EventID, o.Field, []byte(o.Value), []byte(o.SourceValue), o.SetBy)
	if err != nil {
		return fmt.Errorf("override %s of event %d: %w", o.Field, o.EventID, err)
	}
	return nil
}

// DeleteOverride drops a staff value and returns it (ErrNotFound when the
// field had none).
func DeleteOverride(ctx context.Context, db DB, eventID int64, name string) (Override, error) {
	o := Override{EventID: eventID, Field: name}
	err := db.QueryRow(ctx, `DELETE FROM event_overrides WHERE event_id = $1 AND field = $2
		RETURNING value, source_value, source_now`, eventID, name).Scan(&o.Value, &o.SourceValue, &o.SourceNow)
	if err != nil {
		return o, fmt.Errorf("override %s of event %d: %w", name, eventID, rowNotFound(err))
	}
	return o, nil
}

// MoveOverrides gives the overrides of one event to another where it has
// none of its own (a merge keeps staff's work on either side).
func MoveOverrides(ctx context.Context, db DB, from, to int64) error {
	_, err := db.Exec(ctx, `
		INSERT INTO event_overrides (event_id, field, value, source_value, source_now, source_changed_at, set_by, set_at)
		SELECT $2, field, value, source_value, source_now, source_changed_at, set_by, set_at
		FROM event_overrides WHERE event_id = $1
		ON CONFLICT (event_id, field) DO NOTHING`, from, to)
	if err != nil {
		return fmt.Errorf("move overrides %d → %d: %w", from, to, err)
	}
	return nil
}

// ApplyOverrides lays an event's staff overrides over the draft the
// pipeline computed from its sources. Where the sources now say something
// else than when staff edited, the override notes it (SourceNow), so the
// UI can tell staff; the staff value still wins.
func ApplyOverrides(ctx context.Context, db DB, eventID int64, d event.Draft) (event.Draft, error) {
	os, err := Overrides(ctx, db, eventID)
	if err != nil || len(os) == 0 {
		return d, err
	}
	for _, o := range os {
		cur, err := FieldValue(d, o.Field)
		if err != nil {
			continue // a field no longer editable: the source value stands
		}
		moved := !SameJSON(cur, o.SourceValue)
		switch {
		case moved && (o.SourceNow == nil || !SameJSON(cur, o.SourceNow)):
			_, err = db.Exec(ctx, `UPDATE event_overrides SET source_now = $3, source_changed_at = now()
				WHERE event_id = $1 AND field = $2`, eventID, o.Field, []byte(cur))
		case !moved && o.SourceNow != nil:
			_, err = db.Exec(ctx, `UPDATE event_overrides SET source_now = NULL, source_changed_at = NULL
				WHERE event_id = $1 AND field = $2`, eventID, o.Field)
		}
		if err != nil {
			return d, fmt.Errorf("note source change of %s on event %d: %w", o.Field, eventID, err)
		}
		if err := SetField(&d, o.Field, o.Value); err != nil {
			return d, err
		}
	}
	return d, nil
}
