package store

import (
	"net/http"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// RunErrorKind is what went wrong with a page of a crawl, in words a person
// can act on. Each UI has its own words for each kind (the staff UI's
// "err-<kind>", the partner page's "reason-<kind>"); the reading of the
// stored error is this one.
type RunErrorKind string

// The kinds of RunErrorKind. The first group is the site's or the network's
// doing; the second is our own notes on a page that was read.
const (
	KindNotFound    RunErrorKind = "404"         // HTTP 404 or 410
	KindServer      RunErrorKind = "5xx"         // the site's server failed
	KindRefused     RunErrorKind = "4xx"         // the site's server refused (other 4xx)
	KindRobots      RunErrorKind = "robots"      // robots.txt disallows the page
	KindRedirects   RunErrorKind = "redirects"   // a redirect loop, or a redirect off the site
	KindTimeout     RunErrorKind = "timeout"     // no complete answer in time
	KindTooLarge    RunErrorKind = "toolarge"    // over the source's size cap
	KindTLS         RunErrorKind = "tls"         // the HTTPS certificate or handshake failed
	KindDNS         RunErrorKind = "dns"         // the host name does not resolve
	KindUnreachable RunErrorKind = "unreachable" // no connection to the server
	KindPrivate     RunErrorKind = "private"     // refused: the address is not public (SSRF guard)
	KindNoTitle     RunErrorKind = "notitle"     // no title found on the page
	KindNoDate      RunErrorKind = "nodate"      // no event date found

	KindCut   RunErrorKind = "cut"   // fields cut to their limits ("warning: …")
	KindLimit RunErrorKind = "limit" // occurrences over a limit not stored ("limit: …")
	KindStore RunErrorKind = "store" // storing the page failed ("store: …")

	KindOther RunErrorKind = "other" // none of the above: show the message
)

// RunErrorKinds are all the kinds, for the UIs' tests that each has words.
var RunErrorKinds = []RunErrorKind{KindNotFound, KindServer, KindRefused, KindRobots, KindRedirects, KindTimeout,
	KindTooLarge, KindTLS, KindDNS, KindUnreachable, KindPrivate, KindNoTitle, KindNoDate, KindCut, KindLimit,
	KindStore, KindOther}

// runErrorMarks are the words of the errors the crawler records (scrapers'
// errors, net/http's and crypto/tls's, wrapped by Get "url": …), in the
// order they are tried: a cause before what it happened during, because a
// refused address or a bad certificate met while fetching robots.txt on a
// redirect mentions robots.txt and the redirect too.
var runErrorMarks = []struct {
	kind  RunErrorKind
	marks []string
}{
	{KindPrivate, []string{"refusing non-public address"}},
	{KindRobots, []string{"disallowed by robots.txt", "blocked by robots.txt"}},
	{KindTimeout, []string{"timeout", "deadline exceeded"}},
	{KindTooLarge, []string{"too large", "max_bytes", "body size"}},
	{KindTLS, []string{"tls: ", "x509: "}},
	{KindDNS, []string{"no such host", "server misbehaving"}},
	{KindUnreachable, []string{"connection refused", "connection reset", "no route to host", "network is unreachable"}},
	{KindRedirects, []string{"too many redirects", "redirect to another site"}},
	{KindNoTitle, []string{"no title"}},
	{KindNoDate, []string{event.ErrNoDate.Error(), "no date"}},
}

// Kind reads what went wrong from the page's HTTP status and the error the
// crawler recorded.
func (e RunError) Kind() RunErrorKind {
	switch {
	case e.Status == http.StatusNotFound || e.Status == http.StatusGone:
		return KindNotFound
	case e.Status >= 500:
		return KindServer
	case e.Status >= 400:
		return KindRefused
	}
	// Our own prefixes (internal/ingest) come first: a storage error's text
	// may mention a timeout that was the database's, not the site's.
	for _, p := range []struct {
		prefix string
		kind   RunErrorKind
	}{{"warning: ", KindCut}, {"limit: ", KindLimit}, {"store: ", KindStore}} {
		if strings.HasPrefix(e.Message, p.prefix) {
			return p.kind
		}
	}
	msg := strings.ToLower(e.Message)
	for _, m := range runErrorMarks {
		for _, s := range m.marks {
			if strings.Contains(msg, s) {
				return m.kind
			}
		}
	}
	return KindOther
}
