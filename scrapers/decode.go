package scrapers

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
)

// ErrEncoding is the error of a body whose content coding is unknown or
// corrupt. Like a body over the size cap, it is a page error.
var ErrEncoding = errors.New("content encoding")

// maxCodings bounds how many content codings one response may stack
// ("gzip, gzip" is legal HTTP; ten layers are an attack).
const maxCodings = 2

// contentCodings says which codings must be undone to get the response's
// content, outermost last as in Content-Encoding. Colly would also gunzip
// bodies the net/http transport left alone ("x-gzip", a gzip Content-Type,
// a path ending in ".xml.gz") with no size limit, so those are read here,
// under the cap, and colly is told there is nothing left to undo.
func contentCodings(resp *http.Response) ([]string, error) {
	var codings []string
	for _, v := range resp.Header.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			switch c {
			case "", "identity":
			case "gzip", "x-gzip", "deflate", "br":
				codings = append(codings, c)
			default:
				return nil, fmt.Errorf("%w %q not supported", ErrEncoding, c)
			}
		}
	}
	if len(codings) > maxCodings {
		return nil, fmt.Errorf("%w: %d codings stacked, at most %d", ErrEncoding, len(codings), maxCodings)
	}
	if len(codings) == 0 && !resp.Uncompressed {
		path := ""
		if resp.Request != nil && resp.Request.URL != nil {
			path = resp.Request.URL.Path
		}
		// colly's own conditions for gunzipping a body (http_backend.go).
		if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "gzip") ||
			strings.HasSuffix(strings.ToLower(path), ".xml.gz") {
			codings = []string{"gzip"}
		}
	}
	return codings, nil
}

// decoder undoes the codings on r, innermost last. Each decoder streams
// with a bounded window, so the caller's limit on what it reads from the
// result bounds the memory a compression bomb can take.
func decoder(r io.Reader, codings []string) (io.Reader, error) {
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			gz, err := gzip.NewReader(r)
			if err != nil {
				return nil, fmt.Errorf("%w: gzip: %w", ErrEncoding, err)
			}
			r = gz
		case "deflate":
			r = newDeflateReader(r)
		case "br":
			r = brotli.NewReader(r)
		}
	}
	return r, nil
}

// newDeflateReader reads HTTP "deflate", which RFC 9110 defines as zlib but
// some servers send as raw deflate; the zlib header tells them apart.
func newDeflateReader(r io.Reader) io.Reader {
	var head [2]byte
	n, _ := io.ReadFull(r, head[:])
	r = io.MultiReader(strings.NewReader(string(head[:n])), r)
	if n == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		zr, err := zlib.NewReader(r)
		if err == nil {
			return zr
		}
		return errReader{fmt.Errorf("%w: deflate: %w", ErrEncoding, err)}
	}
	return flate.NewReader(r)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// decodeErr marks a failure while reading decoded content as a coding
// error (not retried) unless it came from the connection: a timeout, a
// cancelled crawl or a reset is retried like any other.
func decodeErr(err error, codings []string) error {
	var ne net.Error
	if len(codings) == 0 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &ne) || errors.Is(err, ErrEncoding) {
		return err
	}
	return fmt.Errorf("%w: %s body: %w", ErrEncoding, strings.Join(codings, ", "), err)
}
