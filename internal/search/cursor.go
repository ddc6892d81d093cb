package search

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// cursor is the position after one hit. Pages are keyset pages: the next
// page starts after this (start, id) — or (rank, start, id) in relevance
// order — so events added before the cursor do not shift the next page.
type cursor struct {
	Order Order     `json:"o"`
	Start time.Time `json:"s"`
	ID    int64     `json:"i"`
	// Rank is the relevance score as the backend computed it; it is
	// recomputed identically for the same query, so comparing is exact.
	Rank float32 `json:"r,omitempty"`
	// Fuzzy records that the first page switched to typo-tolerant
	// matching, so later pages use the same set.
	Fuzzy bool `json:"f,omitempty"`
	// Offset is used only where the backend cannot page by key
	// (Meilisearch in relevance order).
	Offset int `json:"n,omitempty"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads an After value; "" is the start.
func decodeCursor(s string, o Order) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	if c.Order != o {
		return nil, fmt.Errorf("%w: cursor belongs to order %s, not %s", ErrInvalid, c.Order, o)
	}
	return &c, nil
}

// maxWords bounds the work one query can cause.
const maxWords = 8

// Words splits free text into lower-case words of letters and digits, the
// unit both backends match on. "Migrant*innen-Organisationen" gives
// migrant, innen, organisationen.
func Words(q string) []string {
	f := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(f) > maxWords {
		f = f[:maxWords]
	}
	return f
}
