package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// MaxPasswordLen bounds a password tried at login: a longer one is wrong
// without hashing it.
const MaxPasswordLen = 1024

// NormalizeEmail checks an address and lower-cases it.
func NormalizeEmail(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" {
		return "", fmt.Errorf("e-mail %q: %w", s, event.ErrInvalid)
	}
	return strings.ToLower(a.Address), nil
}

// AddUser creates a staff account; the caller logs it in the audit log.
func AddUser(ctx context.Context, db store.DB, email string, role Role, password string) (store.StaffUser, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return store.StaffUser{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return store.StaffUser{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return store.StaffUser{}, err
	}
	return store.InsertStaffUser(ctx, db, email, string(role), hash)
}

// Authenticate checks an e-mail and password. A disabled or unknown
// account answers like a wrong password, and takes as long. There is no
// lockout (see Throttle): the caller limits attempts per client. At most a
// few passwords are hashed at once; past that the answer is
// ErrRateLimited.
func Authenticate(ctx context.Context, db store.DB, email, password string, now time.Time) (Principal, error) {
	if len(password) > MaxPasswordLen {
		password = password[:MaxPasswordLen] // still hashed: the same time as any wrong password
	}
	hash := dummyHash
	var u store.StaffUser
	known := false
	if addr, err := NormalizeEmail(email); err == nil {
		u, err = store.StaffUserByEmail(ctx, db, addr)
		switch {
		case err == nil:
			hash, known = u.PasswordHash, true
		case !errors.Is(err, event.ErrNotFound):
			return Principal{}, err
		}
	}
	var ok bool
	var cerr error
	if err := withHashSlot(ctx, func() { ok, cerr = CheckPassword(hash, password) }); err != nil {
		return Principal{}, err
	}
	if cerr != nil {
		return Principal{}, fmt.Errorf("user %d: %w", u.ID, cerr)
	}
	if !known || !ok || u.DisabledAt != nil {
		// Nothing is written for a failure: a write only for real
		// accounts would be an oracle of its own.
		return Principal{}, ErrBadCredentials
	}
	if err := store.RecordLoginSuccess(ctx, db, u.ID); err != nil {
		return Principal{}, err
	}
	return Principal{UserID: u.ID, Email: u.Email, Role: Role(u.Role), MustChangePassword: u.MustChangePassword}, nil
}

// ChangePassword replaces an account's password after checking the
// current one (a one-time password stops being one). A wrong current
// password is ErrBadCredentials; a short new one is invalid.
func ChangePassword(ctx context.Context, db store.DB, id int64, current, next string) error {
	u, err := store.StaffUserByID(ctx, db, id)
	if err != nil {
		return err
	}
	ok, err := CheckPassword(u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCredentials
	}
	if next == current {
		return fmt.Errorf("the new password must differ from the old one: %w", event.ErrInvalid)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return fmt.Errorf("%w: %w", event.ErrInvalid, err)
	}
	return store.SetStaffPassword(ctx, db, id, hash)
}

// UserPrincipal loads the principal of a logged-in account; a disabled or
// deleted account is ErrUnauthenticated, so its sessions end at once.
func UserPrincipal(ctx context.Context, db store.DB, id int64) (Principal, error) {
	u, err := store.StaffUserByID(ctx, db, id)
	if errors.Is(err, event.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	if u.DisabledAt != nil {
		return Principal{}, ErrUnauthenticated
	}
	return Principal{UserID: u.ID, Email: u.Email, Role: Role(u.Role), MustChangePassword: u.MustChangePassword}, nil
}
