package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/browsertest"
)

// TestBrowserReview drives the staff UI in headless Chromium: log in,
// approve an entry (key a), edit its date (key e), reject one (key r),
// merge a suggested duplicate pair, add a source and crawl it against the
// offline mirror. Screenshots go to artifacts/screenshots/admin-*.png.
func TestBrowserReview(t *testing.T) {
	if _, ok := browsertest.Path(); !ok {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set CHROMIUM); skipping the staff UI browser test")
	}
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen", "saqsen", "buendnis-leipzig", "verein-blog")
	pw := f.user(t, "redaktion@example.org", auth.RoleAdmin)
	ctx := browsertest.New(t, browsertest.Options{Width: 1440, Height: 900, Timeout: 3 * time.Minute})
	consoleErrors := browsertest.Console(ctx)
	shots := browsertest.ArtifactDir(t, "screenshots")
	shot := func(name string) {
		t.Helper()
		if _, err := browsertest.Screenshot(ctx, shots, "admin-"+name); err != nil {
			t.Fatal(err)
		}
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	attr := func(sel, name string) string {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
		if err != nil || !r.Exists {
			t.Fatalf("attribute %s of %s: %v", name, sel, err)
		}
		return r.Value
	}
	q := func(sql string, args ...any) (n int) {
		t.Helper()
		if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				shot("failed")
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Log in.
	run("open login", chromedp.Navigate(f.srv.URL+"/admin/"), chromedp.WaitVisible(`input[name=email]`))
	run("type credentials", chromedp.SendKeys(`input[name=email]`, "redaktion@example.org"),
		chromedp.SendKeys(`input[name=password]`, pw))
	shot("login")
	run("log in", chromedp.Submit(`input[name=password]`), chromedp.WaitVisible(`#entries li.entry`))
	// The staff speak German; the last screenshot shows the English UI.
	run("German", chromedp.Navigate(f.srv.URL+"/lang?l=de&next=/admin/"), chromedp.WaitVisible(`#entries li.entry`))
	shot("queue")
	axe := func(what string) {
		t.Helper()
		vs, err := browsertest.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: axe: %s", what, v)
		}
	}
	axe("queue (de)")

	// Approve the selected entry with the keyboard.
	count := func(state string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`parseInt(document.querySelector('.tabs a[data-state="`+state+`"] .count').textContent, 10)`))
		if err != nil {
			t.Fatalf("tab counter %q: %v", state, err)
		}
		return n
	}
	openBefore, publishedBefore, allBefore := count(""), count("published"), count("all")
	// The counts are the same on every load (they once varied).
	for range 3 {
		run("reload", chromedp.Reload(), chromedp.WaitVisible(`#entries li.entry`))
		if o, a := count(""), count("all"); o != openBefore || a != allBefore {
			t.Errorf("counts changed on reload: open %d→%d, all %d→%d", openBefore, o, allBefore, a)
		}
	}
	first := attr(`#entries li.entry.selected`, "data-id")
	run("approve (a)", chromedp.KeyEvent("a"))
	wait("approval", func() bool {
		return q(`SELECT count(*) FROM events WHERE id = $1 AND review = 'published'`, first) == 1
	})
	run("panel of the next entry", chromedp.WaitVisible(`.detail[data-event]:not([data-event="`+first+`"])`))
	if o, p := count(""), count("published"); o != openBefore-1 || p != publishedBefore+1 {
		t.Errorf("tab counters after approve: open %d→%d, published %d→%d; want one moved", openBefore, o, publishedBefore, p)
	}

	// Edit the date of the entry now selected.
	run("wait for next entry", chromedp.WaitVisible(`.detail[data-event]:not([data-event="`+first+`"])`))
	second := attr(`.detail`, "data-event")
	run("open editor (e)", chromedp.KeyEvent("e"), chromedp.WaitVisible(`#edit-`+second))
	run("set date", chromedp.SetValue(`#edit-`+second+` input[name="f.start"]`, "2021-07-09T19:30"),
		chromedp.SetValue(`#edit-`+second+` input[name="f.end"]`, "2021-07-09T21:00"))
	shot("edit")
	run("save", chromedp.Click(`#edit-`+second+` button.primary`))
	wait("date override", func() bool {
		return q(`SELECT count(*) FROM event_overrides WHERE event_id = $1 AND field = 'start'`, second) == 1
	})
	var start time.Time
	if err := f.pool.QueryRow(context.Background(), `SELECT start_at FROM events WHERE id = $1`, second).Scan(&start); err != nil {
		t.Fatal(err)
	}
	if got := start.In(time.FixedZone("CEST", 2*3600)).Format("2006-01-02 15:04"); got != "2021-07-09 19:30" {
		t.Errorf("edited start = %s, want 2021-07-09 19:30", got)
	}
	run("edited panel", chromedp.WaitVisible(`.fields .badge.ovr`))
	shot("edited")

	// Reject it with a reason (r focuses the reason field).
	run("reject (r)", chromedp.KeyEvent("r"), chromedp.SendKeys(`.detail form[data-action=reject] input[name=reason]`, "Interne Sitzung, nicht öffentlich\r"))
	wait("rejection", func() bool {
		return q(`SELECT count(*) FROM events e JOIN event_reviews r ON r.event_id = e.id
			WHERE e.id = $1 AND e.review = 'rejected' AND r.reject_reason LIKE 'Interne Sitzung%'`, second) == 1
	})

	// Merge a suggested pair.
	run("duplicates", chromedp.Navigate(f.srv.URL+"/admin/duplicates"), chromedp.WaitVisible(`.pair`))
	shot("duplicates")
	keep := attr(`.pair form[action="/admin/duplicates/merge"] input[name=keep]`, "value")
	drop := attr(`.pair form[action="/admin/duplicates/merge"] input[name=drop]`, "value")
	run("merge", chromedp.Click(`.pair form[action="/admin/duplicates/merge"] button`), chromedp.WaitVisible(`.flash`))
	if q(`SELECT count(*) FROM events WHERE id = $1 AND merged_into = $2`, drop, keep) != 1 {
		t.Errorf("event %s not merged into %s", drop, keep)
	}

	// Add a source and crawl it against the mirror.
	pokubi := f.srcs["pokubi"]
	run("new source form", chromedp.Navigate(f.srv.URL+"/admin/sources/new"), chromedp.WaitVisible(`input[name=id]`),
		chromedp.SendKeys(`input[name=id]`, "pokubi-neu"),
		chromedp.SendKeys(`input[name=name]`, "PoKuBi Sachsen (neu)"),
		chromedp.SendKeys(`input[name=url]`, pokubi.URL),
		chromedp.SendKeys(`input[name=follow]`, pokubi.Follow),
		chromedp.SendKeys(`input[name=next]`, pokubi.Next),
		chromedp.SetValue(`input[name=title]`, pokubi.Fields.Title),
		chromedp.SendKeys(`input[name=body]`, pokubi.Fields.Body),
		chromedp.SendKeys(`input[name=date]`, pokubi.Fields.Date),
		chromedp.SendKeys(`input[name=place]`, pokubi.Fields.Place),
		chromedp.SendKeys(`input[name=organizer]`, pokubi.Organizer),
		chromedp.SetValue(`input[name=delay]`, "5ms"),
		chromedp.Click(`input[name=allow_private]`))
	shot("source-form")
	// The slug's pattern must compile as the browser compiles it (with the
	// v flag, where an unescaped "-" in a class is an error and the check
	// silently turns off), and must accept the slug typed.
	valid, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const i = document.querySelector('input[name=id]');
		new RegExp('^(?:' + i.pattern + ')$', 'v');
		return i.checkValidity();
	})()`))
	if err != nil || !valid {
		t.Errorf("slug pattern: valid=%v err=%v", valid, err)
	}
	run("save source", chromedp.Submit(`input[name=id]`), chromedp.WaitVisible(`.stats`))
	run("crawl now", chromedp.Click(`form[action="/admin/sources/pokubi-neu/crawl"] button`), chromedp.WaitVisible(`.flash`))
	wait("crawl of the new source", func() bool {
		return q(`SELECT count(*) FROM crawl_runs WHERE source_id = 'pokubi-neu' AND status <> 'running'`) > 0 && !f.svc.Crawling("pokubi-neu")
	})
	if n := q(`SELECT count(DISTINCT ei.event_id) FROM items i JOIN event_items ei ON ei.item_id = i.id WHERE i.source_id = 'pokubi-neu'`); n == 0 {
		t.Errorf("the new source's crawl found no events")
	}
	run("source page", chromedp.Navigate(f.srv.URL+"/admin/sources/pokubi-neu"), chromedp.WaitVisible(`.stats`))
	shot("source")
	run("sources", chromedp.Navigate(f.srv.URL+"/admin/sources"), chromedp.WaitVisible(`table.sources`))
	shot("sources")
	run("audit", chromedp.Navigate(f.srv.URL+"/admin/audit"), chromedp.WaitVisible(`table.audit`))
	shot("audit")
	run("english queue", chromedp.Navigate(f.srv.URL+"/lang?l=en&next=/admin/?state=all"), chromedp.WaitVisible(`#entries`))
	shot("queue-en")
	axe("queue (en)")
	// At phone width the queue and the sources list fit without sideways
	// scrolling.
	for _, path := range []string{"/admin/", "/admin/sources"} {
		run("phone "+path, chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.srv.URL+path), chromedp.WaitVisible(`main`))
		sw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if sw > 390 {
			shot("phone-overflow")
			t.Errorf("%s at 390 px is %d px wide", path, sw)
		}
	}

	// Every step is in the audit log.
	for _, action := range []string{"event.approve", "event.edit", "event.reject", "event.merge", "source.create", "source.crawl"} {
		if q(`SELECT count(*) FROM audit_log WHERE action = $1 AND actor = 'redaktion@example.org'`, action) == 0 {
			t.Errorf("audit log lacks %s", action)
		}
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
