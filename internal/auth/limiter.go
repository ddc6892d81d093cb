package auth

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// LoginLimiter limits login attempts per client address, in front of the
// per-account lockout: it slows down guessing across many accounts, which
// the lockout alone would not.
type LoginLimiter struct {
	// Every and Burst: one attempt per Every, Burst at once (default one
	// per 6 s, 10 at once).
	Every time.Duration
	Burst int

	mu      sync.Mutex
	clients map[string]*clientLimit
}

type clientLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// Allow reports whether the client may try to log in now.
func (l *LoginLimiter) Allow(r *http.Request, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]*clientLimit{}
	}
	if l.Every == 0 {
		l.Every, l.Burst = 6*time.Second, 10
	}
	ip := clientIP(r)
	c, ok := l.clients[ip]
	if !ok {
		if len(l.clients) > 10000 {
			l.prune(now)
		}
		c = &clientLimit{lim: rate.NewLimiter(rate.Every(l.Every), l.Burst)}
		l.clients[ip] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// prune forgets clients idle long enough for their bucket to be full again.
func (l *LoginLimiter) prune(now time.Time) {
	idle := l.Every * time.Duration(l.Burst)
	for ip, c := range l.clients {
		if now.Sub(c.seen) > idle {
			delete(l.clients, ip)
		}
	}
}

// clientIP is the connection's address. Forwarded headers are not trusted:
// a client could send any; behind a proxy, the proxy limits.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
