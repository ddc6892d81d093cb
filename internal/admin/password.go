package admin

import (
	"errors"
	"net/http"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

// errMustChangePassword refuses every action of an account still on its
// one-time password.
var errMustChangePassword = errors.New("the one-time password must be changed first")

type passwordData struct {
	Forced bool
}

func (h *Handler) passwordPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := auth.FromContext(r.Context())
	return h.render(w, r, "password", page{Title: tr(h.langOf(r), "pw-title"), Data: passwordData{Forced: p.MustChangePassword}})
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	lang := h.langOf(r)
	p, _ := auth.FromContext(r.Context())
	next := r.PostFormValue("new")
	msg := ""
	switch {
	case next != r.PostFormValue("confirm"):
		msg = tr(lang, "pw-mismatch")
	case len(next) < auth.MinPasswordLen:
		msg = tr(lang, "pw-short")
	default:
		err := auth.ChangePassword(r.Context(), h.pool, p.UserID, r.PostFormValue("current"), next)
		switch {
		case errors.Is(err, auth.ErrBadCredentials):
			msg = tr(lang, "pw-wrong")
		case isInputError(err):
			msg = tr(lang, "pw-same")
		case err != nil:
			return err
		}
	}
	if msg != "" {
		return h.render(w, r, "password", page{Title: tr(lang, "pw-title"), Error: msg, Status: http.StatusUnprocessableEntity,
			Data: passwordData{Forced: p.MustChangePassword}})
	}
	http.Redirect(w, r, "/admin/?flash=pw-changed", http.StatusSeeOther)
	return nil
}
