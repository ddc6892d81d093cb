package admin

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/demosites"
	"github.com/treffpunkt/treffpunkt/internal/ingest"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a staff UI on a fresh database, with the offline mirror of
// the partner sites to crawl.
type fixture struct {
	pool   *pgxpool.Pool
	svc    *review.Service
	h      *Handler
	srv    *httptest.Server
	mirror *httptest.Server
	pipe   *ingest.Pipeline
	srcs   map[string]source.Source
}

// clock is the staff UI's "now": June 2021, amid the mirror's events.
var clock = time.Date(2021, 6, 1, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{pool: pgtest.New(t)}
	f.mirror = httptest.NewServer(demosites.Handler())
	t.Cleanup(f.mirror.Close)
	b, err := os.ReadFile("../../sources.demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := source.Parse([]byte(strings.ReplaceAll(string(b), "${DEMO_BASE:-http://127.0.0.1:8081}", f.mirror.URL)))
	if err != nil {
		t.Fatal(err)
	}
	f.srcs = map[string]source.Source{}
	for _, s := range srcs {
		s.Delay.Duration = time.Millisecond
		f.srcs[s.ID] = s
	}
	f.srcs["verein-blog"] = blogSource(t)
	f.pipe = &ingest.Pipeline{Pool: f.pool, AllowPrivate: true, NoPoliteness: true}
	f.svc = review.New(f.pool, review.Options{Pipeline: f.pipe, AllowPrivateSources: true, Now: func() time.Time { return clock }})
	t.Cleanup(f.svc.Close)
	f.h, err = NewHandler(f.pool, Options{Review: f.svc, InsecureCookies: true, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.h)
	t.Cleanup(f.srv.Close)
	return f
}

// blogSource is a small association's blog that announced one event
// twice, a "save the date" and the invitation: the pipeline never merges
// two entries of one source, so staff get the pair as a suggestion.
func blogSource(t *testing.T) source.Source {
	pages := map[string]string{
		"/": `<a class="post" href="/save-the-date">Save the Date</a> <a class="post" href="/einladung">Einladung</a>`,
		"/save-the-date": `<h1>Save the Date: Fachtag Ehrenamt in Migrant*innenorganisationen</h1><div class="entry">` +
			`<p>Am Freitag, 3. September 2021, 10 bis 16 Uhr findet im Haus der Demokratie, Bernhard-Göring-Straße 152, ` +
			`04277 Leipzig unser Fachtag Ehrenamt statt. Die Einladung folgt.</p></div>`,
		"/einladung": `<h1>Einladung: Fachtag Ehrenamt in Migrant*innenorganisationen</h1><div class="entry">` +
			`<p>Wir laden herzlich ein zum Fachtag Ehrenamt am Freitag, 3. September 2021, 10–16 Uhr, im Haus der Demokratie, ` +
			`Bernhard-Göring-Straße 152, 04277 Leipzig. Anmeldung bis 27. August.</p></div>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="de"><body>`+body+`</body></html>`)
	}))
	t.Cleanup(srv.Close)
	s := source.Source{ID: "verein-blog", Name: "Verein Blog", URL: srv.URL + "/", Follow: "a.post",
		Fields: source.Fields{Title: "h1", Body: ".entry"}, Region: "leipzig", Languages: []string{"de"},
		Organizer: "Verein Blog e.V.", Publish: "review", AllowPrivate: true}
	s.ApplyDefaults()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// crawl crawls sources of sources.demo.yaml from the mirror.
func (f *fixture) crawl(t *testing.T, ids ...string) {
	t.Helper()
	var srcs []source.Source
	for _, id := range ids {
		srcs = append(srcs, f.srcs[id])
	}
	for _, rep := range f.pipe.CrawlAll(context.Background(), srcs, len(srcs)) {
		if rep.Status == "failed" || rep.EventsNew == 0 {
			t.Fatalf("crawl of %s: %+v", rep.Source, rep)
		}
	}
}

// user adds a staff account and returns its password.
func (f *fixture) user(t *testing.T, email string, role auth.Role) string {
	t.Helper()
	pw := auth.NewPassword()
	if _, err := review.AddUser(context.Background(), f.pool, auth.CLI, email, role, pw); err != nil {
		t.Fatal(err)
	}
	return pw
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
	hdr  map[string]string // sent with every request
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: f.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// get fetches a page and remembers its CSRF token.
func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	res, body := b.do(req, nil)
	if m := csrfMeta.FindStringSubmatch(body); m != nil {
		b.csrf = m[1]
	}
	return res, body
}

// post sends a form (with the remembered CSRF token unless noToken).
func (b *browser) post(path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if b.csrf != "" && form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req, hdr)
}

// do sends req with the browser's headers, then hdr, and reads the answer.
func (b *browser) do(req *http.Request, hdr map[string]string) (*http.Response, string) {
	b.t.Helper()
	for _, h := range []map[string]string{b.hdr, hdr} {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// login logs in and fails the test unless it worked.
func (b *browser) login(email, pw string) {
	b.t.Helper()
	b.get("/login")
	res, body := b.post("/login", url.Values{"email": {email}, "password": {pw}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", email, res.StatusCode, body)
	}
	b.get("/admin/")
}
