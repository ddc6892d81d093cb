package scrapers

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// utf8Body returns a response body as UTF-8. Colly already converted bodies
// whose Content-Type names a charset (the header wins over the page, as in
// browsers); the rest are decoded by byte order mark, <meta charset> or, for
// bytes that are not valid UTF-8, windows-1252 (a superset of ISO-8859-1, the
// usual encoding of older German sites).
func utf8Body(body []byte, contentType string) []byte {
	if strings.Contains(strings.ToLower(contentType), "charset") { // colly's own condition
		return body
	}
	enc, name, _ := charset.DetermineEncoding(body, "")
	if name == "utf-8" {
		return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	}
	out, err := io.ReadAll(transform.NewReader(bytes.NewReader(body), enc.NewDecoder()))
	if err != nil {
		return body
	}
	return out
}

// mediaType is the response's media type, sniffed when the server names none.
func mediaType(contentType string, body []byte) string {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
