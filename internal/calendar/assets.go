package calendar

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/locale"
)

//go:embed assets
var assetFS embed.FS

// widgetCSSMarker is replaced in embed.js by the widget's stylesheet, so
// the widget loads in one request while its CSS stays a CSS file.
const widgetCSSMarker = `"__TREFFPUNKT_WIDGET_CSS__"`

// widgetTextMarker is replaced in embed.js by the widget's words in every
// UI language (from internal/locale's message files), with each language's
// writing direction.
const widgetTextMarker = `"__TREFFPUNKT_WIDGET_TEXT__"`

// widgetFacetsMarker is replaced in embed.js by the registry's facets:
// their attributes (the URL parameters) and which of them are badges.
const widgetFacetsMarker = `"__TREFFPUNKT_WIDGET_FACETS__"`

// widgetFacets is the facets as embed.js reads them.
func widgetFacets() []byte {
	type wf struct {
		Name  string `json:"name"`
		Param string `json:"param"`
		Bool  bool   `json:"bool,omitempty"`
		Badge bool   `json:"badge,omitempty"`
	}
	out := make([]wf, 0, len(facets))
	for _, fc := range facets {
		out = append(out, wf{fc.Name, fc.Param, fc.Bool, badgeFacets[fc.Name]})
	}
	b, _ := json.Marshal(out) // strings and booleans always marshal
	return b
}

// widgetBadges are the words of the badges in one language, by
// "<facet>.<value>".
func widgetBadges(lang string) map[string]string {
	out := map[string]string{}
	for _, fc := range facets {
		if !badgeFacets[fc.Name] || fc.Terms == nil {
			continue
		}
		for _, t := range fc.Terms() {
			if !fc.Bool || t.Slug == "true" {
				out[fc.Name+"."+t.Slug] = facetLabel(fc, t.Slug, lang)
			}
		}
	}
	return out
}

// widgetKeys maps the widget script's names of its words to message keys.
var widgetKeys = map[string]string{
	"title": "w.title", "loading": "w.loading", "empty": "w.empty", "error": "w.error",
	"subscribe": "w.subscribe", "subscribeLabel": "w.subscribeLabel", "ics": "icslink", "all": "back",
	"langs": "languages", "allDay": "allday", "until": "until", "cancelled": "cancelled",
	"postponed": "postponed", "online": "online", "newWindow": "newwin", "region": "calendar",
	"offers": "offers",
}

// widgetText is the widget's words per language, as JSON for embed.js.
func widgetText() []byte {
	out := map[string]map[string]any{}
	for _, l := range locale.All() {
		m := map[string]any{"dir": l.Dir(), "badges": widgetBadges(l.Code)}
		for js, key := range widgetKeys {
			m[js] = l.T(key)
		}
		out[l.Code] = m
	}
	b, _ := json.Marshal(out) // maps of strings always marshal
	return b
}

// asset is one embedded file, ready to serve: its gzipped form and a
// content hash for ETags and cache-busting URLs.
type asset struct {
	body  []byte
	gz    []byte
	etag  string
	ctype string
}

// assets are the embedded files and page templates, prepared once.
type assets struct {
	embedJS *asset
	static  map[string]*asset // by name under /static/
	pages   map[string]*template.Template
}

func loadAssets() (*assets, error) {
	a := &assets{static: map[string]*asset{}, pages: map[string]*template.Template{}}
	css, err := assetFS.ReadFile("assets/widget.css")
	if err != nil {
		return nil, fmt.Errorf("calendar: widget css: %w", err)
	}
	js, err := assetFS.ReadFile("assets/embed.js")
	if err != nil {
		return nil, fmt.Errorf("calendar: embed.js: %w", err)
	}
	cssJSON, _ := json.Marshal(minifyCSS(string(css)))
	if !bytes.Contains(js, []byte(widgetCSSMarker)) {
		return nil, fmt.Errorf("calendar: embed.js lacks the CSS marker %s", widgetCSSMarker)
	}
	if !bytes.Contains(js, []byte(widgetTextMarker)) {
		return nil, fmt.Errorf("calendar: embed.js lacks the text marker %s", widgetTextMarker)
	}
	js = bytes.Replace(js, []byte(widgetCSSMarker), cssJSON, 1)
	js = bytes.Replace(js, []byte(widgetTextMarker), widgetText(), 1)
	if !bytes.Contains(js, []byte(widgetFacetsMarker)) {
		return nil, fmt.Errorf("calendar: embed.js lacks the facets marker %s", widgetFacetsMarker)
	}
	js = bytes.Replace(js, []byte(widgetFacetsMarker), widgetFacets(), 1)
	a.embedJS = newAsset(js, "text/javascript; charset=utf-8")

	static, _ := fs.Sub(assetFS, "assets/static")
	err = fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		a.static[p] = newAsset(b, mime.TypeByExtension(path.Ext(p)))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: static assets: %w", err)
	}
	// The iframe page uses the widget's own stylesheet.
	a.static["widget.css"] = newAsset(css, "text/css; charset=utf-8")

	funcs := template.FuncMap{"static": a.staticURL, "selected": anySelected}
	for _, page := range []string{"index", "event", "embed", "error", "partner"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(assetFS, "assets/templates/layout.html",
			"assets/templates/list.html", "assets/templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("calendar: template %s: %w", page, err)
		}
		a.pages[page] = t
	}
	return a, nil
}

func newAsset(b []byte, ctype string) *asset {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	sum := sha256.Sum256(b)
	return &asset{body: b, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
}

// staticURL is the URL of a static file with its content hash, so pages
// can let browsers cache it for long.
func (a *assets) staticURL(name string) string {
	if s, ok := a.static[name]; ok {
		return "/static/" + name + "?v=" + strings.Trim(s.etag, `"`)
	}
	return "/static/" + name
}

// serve writes an asset, gzipped when the client takes it, answering
// conditional requests.
func (s *asset) serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	hd := w.Header()
	hd.Set("Content-Type", s.ctype)
	hd.Set("Cache-Control", cacheControl)
	hd.Add("Vary", "Accept-Encoding")
	body, etag := s.body, s.etag
	gz := acceptsGzip(r)
	if gz {
		body, etag = s.gz, strings.TrimSuffix(s.etag, `"`)+`-gz"`
	}
	hd.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if gz {
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// serveEmbedJS serves the widget. Partner pages reference it by a fixed
// URL, so browsers revalidate it hourly rather than keep it for days.
func (h *Handler) serveEmbedJS(w http.ResponseWriter, r *http.Request) {
	h.assets.embedJS.serve(w, r, "public, max-age=3600")
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	s, ok := h.assets.static[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	cc := "public, max-age=3600"
	if r.URL.Query().Get("v") != "" {
		cc = "public, max-age=31536000, immutable"
	}
	s.serve(w, r, cc)
}

// minifyCSS drops comments and indentation: the widget's stylesheet
// travels inside embed.js on every partner page.
func minifyCSS(css string) string {
	var b strings.Builder
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			break
		}
		j := strings.Index(css[i:], "*/")
		if j < 0 {
			break
		}
		b.WriteString(css[:i])
		css = css[i+j+2:]
	}
	b.WriteString(css)
	var out strings.Builder
	for _, line := range strings.Split(b.String(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out.WriteString(line)
			out.WriteByte(' ')
		}
	}
	return strings.TrimSpace(out.String())
}
