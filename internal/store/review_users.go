package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// ErrExists is returned when a unique name (an e-mail) is taken.
var ErrExists = errors.New("already exists")

// StaffUser is a staff account as stored.
type StaffUser struct {
	ID           int64
	Email        string
	Role         string
	PasswordHash string
	DisabledAt   *time.Time
	FailedLogins int
	LockedUntil  *time.Time
	LastLoginAt  *time.Time
	CreatedAt    time.Time
	// MustChangePassword: the password is a one-time password.
	MustChangePassword bool
}

const staffSelect = `SELECT id, email, role, password_hash, disabled_at, failed_logins, locked_until, last_login_at, created_at,
	must_change_password FROM staff_users`

func scanStaff(row pgx.CollectableRow) (StaffUser, error) {
	var u StaffUser
	err := row.Scan(&u.ID, &u.Email, &u.Role, &u.PasswordHash, &u.DisabledAt, &u.FailedLogins, &u.LockedUntil,
		&u.LastLoginAt, &u.CreatedAt, &u.MustChangePassword)
	return u, err
}

// InsertStaffUser creates an account; a taken e-mail is ErrExists.
func InsertStaffUser(ctx context.Context, db DB, email, role, hash string) (StaffUser, error) {
	rows, err := db.Query(ctx, `INSERT INTO staff_users (email, role, password_hash) VALUES ($1, $2, $3)
		RETURNING id, email, role, password_hash, disabled_at, failed_logins, locked_until, last_login_at, created_at,
			must_change_password`,
		email, role, hash)
	if err != nil {
		return StaffUser{}, fmt.Errorf("add user %s: %w", email, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanStaff)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return u, fmt.Errorf("user %s: %w", email, ErrExists)
	}
	if err != nil {
		return u, fmt.Errorf("add user %s: %w", email, err)
	}
	return u, nil
}

// RequirePasswordChange marks an account's password as a one-time
// password, to be replaced at the next login.
func RequirePasswordChange(ctx context.Context, db DB, id int64) error {
	if _, err := db.Exec(ctx, `UPDATE staff_users SET must_change_password = true WHERE id = $1`, id); err != nil {
		return fmt.Errorf("require password change of user %d: %w", id, err)
	}
	return nil
}

// StaffUserByEmail loads an account by its (lower-case) e-mail.
func StaffUserByEmail(ctx context.Context, db DB, email string) (StaffUser, error) {
	return oneStaff(ctx, db, staffSelect+` WHERE email = $1`, email)
}

// StaffUserByID loads an account.
func StaffUserByID(ctx context.Context, db DB, id int64) (StaffUser, error) {
	return oneStaff(ctx, db, staffSelect+` WHERE id = $1`, id)
}

func oneStaff(ctx context.Context, db DB, q string, arg any) (StaffUser, error) {
	rows, err := db.Query(ctx, q, arg)
	if err != nil {
		return StaffUser{}, fmt.Errorf("load user %v: %w", arg, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanStaff)
	if err != nil {
		return u, fmt.Errorf("user %v: %w", arg, rowNotFound(err))
	}
	return u, nil
}

// ListStaffUsers returns every account by e-mail.
func ListStaffUsers(ctx context.Context, db DB) ([]StaffUser, error) {
	rows, err := db.Query(ctx, staffSelect+` ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return pgx.CollectRows(rows, scanStaff)
}

// SetStaffDisabled disables or re-enables an account.
func SetStaffDisabled(ctx context.Context, db DB, id int64, disabled bool) error {
	tag, err := db.Exec(ctx, `UPDATE staff_users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
		WHERE id = $1`, id, disabled)
	if err != nil {
		return fmt.Errorf("disable user %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %d: %w", id, event.ErrNotFound)
	}
	return nil
}

// SetStaffPassword replaces a password hash and lifts any lockout; the
// account's own new password is no one-time password any more.
func SetStaffPassword(ctx context.Context, db DB, id int64, hash string) error {
	_, err := db.Exec(ctx, `UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = NULL,
		must_change_password = false WHERE id = $1`, id, hash)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// RecordLoginSuccess resets the failure count.
func RecordLoginSuccess(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `UPDATE staff_users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("record login of user %d: %w", id, err)
	}
	return nil
}

// APIKey is a key as stored (the secret only as a hash).
type APIKey struct {
	ID         int64
	Prefix     string
	SecretHash []byte
	Name       string
	Role       string
	UserID     *int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

const keySelect = `SELECT id, prefix, secret_hash, name, role, user_id, created_at, last_used_at, revoked_at FROM api_keys`

func scanKey(row pgx.CollectableRow) (APIKey, error) {
	var k APIKey
	err := row.Scan(&k.ID, &k.Prefix, &k.SecretHash, &k.Name, &k.Role, &k.UserID, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
	return k, err
}

// InsertAPIKey stores a new key.
func InsertAPIKey(ctx context.Context, db DB, k APIKey) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO api_keys (prefix, secret_hash, name, role, user_id) VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, k.Prefix, k.SecretHash, k.Name, k.Role, k.UserID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add api key %s: %w", k.Name, err)
	}
	return id, nil
}

// APIKeyByPrefix finds a key by its public prefix.
func APIKeyByPrefix(ctx context.Context, db DB, prefix string) (APIKey, error) {
	rows, err := db.Query(ctx, keySelect+` WHERE prefix = $1`, prefix)
	if err != nil {
		return APIKey{}, fmt.Errorf("load api key: %w", err)
	}
	k, err := pgx.CollectExactlyOneRow(rows, scanKey)
	if err != nil {
		return k, fmt.Errorf("api key %s: %w", prefix, rowNotFound(err))
	}
	return k, nil
}

// ListAPIKeys returns every key, newest first.
func ListAPIKeys(ctx context.Context, db DB) ([]APIKey, error) {
	rows, err := db.Query(ctx, keySelect+` ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return pgx.CollectRows(rows, scanKey)
}

// RevokeAPIKey revokes a key by prefix (idempotent).
func RevokeAPIKey(ctx context.Context, db DB, prefix string) error {
	tag, err := db.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE prefix = $1`, prefix)
	if err != nil {
		return fmt.Errorf("revoke api key %s: %w", prefix, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("api key %s: %w", prefix, event.ErrNotFound)
	}
	return nil
}

// TouchAPIKey records a key's use, at most once a minute.
func TouchAPIKey(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `UPDATE api_keys SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	if err != nil {
		return fmt.Errorf("touch api key %d: %w", id, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry (called on
// login, instead of the session store's own background goroutine).
func DeleteExpiredSessions(ctx context.Context, db DB) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	if err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	return nil
}
