// Package auth is staff access: accounts with roles, argon2id passwords,
// login throttled per client (no lockout), sessions in Postgres (scs), CSRF
// protection, and API keys for programmatic access. Handlers learn who
// calls from the Principal in the request context.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Role is what a staff member may do. An admin may do everything a
// reviewer may, and manage sources.
type Role string

const (
	RoleAdmin    Role = "admin"
	RoleReviewer Role = "reviewer"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleReviewer:
		return r, nil
	}
	return "", fmt.Errorf("role %q: want admin or reviewer", s)
}

// Allows reports whether r includes the rights of need.
func (r Role) Allows(need Role) bool {
	switch r {
	case RoleAdmin:
		return need == RoleAdmin || need == RoleReviewer
	case RoleReviewer:
		return need == RoleReviewer
	}
	return false
}

// Errors of access; handlers map them to 401 and 403.
var (
	ErrUnauthenticated = errors.New("not logged in")
	ErrForbidden       = errors.New("not allowed for this role")
	ErrBadCredentials  = errors.New("wrong e-mail or password")
	ErrRateLimited     = errors.New("too many login attempts: wait a minute")
	ErrBadKey          = errors.New("invalid or revoked API key")
	ErrCSRF            = errors.New("cross-site request refused")
)

// Principal is who makes a request: a staff member by session, or an API
// key.
type Principal struct {
	UserID int64  // the account (for a key: its owner, 0 if none)
	Email  string // the account's e-mail (empty for a key without owner)
	KeyID  int64  // set when the request used an API key
	Key    string // the key's name
	Role   Role
	// MustChangePassword: the account logged in with a one-time password
	// and may do nothing but replace it.
	MustChangePassword bool
}

// Actor names the principal in the audit log.
func (p Principal) Actor() string {
	if p.KeyID != 0 {
		return "key:" + p.Key
	}
	return p.Email
}

// ActorID is the account for the audit log (nil for keys and the CLI).
func (p Principal) ActorID() *int64 {
	if p.KeyID != 0 || p.UserID == 0 {
		return nil
	}
	id := p.UserID
	return &id
}

// CLI is the principal of the command line (users add, apikeys create).
var CLI = Principal{Email: "cli", Role: RoleAdmin}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Require returns the principal if it has the role: ErrUnauthenticated
// without one, ErrForbidden with too small a role or while the account's
// one-time password is unchanged (so no path, GraphQL included, acts on it).
func Require(ctx context.Context, need Role) (Principal, error) {
	p, ok := FromContext(ctx)
	if !ok {
		return p, ErrUnauthenticated
	}
	if p.MustChangePassword && p.KeyID == 0 {
		return p, fmt.Errorf("%w (the one-time password must be changed first)", ErrForbidden)
	}
	if !p.Role.Allows(need) {
		return p, fmt.Errorf("%w (%s needs %s)", ErrForbidden, p.Role, need)
	}
	return p, nil
}
