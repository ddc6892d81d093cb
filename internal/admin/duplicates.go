package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/review"
)

func (h *Handler) duplicates(w http.ResponseWriter, r *http.Request) error {
	var from time.Time
	var pairs []review.Pair
	var err error
	if s := r.URL.Query().Get("from"); s != "" {
		if from, err = time.ParseInLocation(time.DateOnly, s, event.Berlin); err != nil {
			return fmt.Errorf("from %q: %w", s, event.ErrInvalid)
		}
		pairs, err = h.svc.Duplicates(r.Context(), from, 100)
	} else {
		from, pairs, err = h.svc.DuplicatesSince(r.Context(), h.o.Now(), 100)
	}
	if err != nil {
		return err
	}
	return h.render(w, r, "duplicates", page{Title: tr(h.langOf(r), "duplicates"), Nav: "duplicates",
		Data: map[string]any{"Pairs": pairs, "From": from.In(event.Berlin).Format(time.DateOnly), "Parts": evidenceParts}})
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
	redirectBackTo(w, r, "/admin/duplicates", "merged", keep)
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
