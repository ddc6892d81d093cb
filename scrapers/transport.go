package scrapers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrTooLarge is returned for a response over the source's size cap. The page
// is an error, never a silently truncated parse.
var ErrTooLarge = errors.New("response too large")

// errAttemptTimeout marks one attempt that got no complete response in time.
var errAttemptTimeout = errors.New("timeout")

// fetchTransport wraps the network transport with what colly does not do the
// way a polite, bounded crawler needs: a timeout per attempt, bounded retries
// with exponential backoff for timeouts, connection errors and 5xx (never for
// 4xx), and a response size cap that fails instead of truncating. The cap
// counts the bytes on the wire and the bytes they decompress to: every
// content coding is undone here, under the cap (decode.go), so that colly,
// which would gunzip some bodies again without a limit, never has to. It
// reads the whole body so that a body that stalls half way is retried like
// any timeout.
type fetchTransport struct {
	// crawl is the crawl's context. Colly fetches robots.txt without any
	// context; this makes those requests end with the crawl too.
	crawl    context.Context
	base     http.RoundTripper
	timeout  time.Duration // per attempt, headers and body
	retries  int           // extra attempts after the first
	backoff  time.Duration // wait before the first retry; doubled each time
	maxBytes int64
}

// maxRetryAfter bounds how long a server's Retry-After may hold a crawl.
const maxRetryAfter = 10 * time.Second

func (t *fetchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.once(req)
		if attempt >= t.retries || t.crawl.Err() != nil || !retryable(req, resp, err) {
			return resp, err
		}
		wait := t.backoff << attempt
		if resp != nil {
			if ra := retryAfter(resp.Header.Get("Retry-After")); ra > wait {
				wait = min(ra, maxRetryAfter)
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-t.crawl.Done():
			timer.Stop()
			return nil, t.crawl.Err()
		}
	}
}

// once makes one attempt and returns the response with its body fully read.
func (t *fetchTransport) once(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	defer cancel()
	stop := context.AfterFunc(t.crawl, cancel)
	defer stop()
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, t.explain(req, err)
	}
	defer resp.Body.Close()
	if t.maxBytes > 0 && resp.ContentLength > t.maxBytes {
		return nil, fmt.Errorf("%w: %d bytes announced, cap is %d", ErrTooLarge, resp.ContentLength, t.maxBytes)
	}
	resp.Request = req
	codings, err := contentCodings(resp)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 && len(codings) == 0 {
		buf.Grow(int(resp.ContentLength))
	}
	// The cap applies twice: to the bytes on the wire and, for a compressed
	// body, to what they decompress to, so a small bomb fails like a big page.
	r := io.Reader(resp.Body)
	if t.maxBytes > 0 {
		r = &capReader{r: r, left: t.maxBytes, err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, t.maxBytes)}
	}
	if len(codings) > 0 {
		if r, err = t.decoder(r, codings); err != nil {
			return nil, t.readErr(req, err, codings)
		}
		if t.maxBytes > 0 {
			r = &capReader{r: r, left: t.maxBytes, err: fmt.Errorf("%w: more than %d bytes once decompressed (%s)",
				ErrTooLarge, t.maxBytes, strings.Join(codings, ", "))}
		}
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, t.readErr(req, err, codings)
	}
	// The body is now the content itself: colly must not decompress it
	// again (it would, without any limit, for x-gzip and gzip types).
	resp.Header.Del("Content-Encoding")
	resp.Uncompressed = true
	resp.Body = io.NopCloser(&buf)
	resp.ContentLength = int64(buf.Len())
	return resp, nil
}

// decoder undoes a body's codings; an empty body (a 304, a HEAD) has none
// to undo.
func (t *fetchTransport) decoder(r io.Reader, codings []string) (io.Reader, error) {
	br := bufio.NewReader(r)
	if _, err := br.Peek(1); err == io.EOF {
		return br, nil
	}
	return decoder(br, codings)
}

// readErr explains a failure to read the body: the size cap as it is, a
// broken coding as ErrEncoding, the rest like any failed attempt.
func (t *fetchTransport) readErr(req *http.Request, err error, codings []string) error {
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	return t.explain(req, fmt.Errorf("read body: %w", decodeErr(err, codings)))
}

// capReader reads at most left bytes and fails with err if there are more,
// so a decoder reading from it stops at the cap, not at a corrupt stream.
type capReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte // one byte more tells "exactly the cap" from "over it"
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, c.err
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// explain turns the attempt's own deadline into a clear timeout error; a
// cancelled crawl keeps its context error.
func (t *fetchTransport) explain(req *http.Request, err error) error {
	if t.crawl.Err() != nil {
		return fmt.Errorf("%w (%v)", t.crawl.Err(), err)
	}
	if req.Context().Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: no complete response within %s", errAttemptTimeout, t.timeout)
	}
	return err
}

// retryable says whether another attempt may help: the crawl goes on, and
// the failure was a timeout, a broken connection or a server error.
func retryable(req *http.Request, resp *http.Response, err error) bool {
	if req.Context().Err() != nil {
		return false
	}
	if err == nil {
		return resp.StatusCode >= 500
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, ErrPrivateAddress), errors.Is(err, ErrTooLarge), errors.Is(err, ErrEncoding),
		errors.As(err, &dnsErr) && dnsErr.IsNotFound, errors.As(err, &certErr):
		return false
	}
	return true
}

// retryAfter parses a Retry-After header given in seconds or as an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}
