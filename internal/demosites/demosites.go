// Package demosites is the offline mirror of the partner sites. The real
// texts of the partner pages (the seeds) are split into list and detail pages
// in the markup those sites use — WordPress, Drupal, TYPO3, a hand-built CMS,
// schema.org JSON-LD, an iCal feed — and served from embedded files, so tests
// and the demo never touch the internet. All sites share one address, each
// under its own path prefix (/saqsen/, /pokubi/, …); README.md lists them
// with the bad input each carries.
package demosites

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed sites
var siteFS embed.FS

// site is one mirrored partner site.
type site struct {
	prefix string // first path segment, e.g. "saqsen"
	name   string
	// latin1 sites serve their HTML in ISO-8859-1, as some partner CMSs
	// still do; the files are kept in UTF-8 so they stay editable.
	latin1 bool
	// modified is the Last-Modified of every file of the site: the mirror
	// never changes, so a second crawl must find everything unchanged.
	modified time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

// sites is the list of mirrored partner sites, in the order the index shows them.
var sites = []site{
	{prefix: "kulturbuero-sachsen", name: "Kulturbüro Sachsen e.V. – Projekt Support (WordPress)", modified: day(2021, 10, 4)},
	{prefix: "pokubi", name: "PoKuBi Sachsen – Diversität in Institutionen (Drupal, ISO-8859-1)", latin1: true, modified: day(2021, 11, 30)},
	{prefix: "saqsen", name: "SAQsen! / Werkstatt der Migrant*innenorganisationen Leipzig (TYPO3)", modified: day(2021, 12, 1)},
	{prefix: "kulturbuero-dresden", name: "Kulturbüro Dresden – Spot on! (eigenes CMS)", modified: day(2022, 11, 14)},
	{prefix: "dsm", name: "Dachverband sächsischer Migrantenorganisationen (JSON-LD)", modified: day(2021, 11, 26)},
	{prefix: "ntsachsen", name: "Netzwerk Tolerantes Sachsen (iCal-Feed)", modified: day(2021, 11, 29)},
	{prefix: "adb-sachsen", name: "Antidiskriminierungsbüro Sachsen – Terminkalender (Querverweise)", modified: day(2021, 12, 2)},
	{prefix: "buendnis-leipzig", name: "Leipziger Bündnis für Vielfalt – Blog (Querverweise)", modified: day(2021, 11, 16)},
}

// page is one response body, prepared once.
type page struct {
	body     []byte
	ctype    string
	etag     string
	modified time.Time
	// templated: the body carries {{BASE}}, replaced by the request's
	// origin (feeds.go).
	templated bool
}

func newPage(body []byte, ctype string, modified time.Time) *page {
	sum := sha256.Sum256(body)
	return &page{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: modified,
		templated: bytes.Contains(body, basePlaceholder)}
}

// serve answers with the page and lets http.ServeContent handle conditional
// GET: If-None-Match against the ETag and If-Modified-Since against
// Last-Modified both give 304.
func (p *page) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.ctype)
	h.Set("ETag", p.etag)
	h.Set("Cache-Control", "no-cache")
	body := p.body
	if p.templated {
		body = withOrigin(body, r)
	}
	http.ServeContent(w, r, "", p.modified, bytes.NewReader(body))
}

// mirror is the handler behind Handler.
type mirror struct {
	pages map[string]*page // by path inside sites/, e.g. "saqsen/robots.txt"
}

var load = sync.OnceValues(func() (*mirror, error) { return loadMirror(siteFS) })

// Handler serves all mirrored partner sites. Each is under its own path
// prefix (see README.md); /robots.txt merges the sites' own robots.txt files,
// because a crawler asks the host, not the prefix. The content is fixed, so
// ETag and Last-Modified never change.
func Handler() http.Handler {
	m, err := load()
	if err != nil {
		// The files are compiled into the binary; a failure here is a
		// broken build, which the package tests catch.
		panic(fmt.Sprintf("demosites: %v", err))
	}
	return m
}

func loadMirror(fsys fs.FS) (*mirror, error) {
	m := &mirror{pages: map[string]*page{}}
	bySite := map[string]site{}
	for _, s := range sites {
		bySite[s.prefix] = s
	}
	err := fs.WalkDir(fsys, "sites", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		rel := strings.TrimPrefix(p, "sites/")
		s := bySite[strings.SplitN(rel, "/", 2)[0]]
		mod := s.modified
		if mod.IsZero() {
			mod = day(2021, 12, 2) // top-level files: the index
		}
		ctype := contentType(rel)
		if s.latin1 && strings.HasSuffix(rel, ".html") {
			b = toLatin1(b)
			ctype = "text/html; charset=iso-8859-1"
		}
		m.pages[rel] = newPage(b, ctype, mod)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load mirror: %w", err)
	}
	robots, err := mergeRobots(fsys)
	if err != nil {
		return nil, err
	}
	m.pages["robots.txt"] = newPage(robots, "text/plain; charset=utf-8", day(2021, 12, 2))
	for p, body := range generatedPages() {
		m.pages[p] = newPage(body, "text/html; charset=utf-8", bySite[strings.SplitN(p, "/", 2)[0]].modified)
	}
	return m, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".ics":
		return "text/calendar; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml; charset=utf-8"
	}
	return "application/octet-stream"
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if special(w, r) || serveUpcoming(w, r) {
		return
	}
	if pg := m.alias(r); pg != nil {
		pg.serve(w, r)
		return
	}
	p := r.URL.Path
	if pg := m.lookup(p, r.URL.RawQuery); pg != nil {
		pg.serve(w, r)
		return
	}
	// Like WordPress and TYPO3: a directory asked for without its slash
	// redirects to the canonical URL.
	if !strings.HasSuffix(p, "/") && m.lookup(p+"/", "") != nil {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	notFound(w)
}

// lookup finds the file for a URL path: "/a/b/" is a/b/index.html, "/a/b"
// is a/b (with an extension) or a/b.html (Drupal-style paths). A query is
// part of the file name before the extension ("?page=1" → index@page=1.html),
// so paginated lists that use query strings are plain files; an unknown
// query is ignored, as the real sites ignore tracking parameters.
func (m *mirror) lookup(urlPath, query string) *page {
	clean := path.Clean(urlPath)
	if clean == "/" || clean == "." {
		clean = ""
	}
	clean = strings.TrimPrefix(clean, "/")
	var candidates []string
	if strings.HasSuffix(urlPath, "/") {
		candidates = []string{path.Join(clean, "index.html")}
	} else {
		candidates = []string{clean, clean + ".html"}
	}
	for _, c := range candidates {
		if query != "" {
			ext := path.Ext(c)
			if pg := m.pages[strings.TrimSuffix(c, ext)+"@"+query+ext]; pg != nil {
				return pg
			}
		}
		if pg := m.pages[c]; pg != nil && (path.Ext(c) != "" || c == "") {
			return pg
		}
	}
	return nil
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, "<!DOCTYPE html>\n<html lang=\"de\"><head><title>Seite nicht gefunden</title></head>"+
		"<body><h1>404 – Seite nicht gefunden</h1><p>Die angeforderte Seite existiert nicht (mehr).</p></body></html>\n")
}
