package auth

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/ratelimit"
)

// Throttle limits login attempts per client address and per client
// address and account. It replaces a per-account lockout, which told a
// stranger which accounts exist (only real ones answered "locked") and let
// anyone keep a staff member locked out with five tries every quarter
// hour. Both keys come from the client's side, so the answers are the
// same for known and unknown accounts, and one client's guessing slows
// only that client. Behind a proxy set TrustProxy, or every client shares
// the proxy's address.
type Throttle struct {
	byClient  *ratelimit.Limiter // one attempt per 6 s, 10 at once
	byAccount *ratelimit.Limiter // one attempt per minute, 5 at once
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy bool
}

// NewThrottle returns the login throttle with its default rates.
func NewThrottle(trustProxy bool) *Throttle {
	return &Throttle{byClient: ratelimit.New(1.0/6, 10), byAccount: ratelimit.New(1.0/60, 5), TrustProxy: trustProxy}
}

// Allow reports whether the client may try to log in to email now.
func (t *Throttle) Allow(r *http.Request, email string, now time.Time) bool {
	client := ratelimit.ClientIP(r, t.TrustProxy)
	if ok, _ := t.byClient.Allow(client, now); !ok {
		return false
	}
	if len(email) > maxEmailLen {
		email = email[:maxEmailLen]
	}
	ok, _ := t.byAccount.Allow(client+" "+strings.ToLower(strings.TrimSpace(email)), now)
	return ok
}

// maxEmailLen bounds an e-mail address (RFC 5321's limit).
const maxEmailLen = 254

// hashSlots bounds the password hashes computed at once: each takes 19 MiB
// and a core for ~50 ms, so sixty parallel logins once took 877 MB. The
// rest wait their turn, up to hashWait, then are told to come back.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

// hashWait is how long a login waits for a hash slot.
const hashWait = 3 * time.Second

// withHashSlot runs fn when a hash slot is free, or answers ErrRateLimited
// after hashWait (or when ctx ends).
func withHashSlot(ctx context.Context, fn func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-t.C:
		return ErrRateLimited
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	fn()
	return nil
}
