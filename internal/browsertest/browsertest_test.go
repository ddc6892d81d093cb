package browsertest

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
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

// TestAxeFindsViolations: the vendored axe-core runs and reports what it
// should (a page without a language, an image without alt text, contrast),
// and nothing on a clean page, so "0 violations" elsewhere means something.
func TestAxeFindsViolations(t *testing.T) {
	ctx := New(t, Options{})
	cases := []struct {
		page string
		want []string
	}{
		{`<!doctype html><title>x</title><img src="data:,"><p style="color:#aaa;background:#fff">grau</p>`, []string{"color-contrast", "html-has-lang", "image-alt"}},
		{`<!doctype html><html lang="de"><title>x</title><main><h1>Termine</h1><p>Alles gut.</p></main></html>`, nil},
	}
	for _, c := range cases {
		if err := chromedp.Do(ctx, chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(c.page))); err != nil {
			t.Fatal(err)
		}
		vs, err := Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("axe found %v, want %v", got, c.want)
		}
	}
}
