package admin

import (
	"net/http"
	"strconv"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

func (h *Handler) audit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), TargetType: q.Get("type"),
		TargetID: q.Get("target"), Limit: 100}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	entries, actions, actors, err := h.svc.Audit(r.Context(), f)
	if err != nil {
		return err
	}
	var older int64
	if len(entries) == f.Limit {
		older = entries[len(entries)-1].ID
	}
	return h.render(w, r, "audit", page{Title: tr(h.langOf(r), "audit"), Nav: "audit",
		Data: map[string]any{"Entries": entries, "Actions": actions, "Actors": actors, "F": f, "Older": older}})
}
