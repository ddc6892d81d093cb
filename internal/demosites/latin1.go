package demosites

import (
	"fmt"
	"unicode/utf8"
)

// toLatin1 encodes UTF-8 text as ISO-8859-1. Characters outside Latin-1
// („ “ – …) become numeric character references, as CMSs that store Latin-1
// write them, so the page stays correct HTML in that charset.
func toLatin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r < 0x100 {
			out = append(out, byte(r))
			continue
		}
		out = fmt.Appendf(out, "&#%d;", r)
	}
	return out
}
