package admin

import (
	"net/http"
	"strconv"

	"github.com/treffpunkt/treffpunkt/internal/auth"
)

// Routes is the route table: every page and action with the role it
// needs. NewHandler mounts exactly these, and the permission tests walk
// them, so a route cannot be added without a decision on who may use it.
func Routes() []Route {
	rv, ad := auth.RoleReviewer, auth.RoleAdmin
	return []Route{
		{"GET", "/login", "", "/login", (*Handler).loginPage},
		{"POST", "/login", "", "/login", (*Handler).login},
		{"POST", "/logout", "", "/logout", (*Handler).logout},
		{"GET", "/lang", "", "/lang?l=en", (*Handler).setLang},

		{"GET", "/admin/password", rv, "/admin/password", (*Handler).passwordPage},
		{"POST", "/admin/password", rv, "/admin/password", (*Handler).changePassword},
		{"GET", "/admin/{$}", rv, "/admin/", (*Handler).queue},
		{"POST", "/admin/bulk", rv, "/admin/bulk", (*Handler).bulk},
		{"GET", "/admin/events/{id}", rv, "/admin/events/1", (*Handler).eventPage},
		{"GET", "/admin/recurrence", rv, "/admin/recurrence?rule=FREQ%3DWEEKLY", (*Handler).recurrencePreview},
		{"POST", "/admin/events/{id}/approve", rv, "/admin/events/1/approve", (*Handler).approve},
		{"POST", "/admin/events/{id}/reject", rv, "/admin/events/1/reject", (*Handler).reject},
		{"POST", "/admin/events/{id}/edit", rv, "/admin/events/1/edit", (*Handler).edit},
		{"POST", "/admin/events/{id}/revert", rv, "/admin/events/1/revert", (*Handler).revert},
		{"POST", "/admin/events/{id}/cancel", rv, "/admin/events/1/cancel", (*Handler).cancel},
		{"POST", "/admin/events/{id}/split", rv, "/admin/events/1/split", (*Handler).split},
		{"GET", "/admin/duplicates", rv, "/admin/duplicates", (*Handler).duplicates},
		{"POST", "/admin/duplicates/merge", rv, "/admin/duplicates/merge", (*Handler).merge},
		{"POST", "/admin/duplicates/distinct", rv, "/admin/duplicates/distinct", (*Handler).distinct},
		{"GET", "/admin/sources", rv, "/admin/sources", (*Handler).sources},
		{"GET", "/admin/sources/{id}", rv, "/admin/sources/example", (*Handler).source},
		{"GET", "/admin/runs/{id}", rv, "/admin/runs/1", (*Handler).run},
		{"GET", "/admin/audit", rv, "/admin/audit", (*Handler).audit},

		{"GET", "/admin/sources/new", ad, "/admin/sources/new", (*Handler).sourceNew},
		{"GET", "/admin/sources/try", ad, "/admin/sources/try", (*Handler).tryPage},
		{"POST", "/admin/sources/try", ad, "/admin/sources/try", (*Handler).tryRun},
		{"POST", "/admin/sources", ad, "/admin/sources", (*Handler).sourceCreate},
		{"GET", "/admin/sources/{id}/edit", ad, "/admin/sources/example/edit", (*Handler).sourceEdit},
		{"POST", "/admin/sources/{id}", ad, "/admin/sources/example", (*Handler).sourceUpdate},
		{"POST", "/admin/sources/{id}/enable", ad, "/admin/sources/example/enable", (*Handler).sourceEnable},
		{"POST", "/admin/sources/{id}/disable", ad, "/admin/sources/example/disable", (*Handler).sourceDisable},
		{"POST", "/admin/sources/{id}/crawl", ad, "/admin/sources/example/crawl", (*Handler).crawl},
	}
}

// redirectBack answers a form post: to the form's "next" (a local path)
// or the given default, with a flash message key.
func redirectBack(w http.ResponseWriter, r *http.Request, def, flash string) {
	redirectBackTo(w, r, def, flash, 0)
}

// redirectBackTo is redirectBack with the event the action produced (a
// merge's kept event, a split's new one): the flash links to it.
func redirectBackTo(w http.ResponseWriter, r *http.Request, def, flash string, ev int64) {
	next := localPath(r.PostFormValue("next"))
	if next == "" {
		next = def
	}
	if flash != "" {
		sep := "?"
		for _, c := range next {
			if c == '?' {
				sep = "&"
			}
		}
		next += sep + "flash=" + flash
		if ev != 0 {
			next += "&ev=" + strconv.FormatInt(ev, 10)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
