package admin

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

//go:embed assets
var assets embed.FS

func staticFiles() http.Handler {
	sub, _ := fs.Sub(assets, "assets/static")
	return http.FileServerFS(sub)
}

// pages are the parsed templates, one set per language (the t function is
// bound to it) and page.
type pages struct {
	byLang map[string]map[string]*template.Template
}

var pageNames = []string{"login", "queue", "event", "duplicates", "sources", "source", "sourceform", "run", "audit", "password", "error", "try"}

func loadPages() (*pages, error) {
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range langs {
		base, err := template.New("layout.html").Funcs(funcs(lang)).ParseFS(assets, "assets/templates/layout.html", "assets/templates/parts.html")
		if err != nil {
			return nil, fmt.Errorf("admin templates: %w", err)
		}
		p.byLang[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.Must(base.Clone()).ParseFS(assets, "assets/templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("admin template %s: %w", name, err)
			}
			p.byLang[lang][name] = t
		}
	}
	return p, nil
}

// page is what every template gets.
type page struct {
	Lang  string
	Title string
	Nav   string
	User  *auth.Principal
	CSRF  string
	Path  string
	Query url.Values
	Flash string
	// FlashLink is the event the flash is about (?ev=), linked from it.
	FlashLink string
	Error     string
	Data      any
	Status    int
}

// render writes a full page, or only its "main" block for a partial
// request (X-Partial: the script swapping part of the page).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, pg page) error {
	lang := h.langOf(r)
	pg.Lang, pg.Path, pg.Query = lang, r.URL.Path, r.URL.Query()
	if p, ok := auth.FromContext(r.Context()); ok {
		pg.User = &p
	}
	pg.CSRF = h.gate.FormToken(w, r, name == "login")
	if pg.Flash == "" {
		pg.Flash = r.URL.Query().Get("flash")
		if pg.Flash != "" {
			pg.Flash = tr(lang, pg.Flash)
			if ev, err := strconv.ParseInt(r.URL.Query().Get("ev"), 10, 64); err == nil && ev > 0 {
				pg.FlashLink = fmt.Sprintf("/admin/events/%d", ev)
			}
		}
	}
	t := h.pages.byLang[lang][name]
	block := "layout.html"
	if r.Header.Get("X-Partial") != "" {
		block = "main"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, pg); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Vary", "Accept-Language, Cookie")
	if pg.Status != 0 {
		w.WriteHeader(pg.Status)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// fail answers an error: login for a browser without a session, the
// error page otherwise, with the status the error means.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := h.langOf(r)
	status, msg := http.StatusInternalServerError, tr(lang, "servererror")
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		if r.Method == http.MethodGet && r.Header.Get("X-Partial") == "" {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		status, msg = http.StatusUnauthorized, tr(lang, "login")
	case errors.Is(err, auth.ErrForbidden):
		status, msg = http.StatusForbidden, tr(lang, "forbidden")
	case errors.Is(err, errMustChangePassword):
		status, msg = http.StatusForbidden, tr(lang, "mustchange")
	case errors.Is(err, auth.ErrCSRF):
		status, msg = http.StatusForbidden, tr(lang, "csrf")
	case errors.Is(err, event.ErrNotFound):
		status, msg = http.StatusNotFound, tr(lang, "notfound")
	case errors.Is(err, event.ErrInvalid), errors.Is(err, store.ErrExists):
		status, msg = http.StatusUnprocessableEntity, tr(lang, "invalid")+": "+invalidText(lang, strings.TrimSuffix(err.Error(), ": "+event.ErrInvalid.Error()))
	default:
		h.o.Logger.Error("admin", "path", r.URL.Path, "err", err)
	}
	if rerr := h.render(w, r, "error", page{Title: msg, Data: msg, Status: status}); rerr != nil {
		http.Error(w, msg, status)
	}
}

// sanitizer keeps the markup of scraped descriptions that reading needs
// and nothing that runs or loads.
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowImages() // src limited to http(s) by UGCPolicy; CSP blocks them from loading anyway
	// A relative address in a partner's page ("/wp-content/uploads/logo.png")
	// would resolve against this server: an image that 404s here (and passes
	// the CSP as 'self'), a link into our own pages. Only absolute ones stay.
	p.AllowRelativeURLs(false)
	return p
}()

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":            func(key string) string { return tr(lang, key) },
		"tf":           func(prefix, key string) string { return tr(lang, prefix+key) },
		"when":         func(t time.Time) string { return fmtWhen(lang, t) },
		"whenp":        func(t *time.Time) string { return fmtWhenPtr(lang, t) },
		"ago":          func(t *time.Time) string { return ago(lang, t) },
		"evtime":       func(d event.Draft) string { return fmtEventTime(lang, d) },
		"safe":         func(s string) template.HTML { return template.HTML(sanitizer.Sanitize(s)) },
		"field":        func(d event.Draft, name string) string { return fieldText(lang, d, name) },
		"rawfield":     func(name string, raw json.RawMessage) string { return rawText(lang, name, raw) },
		"input":        inputValue,
		"spark":        sparkline,
		"pct":          func(f float64) int { return int(f*100 + 0.5) },
		"pretty":       prettyJSON,
		"has":          func(list []string, s string) bool { return contains(list, s) },
		"join":         strings.Join,
		"regions":      func() []string { return event.Regions },
		"fields":       func() []string { return store.EditableFields },
		"add":          func(a, b int) int { return a + b },
		"dict":         dict,
		"errsum":       errSum,
		"regress":      store.LatestRegression,
		"mod":          func(a, b int) int { return a % b },
		"lower":        strings.ToLower,
		"qs":           withQuery,
		"lang":         func() string { return lang },
		"agot":         func(t time.Time) string { return ago(lang, &t) },
		"list":         func(s ...string) []string { return s },
		"rname":        func(slug string) string { return regionLabel(lang, slug) },
		"rrtext":       func(rule string) string { return recurrenceText(lang, rule) },
		"rred":         readEditor,
		"rrdays":       func() []string { return rruleDays },
		"wday":         func(d string) string { return weekdayText(lang, d) },
		"topicsof":     func(d event.Draft) []choice { return topicChoices(lang, d) },
		"facetpickers": func(d review.EventDetail) []facetPicker { return facetPickers(lang, d) },
		"langsof":      func(d event.Draft) []choice { return languageChoices(lang, d) },
		"otherlangs":   func(d event.Draft) string { return strings.Join(otherLanguages(d), ", ") },
		"aname":        func(action string) string { return actionLabel(lang, action) },
		"warns":        func(ws []string) string { return warningsText(lang, ws) },
		"warn":         func(w string) string { return warningText(lang, w) },
		"normerr":      func(msg string) string { return normErrorText(lang, msg) },
		"sreason":      func(why string) template.HTML { return strategyReason(lang, why) },
		"rstatus": func(st string) string { // a crawl run's status; unknown ones as stored
			if _, ok := texts["run-"+st]; ok {
				return tr(lang, "run-"+st)
			}
			return st
		},
		"rerr": func(e store.RunError) string {
			if k := runErrorKey(e); k != "" {
				return tr(lang, k)
			}
			return ""
		},
		"ovr": func(os []store.Override, name string) bool {
			for _, o := range os {
				if o.Field == name {
					return true
				}
			}
			return false
		},
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// withQuery returns path?query with key set to value.
func withQuery(path string, q url.Values, key, value string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	c.Del("flash")
	if key != "offset" {
		c.Del("offset")
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

var weekdays = [2][7]string{{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}, {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}}

func li(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

func fmtWhen(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.In(event.Berlin)
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006, 15:04")
	}
	return weekdays[0][t.Weekday()] + " " + t.Format("02.01.2006, 15:04")
}

func fmtWhenPtr(lang string, t *time.Time) string {
	if t == nil {
		return tr(lang, "never")
	}
	return fmtWhen(lang, *t)
}

func fmtDay(lang string, t time.Time) string {
	t = t.In(event.Berlin)
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006")
	}
	return weekdays[0][t.Weekday()] + " " + t.Format("02.01.2006")
}

// fmtEventTime is an event's date and time as people write it.
func fmtEventTime(lang string, d event.Draft) string {
	if d.Start.IsZero() {
		return "–"
	}
	if d.AllDay {
		s := fmtDay(lang, d.Start)
		if !d.End.IsZero() && !sameDay(d.End, d.Start) {
			s += " – " + fmtDay(lang, d.End)
		}
		return s + " (" + tr(lang, "allday") + ")"
	}
	s := fmtWhen(lang, d.Start)
	if !d.End.IsZero() {
		if sameDay(d.End, d.Start) {
			s += "–" + d.End.In(event.Berlin).Format("15:04")
		} else {
			s += " – " + fmtWhen(lang, d.End)
		}
	}
	return s
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(event.Berlin), b.In(event.Berlin)
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

func ago(lang string, t *time.Time) string {
	if t == nil {
		return tr(lang, "never")
	}
	d := time.Since(*t)
	var n int
	var unit [2]string
	switch {
	case d < time.Minute:
		return map[string]string{"de": "gerade eben", "en": "just now"}[lang]
	case d < time.Hour:
		n, unit = int(d/time.Minute), [2]string{"Min.", "min"}
	case d < 48*time.Hour:
		n, unit = int(d/time.Hour), [2]string{"Std.", "h"}
	default:
		n, unit = int(d/(24*time.Hour)), [2]string{"Tagen", "days"}
	}
	if lang == "en" {
		return fmt.Sprintf("%d %s ago", n, unit[1])
	}
	return fmt.Sprintf("vor %d %s", n, unit[0])
}

// fieldText shows one editable field of a draft for people.
func fieldText(lang string, d event.Draft, name string) string {
	raw, err := store.FieldValue(d, name)
	if err != nil {
		return ""
	}
	return rawText(lang, name, raw)
}

// rawText shows a field value given as JSON.
func rawText(lang, name string, raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return "–"
	}
	switch name {
	case "start", "end":
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return fmtWhen(lang, t)
			}
		}
	case "online":
		return tr(lang, "online-"+fmt.Sprint(v))
	case "status":
		return tr(lang, "status-"+fmt.Sprint(v))
	case "region":
		return regionLabel(lang, fmt.Sprint(v))
	}
	switch x := v.(type) {
	case bool:
		if x {
			return tr(lang, "yes")
		}
		return tr(lang, "no")
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = codeLabel(lang, name, fmt.Sprint(p))
		}
		if len(parts) == 0 {
			return "–"
		}
		return strings.Join(parts, ", ")
	case string:
		if x == "" {
			return "–"
		}
		return x
	}
	return fmt.Sprint(v)
}

// inputValue is a field's value as an edit form input shows it.
func inputValue(d event.Draft, name string) string {
	switch name {
	case "start", "end":
		t := d.Start
		if name == "end" {
			t = d.End
		}
		if t.IsZero() {
			return ""
		}
		return t.In(event.Berlin).Format("2006-01-02T15:04")
	case "languages":
		return strings.Join(d.Languages, ", ")
	case "topics":
		return strings.Join(d.Topics, ", ")
	case "registration_required", "cost_free":
		p := d.RegistrationRequired
		if name == "cost_free" {
			p = d.CostFree
		}
		switch {
		case p == nil:
			return ""
		case *p:
			return "yes"
		}
		return "no"
	}
	raw, _ := store.FieldValue(d, name)
	var s any
	_ = json.Unmarshal(raw, &s)
	if s == nil {
		return ""
	}
	return fmt.Sprint(s)
}

func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

func errSum(runs []store.Run) int {
	n := 0
	for _, r := range runs {
		n += r.Errors
	}
	return n
}

// sparkline draws the items found per run (oldest left) as a small inline
// SVG; failed runs are red dots, partial ones amber. Only numbers go into
// the markup.
func sparkline(runs []store.Run) template.HTML {
	const w, hgt, pad = 120.0, 28.0, 3.0
	if len(runs) == 0 {
		return ""
	}
	maxV := 1
	for _, r := range runs {
		maxV = max(maxV, r.Items)
	}
	n := len(runs)
	x := func(i int) float64 {
		if n == 1 {
			return w / 2
		}
		return pad + float64(i)*(w-2*pad)/float64(n-1)
	}
	y := func(v int) float64 { return hgt - pad - float64(v)*(hgt-2*pad)/float64(maxV) }
	var pts, dots strings.Builder
	for i := range runs {
		r := runs[n-1-i] // oldest first
		fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(r.Items))
		class := "spark-ok"
		switch r.Status {
		case "failed":
			class = "spark-fail"
		case "partial":
			class = "spark-partial"
		}
		fmt.Fprintf(&dots, `<circle cx="%.1f" cy="%.1f" r="2.2" class="%s"><title>%d</title></circle>`, x(i), y(r.Items), class, r.Items)
	}
	return template.HTML(fmt.Sprintf(`<svg class="spark" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-hidden="true">`+
		`<polyline points="%s" class="spark-line"/>%s</svg>`, w, hgt, w, hgt, strings.TrimSpace(pts.String()), dots.String()))
}
