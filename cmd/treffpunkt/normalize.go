package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize"
)

func init() {
	register("normalize", "turn announcement texts (JSON lines on stdin) into events (JSON lines on stdout)", runNormalize)
}

const normalizeHelp = `Read one announcement per line from stdin:
  {"id":…, "url":"…", "text":"…", "html":"…" (optional), "published":"YYYY-MM-DD" (optional)}
and write one line per input to stdout:
  {"id":…, "events":[{"title","start","end","all_day","online","venue","street","postal_code","city",
   "region","languages","topics","recurrence","registration_required","cost_free"}], "error":…}
start/end are RFC 3339 with offset, or YYYY-MM-DD when no time is known; online is "no"|"yes"|"hybrid";
region is a Saxon district slug or null. A text with no event date gives "events":[]. A line that
cannot be read gives an "error" and the next line is read. The normaliser is the one the crawl
pipeline uses.`

// maxInputLine bounds one input line; longer lines are answered with an error.
const maxInputLine = 16 << 20

func runNormalize(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("normalize", normalizeHelp, std.err)
	refFlag := fs.String("ref", "", "reference date YYYY-MM-DD for dates without a year when a line has no \"published\" (default today)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ref := time.Now().In(event.Berlin)
	if *refFlag != "" {
		t, err := time.ParseInLocation("2006-01-02", *refFlag, event.Berlin)
		if err != nil {
			return fmt.Errorf("--ref %q: want YYYY-MM-DD", *refFlag)
		}
		ref = t
	}
	in := bufio.NewReaderSize(std.in, 64<<10)
	enc := json.NewEncoder(std.out)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := readLine(in)
		if errors.Is(err, errLineTooLong) {
			if werr := enc.Encode(normalizeOutput{Events: []normalizeEvent{}, Error: ptrTo(fmt.Sprintf("line %d: longer than %d bytes", n, maxInputLine))}); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
			continue
		}
		if len(strings.TrimSpace(line)) > 0 {
			if werr := enc.Encode(normalizeLine(line, n, ref)); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline; an over-long line is
// consumed and reported as errLineTooLong.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(b)+len(chunk) > maxInputLine {
			b = nil
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.ReadSlice('\n')
			}
			return "", errLineTooLong
		}
		b = append(b, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return strings.TrimRight(string(b), "\r\n"), err
	}
}

type normalizeInput struct {
	ID        json.RawMessage `json:"id"`
	URL       string          `json:"url"`
	Text      *string         `json:"text"`
	HTML      string          `json:"html"`
	Published string          `json:"published"`
}

type normalizeOutput struct {
	ID     json.RawMessage  `json:"id"`
	Events []normalizeEvent `json:"events"`
	Error  *string          `json:"error"`
}

type normalizeEvent struct {
	Title                string   `json:"title"`
	Start                string   `json:"start"`
	End                  *string  `json:"end"`
	AllDay               bool     `json:"all_day"`
	Online               string   `json:"online"`
	Venue                *string  `json:"venue"`
	Street               *string  `json:"street"`
	PostalCode           *string  `json:"postal_code"`
	City                 *string  `json:"city"`
	Region               *string  `json:"region"`
	Languages            []string `json:"languages"`
	Topics               []string `json:"topics"`
	Recurrence           *string  `json:"recurrence"`
	RegistrationRequired *bool    `json:"registration_required"`
	CostFree             *bool    `json:"cost_free"`
}

// normalizeLine answers one input line; it never fails, errors go into the
// answer.
func normalizeLine(line string, n int, ref time.Time) normalizeOutput {
	out := normalizeOutput{ID: json.RawMessage("null"), Events: []normalizeEvent{}}
	fail := func(format string, a ...any) normalizeOutput {
		out.Error = ptrTo(fmt.Sprintf("line %d: ", n) + fmt.Sprintf(format, a...))
		return out
	}
	var in normalizeInput
	if err := json.Unmarshal([]byte(line), &in); err != nil {
		return fail("not a JSON object: %v", err)
	}
	if len(in.ID) > 0 {
		out.ID = in.ID
	}
	if in.Text == nil && in.HTML == "" {
		return fail("no \"text\"")
	}
	if in.Published != "" && !validPublished(in.Published) {
		return fail("\"published\" %q: want YYYY-MM-DD or RFC 3339", in.Published)
	}
	it := event.Item{Key: strings.Trim(string(in.ID), `"`), URL: in.URL, Kind: event.KindHTML, HTML: in.HTML, Published: in.Published}
	if in.Text != nil {
		it.Text = *in.Text
	}
	drafts, err := normalize.Normalize(it, normalize.Options{Ref: ref})
	switch {
	case errors.Is(err, event.ErrNoDate):
		return out
	case err != nil:
		return fail("%v", err)
	}
	for _, d := range drafts {
		out.Events = append(out.Events, eventJSON(d))
	}
	return out
}

func validPublished(s string) bool {
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// eventJSON writes a draft in the contract's shape: dates as YYYY-MM-DD
// for all-day events, else RFC 3339 in Europe/Berlin; empty strings as null.
func eventJSON(d event.Draft) normalizeEvent {
	e := normalizeEvent{
		Title: d.Title, AllDay: d.AllDay, Online: string(d.Online),
		Venue: nonEmpty(d.Place.Venue), Street: nonEmpty(d.Place.Street), PostalCode: nonEmpty(d.Place.PostalCode),
		City: nonEmpty(d.Place.City), Region: nonEmpty(d.Place.Region), Recurrence: nonEmpty(d.Recurrence),
		Languages: d.Languages, Topics: d.Topics, RegistrationRequired: d.RegistrationRequired, CostFree: d.CostFree,
	}
	if e.Languages == nil {
		e.Languages = []string{}
	}
	if e.Topics == nil {
		e.Topics = []string{}
	}
	e.Start = formatTime(d.Start, d.AllDay)
	if !d.End.IsZero() {
		e.End = ptrTo(formatTime(d.End, d.AllDay))
	}
	return e
}

func formatTime(t time.Time, allDay bool) string {
	t = t.In(event.Berlin)
	if allDay {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptrTo[T any](v T) *T { return &v }
