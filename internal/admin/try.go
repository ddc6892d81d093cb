package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/preview"
)

// The "Test this source" page previews a start URL before anyone saves it
// (issue 17). It fetches from the server, so it is for admins (who may add
// sources), bounded like any preview (pages, bytes per page, a deadline) and
// crawls through the same polite collector as every crawl: robots.txt,
// per-host delay, the SSRF guard. Nothing is written to the database.

// previewTimeout bounds one preview behind a web request.
const previewTimeout = 45 * time.Second

// previewSlots bounds the previews running at once in this process, so a
// few clicks cannot turn the server into a crawler of many sites at once.
var previewSlots = make(chan struct{}, 2)

// tryForm is what the page shows: the form and, after a post, the result.
type tryForm struct {
	URL      string
	MaxPages int
	Result   *preview.Result
}

func (h *Handler) tryPage(w http.ResponseWriter, r *http.Request) error {
	f := tryForm{URL: strings.TrimSpace(r.URL.Query().Get("url")), MaxPages: preview.DefaultMaxPages}
	return h.renderTry(w, r, f, "", 0)
}

func (h *Handler) tryRun(w http.ResponseWriter, r *http.Request) error {
	f := tryForm{URL: strings.TrimSpace(r.PostFormValue("url")), MaxPages: preview.DefaultMaxPages}
	if n, err := strconv.Atoi(r.PostFormValue("max_pages")); err == nil {
		f.MaxPages = min(max(n, 1), preview.MaxMaxPages)
	}
	lang := h.langOf(r)
	select {
	case previewSlots <- struct{}{}:
		defer func() { <-previewSlots }()
	default:
		w.Header().Set("Retry-After", "10")
		return h.renderTry(w, r, f, tr(lang, "try-busy"), http.StatusTooManyRequests)
	}
	ctx, cancel := context.WithTimeout(r.Context(), previewTimeout)
	defer cancel()
	res, err := preview.Run(ctx, f.URL, preview.Options{MaxPages: f.MaxPages, Timeout: previewTimeout,
		AllowPrivate: h.svc.AllowsPrivateSources()})
	if err != nil {
		// preview's errors are written for the person who typed the URL.
		h.o.Logger.Info("source preview failed", "err", err)
		return h.renderTry(w, r, f, tr(lang, "try-failed")+": "+err.Error(), http.StatusUnprocessableEntity)
	}
	h.o.Logger.Info("source preview", "strategy", res.Strategy, "pages", len(res.Pages), "events", len(res.Events))
	f.Result = &res
	return h.renderTry(w, r, f, "", 0)
}

func (h *Handler) renderTry(w http.ResponseWriter, r *http.Request, f tryForm, errMsg string, status int) error {
	return h.render(w, r, "try", page{Title: tr(h.langOf(r), "try"), Nav: "sources", Data: f, Error: errMsg, Status: status})
}
