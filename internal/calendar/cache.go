package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// formatVersion changes whenever the output of the same data changes
// (a new property, a fix), so caches do not keep the old rendering.
const formatVersion = "calendar-2"

// dataState marks the state of the data behind every feed. It is global,
// not per filter: deciding what changed for one filter would take the
// search itself, and the point of a 304 is to skip that.
type dataState = store.Version

func loadState(ctx context.Context, db store.DB) (dataState, error) {
	s, err := store.ReadVersion(ctx, db)
	if err != nil {
		return s, fmt.Errorf("calendar: %w", err)
	}
	return s, nil
}

// validators are the ETag and Last-Modified of one response.
type validators struct {
	ETag         string
	LastModified time.Time
}

// feedValidators derives the validators of a feed from the data state and
// everything in the request that shapes the output. A feed whose from was
// defaulted to today changes at midnight even when no data does.
func feedValidators(st dataState, kind string, q query, canonical, base string, limit int, now time.Time) validators {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%d\x00%s",
		formatVersion, kind, canonical, q.Lang, limit, base, st.Events.UTC().Format(time.RFC3339Nano), st.Writes,
		st.Sources.UTC().Format(time.RFC3339Nano))
	lm := st.Events
	if st.Sources.After(lm) {
		lm = st.Sources
	}
	if q.FromDefaulted {
		y, m, d := now.In(event.Berlin).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, event.Berlin)
		fmt.Fprintf(h, "\x00%s", today.Format(time.DateOnly))
		if today.After(lm) {
			lm = today
		}
	}
	return validators{
		ETag:         `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`,
		LastModified: lm.UTC().Truncate(time.Second),
	}
}

// notModified sets the validators and reports whether the request's
// conditions make a 304 the right answer (RFC 9110 13.2.2: If-None-Match
// wins over If-Modified-Since).
func notModified(w http.ResponseWriter, r *http.Request, v validators) bool {
	w.Header().Set("ETag", v.ETag)
	if !v.LastModified.IsZero() && v.LastModified.Unix() > 0 {
		w.Header().Set("Last-Modified", v.LastModified.Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatch(inm, v.ETag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !v.LastModified.After(t)
	}
	return false
}

// etagMatch compares with the weak comparison If-None-Match uses.
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}
