// Package browsertest starts a headless Chromium for tests that drive a
// real browser through chromedp: the calendar widget on a foreign page, the
// staff UI. A test calls New and gets a browser context of its own; the
// browser is stopped when the test ends. Without a Chromium on the machine
// the test is skipped with a message saying how to get one, since CI
// machines may lack it.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// candidates are the names Chromium goes by, Debian's first.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Path returns the Chromium binary: $CHROMIUM if set, else the first of
// the usual names found. ok is false when there is none.
func Path() (string, bool) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		return "", false
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, true
		}
	}
	return "", false
}

// Options tune the browser. The zero value is a 1280×800 viewport and a
// two-minute limit for the whole test. chromedp.EmulateViewport changes
// the viewport later (as for screenshots at several widths).
type Options struct {
	Width, Height int
	Timeout       time.Duration
	// Log receives the browser's console messages and errors (nil: t.Logf).
	Log func(format string, args ...any)
}

// New starts a fresh headless Chromium (its own empty profile) and returns
// a context for chromedp.Run. It skips the test when no Chromium is found.
func New(t testing.TB, o Options) context.Context {
	t.Helper()
	path, ok := Path()
	if !ok {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set CHROMIUM=/path/to/chrome); skipping browser test")
	}
	if o.Width == 0 {
		o.Width, o.Height = 1280, 800
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Log == nil {
		o.Log = t.Logf
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Tests run as root in containers, where Chromium's sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("lang", "de-DE"),
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), o.Timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithErrorf(o.Log))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})
	// Start the browser now, so a broken installation fails here with a
	// clear message rather than inside the first action. The window size
	// alone does not make a narrow page: headless windows are at least
	// 500 px wide, so the viewport is set as a phone's would be.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(o.Width), int64(o.Height))); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	return ctx
}

// Console gathers the page's console errors and uncaught exceptions from
// now on; the returned func reports those seen so far. Tests use it to
// check that a page ran without script errors.
func Console(ctx context.Context) func() []string {
	var mu sync.Mutex
	var msgs []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				msgs = append(msgs, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m))
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}

// Screenshot captures the whole page to dir/name.png and returns the path.
// Screenshots are artefacts for people to look at, so dir is created.
func Screenshot(ctx context.Context, dir, name string) (string, error) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", fmt.Errorf("screenshot %s: %w", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// ArtifactDir is artifacts/<sub> at the root of the module the test runs
// in (found by walking up to go.mod), where CI collects test artefacts.
func ArtifactDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "artifacts", sub)
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "artifacts", sub)
		}
	}
}
