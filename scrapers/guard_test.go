package scrapers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Issue 12: a source whose URL names an address in these ranges is refused
// before anything is fetched, by Crawl and by the staff UI's CheckURL.
func TestNonPublicIPv6Refused(t *testing.T) {
	for _, host := range []string{
		"[fec0::1]", "[::127.0.0.1]", "[::ffff:0:7f00:1]", "[2001::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
		"[100::1]", "[64:ff9b::10.0.0.1]", "[64:ff9b::169.254.169.254]", "[2002:a00:1::1]", "[3fff::1]",
	} {
		u := "http://" + host + ":8081/veranstaltungen/"
		if err := CheckURL(context.Background(), u, false); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("CheckURL(%s) = %v, want %v", u, err, ErrPrivateAddress)
		}
		src := testSource(u, event.KindHTML)
		src.Timeout.Duration, src.Retries = time.Second, new(0) // the old code tried to connect
		_, err := Crawl(context.Background(), src, Options{}, func(Page) {
			t.Errorf("%s: a page was fetched", u)
		})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("Crawl(%s) = %v, want %v", u, err, ErrPrivateAddress)
		}
	}
}
