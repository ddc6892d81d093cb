package browsertest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestArtifactDirIsAtModuleRoot(t *testing.T) {
	dir := ArtifactDir(t, "screenshots")
	if filepath.Base(dir) != "screenshots" || filepath.Base(filepath.Dir(dir)) != "artifacts" {
		t.Fatalf("ArtifactDir = %s", dir)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(dir)), "go.mod")); err != nil {
		t.Errorf("%s is not beside go.mod: %v", dir, err)
	}
}

// TestBrowserRunsScript starts Chromium (or skips) and runs a page's
// script, the least a browser test needs.
func TestBrowserRunsScript(t *testing.T) {
	ctx := New(t, Options{Width: 320, Height: 640})
	errs := Console(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(`data:text/html,<p id=p>x</p><script>document.getElementById('p').textContent = 6 * 7</script>`)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('p').textContent + ' ' + innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if got != "42 320" {
		t.Errorf("page says %q, want \"42 320\"", got)
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors: %q", e)
	}
}
