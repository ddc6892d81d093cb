package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/locale"
	"github.com/treffpunkt/treffpunkt/internal/normalize/languages"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// The public pages are server-rendered and need no script: a filter form
// whose GET URL is the shareable link, events grouped by day, an event
// page with its sources, and the iframe page for partners. The one script,
// share.js, only adds the native share button to event pages.

// cspPage allows only the calendar's own stylesheet and scripts from its
// own /static/ (share.js): no inline script, no other origin.
const cspPage = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'"

// pageData is what every page template gets.
type pageData struct {
	Lang   string
	Title  string
	Base   string
	Path   string // the page's path and query, for the language switch
	Events *listView
	Event  *eventPage
	Index  *indexView
	// Partner is a partner's status page.
	Partner *partnerPage
	Status  int
	Error   string
	Embed   bool // the iframe page: links open the announcements
	// Meta is what link previews and search engines read.
	Meta pageMeta
	// Footer holds the legal links and the partner list.
	Footer *footer
	// imgSrc is an extra image origin for the CSP (a map tile server).
	imgSrc string
}

// pageMeta is a page's OpenGraph/Twitter description and its schema.org
// JSON-LD.
type pageMeta struct {
	Description string
	URL         string
	Type        string // OpenGraph type: website, article
	JSONLD      template.JS
}

// footer is the footer of the public pages.
type footer struct {
	Impressum, Privacy string
	Partners           []sourceLink // URL: the partner's status page
}

// L is the page's language.
func (p pageData) L() *locale.Locale { return locale.Get(p.Lang) }

// T translates a UI text.
func (p pageData) T(key string) string { return uiText(p.Lang, key) }

// N translates a UI text with a count, in the plural form the language
// needs for it.
func (p pageData) N(key string, n int) string { return locale.Get(p.Lang).N(key, n) }

// Dir is the page's writing direction.
func (p pageData) Dir() string { return locale.Get(p.Lang).Dir() }

// Home is the calendar's front page in the page's language.
func (p pageData) Home() string { return langURL("/", p.Lang) }

// Langs links the same page in every language, each named in itself.
func (p pageData) Langs() []langLink {
	u, err := url.Parse(p.Path)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	var out []langLink
	for _, l := range locale.All() {
		q := u.Query()
		q.Set("lang", l.Code)
		u.RawQuery = q.Encode()
		out = append(out, langLink{URL: u.String(), Code: l.Code, Label: l.Name, Dir: l.Dir(), Current: l.Code == p.Lang})
	}
	return out
}

type langLink struct {
	URL, Code, Label, Dir string
	Current               bool
}

// langURL adds lang to a local path unless it is the default language.
func langURL(path, lang string) string {
	if lang == locale.Default {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + lang
}

// Link is where an event's title leads: its page on Treffpunkt, or in the
// embedded list the announcement itself.
func (p pageData) Link(e eventView) string {
	if p.Embed && e.SourceURL != "" {
		return e.SourceURL
	}
	return e.URL
}

// listView is a list of events grouped by day.
type listView struct {
	Days  []dayView
	Total int
	Next  string // URL of the next page, "" on the last
}

type dayView struct {
	Date  string // 2006-01-02
	Label string
	Items []eventView
}

type eventView struct {
	ID         int64
	URL        string // the event's page
	SourceURL  string
	SourceName string
	Title      string
	When       string // long form
	Time       string // time of day or "ganztägig"
	Datetime   string // machine-readable start
	Place      string
	Languages  []string
	Topics     []string
	Status     string
	Online     string
	// LanguageCodes are the languages the event is held in, as codes.
	LanguageCodes []string
	// ContentLang is the language the announcement is written in (its
	// title and text keep it, whatever the page's language); "" unknown.
	ContentLang string
	// Badges are its offers (kostenfrei, barrierefrei, …), when its facet
	// values were loaded; OffersLabel names their list.
	Badges      []badge
	OffersLabel string
}

// newEventView prepares an event for the lists.
func newEventView(e store.Event, src sourceLink, lang, base string) eventView {
	d := e.Draft
	l := locale.Get(lang)
	v := eventView{ID: e.ID, URL: base + langURL("/events/"+strconv.FormatInt(e.ID, 10), lang), SourceURL: src.URL,
		SourceName: src.Name, Title: d.Title, When: pageWhen(d, l), Place: location(d, lang),
		Status: string(d.Status), Online: string(d.Online), LanguageCodes: d.Languages,
		ContentLang: draftLang(&d), Badges: badges(src.Facets, &d, lang), OffersLabel: l.T("offers")}
	start := d.Start.In(event.Berlin)
	if d.AllDay {
		v.Time, v.Datetime = l.T("allday"), start.Format(time.DateOnly)
		if !d.End.IsZero() && !sameDay(start, d.End.In(event.Berlin)) {
			v.Time = l.T("until") + " " + l.Date(d.End.In(event.Berlin))
		}
	} else {
		v.Time, v.Datetime = l.Time(start), start.Format(time.RFC3339)
		if !d.End.IsZero() && d.End.After(d.Start) && sameDay(start, d.End.In(event.Berlin)) {
			v.Time += "–" + l.Time(d.End.In(event.Berlin))
		}
	}
	for _, l := range d.Languages {
		v.Languages = append(v.Languages, languageName(l, lang))
	}
	for _, t := range d.Topics {
		v.Topics = append(v.Topics, topicName(t, lang))
	}
	return v
}

// draftLang is the language an event's announcement is written in (see
// contentLang), read from its title and description.
func draftLang(d *event.Draft) string { return contentLang(d.Title + "\n" + d.Description) }

// contentLang tells the language an announcement is written in, for its
// lang attribute: what the normaliser's detector reads from the text;
// a short Latin-script text it cannot decide is taken as German (nearly
// every partner writes German), any other undecided text stays unknown
// ("") rather than wrongly labelled.
func contentLang(text string) string {
	if det := languages.Detect(text); len(det.Codes) > 0 {
		return det.Codes[0]
	}
	for _, r := range text {
		if unicode.IsLetter(r) {
			if unicode.In(r, unicode.Latin) {
				return "de"
			}
			return ""
		}
	}
	return ""
}

// groupByDay groups events (in start order) by their day in Berlin. An
// event that began before from (a multi-day event still on) is listed
// under from's day.
func groupByDay(evs []store.Event, srcs map[int64]sourceLink, from time.Time, lang, base string, into []dayView) []dayView {
	floor := from.In(event.Berlin).Format(time.DateOnly)
	for _, e := range evs {
		key := e.Draft.Start.In(event.Berlin).Format(time.DateOnly)
		if key < floor {
			key = floor
		}
		if n := len(into); n == 0 || into[n-1].Date != key {
			t, _ := time.ParseInLocation(time.DateOnly, key, event.Berlin)
			into = append(into, dayView{Date: key, Label: locale.Get(lang).Day(t)})
		}
		into[len(into)-1].Items = append(into[len(into)-1].Items, newEventView(e, srcs[e.ID], lang, base))
	}
	return into
}

// indexView is the filter form and the subscription links of /.
type indexView struct {
	Q, From, To, Online string
	Facets              []facetControl
	ICS, JSON, Atom     string
	Embed               string
	Webcal              template.URL // webcal: is not among html/template's safe schemes
	Snippet             string       // the widget snippet for this filter
	Filtered            bool
}

// pageLang is the language of a page: ?lang=, else Accept-Language, else
// German.
func (h *Handler) pageLang(r *http.Request) string {
	return locale.Choose(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
}

func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := h.pageLang(r)
	v := r.URL.Query()
	q, err := parseQuery(v, h.opts.Now(), search.MaxPageSize)
	if err != nil {
		h.renderError(w, r, lang, http.StatusBadRequest, uiText(lang, "badrequest"))
		return
	}
	q.Lang = lang
	res, err := h.search.Search(ctx, q.Filter, search.Page{First: 20, After: q.After}, search.StartAsc)
	if search.IsInvalid(err) {
		h.renderError(w, r, lang, http.StatusBadRequest, uiText(lang, "badrequest"))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	evs := make([]store.Event, len(res.Hits))
	ids := make([]int64, len(res.Hits))
	for i, hit := range res.Hits {
		evs[i], ids[i] = hit.Event, hit.Event.ID
	}
	srcs, err := linkEvents(ctx, h.db, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := h.base(r)
	fi := h.feedInfo(r, q)
	list := &listView{Total: res.Total, Days: groupByDay(evs, srcs, *q.Filter.From, lang, "", nil)}
	if res.HasNext {
		next := filterValues(v)
		next.Set("after", res.EndCursor)
		if l := v.Get("lang"); l != "" {
			next.Set("lang", l)
		}
		list.Next = "/?" + next.Encode()
	}
	iv := &indexView{Q: q.Filter.Query, Online: q.Filter.Online, ICS: fi.url("/calendar.ics"), Webcal: template.URL(fi.webcal()),
		JSON: fi.url("/calendar.json"), Atom: fi.url("/calendar.atom"), Embed: fi.url("/embed"),
		Filtered: fi.canonical != ""}
	if !q.FromDefaulted {
		iv.From = v.Get("from")
	}
	iv.To = v.Get("to")
	iv.Facets = facetControls(q.Filter, res.Facets, lang)
	iv.Snippet = widgetSnippet(base, q)
	title := fi.name
	ft, err := h.footer(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The listed events as schema.org Events, as the partner page asks
	// partners to publish theirs.
	lds := make([]map[string]any, 0, len(evs))
	for _, e := range evs {
		lds = append(lds, eventLD(e.Draft, base+"/events/"+strconv.FormatInt(e.ID, 10), ""))
	}
	meta := pageMeta{Description: uiText(lang, "tagline"), URL: base + r.URL.RequestURI(), Type: "website", JSONLD: jsonScript(lds)}
	h.render(w, r, "index", pageData{Lang: lang, Title: title, Base: base, Path: r.URL.RequestURI(), Events: list, Index: iv,
		Meta: meta, Footer: ft}, http.StatusOK)
}

// widgetSnippet is the code a partner pastes to show this selection.
func widgetSnippet(base string, q query) string {
	var attrs []string
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			attrs = append(attrs, name+`="`+template.HTMLEscapeString(strings.Join(vals, ","))+`"`)
		}
	}
	for _, fc := range facets {
		add(fc.Param, paramValues(fc, fc.Get(&q.Filter)))
	}
	if q.Filter.Query != "" {
		add("q", []string{q.Filter.Query})
	}
	attrs = append(attrs, `limit="10"`)
	return `<script src="` + base + `/embed.js" defer></script>` + "\n" +
		`<treffpunkt-calendar ` + strings.Join(attrs, " ") + `></treffpunkt-calendar>`
}

// eventPage is one event with everything public about it.
type eventPage struct {
	eventView
	Description  string
	Address      []string
	Organizer    string
	Registration string
	Cost         string
	Recurrence   string
	MapURL       string
	MapTile      string // a tile image when MAP_TILES is set
	Sources      []eventSource
	ICS          string
	Google       string
	Outlook      string
	PageURL      string // the page's own absolute URL, to share
	MailShare    string
	Contact      string // a public contact address (mailto:), when the source publishes one
	Passed       bool
	Series       []eventView
	HeldIn       []heldIn
	Updated      string
}

// heldIn is a language the event is held in, named in the UI's language,
// with its code for the lang attribute.
type heldIn struct{ Code, Name string }

// publicEvent loads an event as the public may see it: published and not
// merged away (a merged event redirects to the one it became).
func (h *Handler) publicEvent(w http.ResponseWriter, r *http.Request, lang string) (store.Event, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.renderError(w, r, lang, http.StatusNotFound, uiText(lang, "notfound"))
		return store.Event{}, false
	}
	e, err := store.GetEvent(r.Context(), h.db, id)
	if errors.Is(err, event.ErrNotFound) || (err == nil && e.Review != "published") {
		h.renderError(w, r, lang, http.StatusNotFound, uiText(lang, "notfound"))
		return store.Event{}, false
	}
	if err != nil {
		h.fail(w, r, err)
		return store.Event{}, false
	}
	if e.MergedInto != nil {
		target := "/events/" + strconv.FormatInt(*e.MergedInto, 10)
		if strings.HasSuffix(r.URL.Path, "/calendar.ics") {
			target += "/calendar.ics"
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return store.Event{}, false
	}
	return e, true
}

func (h *Handler) serveEvent(w http.ResponseWriter, r *http.Request) {
	lang := h.pageLang(r)
	e, ok := h.publicEvent(w, r, lang)
	if !ok {
		return
	}
	srcs, contact, err := eventSources(r.Context(), h.db, e.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var first sourceLink
	if len(srcs) > 0 {
		first = srcs[0].sourceLink
	}
	fvs, err := loadFacets(r.Context(), h.db, []int64{e.ID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	first.Facets = fvs[e.ID]
	base := h.base(r)
	d := e.Draft
	l := locale.Get(lang)
	p := &eventPage{eventView: newEventView(e, first, lang, ""), Description: strings.TrimSpace(d.Description),
		Organizer: d.Organizer, Sources: srcs, ICS: "/events/" + strconv.FormatInt(e.ID, 10) + "/calendar.ics",
		Updated: l.Date(e.UpdatedAt.In(event.Berlin)), Contact: contact,
		PageURL: base + "/events/" + strconv.FormatInt(e.ID, 10)}
	p.Google, p.Outlook = calendarLinks(d, p.PageURL)
	p.MailShare = mailShare(d.Title, p.PageURL)
	p.Passed = eventEnd(d).Before(h.opts.Now()) && !(d.AllDay && sameDay(eventEnd(d), h.opts.Now().In(event.Berlin)))
	pl := d.Place
	for _, s := range []string{pl.Venue, pl.Street, strings.TrimSpace(pl.PostalCode + " " + pl.City)} {
		if s = strings.TrimSpace(s); s != "" {
			p.Address = append(p.Address, s)
		}
	}
	// The region only when it says more than the city ("Leipzig" once).
	if rn := regionName(pl.Region, lang); pl.Region != "" && !strings.EqualFold(rn, strings.TrimSpace(pl.City)) {
		p.Address = append(p.Address, rn)
	}
	if pl.Lat != nil && pl.Lon != nil {
		p.MapURL = "https://www.openstreetmap.org/?mlat=" + strconv.FormatFloat(*pl.Lat, 'f', 5, 64) + "&mlon=" +
			strconv.FormatFloat(*pl.Lon, 'f', 5, 64) + "#map=17/" + strconv.FormatFloat(*pl.Lat, 'f', 5, 64) + "/" +
			strconv.FormatFloat(*pl.Lon, 'f', 5, 64)
		if h.opts.MapTiles != "" && tileOrigin(h.opts.MapTiles) != "" {
			p.MapTile = mapTile(h.opts.MapTiles, *pl.Lat, *pl.Lon)
		}
	}
	if d.RegistrationRequired != nil {
		p.Registration = l.T(map[bool]string{true: "reg-yes", false: "reg-no"}[*d.RegistrationRequired])
	}
	if d.CostFree != nil && *d.CostFree {
		p.Cost = l.T("free")
	}
	for _, c := range d.Languages {
		p.HeldIn = append(p.HeldIn, heldIn{Code: c, Name: languageName(c, lang)})
	}
	p.Recurrence = recurrenceText(d.Recurrence, lang)
	series, err := store.SeriesDates(r.Context(), h.db, e.SeriesID, e.ID, 12)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, s := range series {
		p.Series = append(p.Series, newEventView(s, sourceLink{}, lang, ""))
	}
	ft, err := h.footer(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	meta := pageMeta{Description: truncate(firstNonEmpty(p.When+" · "+strings.Join(p.Address, ", "), p.When), 300),
		URL: p.PageURL, Type: "article", JSONLD: eventJSONLD(d, p.PageURL, "")}
	pd := pageData{Lang: lang, Title: d.Title, Base: base, Path: r.URL.RequestURI(), Event: p, Meta: meta, Footer: ft}
	if p.MapTile != "" {
		pd.imgSrc = tileOrigin(h.opts.MapTiles)
	}
	h.render(w, r, "event", pd, http.StatusOK)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(strings.Trim(x, " ·")) != "" {
			return strings.Trim(x, " ·")
		}
	}
	return ""
}

// footer is the footer of the public pages: the legal links and the
// partners whose events the calendar shows, each linked to its status page.
func (h *Handler) footer(r *http.Request) (*footer, error) {
	srcs, err := store.ListSources(r.Context(), h.db)
	if err != nil {
		return nil, err
	}
	f := &footer{Impressum: h.opts.ImpressumURL, Privacy: h.opts.PrivacyURL}
	for _, s := range srcs {
		if s.Enabled {
			f.Partners = append(f.Partners, sourceLink{SourceID: s.ID, Name: s.Name, URL: "/partners/" + url.PathEscape(s.ID)})
		}
	}
	return f, nil
}

// serveEventICS is one event as an iCalendar file ("add to calendar").
func (h *Handler) serveEventICS(w http.ResponseWriter, r *http.Request) {
	lang := h.pageLang(r)
	e, ok := h.publicEvent(w, r, lang)
	if !ok {
		return
	}
	srcs, err := linkEvents(r.Context(), h.db, []int64{e.ID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := h.base(r)
	sum := formatVersion + "|" + strconv.FormatInt(e.ID, 10) + "|" + strconv.Itoa(e.Sequence) + "|" +
		e.UpdatedAt.UTC().Format(time.RFC3339Nano) + "|" + lang + "|" + base + "|" + srcs[e.ID].URL
	v := validators{ETag: `"` + shortHash(sum) + `"`, LastModified: e.UpdatedAt.UTC().Truncate(time.Second)}
	w.Header().Set("Cache-Control", feedCacheControl(h.opts.FeedMaxAge))
	if notModified(w, r, v) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	iw := &icsWriter{w: bw, eventBase: base + "/events/",
		meta: feedMeta{Name: h.opts.Name + " – " + e.Draft.Title, Lang: lang, Refresh: h.opts.Refresh}}
	if err := iw.begin(); err == nil {
		if err = iw.event(e, srcs[e.ID]); err == nil {
			err = iw.end()
		}
	}
	bw.Flush()
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="treffpunkt-`+strconv.FormatInt(e.ID, 10)+`.ics"`)
	w.Write(buf.Bytes())
}

// serveEmbedPage is the widget for partners who prefer an iframe: the
// same list, rendered on the server, framable by any site.
func (h *Handler) serveEmbedPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := h.pageLang(r)
	q, err := parseQuery(r.URL.Query(), h.opts.Now(), search.MaxPageSize)
	if err != nil {
		h.renderError(w, r, lang, http.StatusBadRequest, uiText(lang, "badrequest"))
		return
	}
	q.Lang = lang
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	var evs []store.Event
	err = h.find.Each(ctx, q.Filter, limit, func(b []store.Event) error {
		evs = append(evs, b...)
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	srcs, err := linkEvents(ctx, h.db, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := h.base(r)
	fi := h.feedInfo(r, q)
	list := &listView{Days: groupByDay(evs, srcs, *q.Filter.From, lang, base, nil)}
	iv := &indexView{ICS: fi.url("/calendar.ics"), Webcal: template.URL(fi.webcal()), Embed: fi.url("/")}
	w.Header().Set("Cache-Control", feedCacheControl(h.opts.FeedMaxAge))
	h.render(w, r, "embed", pageData{Embed: true, Lang: lang, Title: fi.name, Base: base, Path: r.URL.RequestURI(), Events: list, Index: iv}, http.StatusOK)
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, lang string, status int, msg string) {
	h.render(w, r, "error", pageData{Lang: lang, Title: uiText(lang, "error"), Path: r.URL.RequestURI(), Status: status, Error: msg}, status)
}

// render executes a page into a buffer first, so a template error becomes
// a 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page string, data pageData, status int) {
	var buf bytes.Buffer
	if err := h.assets.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.opts.Logger.Error("calendar: render page", slog.String("page", page), slog.Any("err", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	base := cspPage
	if data.imgSrc != "" {
		base = strings.Replace(base, "img-src 'self' data:", "img-src 'self' data: "+data.imgSrc, 1)
	}
	csp := base + "; frame-ancestors 'none'"
	if page == "embed" {
		// Any partner site may frame the embed page.
		csp = base + "; frame-ancestors *"
	} else {
		hd.Set("X-Frame-Options", "DENY")
	}
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Language", data.Lang)
	if hd.Get("Cache-Control") == "" {
		hd.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// recurrenceText says in words how a series repeats, for the common rules.
func recurrenceText(rule, lang string) string {
	if rule == "" {
		return ""
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rule, ";") {
		k, v, _ := strings.Cut(p, "=")
		parts[strings.ToUpper(k)] = v
	}
	l := locale.Get(lang)
	switch parts["FREQ"] {
	case "DAILY":
		return l.T("rec-daily")
	case "WEEKLY":
		if parts["INTERVAL"] == "2" {
			return l.T("rec-biweekly")
		}
		return l.T("rec-weekly")
	case "MONTHLY":
		return l.T("rec-monthly")
	case "YEARLY":
		return l.T("rec-yearly")
	}
	return ""
}

// pageWhen is an event's date and time in the page's language: the full
// date from CLDR, the times in the language's short form.
func pageWhen(d event.Draft, l *locale.Locale) string {
	start := d.Start.In(event.Berlin)
	s := l.Day(start)
	hasEnd := !d.End.IsZero() && d.End.After(d.Start)
	end := d.End.In(event.Berlin)
	if d.AllDay {
		if hasEnd && !sameDay(start, end) {
			s += " – " + l.Day(end)
		}
		return s
	}
	s += ", " + l.Time(start)
	if hasEnd {
		if sameDay(start, end) {
			s += "–" + l.Time(end)
		} else {
			s += " – " + l.Day(end) + ", " + l.Time(end)
		}
	}
	return s
}
