package review

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Account administration, audited like every staff action. The command
// line calls these with auth.CLI as the actor.

// AddUser creates a staff account.
func AddUser(ctx context.Context, pool *pgxpool.Pool, actor auth.Principal, email string, role auth.Role, password string) (store.StaffUser, error) {
	var u store.StaffUser
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if u, err = auth.AddUser(ctx, tx, email, role, password); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.add", "user", u.Email, nil, map[string]string{"email": u.Email, "role": u.Role}, "")
	})
	return u, err
}

// SetUserDisabled disables (or re-enables) an account; its sessions end
// with the next request and its API keys stop working.
func SetUserDisabled(ctx context.Context, pool *pgxpool.Pool, actor auth.Principal, email string, disabled bool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		email, err := auth.NormalizeEmail(email)
		if err != nil {
			return err
		}
		u, err := store.StaffUserByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		if err := store.SetStaffDisabled(ctx, tx, u.ID, disabled); err != nil {
			return err
		}
		action := "user.disable"
		if !disabled {
			action = "user.enable"
		}
		return audit(ctx, tx, actor, action, "user", u.Email, map[string]bool{"disabled": u.DisabledAt != nil},
			map[string]bool{"disabled": disabled}, "")
	})
}

// CreateKey makes an API key and returns its token (shown once).
func CreateKey(ctx context.Context, pool *pgxpool.Pool, actor auth.Principal, name string, role auth.Role, ownerEmail string) (string, store.APIKey, error) {
	var token string
	var key store.APIKey
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		creator := actor
		if ownerEmail != "" {
			email, err := auth.NormalizeEmail(ownerEmail)
			if err != nil {
				return err
			}
			u, err := store.StaffUserByEmail(ctx, tx, email)
			if err != nil {
				return err
			}
			// The key acts for its owner and can have no more rights.
			creator = auth.Principal{UserID: u.ID, Email: u.Email, Role: auth.Role(u.Role)}
		}
		var err error
		if token, key, err = auth.CreateKey(ctx, tx, creator, name, role); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "apikey.create", "apikey", key.Prefix, nil,
			map[string]any{"name": key.Name, "role": key.Role, "owner": creator.Email}, "")
	})
	return token, key, err
}

// RevokeKey revokes an API key by its prefix (or its whole token).
func RevokeKey(ctx context.Context, pool *pgxpool.Pool, actor auth.Principal, prefix string) error {
	prefix = keyPrefixOf(prefix)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := store.RevokeAPIKey(ctx, tx, prefix); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "apikey.revoke", "apikey", prefix, nil, map[string]bool{"revoked": true}, "")
	})
}

// keyPrefixOf accepts "tpk_<prefix>_<secret>", "tpk_<prefix>" or the bare
// prefix.
func keyPrefixOf(s string) string {
	var prefix string
	if n, _ := fmt.Sscanf(s, "tpk_%12s", &prefix); n == 1 {
		return prefix
	}
	return s
}
