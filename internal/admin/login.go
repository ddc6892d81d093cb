package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

type loginData struct {
	Email, Next string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := auth.FromContext(r.Context()); ok {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, "login", page{Title: tr(h.langOf(r), "login"), Data: loginData{Next: localPath(r.URL.Query().Get("next"))}})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	next := localPath(r.PostFormValue("next"))
	_, err := h.gate.Login(r, email, r.PostFormValue("password"))
	if err != nil {
		lang := h.langOf(r)
		msg, status := tr(lang, "badlogin"), http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrRateLimited):
			msg, status = tr(lang, "ratelimited"), http.StatusTooManyRequests
		case !errors.Is(err, auth.ErrBadCredentials):
			return err
		}
		h.o.Logger.Warn("login failed", "email", email, "reason", err.Error(), "remote", r.RemoteAddr)
		return h.render(w, r, "login", page{Title: tr(lang, "login"), Error: msg, Status: status,
			Data: loginData{Email: email, Next: next}})
	}
	if next == "" {
		next = "/admin/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.gate.Logout(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// setLang keeps a language choice in the session (a preference, not
// data: safe as a GET link).
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) error {
	if l := r.URL.Query().Get("l"); l == "de" || l == "en" {
		h.gate.SetLang(r.Context(), l)
	}
	next := localPath(r.URL.Query().Get("next"))
	if next == "" {
		next = "/admin/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// localPath accepts only a path on this site (no open redirect), or
// answers "". Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, so "/%09/evil.example" would land off-site:
// control characters go first, then the rest must parse as a URL with no
// scheme, host or user and a path that is not protocol-relative.
func localPath(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	u.Fragment = ""
	return u.RequestURI()
}
