package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// AuditEntry is one staff action: who, when, what, and the state of the
// target before and after it.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64 // nil for API keys and the command line
	Actor      string // e-mail, "key:<name>" or "cli"
	Action     string // e.g. event.approve, source.update, user.add
	TargetType string // event, source, user, apikey
	TargetID   string
	Before     json.RawMessage
	After      json.RawMessage
	Note       string
}

// Audit records a staff action. before and after are encoded as JSON (nil
// stays NULL); call it in the transaction of the action, so the log has an
// entry if and only if the action happened.
func Audit(ctx context.Context, db DB, e AuditEntry, before, after any) error {
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `
		INSERT INTO audit_log (actor_id, actor, action, target_type, target_id, before, after, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ActorID, e.Actor, e.Action, e.TargetType, e.TargetID, b, a, e.Note)
	if err != nil {
		return fmt.Errorf("audit %s %s/%s: %w", e.Action, e.TargetType, e.TargetID, err)
	}
	return nil
}

func jsonOrNil(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit state: %w", err)
	}
	return b, nil
}

// AuditFilter narrows the audit log; zero fields match everything.
type AuditFilter struct {
	Actor      string // exact
	Action     string // prefix: "event." matches every event action
	TargetType string
	TargetID   string
	Since      time.Time
	Limit      int // default 100
	BeforeID   int64
}

// AuditLog returns entries newest first.
func AuditLog(ctx context.Context, db DB, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := db.Query(ctx, `
		SELECT id, at, actor_id, actor, action, target_type, target_id, before, after, note
		FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR starts_with(action, $2))
		  AND ($3 = '' OR target_type = $3) AND ($4 = '' OR target_id = $4)
		  AND ($5::timestamptz IS NULL OR at >= $5) AND ($6 = 0 OR id < $6)
		ORDER BY at DESC, id DESC LIMIT $7`,
		f.Actor, f.Action, f.TargetType, f.TargetID, nullTime(f.Since), f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.TargetType, &e.TargetID, &e.Before, &e.After, &e.Note)
		return e, err
	})
}

// AuditActions lists the distinct actions and actors in the log, for the
// filter form.
func AuditActions(ctx context.Context, db DB) (actions, actors []string, err error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, nil, fmt.Errorf("audit actions: %w", err)
	}
	if actions, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, nil, err
	}
	rows, err = db.Query(ctx, `SELECT DISTINCT actor FROM audit_log ORDER BY actor`)
	if err != nil {
		return nil, nil, fmt.Errorf("audit actors: %w", err)
	}
	actors, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return actions, actors, err
}

// rowNotFound turns pgx's "no rows" into the domain's ErrNotFound.
func rowNotFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return event.ErrNotFound
	}
	return err
}

// likePattern escapes a user's text for ILIKE.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.TrimSpace(s)) + "%"
}
