package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

func (h *Handler) duplicates(w http.ResponseWriter, r *http.Request) error {
	var from time.Time
	if s := r.URL.Query().Get("from"); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, event.Berlin)
		if err != nil {
			return fmt.Errorf("from %q: %w", s, event.ErrInvalid)
		}
		from = t
	} else {
		var err error
		if from, err = h.svc.DuplicatesFrom(r.Context(), h.o.Now()); err != nil {
			return err
		}
	}
	pairs, err := h.svc.Duplicates(r.Context(), from, 100)
	if err != nil {
		return err
	}
	return h.render(w, r, "duplicates", page{Title: tr(h.langOf(r), "duplicates"), Nav: "duplicates",
		Data: map[string]any{"Pairs": pairs, "From": from.Format(time.DateOnly), "Parts": evidenceParts}})
}

// evidenceParts are the parts of dedup's evidence shown, in order.
var evidenceParts = []string{"title", "time", "place", "organizer", "description"}

func formID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", name, r.PostFormValue(name), event.ErrInvalid)
	}
	return id, nil
}

func (h *Handler) merge(w http.ResponseWriter, r *http.Request) error {
	keep, err := formID(r, "keep")
	if err != nil {
		return err
	}
	drop, err := formID(r, "drop")
	if err != nil {
		return err
	}
	if err := h.svc.Merge(r.Context(), keep, drop); err != nil {
		return err
	}
	redirectBack(w, r, "/admin/duplicates", "saved")
	return nil
}

func (h *Handler) distinct(w http.ResponseWriter, r *http.Request) error {
	a, err := formID(r, "a")
	if err != nil {
		return err
	}
	b, err := formID(r, "b")
	if err != nil {
		return err
	}
	if err := h.svc.NotDuplicates(r.Context(), a, b); err != nil {
		return err
	}
	redirectBack(w, r, "/admin/duplicates", "saved")
	return nil
}
