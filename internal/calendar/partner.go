package calendar

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/locale"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// partnerPage is a source's public status page for the partner
// organisation behind it, in the public layout and the visitor's language:
// how Treffpunkt reads their site, which pages failed and why in words a
// webmaster can act on, their upcoming events, and the markup to publish.
// Nothing on it is staff data or personal data.
type partnerPage struct {
	Name, URL string
	LastRun   *runView
	Events    int
	Failed    []failedPage
	Upcoming  []eventView
	Runs      []runView
	// Regression is what got worse since the run before (the source now
	// yields nothing, or discovery reads it another way).
	Regression store.Regression
	JSONLD     string
	ICal       string
}

type runView struct {
	When, Status  string
	Strategy      string
	OK            bool
	Pages, Errors int
	Datetime      string
}

// failedPage is a page of the last visit that could not be read.
type failedPage struct {
	URL, Reason, Status string
}

func (h *Handler) servePartner(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := h.pageLang(r)
	l := locale.Get(lang)
	src, err := store.GetSource(ctx, h.db, r.PathValue("source"))
	if errors.Is(err, event.ErrNotFound) || (err == nil && !src.Enabled) {
		h.renderError(w, r, lang, http.StatusNotFound, l.T("pagenotfound"))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.opts.Now()
	p := &partnerPage{Name: src.Name, URL: src.URL}
	stats, err := store.SourcesStats(ctx, h.db)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Events = stats[src.ID].Events
	runs, err := store.RecentRuns(ctx, h.db, src.ID, 10)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, run := range runs {
		t := run.StartedAt.In(event.Berlin)
		p.Runs = append(p.Runs, runView{When: l.Date(t) + ", " + l.Time(t), Datetime: t.Format(time.RFC3339),
			Status: l.T("run-" + run.Status), OK: run.Status == "ok", Pages: run.Pages, Errors: run.Errors,
			Strategy: run.Strategy})
	}
	p.Regression = store.LatestRegression(runs)
	if len(runs) > 0 {
		p.LastRun = &p.Runs[0]
		errs, err := store.RunErrors(ctx, h.db, runs[0].ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, e := range errs {
			fp := failedPage{URL: e.URL, Reason: l.T(failReason(e.Kind()))}
			if e.Status != 0 {
				fp.Status = "HTTP " + strconv.Itoa(e.Status)
			}
			p.Failed = append(p.Failed, fp)
		}
	}
	// Pages read but yielding no event (normalisation found no date).
	problems, err := store.ItemProblems(ctx, h.db, src.ID, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, pr := range problems {
		if pr.NormalizeError == "" {
			continue
		}
		key := "reason-other"
		if strings.Contains(strings.ToLower(pr.NormalizeError), "date") {
			key = "reason-nodate"
		}
		p.Failed = append(p.Failed, failedPage{URL: pr.URL, Reason: l.T(key)})
	}
	upcoming, err := store.SourcePublishedEvents(ctx, h.db, src.ID, now.Add(-24*time.Hour), 20)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(upcoming))
	for i, e := range upcoming {
		ids[i] = e.ID
	}
	// The badges show the partner what we read of costs and access.
	fvs, err := loadFacets(ctx, h.db, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var sample event.Draft
	for i, e := range upcoming {
		if i == 0 {
			sample = e.Draft
		}
		p.Upcoming = append(p.Upcoming, newEventView(e, sourceLink{Facets: fvs[e.ID]}, lang, ""))
	}
	if p.JSONLD, err = jsonLDSnippet(src.Organizer, src.URL, sample, now); err != nil {
		h.fail(w, r, err)
		return
	}
	p.ICal = icalSnippet(src.Organizer, src.URL, sample, now)
	ft, err := h.footer(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	h.render(w, r, "partner", pageData{Lang: lang, Title: src.Name, Base: h.base(r), Path: r.URL.RequestURI(),
		Partner: p, Footer: ft, Meta: pageMeta{Description: l.T("p-intro")}}, http.StatusOK)
}

// failReason is the message key saying in plain words why a page failed.
// Our own notes on a page (fields cut, limits, storage) have no words for
// partners: the page could not be used as it was.
func failReason(k store.RunErrorKind) string {
	switch k {
	case store.KindCut, store.KindLimit, store.KindStore, store.KindOther:
		return "reason-other"
	default:
		return "reason-" + string(k)
	}
}
