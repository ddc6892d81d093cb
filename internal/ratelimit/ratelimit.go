// Package ratelimit holds token-bucket rate limits per client: per address
// and, for API callers, per API key. It is the one rate limiter of the
// service: the API, the calendar and the staff login use it.
//
// Keys are chosen by clients, so the limiter bounds its own memory: keys
// are short strings built here (an address, a well-formed key prefix),
// never a slice of a request header, and the number of buckets is capped.
package ratelimit

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per key (a client address, an API key). Idle
// buckets are dropped while requests come in, so no goroutine is needed
// to clean up.
type Limiter struct {
	rate  rate.Limit
	burst int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
	// maxKeys caps the buckets. When full even after dropping idle ones,
	// new keys share one overflow bucket: a flood of invented keys gets
	// one burst between them, not one each, and no memory.
	maxKeys  int
	overflow *rate.Limiter
}

// DefaultMaxKeys is the default cap on buckets: about 20 MB at most.
const DefaultMaxKeys = 100_000

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleAfter is how long a bucket is kept after its last request. It must
// be at least the time a bucket takes to fill up again (burst/rate), or
// dropping it would hand out a fresh burst early; Allow raises it if needed.
const idleAfter = 10 * time.Minute

// New returns a limiter allowing perSecond requests per key on average,
// with bursts of up to burst.
func New(perSecond float64, burst int) *Limiter {
	return NewWithCap(perSecond, burst, DefaultMaxKeys)
}

// NewWithCap is New with at most maxKeys buckets.
func NewWithCap(perSecond float64, burst, maxKeys int) *Limiter {
	burst = max(burst, 1)
	return &Limiter{rate: rate.Limit(perSecond), burst: burst, buckets: map[string]*bucket{},
		maxKeys: max(maxKeys, 1), overflow: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// Len is the number of buckets held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Allow takes a token from key's bucket. When there is none it takes
// nothing and says how long until there is one.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	idle := idleAfter
	if l.rate > 0 {
		idle = max(idle, time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)))
	}
	full := len(l.buckets) >= l.maxKeys
	if now.Sub(l.lastSweep) > time.Minute || (full && now.Sub(l.lastSweep) > time.Second) {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	var lim *rate.Limiter
	if b, found := l.buckets[key]; found {
		b.seen = now
		lim = b.lim
	} else if len(l.buckets) < l.maxKeys {
		// A copy: the key must not pin the request it was cut from.
		b := &bucket{lim: rate.NewLimiter(l.rate, l.burst), seen: now}
		l.buckets[strings.Clone(key)] = b
		lim = b.lim
	} else {
		lim = l.overflow
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// ClientIP is the address a request is limited by. IPv6 clients are
// grouped by /64, the block one subscriber usually gets. With trustProxy
// the address is the last one in X-Forwarded-For: the one the nearest
// proxy saw (earlier entries are the client's to forge).
func ClientIP(r *http.Request, trustProxy bool) string {
	addr := r.RemoteAddr
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			addr = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	if ip == nil && trustProxy {
		// Not an address: never key on what a header said.
		return ClientIP(r, false)
	}
	if ip == nil {
		return "unknown"
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip.String()
}

// KeyPrefixLen is the length of an API key's public prefix (6 random
// bytes in hex; see auth.CreateKey).
const KeyPrefixLen = 12

// APIKeyPrefix is the public part of a Treffpunkt API key sent as
// "Authorization: Bearer tpk_<prefix>_<secret>", or "" when the request
// carries none or the prefix is not well-formed (12 lower-case hex
// digits): anything else cannot be a key, and must not become a bucket.
// The secret is never used as a map key.
func APIKeyPrefix(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(token), "tpk_")
	if !ok {
		return ""
	}
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != KeyPrefixLen || secret == "" {
		return ""
	}
	for _, c := range []byte(prefix) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return ""
		}
	}
	return strings.Clone(prefix)
}

// Options configure Handler.
type Options struct {
	// Rate (requests per second) and Burst of one client address and of
	// one API key. Rate <= 0 turns limiting off.
	Rate  float64
	Burst int
	// TrustProxy takes the client address from X-Forwarded-For; set it
	// only behind a proxy that sets the header.
	TrustProxy bool
	// Now is the clock (time.Now; tests).
	Now func() time.Time
}

// Handler limits next per client address and, for requests with an API
// key, per key as well. Both apply: the key prefix is not checked here
// (that is the auth layer's job, after this one), so an invented key must
// not buy a fresh bucket. Refused requests get 429 with Retry-After.
func Handler(next http.Handler, opts Options) http.Handler {
	if opts.Rate <= 0 {
		return next
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	byIP, byKey := New(opts.Rate, opts.Burst), New(opts.Rate, opts.Burst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := opts.Now()
		ok, wait := byIP.Allow(ClientIP(r, opts.TrustProxy), now)
		if ok {
			if key := APIKeyPrefix(r); key != "" {
				ok, wait = byKey.Allow(key, now)
			}
		}
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
