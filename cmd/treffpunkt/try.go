package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/preview"
)

func init() {
	register("try", "preview a partner's start URL: strategy, events, the sources.yaml entry (writes nothing)", runTry)
}

const tryHelp = `treffpunkt try URL [--max-pages N] [--json]

Looks at URL as kind: auto does (structured data, calendar feeds, the
WordPress events plugins' export, sitemap.xml, else the list of
announcements), crawls a small sample politely (robots.txt, per-host delay,
no private addresses) and prints the strategy and why, the pages read, the
events with their normalised fields and confidence, warnings, and the
sources.yaml entry to save. Nothing is written to the database.`

func runTry(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("try", tryHelp, std.err)
	maxPages := fs.Int("max-pages", preview.DefaultMaxPages, fmt.Sprintf("pages the sample may fetch (at most %d)", preview.MaxMaxPages))
	asJSON := fs.Bool("json", false, "print the result as JSON")
	allowPrivate := fs.Bool("allow-private", false, "allow private and loopback addresses (the local demo mirror)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The URL may come before the flags: treffpunkt try URL --max-pages 3.
	var rawURL string
	if fs.NArg() > 0 {
		rawURL = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if rawURL == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("want exactly one URL")
	}
	if *maxPages < 1 || *maxPages > preview.MaxMaxPages {
		return fmt.Errorf("--max-pages %d: want 1 to %d", *maxPages, preview.MaxMaxPages)
	}
	res, err := preview.Run(ctx, rawURL, preview.Options{MaxPages: *maxPages, AllowPrivate: *allowPrivate})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printPreview(std.out, res)
	return nil
}

func printPreview(w io.Writer, r preview.Result) {
	fmt.Fprintf(w, "Strategy: %s\nWhy: %s\n", r.Strategy, r.Reason)
	for _, f := range r.Found {
		fmt.Fprintf(w, "Found: %s\n", f)
	}
	fmt.Fprintf(w, "\nPages read (%d%s):\n", len(r.Pages), map[bool]string{true: ", sample cut at --max-pages"}[r.Truncated])
	for _, p := range r.Pages {
		status := fmt.Sprint(p.Status)
		if p.Error != "" {
			status = p.Error
		}
		fmt.Fprintf(w, "  %-6s %s  %s, %d items\n", p.Role, p.URL, status, p.Items)
	}
	fmt.Fprintf(w, "\nEvents (%d; %d items without a date):\n", len(r.Events), r.NoDate)
	for _, e := range r.Events {
		when := e.Start.In(event.Berlin).Format("Mon 02.01.2006 15:04")
		if e.AllDay {
			when = e.Start.In(event.Berlin).Format("Mon 02.01.2006")
		}
		low := ""
		if e.Low {
			low = "  [low confidence: staff review]"
		}
		fmt.Fprintf(w, "  %s  %s%s\n", when, e.Title, low)
		if e.Place != "" || e.Online != "" {
			fmt.Fprintf(w, "      place: %s  online: %s\n", e.Place, e.Online)
		}
		var cs []string
		for _, c := range e.Confidence {
			cs = append(cs, fmt.Sprintf("%s %.2f", c.Field, c.Value))
		}
		if len(cs) > 0 {
			fmt.Fprintf(w, "      confidence: %s\n", strings.Join(cs, ", "))
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, x := range r.Warnings {
			fmt.Fprintf(w, "  - %s\n", x)
		}
	}
	fmt.Fprintf(w, "\nEntry for sources.yaml:\n%s", r.YAML)
	if r.SelectorsYAML != "" {
		fmt.Fprintf(w, "\nOr pinned to what auto found (should auto fail later):\n%s", r.SelectorsYAML)
	}
}
