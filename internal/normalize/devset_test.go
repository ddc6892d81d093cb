package normalize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// The dev set: hand-labelled announcements in testdata/devset/*.yaml (see
// the README there). Each file has source options and cases; a case is an
// item and the events a careful reader would enter for it.

type devFile struct {
	Source  string     `yaml:"source"`
	Options devOptions `yaml:"options"`
	Cases   []devCase  `yaml:"cases"`
}

type devOptions struct {
	Ref              string   `yaml:"ref"`
	DefaultRegion    string   `yaml:"default_region"`
	DefaultLanguages []string `yaml:"default_languages"`
	Organizer        string   `yaml:"organizer"`
}

type devCase struct {
	ID         string          `yaml:"id"`
	Origin     string          `yaml:"origin"`
	Note       string          `yaml:"note"`
	Published  string          `yaml:"published"`
	Options    *devOptions     `yaml:"options"`
	Kind       string          `yaml:"kind"`
	Title      string          `yaml:"title"`
	Text       string          `yaml:"text"`
	HTML       string          `yaml:"html"`
	Date       string          `yaml:"date"`
	Place      string          `yaml:"place"`
	Start      string          `yaml:"start"`
	End        string          `yaml:"end"`
	RRule      string          `yaml:"rrule"`
	Attendance string          `yaml:"attendance"`
	Location   *event.Location `yaml:"location"`
	Expect     []devEvent      `yaml:"expect"`

	file string
	opt  Options
}

// devEvent is one expected event in the shape of `treffpunkt normalize`.
type devEvent struct {
	Start        string   `yaml:"start"`
	End          *string  `yaml:"end"`
	Online       string   `yaml:"online"`
	Region       *string  `yaml:"region"`
	Languages    []string `yaml:"languages"`
	Topics       []string `yaml:"topics"`
	Registration *bool    `yaml:"registration_required"`
	CostFree     *bool    `yaml:"cost_free"`
	// optional, checked when given
	Recurrence *string `yaml:"recurrence"`
	Venue      *string `yaml:"venue"`
	Street     *string `yaml:"street"`
	PostalCode *string `yaml:"postal_code"`
	City       *string `yaml:"city"`
	Title      *string `yaml:"title"`
	Status     *string `yaml:"status"`
}

func loadDevSet(t testing.TB) []devCase {
	t.Helper()
	return loadCases(t, "testdata/devset/*.yaml")
}

func loadCases(t testing.TB, glob string) []devCase {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no dev set files: %v", err)
	}
	var out []devCase
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var df devFile
		if err := yaml.Unmarshal(b, &df); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range df.Cases {
			if seen[c.ID] {
				t.Fatalf("%s: duplicate case id %q", f, c.ID)
			}
			seen[c.ID] = true
			c.file = filepath.Base(f)
			o := df.Options
			if c.Options != nil {
				if c.Options.DefaultRegion != "" {
					o.DefaultRegion = c.Options.DefaultRegion
				}
				if c.Options.Ref != "" {
					o.Ref = c.Options.Ref
				}
				if len(c.Options.DefaultLanguages) > 0 {
					o.DefaultLanguages = c.Options.DefaultLanguages
				}
			}
			ref, err := time.ParseInLocation("2006-01-02", o.Ref, event.Berlin)
			if err != nil {
				t.Fatalf("%s: %s: ref %q: %v", f, c.ID, o.Ref, err)
			}
			c.opt = Options{Ref: ref, DefaultRegion: o.DefaultRegion, DefaultLanguages: o.DefaultLanguages, Organizer: o.Organizer}
			out = append(out, c)
		}
	}
	return out
}

func (c devCase) item() event.Item {
	return event.Item{Key: c.ID, Kind: c.Kind, Title: c.Title, Text: c.Text, HTML: c.HTML, Date: c.Date, Place: c.Place,
		Start: c.Start, End: c.End, Recurrence: c.RRule, Attendance: c.Attendance, Location: c.Location, Published: c.Published}
}

// run normalises a case; no date is not an error here (the case may expect none).
func (c devCase) run(t testing.TB) []event.Draft {
	ds, err := Normalize(c.item(), c.opt)
	if err != nil && !errors.Is(err, event.ErrNoDate) {
		t.Errorf("%s: %v", c.ID, err)
	}
	return ds
}

// Output formatting as in `treffpunkt normalize`.
func fmtTime(t time.Time, allDay bool) string {
	if allDay {
		return t.In(event.Berlin).Format("2006-01-02")
	}
	return t.In(event.Berlin).Format(time.RFC3339)
}

func fmtEnd(d event.Draft) string {
	if d.End.IsZero() {
		return "null"
	}
	return fmtTime(d.End, d.AllDay)
}

func strOrNull(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

func boolOrNull(p *bool) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func regionOrNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func sortedSet(s []string) string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return strings.Join(c, ",")
}

// day returns the date part of a start value.
func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// score counts right answers per field.
type score struct {
	right, total int
}

func (s *score) add(ok bool) {
	s.total++
	if ok {
		s.right++
	}
}

func (s score) pct() float64 {
	if s.total == 0 {
		return 1
	}
	return float64(s.right) / float64(s.total)
}

// f1 counts topic matches.
type f1 struct{ tp, fp, fn int }

func (f f1) value() float64 {
	if f.tp == 0 {
		return 0
	}
	p := float64(f.tp) / float64(f.tp+f.fp)
	r := float64(f.tp) / float64(f.tp+f.fn)
	return 2 * p * r / (p + r)
}

type evaluation struct {
	fields map[string]*score
	topics f1
	misses []string
}

var fieldOrder = []string{"start date", "start time", "end", "region", "online", "languages", "registration", "cost",
	"recurrence", "venue/street/postcode/city", "title", "status"}

// evaluate compares the drafts with the labels. Events are paired by start
// day in order; an expected event without a partner counts wrong in every
// field, a spurious event counts wrong in "start date". A case that expects
// no event scores one "start date" unit: right when nothing came out.
func evaluate(cases []devCase, drafts map[string][]event.Draft) evaluation {
	ev := evaluation{fields: map[string]*score{}}
	for _, f := range fieldOrder {
		ev.fields[f] = &score{}
	}
	miss := func(c devCase, field, got, want string) {
		ev.misses = append(ev.misses, fmt.Sprintf("%-42s %-12s got %-28s want %s", c.ID, field, got, want))
	}
	for _, c := range cases {
		got := drafts[c.ID]
		if len(c.Expect) == 0 {
			ok := len(got) == 0
			ev.fields["start date"].add(ok)
			if !ok {
				miss(c, "start date", fmtTime(got[0].Start, got[0].AllDay), "no event")
			}
			continue
		}
		used := make([]bool, len(got))
		for _, want := range c.Expect {
			k := -1
			for i, d := range got {
				if !used[i] && fmtTime(d.Start, d.AllDay)[:10] == day(want.Start) {
					k = i
					break
				}
			}
			ev.fields["start date"].add(k >= 0)
			if k < 0 {
				miss(c, "start date", "-", want.Start)
				for _, f := range []string{"start time", "end", "region", "online", "languages", "registration", "cost"} {
					ev.fields[f].add(false)
				}
				ev.topics.fn += len(want.Topics)
				continue
			}
			used[k] = true
			ev.compare(c, got[k], want, miss)
		}
		for i, u := range used {
			if !u {
				ev.fields["start date"].add(false)
				miss(c, "start date", fmtTime(got[i].Start, got[i].AllDay), "(no such event)")
			}
		}
	}
	return ev
}

func (ev *evaluation) compare(c devCase, d event.Draft, want devEvent, miss func(devCase, string, string, string)) {
	check := func(field, got, exp string) {
		ok := got == exp
		ev.fields[field].add(ok)
		if !ok {
			miss(c, field, got, exp)
		}
	}
	check("start time", fmtTime(d.Start, d.AllDay), want.Start)
	check("end", fmtEnd(d), strOrNull(want.End))
	check("region", regionOrNull(d.Place.Region), strOrNull(want.Region))
	check("online", string(d.Online), want.Online)
	check("languages", sortedSet(d.Languages), sortedSet(want.Languages))
	check("registration", boolOrNull(d.RegistrationRequired), boolOrNull(want.Registration))
	check("cost", boolOrNull(d.CostFree), boolOrNull(want.CostFree))
	if want.Recurrence != nil {
		check("recurrence", d.Recurrence, *want.Recurrence)
	}
	if want.Venue != nil || want.Street != nil || want.PostalCode != nil || want.City != nil {
		g := strings.Join([]string{d.Place.Venue, d.Place.Street, d.Place.PostalCode, d.Place.City}, " | ")
		w := strings.Join([]string{strOrNull(want.Venue), strOrNull(want.Street), strOrNull(want.PostalCode), strOrNull(want.City)}, " | ")
		w = strings.ReplaceAll(w, "null", "")
		check("venue/street/postcode/city", g, w)
	}
	if want.Title != nil {
		check("title", d.Title, *want.Title)
	}
	if want.Status != nil {
		check("status", string(d.Status), *want.Status)
	}
	wantT := map[string]bool{}
	for _, t := range want.Topics {
		wantT[t] = true
	}
	for _, t := range d.Topics {
		if wantT[t] {
			ev.topics.tp++
			delete(wantT, t)
		} else {
			ev.topics.fp++
		}
	}
	ev.topics.fn += len(wantT)
	if sortedSet(d.Topics) != sortedSet(want.Topics) {
		miss(c, "topics", sortedSet(d.Topics), sortedSet(want.Topics))
	}
}

// Targets of issue 3 on the dev set.
var targets = map[string]float64{"start date": 0.97, "start time": 0.95, "region": 0.95, "online": 0.97, "languages": 0.95}

const topicsF1Target = 0.85

// TestDevSetAccuracy prints accuracy per field over the dev set (run with
// -v to see the table and every miss) and fails below the targets.
func TestDevSetAccuracy(t *testing.T) {
	cases := loadDevSet(t)
	if len(cases) < 80 {
		t.Errorf("dev set has %d announcements, want at least 80", len(cases))
	}
	ev := runAccuracy(t, cases)
	for f, target := range targets {
		if p := ev.fields[f].pct(); p < target {
			t.Errorf("%s accuracy %.1f %% below target %.0f %%", f, 100*p, 100*target)
		}
	}
	if v := ev.topics.value(); v < topicsF1Target {
		t.Errorf("topics F1 %.3f below target %.2f", v, topicsF1Target)
	}
}

// Floors for the held-out set: it was never used to tune the rules, so it
// is reported, not held to the dev-set targets; falling below these floors
// means something broke.
var holdOutFloors = map[string]float64{"start date": 0.85, "start time": 0.8, "region": 0.8, "online": 0.85, "languages": 0.8}

// TestHoldOutAccuracy reports the same figures for testdata/holdout, the
// announcements written after the rules were frozen.
func TestHoldOutAccuracy(t *testing.T) {
	ev := runAccuracy(t, loadCases(t, "testdata/holdout/*.yaml"))
	for f, floor := range holdOutFloors {
		if p := ev.fields[f].pct(); p < floor {
			t.Errorf("held-out %s accuracy %.1f %% below floor %.0f %%", f, 100*p, 100*floor)
		}
	}
	if v := ev.topics.value(); v < 0.6 {
		t.Errorf("held-out topics F1 %.3f below floor 0.60", v)
	}
}

func runAccuracy(t *testing.T, cases []devCase) evaluation {
	drafts := map[string][]event.Draft{}
	events := 0
	for _, c := range cases {
		drafts[c.ID] = c.run(t)
		events += len(c.Expect)
	}
	ev := evaluate(cases, drafts)
	var b strings.Builder
	fmt.Fprintf(&b, "%d announcements, %d labelled events\n", len(cases), events)
	fmt.Fprintf(&b, "%-28s %9s %7s %s\n", "field", "right", "acc", "target")
	for _, f := range fieldOrder {
		s := ev.fields[f]
		target := ""
		if v, ok := targets[f]; ok {
			target = fmt.Sprintf("≥ %.0f %%", v*100)
		}
		fmt.Fprintf(&b, "%-28s %4d/%-4d %6.1f%% %s\n", f, s.right, s.total, 100*s.pct(), target)
	}
	fmt.Fprintf(&b, "%-28s tp=%d fp=%d fn=%d  F1 %.3f  ≥ %.2f\n", "topics", ev.topics.tp, ev.topics.fp, ev.topics.fn, ev.topics.value(), topicsF1Target)
	t.Log("\n" + b.String())
	if testing.Verbose() {
		t.Log("misses:\n" + strings.Join(ev.misses, "\n"))
	}
	return ev
}
