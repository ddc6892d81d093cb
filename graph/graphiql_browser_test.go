package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/app/apptest"
	"github.com/treffpunkt/treffpunkt/internal/browsertest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
)

// TestBrowserGraphiQL opens GraphiQL in headless Chromium with no network
// but loopback: it used to load React and GraphiQL from a CDN and stay at
// "Loading…" offline. Now its files come from the binary and it starts
// under its CSP without a console error.
func TestBrowserGraphiQL(t *testing.T) {
	if _, ok := browsertest.Path(); !ok {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set CHROMIUM); skipping the GraphiQL browser test")
	}
	// The `serve` process as the binary builds it: its CSP is what GraphiQL must start under.
	a := apptest.Start(t, pgtest.New(t), app.Serve, nil)
	ctx := browsertest.New(t, browsertest.Options{Timeout: 90 * time.Second})
	consoleErrors := browsertest.Console(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+a.Addr()+"/graphql"), chromedp.WaitVisible(`.graphiql-container`)); err != nil {
		t.Fatalf("GraphiQL did not start: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "Loading…") {
		t.Errorf("still loading: %.200s", text)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors (CSP?): %q", errs)
	}
}
