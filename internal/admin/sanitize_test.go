package admin

import (
	"strings"
	"testing"
)

// TestSanitizerDropsRelativeURLs: scraped descriptions keep absolute links
// and images but no address that would resolve against this server (the
// kulturbüro's WordPress pages carry "/kulturbuero-sachsen/wp-content/…"
// logos; the staff page asked its own server for them).
func TestSanitizerDropsRelativeURLs(t *testing.T) {
	for _, c := range []struct {
		in       string
		want     []string
		dontWant []string
	}{
		{`<p><img src="/kulturbuero-sachsen/wp-content/uploads/2021/01/logo-smsgz.png" alt="Logo SMSGZ"> Gefördert</p>`,
			[]string{"Gefördert"}, []string{"src=", "wp-content"}},
		{`<p><a href="/anmeldung/">Anmeldung</a></p>`, []string{"Anmeldung"}, []string{"href="}},
		{`<p><a href="https://example.org/anmeldung/">Anmeldung</a></p>`, []string{`href="https://example.org/anmeldung/"`}, nil},
		{`<p><img src="https://example.org/logo.png" alt="Logo"></p>`, []string{`src="https://example.org/logo.png"`}, nil},
		{`<p><a href="javascript:alert(1)">x</a><script>alert(1)</script></p>`, []string{"x"}, []string{"javascript", "script"}},
	} {
		got := sanitizer.Sanitize(c.in)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("Sanitize(%q) = %q, want it to contain %q", c.in, got, w)
			}
		}
		for _, w := range c.dontWant {
			if strings.Contains(got, w) {
				t.Errorf("Sanitize(%q) = %q, must not contain %q", c.in, got, w)
			}
		}
	}
}
