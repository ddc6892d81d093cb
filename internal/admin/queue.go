package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

type queueData struct {
	Entries  []store.QueueEntry
	Total    int
	Counts   map[string]int
	Filter   store.QueueFilter
	Sources  []string
	States   []string
	Facets   []queueFacet
	Detail   *review.EventDetail
	Selected int64
	Prev     int
	Next     int
}

func (h *Handler) queue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.QueueFilter{State: q.Get("state"), Source: q.Get("source"), Region: q.Get("region"),
		Query: q.Get("q"), Limit: 50}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	facets, conds, err := queueFacets(h.langOf(r), q)
	if err != nil {
		return err
	}
	f.Facets = conds
	entries, total, counts, err := h.svc.Queue(r.Context(), f)
	if err != nil {
		return err
	}
	srcs, err := h.svc.Sources(r.Context())
	if err != nil {
		return err
	}
	d := queueData{Entries: entries, Total: total, Counts: tabCounts(counts), Filter: f, Facets: facets,
		States: []string{"", "new", "changed", "vanished", "published", "rejected", "all"}, Prev: -1, Next: -1}
	for _, s := range srcs {
		d.Sources = append(d.Sources, s.ID)
	}
	if f.Offset > 0 {
		d.Prev = max(f.Offset-f.Limit, 0)
	}
	if f.Offset+len(entries) < total {
		d.Next = f.Offset + f.Limit
	}
	sel, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	if sel == 0 && len(entries) > 0 {
		sel = entries[0].ID
	}
	if sel != 0 {
		det, err := h.svc.Event(r.Context(), sel)
		if err != nil {
			return err
		}
		d.Detail, d.Selected = &det, sel
	}
	return h.render(w, r, "queue", page{Title: tr(h.langOf(r), "queue"), Nav: "queue", Data: d})
}

// tabCounts adds the two tabs that are sums to the per-state counts: ""
// (open: new, changed, vanished) and "all". It writes into a new map: adding
// keys to the map being ranged over made "all" differ from load to load.
func tabCounts(byState map[string]int) map[string]int {
	out := make(map[string]int, len(byState)+2)
	all := 0
	for state, c := range byState {
		out[state] = c
		if state != "" && state != "all" {
			all += c
		}
	}
	out[""] = byState["new"] + byState["changed"] + byState["vanished"]
	out["all"] = all
	return out
}

// eventView is the event page and the detail panel of the queue.
type eventView struct {
	review.EventDetail
	Next string // where actions return to
	// Done and DoneLink report the action just taken in the panel, with a
	// link to the event it produced (a split's new event).
	Done, DoneLink string
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("id %q: %w", r.PathValue("id"), event.ErrNotFound)
	}
	return id, nil
}

func (h *Handler) eventPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := h.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, "event", page{Title: d.Event.Draft.Title, Nav: "queue",
		Data: eventView{EventDetail: d, Next: localPath(r.URL.Query().Get("next"))}})
}

// afterAction answers an event action: the refreshed detail panel for the
// script, a redirect for a plain form.
func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, id int64) error {
	return h.afterActionTo(w, r, id, "saved", 0)
}

// afterActionTo is afterAction with a flash message and the event the
// action produced, which the message links to.
func (h *Handler) afterActionTo(w http.ResponseWriter, r *http.Request, id int64, flash string, produced int64) error {
	if r.Header.Get("X-Partial") != "" {
		d, err := h.svc.Event(r.Context(), id)
		if err != nil {
			return err
		}
		w.Header().Set("X-State", d.State)
		v := eventView{EventDetail: d, Done: tr(h.langOf(r), flash)}
		if produced != 0 {
			v.DoneLink = fmt.Sprintf("/admin/events/%d", produced)
		}
		return h.render(w, r, "event", page{Data: v})
	}
	redirectBack(w, r, fmt.Sprintf("/admin/events/%d", id), "saved")
	return nil
}

func (h *Handler) approve(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Approve(r.Context(), id); err != nil {
		return err
	}
	return h.afterAction(w, r, id)
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Reject(r.Context(), r.PostFormValue("reason"), id); err != nil {
		return err
	}
	return h.afterAction(w, r, id)
}

func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Cancel(r.Context(), id); err != nil {
		return err
	}
	return h.afterAction(w, r, id)
}

func (h *Handler) revert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Revert(r.Context(), id, r.PostFormValue("field")); err != nil {
		return err
	}
	return h.afterAction(w, r, id)
}

func (h *Handler) split(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	item, err1 := strconv.ParseInt(r.PostFormValue("item"), 10, 64)
	occ, err2 := strconv.Atoi(r.PostFormValue("occurrence"))
	if err1 != nil || err2 != nil {
		return fmt.Errorf("item and occurrence are required: %w", event.ErrInvalid)
	}
	newID, err := h.svc.Split(r.Context(), id, store.LinkRef{ItemID: item, Occurrence: occ})
	if err != nil {
		return err
	}
	if r.Header.Get("X-Partial") == "" {
		redirectBackTo(w, r, fmt.Sprintf("/admin/events/%d", id), "splitoff", newID)
		return nil
	}
	return h.afterActionTo(w, r, id, "splitoff", newID)
}

func (h *Handler) edit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: %w", event.ErrInvalid, err)
	}
	values, err := formValues(r)
	if err != nil {
		return err
	}
	if _, err := h.svc.Edit(r.Context(), id, values); err != nil {
		return err
	}
	return h.afterAction(w, r, id)
}

// formValues turns the edit form into field values (JSON), for the
// fields the form has: inputs are named f.<field>.
func formValues(r *http.Request) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, name := range store.EditableFields {
		vals, ok := r.PostForm["f."+name]
		if !ok {
			if name == "all_day" && r.PostFormValue("f.present") != "" {
				vals = []string{""} // an unchecked box sends nothing
			} else {
				continue
			}
		}
		if fc := pickerFacet(name); fc != nil {
			list, changed, err := pickerValue(fc, vals, r.PostFormValue("f."+name+".shown"))
			if err != nil {
				return nil, err
			}
			if changed {
				out[name], _ = json.Marshal(list) // a list of strings always marshals
			}
			continue
		}
		v := strings.TrimSpace(strings.ReplaceAll(vals[len(vals)-1], "\r\n", "\n"))
		var val any
		switch name {
		case "start", "end":
			if v == "" {
				val = nil
				break
			}
			t, err := time.ParseInLocation("2006-01-02T15:04", v, event.Berlin)
			if err != nil {
				return nil, fmt.Errorf("%s %q: want a date and time: %w", name, v, event.ErrInvalid)
			}
			val = t
		case "all_day":
			val = v != ""
		case "languages", "topics":
			// Checkboxes of the pickers (one value each) and free text
			// (comma-separated codes), together.
			list := []string{}
			for _, one := range vals {
				for _, p := range strings.Split(one, ",") {
					if p = strings.ToLower(strings.TrimSpace(p)); p != "" && !slices.Contains(list, p) {
						list = append(list, p)
					}
				}
			}
			val = list
		case "registration_required", "cost_free":
			switch v {
			case "yes":
				val = true
			case "no":
				val = false
			default:
				val = nil
			}
		default:
			val = v
		}
		raw, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		out[name] = raw
	}
	return out, nil
}

func (h *Handler) bulk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: %w", event.ErrInvalid, err)
	}
	var ids []int64
	for _, s := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("id %q: %w", s, event.ErrInvalid)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		redirectBack(w, r, "/admin/", "")
		return nil
	}
	var err error
	switch r.PostFormValue("action") {
	case "approve":
		err = h.svc.Approve(r.Context(), ids...)
	case "reject":
		err = h.svc.Reject(r.Context(), r.PostFormValue("reason"), ids...)
	default:
		err = fmt.Errorf("bulk action %q: %w", r.PostFormValue("action"), event.ErrInvalid)
	}
	if err != nil {
		return err
	}
	redirectBack(w, r, "/admin/", "saved")
	return nil
}
