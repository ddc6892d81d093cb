package store_test

import (
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// TestRunErrorKind reads errors as the crawler records them (the messages
// are those of real fetches against loopback servers: scrapers' errors
// wrapped by net/http's Get "url": …). The staff UI and the partner page
// read them with two functions before, which took a certificate, DNS or
// SSRF failure met while fetching robots.txt for "robots.txt forbids".
func TestRunErrorKind(t *testing.T) {
	for _, tt := range []struct {
		status int
		msg    string
		want   store.RunErrorKind
	}{
		{404, "HTTP 404 Not Found", store.KindNotFound},
		{410, "HTTP 410 Gone", store.KindNotFound},
		{500, "HTTP 500 Internal Server Error", store.KindServer},
		{503, "HTTP 503 Service Unavailable", store.KindServer},
		{403, "HTTP 403 Forbidden", store.KindRefused},
		{429, "HTTP 429 Too Many Requests", store.KindRefused},
		{0, `Get "http://127.0.0.1:44523/slow": timeout: no complete response within 1s`, store.KindTimeout},
		{0, "context deadline exceeded", store.KindTimeout},
		{0, `Get "http://127.0.0.1:44523/big": response too large: more than 100000 bytes`, store.KindTooLarge},
		{0, `Get "/loop2?xyxyxyxyxyx": too many redirects: stopped after 10`, store.KindRedirects},
		{0, `Get "http://other.example/": redirect to another site: http://other.example/ is not on 127.0.0.1`, store.KindRedirects},
		{0, "disallowed by robots.txt", store.KindRobots},
		{0, "disallowed by robots.txt: redirect to https://partner.example/intern/", store.KindRobots},
		{0, `Get "https://127.0.0.1:42779/robots.txt": tls: failed to verify certificate: x509: certificate signed by unknown authority`, store.KindTLS},
		{0, `Get "https://partner.example/": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-12-07T22:50:00Z is after 2026-11-30T23:59:59Z`, store.KindTLS},
		{0, `Get "http://nosuch.invalid/robots.txt": dial tcp: lookup nosuch.invalid on 10.255.255.53:53: no such host`, store.KindDNS},
		{0, `Get "http://127.0.0.1:1/robots.txt": dial tcp 127.0.0.1:1: connect: connection refused`, store.KindUnreachable},
		{0, `Get "http://127.0.0.1:39855/404": redirect to http://127.0.0.1:39855/404: robots.txt: Get "http://127.0.0.1:39855/robots.txt": dial tcp 127.0.0.1:39855: refusing non-public address 127.0.0.1`, store.KindPrivate},
		{0, "no title", store.KindNoTitle},
		{0, "normalize https://partner.example/a: no event date found", store.KindNoDate},
		{0, "warning: title cut to 300 bytes", store.KindCut},
		{0, "limit: 412 occurrences not stored (limit per announcement)", store.KindLimit},
		{0, "store: upsert event: timeout: context deadline exceeded", store.KindStore},
		{0, "not an HTML page (application/pdf)", store.KindOther},
		{0, "", store.KindOther},
	} {
		if got := (store.RunError{Status: tt.status, Message: tt.msg}).Kind(); got != tt.want {
			t.Errorf("Kind(%d, %q) = %s, want %s", tt.status, tt.msg, got, tt.want)
		}
	}
}
