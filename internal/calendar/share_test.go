package calendar

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/treffpunkt/treffpunkt/internal/browsertest"
)

// TestShareScriptServed: the event page loads share.js from /static/ under
// a CSP that allows scripts from 'self' only, and without the script the
// share button stays hidden and the link field is still there.
func TestShareScriptServed(t *testing.T) {
	e := setup(t, Options{})
	res := e.get(t, "/events/"+itoa(e.ids["tp-lang"]))
	body := string(mustStatus(t, res, http.StatusOK))
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q: want script-src 'self' and nothing inline", csp)
	}
	for _, want := range []string{`<script src="/static/share.js?v=`, `id="share-native"`, `hidden>`, `id="share-url"`} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
	res = e.get(t, "/static/share.js")
	js := string(mustStatus(t, res, http.StatusOK))
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(js, "navigator.share") {
		t.Errorf("GET /static/share.js: %q", res.Header.Get("Content-Type"))
	}
}

// TestShareInBrowser opens an event page in Chromium twice: without
// navigator.share the button stays hidden (copy link is the way), with a
// stubbed navigator.share it appears and hands over title and address.
// No CSP violation or script error either time, and axe finds nothing.
func TestShareInBrowser(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Options{Width: 390, Height: 800})
	e := setup(t, Options{})
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	errs := browsertest.Console(ctx)
	url := srv.URL + "/events/" + itoa(e.ids["tp-lang"]) + "?lang=ar"
	state := `JSON.stringify({hidden: document.getElementById('share-native').hidden,
	  visible: getComputedStyle(document.getElementById('share-native')).display !== 'none',
	  shared: window.__shared || null})`

	// Headless Chromium on Linux has no navigator.share: the fallback.
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof navigator.share === 'function'`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"hidden":true,"visible":false,"shared":null}`; !has && got != want {
		t.Errorf("without navigator.share: %s, want %s", got, want)
	}

	// With a share sheet (stubbed before the page's scripts run); the address
	// shared is the page's canonical one (the configured base URL).
	stub := `Object.defineProperty(navigator, 'share', {configurable: true, value: function (d) { window.__shared = d; return Promise.resolve(); }});`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	got, err = chromedp.Run(ctx, chromedp.Evaluate[string](state))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `"hidden":false,"visible":true`) {
		t.Fatalf("with navigator.share the button is not shown: %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("share-native"))); err != nil {
		t.Fatal(err)
	}
	got, err = chromedp.Run(ctx, chromedp.Evaluate[string](state))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "/events/"+itoa(e.ids["tp-lang"])+`"}`) || !strings.Contains(got, `"title":"`) {
		t.Errorf("share got %s, want the page's address and title", got)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe: %s", v)
	}
	if m := errs(); len(m) > 0 {
		t.Errorf("console errors (a CSP violation shows here): %q", m)
	}
}
