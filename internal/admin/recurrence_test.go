package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/browsertest"
)

func TestReadEditor(t *testing.T) {
	for _, tc := range []struct {
		rule string
		want rrEditor
	}{
		{"", rrEditor{Interval: 1}},
		{"FREQ=WEEKLY;BYDAY=TU,TH", rrEditor{Freq: "WEEKLY", Interval: 1, Days: []string{"TU", "TH"}}},
		{"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T215959Z", rrEditor{Freq: "WEEKLY", Interval: 2, Until: "2026-12-31"}},
		{"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T225959Z", rrEditor{Freq: "WEEKLY", Interval: 2, Until: "2026-12-31"}},
		{"FREQ=MONTHLY;BYDAY=1WE;COUNT=12", rrEditor{Freq: "MONTHLY", Interval: 1, Ord: "1", OrdDay: "WE", Count: "12"}},
		{"FREQ=MONTHLY;BYDAY=-1FR", rrEditor{Freq: "MONTHLY", Interval: 1, Ord: "-1", OrdDay: "FR"}},
		{"FREQ=MONTHLY;BYDAY=+2MO;WKST=MO", rrEditor{Freq: "MONTHLY", Interval: 1, Ord: "2", OrdDay: "MO"}},
		// More than the choices can say: the plain field stays.
		{"FREQ=DAILY", rrEditor{Freq: "DAILY", Interval: 1, Custom: true}},
		{"FREQ=MONTHLY;BYMONTHDAY=15", rrEditor{Freq: "MONTHLY", Interval: 1, Custom: true}},
		{"FREQ=MONTHLY;BYDAY=1WE,3WE", rrEditor{Freq: "MONTHLY", Interval: 1, Days: []string{"1WE", "3WE"}, Custom: true}},
		{"FREQ=MONTHLY;BYDAY=5WE", rrEditor{Freq: "MONTHLY", Interval: 1, Ord: "5", OrdDay: "WE", Custom: true}},
		{"FREQ=WEEKLY;BYDAY=1MO", rrEditor{Freq: "WEEKLY", Interval: 1, Days: []string{"1MO"}, Custom: true}},
		{"FREQ=WEEKLY;INTERVAL=0", rrEditor{Freq: "WEEKLY", Custom: true}},
		{"FREQ=WEEKLY;COUNT=5000", rrEditor{Freq: "WEEKLY", Interval: 1, Count: "5000", Custom: true}},
		{"FREQ=WEEKLY;UNTIL=x", rrEditor{Freq: "WEEKLY", Interval: 1, Custom: true}},
	} {
		if got := readEditor(tc.rule); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("readEditor(%q) = %+v, want %+v", tc.rule, got, tc.want)
		}
	}
}

// TestRecurrenceEditorMarkup: without script the form has the plain RRULE
// field (the only recurrence input with a name); the choices are there,
// hidden, filled from the stored rule; the preview endpoint words a rule
// in the staff member's language and refuses an oversized one.
func TestRecurrenceEditorMarkup(t *testing.T) {
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen")
	b := f.browser(t)
	b.login("admin@example.org", f.user(t, "admin@example.org", auth.RoleAdmin))
	var id int64
	if err := f.pool.QueryRow(t.Context(), `SELECT id FROM events ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ev := strconv.FormatInt(id, 10)
	b.get("/admin/events/" + ev)
	form := url.Values{"f.recurrence": {"FREQ=MONTHLY;BYDAY=1WE;COUNT=12"}}
	if res, body := b.post("/admin/events/"+ev+"/edit", form, nil); res.StatusCode >= 400 {
		t.Fatalf("edit: %d %.500s", res.StatusCode, body)
	}
	_, body := b.get("/admin/events/" + ev)
	for _, want := range []string{
		`name="f.recurrence" id="rrule-` + ev + `" value="FREQ=MONTHLY;BYDAY=1WE;COUNT=12"`,
		`data-rr="` + ev + `" hidden>`,
		`<option value="MONTHLY" selected>monatlich</option>`,
		`<option value="1" selected>1.</option>`,
		`<option value="WE" selected>Mittwoch</option>`,
		`data-rr-count value="12"`,
		`monatlich, am 1. Mittwoch, 12-mal`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
	if n := strings.Count(body, `name="f.recurrence"`); n != 1 {
		t.Errorf("%d inputs named f.recurrence, want the plain field only", n)
	}
	for _, tc := range []struct {
		lang, rule, want string
		status           int
	}{
		{"de", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "alle 2 Wochen, am Dienstag, Donnerstag", 200},
		{"en", "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231T215959Z", "monthly, on last Friday, until 31.12.2026", 200},
		{"de", "FREQ=WEEKLY;" + strings.Repeat("X", 600), "", http.StatusUnprocessableEntity},
	} {
		b.get("/lang?l=" + tc.lang)
		res, body := b.get("/admin/recurrence?rule=" + url.QueryEscape(tc.rule))
		if res.StatusCode != tc.status {
			t.Errorf("preview %q: %d, want %d", tc.rule, res.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		var out struct{ Text string }
		if err := json.Unmarshal([]byte(body), &out); err != nil || out.Text != tc.want {
			t.Errorf("preview %q (%s) = %q %v, want %q", tc.rule, tc.lang, out.Text, err, tc.want)
		}
	}
}

// TestBrowserRecurrenceEditor sets "monthly, 1st Wednesday, 12 times"
// with the editor's choices in Chromium (the count typed), sees the RRULE
// and its German preview, saves, and finds the rule stored; axe finds
// nothing in the open form.
func TestBrowserRecurrenceEditor(t *testing.T) {
	if _, ok := browsertest.Path(); !ok {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set CHROMIUM); skipping")
	}
	f := setup(t)
	f.crawl(t, "kulturbuero-sachsen")
	pw := f.user(t, "redaktion@example.org", auth.RoleAdmin)
	var id int64
	if err := f.pool.QueryRow(t.Context(), `SELECT id FROM events ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ev := strconv.FormatInt(id, 10)
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 900})
	consoleErrors := browsertest.Console(ctx)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	// choose sets a select as a person would, with its change event.
	choose := func(sel, v string) {
		t.Helper()
		eval(`(() => { const el = document.querySelector('` + sel + `'); el.value = '` + v + `'; el.dispatchEvent(new Event('change', {bubbles: true})); return el.value; })()`)
	}
	run("log in", chromedp.Navigate(f.srv.URL+"/admin/events/"+ev), chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, "redaktion@example.org"), chromedp.SendKeys(`input[name=password]`, pw),
		chromedp.Submit(`input[name=password]`), chromedp.WaitVisible(`[data-open="edit-`+ev+`"]`))
	run("German", chromedp.Navigate(f.srv.URL+"/lang?l=de&next=/admin/events/"+ev), chromedp.WaitVisible(`[data-open="edit-`+ev+`"]`))
	run("open the form", chromedp.Click(`[data-open="edit-`+ev+`"]`), chromedp.WaitVisible(`[data-rr="`+ev+`"] [data-rr-freq]`))
	if v := eval(`String(document.getElementById('rrule-` + ev + `').closest('label').hidden)`); v != "true" {
		t.Errorf("plain RRULE field shown beside the editor (hidden=%s)", v)
	}
	fs := `[data-rr="` + ev + `"]`
	choose(fs+` [data-rr-freq]`, "MONTHLY")
	choose(fs+` [data-rr-ord]`, "1")
	choose(fs+` [data-rr-ordday]`, "WE")
	run("type the count", chromedp.Click(fs+` [data-rr-count]`), chromedp.SendKeys(fs+` [data-rr-count]`, "12"))
	want := "FREQ=MONTHLY;BYDAY=1WE;COUNT=12"
	if got := eval(`document.getElementById('rrule-` + ev + `').value`); got != want {
		t.Errorf("RRULE %q, want %q", got, want)
	}
	// An end date is the end of that day in Berlin, in UTC: +1 in winter,
	// +2 in summer.
	for _, u := range []struct{ date, until string }{{"2026-12-31", "20261231T225959Z"}, {"2026-07-15", "20260715T215959Z"}} {
		eval(`(() => { const el = document.querySelector('` + fs + ` [data-rr-until]'); el.value = '` + u.date + `'; el.dispatchEvent(new Event('input', {bubbles: true})); return ''; })()`)
		if got, want := eval(`document.getElementById('rrule-`+ev+`').value`), "FREQ=MONTHLY;BYDAY=1WE;UNTIL="+u.until; got != want {
			t.Errorf("until %s: RRULE %q, want %q", u.date, got, want)
		}
	}
	eval(`(() => { const el = document.querySelector('` + fs + ` [data-rr-until]'); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); return ''; })()`)
	if got := eval(`document.getElementById('rrule-` + ev + `').value`); got != want {
		t.Errorf("RRULE after clearing the end date %q, want %q", got, want)
	}
	if got := eval(`[...document.querySelectorAll('` + fs + ` [data-rr-weekly], ` + fs + ` [data-rr-monthly]')].map(e => e.hidden).join(',')`); got != "true,false,false" {
		t.Errorf("weekly/monthly parts hidden: %s, want true,false,false", got)
	}
	preview := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if preview = eval(`document.getElementById('rr-` + ev + `').textContent`); strings.Contains(preview, "monatlich, am 1. Mittwoch, 12-mal") {
			break
		}
	}
	if !strings.Contains(preview, "monatlich, am 1. Mittwoch, 12-mal") {
		t.Errorf("preview %q", preview)
	}
	// The switch to the plain field and back, by keyboard.
	hidden := func() string {
		return eval(`[document.getElementById('rrule-` + ev + `').closest('label').hidden, document.querySelector('` + fs + `').hidden].join(',')`)
	}
	run("focus the switch", chromedp.Focus(`[data-rr-switch="`+ev+`"]`), chromedp.KeyEvent("\r"))
	if got := hidden(); got != "false,true" {
		t.Errorf("after Enter on the switch: plain field, editor hidden = %s, want false,true", got)
	}
	run("switch back", chromedp.KeyEvent("\r"))
	if got := hidden(); got != "true,false" {
		t.Errorf("after a second Enter: plain field, editor hidden = %s, want true,false", got)
	}
	if got := eval(`document.getElementById('rrule-` + ev + `').value`); got != want {
		t.Errorf("RRULE after switching %q, want %q", got, want)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe: %s", v)
	}
	run("save", chromedp.Click(`#edit-`+ev+` button.primary`))
	var stored string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && stored != want; time.Sleep(100 * time.Millisecond) {
		if err := f.pool.QueryRow(context.Background(), `SELECT recurrence FROM events WHERE id = $1`, id).Scan(&stored); err != nil {
			t.Fatal(err)
		}
	}
	if stored != want {
		t.Errorf("stored recurrence %q, want %q", stored, want)
	}
	for _, m := range consoleErrors() {
		// The scraped description's images are relative links of the
		// source's site, so they miss here; what the UI loads must not.
		if !strings.Contains(m, "Failed to load resource") || strings.Contains(m, "/admin/") {
			t.Errorf("console error: %s", m)
		}
	}
}
