package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func (h *Handler) sources(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Sources(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, "sources", page{Title: tr(h.langOf(r), "sources"), Nav: "sources", Data: list})
}

func (h *Handler) source(w http.ResponseWriter, r *http.Request) error {
	s, err := h.svc.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	problems, err := store.ItemProblems(r.Context(), h.pool, s.ID, 50)
	if err != nil {
		return err
	}
	return h.render(w, r, "source", page{Title: s.Name, Nav: "sources",
		Data: map[string]any{"S": s, "Problems": problems}})
}

func (h *Handler) run(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, errs, err := h.svc.Run(r.Context(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, "run", page{Title: fmt.Sprintf("%s #%d", tr(h.langOf(r), "run"), id), Nav: "sources",
		Data: map[string]any{"Run": run, "Errors": errs}})
}

// sourceForm is the add/edit form's state.
type sourceForm struct {
	S            source.Source
	New          bool
	AllowPrivate bool // the service lets staff tick allow_private
	Interval     string
	Delay        string
	Languages    string
}

func (h *Handler) renderSourceForm(w http.ResponseWriter, r *http.Request, f sourceForm, errMsg string, status int) error {
	f.AllowPrivate = h.svc.AllowsPrivateSources()
	if f.Interval == "" && f.S.Interval.Duration != 0 {
		f.Interval = f.S.Interval.Duration.String()
	}
	if f.Delay == "" && f.S.Delay.Duration != 0 {
		f.Delay = f.S.Delay.Duration.String()
	}
	if f.Languages == "" {
		f.Languages = strings.Join(f.S.Languages, ", ")
	}
	title := tr(h.langOf(r), "editsource")
	if f.New {
		title = tr(h.langOf(r), "newsource")
	}
	return h.render(w, r, "sourceform", page{Title: title, Nav: "sources", Data: f, Error: errMsg, Status: status})
}

func (h *Handler) sourceNew(w http.ResponseWriter, r *http.Request) error {
	s := source.Source{Kind: event.KindHTML, Publish: "review"}
	// From "Test this source": the URL it tried, kind auto.
	if q := r.URL.Query(); q.Get("kind") == event.KindAuto {
		s.Kind, s.URL = event.KindAuto, q.Get("url")
	}
	s.ApplyDefaults()
	return h.renderSourceForm(w, r, sourceForm{S: s, New: true}, "", 0)
}

func (h *Handler) sourceEdit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.svc.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderSourceForm(w, r, sourceForm{S: s.Source}, "", 0)
}

// parseSourceForm reads the form into a source.Source; validation is the
// sources file's (review.Service runs it).
func parseSourceForm(r *http.Request) (sourceForm, error) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := sourceForm{Interval: v("interval"), Delay: v("delay"), Languages: v("languages")}
	s := source.Source{ID: v("id"), Name: v("name"), URL: v("url"), Kind: v("kind"), Follow: v("follow"), Next: v("next"),
		Fields: source.Fields{Title: v("title"), Body: v("body"), Date: v("date"), Place: v("place"), Item: v("item")},
		Region: v("region"), Publish: v("publish"), Organizer: v("organizer"),
		AllowPrivate: v("allow_private") != "", PublicContacts: v("public_contacts") != ""}
	for _, l := range strings.Split(f.Languages, ",") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			s.Languages = append(s.Languages, l)
		}
	}
	var problems []string
	for _, d := range []struct {
		name, val string
		into      *source.Duration
	}{{"interval", f.Interval, &s.Interval}, {"delay", f.Delay, &s.Delay}} {
		if d.val == "" {
			continue
		}
		dur, err := time.ParseDuration(d.val)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s %q: want e.g. 6h or 500ms", d.name, d.val))
		}
		d.into.Duration = dur
	}
	if mp := v("max_pages"); mp != "" {
		n, err := strconv.Atoi(mp)
		if err != nil {
			problems = append(problems, fmt.Sprintf("max_pages %q: want a number", mp))
		}
		s.MaxPages = n
	}
	f.S = s
	if len(problems) > 0 {
		return f, fmt.Errorf("%s: %w", strings.Join(problems, "; "), event.ErrInvalid)
	}
	return f, nil
}

func (h *Handler) sourceCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseSourceForm(r)
	f.New = true
	if err == nil {
		err = h.svc.CreateSource(r.Context(), f.S)
	}
	if err != nil {
		return h.formError(w, r, f, err)
	}
	http.Redirect(w, r, "/admin/sources/"+f.S.ID+"?flash=saved", http.StatusSeeOther)
	return nil
}

func (h *Handler) sourceUpdate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseSourceForm(r)
	f.S.ID = r.PathValue("id")
	if err == nil {
		err = h.svc.UpdateSource(r.Context(), f.S)
	}
	if err != nil {
		return h.formError(w, r, f, err)
	}
	http.Redirect(w, r, "/admin/sources/"+f.S.ID+"?flash=saved", http.StatusSeeOther)
	return nil
}

// formError shows the form again with the problem, for input errors.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, f sourceForm, err error) error {
	if isInputError(err) {
		return h.renderSourceForm(w, r, f, err.Error(), http.StatusUnprocessableEntity)
	}
	return err
}

func (h *Handler) sourceEnable(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.SetSourceEnabled(r.Context(), r.PathValue("id"), true); err != nil {
		return err
	}
	redirectBack(w, r, "/admin/sources", "saved")
	return nil
}

func (h *Handler) sourceDisable(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.SetSourceEnabled(r.Context(), r.PathValue("id"), false); err != nil {
		return err
	}
	redirectBack(w, r, "/admin/sources", "saved")
	return nil
}

func (h *Handler) crawl(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.CrawlNow(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	redirectBack(w, r, "/admin/sources/"+r.PathValue("id"), "crawling")
	return nil
}

// isInputError reports errors a form shows to the person who typed.
func isInputError(err error) bool {
	return errors.Is(err, event.ErrInvalid) || errors.Is(err, store.ErrExists)
}
