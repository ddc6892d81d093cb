package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// keyPrefix marks Treffpunkt API keys, so a leaked one is recognisable
// (secret scanners) and a bearer token of another kind is refused early.
const keyPrefix = "tpk_"

// CreateKey makes a new API key with a role no greater than its creator's
// and returns the token, shown once: only a hash is kept. The token is
// "tpk_<prefix>_<secret>"; the prefix finds the row, the secret is checked
// against its SHA-256 (the secret is 256 random bits, so a slow hash would
// add nothing).
func CreateKey(ctx context.Context, db store.DB, creator Principal, name string, role Role) (string, store.APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", store.APIKey{}, fmt.Errorf("key name is required: %w", event.ErrInvalid)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", store.APIKey{}, err
	}
	if !creator.Role.Allows(role) {
		return "", store.APIKey{}, fmt.Errorf("%w: a %s cannot create %s keys", ErrForbidden, creator.Role, role)
	}
	pub := make([]byte, 6)
	secret := make([]byte, 32)
	rand.Read(pub)
	rand.Read(secret)
	prefix := hex.EncodeToString(pub)
	sum := sha256.Sum256(secret)
	k := store.APIKey{Prefix: prefix, SecretHash: sum[:], Name: name, Role: string(role)}
	if creator.UserID != 0 {
		uid := creator.UserID
		k.UserID = &uid
	}
	id, err := store.InsertAPIKey(ctx, db, k)
	if err != nil {
		return "", k, err
	}
	k.ID = id
	return keyPrefix + prefix + "_" + hex.EncodeToString(secret), k, nil
}

// ResolveKey checks a bearer token and returns its principal.
func ResolveKey(ctx context.Context, db store.DB, token string) (Principal, error) {
	rest, ok := strings.CutPrefix(token, keyPrefix)
	if !ok {
		return Principal{}, ErrBadKey
	}
	prefix, secretHex, ok := strings.Cut(rest, "_")
	if !ok {
		return Principal{}, ErrBadKey
	}
	secret, err := hex.DecodeString(secretHex)
	if err != nil {
		return Principal{}, ErrBadKey
	}
	k, err := store.APIKeyByPrefix(ctx, db, prefix)
	if errors.Is(err, event.ErrNotFound) {
		return Principal{}, ErrBadKey
	}
	if err != nil {
		return Principal{}, err
	}
	sum := sha256.Sum256(secret)
	if subtle.ConstantTimeCompare(sum[:], k.SecretHash) != 1 || k.RevokedAt != nil {
		return Principal{}, ErrBadKey
	}
	p := Principal{KeyID: k.ID, Key: k.Name, Role: Role(k.Role)}
	if k.UserID != nil {
		// A key dies with its owner's account.
		owner, err := UserPrincipal(ctx, db, *k.UserID)
		if err != nil {
			return Principal{}, ErrBadKey
		}
		p.UserID, p.Email = owner.UserID, owner.Email
	}
	if err := store.TouchAPIKey(ctx, db, k.ID); err != nil {
		return Principal{}, err
	}
	return p, nil
}
