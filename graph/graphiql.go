package graph

import (
	"compress/gzip"
	"embed"
	"html/template"
	"io"
	"net/http"
	"path"
	"strings"
)

// The GraphiQL page and its assets come from the binary (graphiql/README.md
// says which npm packages), so the page works offline and its CSP allows
// scripts from this origin only.
//
//go:embed graphiql/*.gz graphiql/init.js graphiql/page.css
var graphiqlFiles embed.FS

var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Treffpunkt GraphQL</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Static}}graphiql.min.css"><link rel="stylesheet" href="{{.Static}}page.css">
</head><body data-endpoint="{{.Endpoint}}"><div id="graphiql">Loading…</div>
<script src="{{.Static}}react.production.min.js"></script>
<script src="{{.Static}}react-dom.production.min.js"></script>
<script src="{{.Static}}graphiql.min.js"></script>
<script src="{{.Static}}init.js"></script>
</body></html>
`))

// graphiqlCSP: scripts and connections to this origin only, no framing.
// Styles may be inline: GraphiQL's editor sets them at run time; fonts and
// icons are data: URIs in its stylesheet.
const graphiqlCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", graphiqlCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// serveGraphiQL answers the page at endpoint.
func serveGraphiQL(w http.ResponseWriter, endpoint string) {
	pageHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = graphiqlPage.Execute(w, map[string]string{"Endpoint": endpoint, "Static": endpoint + "/static/"})
}

// serveGraphiQLAsset answers one of the embedded files by name, gzipped
// as stored when the client takes gzip.
func serveGraphiQLAsset(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		http.NotFound(w, r)
		return
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	ctype, ok := types[path.Ext(name)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	pageHeaders(hd)
	hd.Set("Content-Type", ctype)
	hd.Set("Cache-Control", "public, max-age=86400")
	if f, err := graphiqlFiles.Open("graphiql/" + name); err == nil {
		defer f.Close()
		_, _ = io.Copy(w, f)
		return
	}
	f, err := graphiqlFiles.Open("graphiql/" + name + ".gz")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	hd.Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip")
		_, _ = io.Copy(w, f)
		return
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}
