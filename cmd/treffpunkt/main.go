// Command treffpunkt gathers the events of partner organisations in Saxony
// and makes them findable. One binary, several subcommands; each subcommand
// lives in its own file and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

// command is one subcommand. run gets the arguments after the subcommand name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdio stdio) error
}

// stdio carries the streams so commands can be tested without touching the
// process's own.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string, stdio stdio) error) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

func runMain(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(io.err)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(io.err, "treffpunkt: unknown command %q\n\n", args[0])
		usage(io.err)
		return 2
	}
	logger, err := app.NewLogger(io.err, os.Getenv)
	if err != nil {
		fmt.Fprintf(io.err, "treffpunkt %s: %v\n", args[0], err)
		return 2
	}
	slog.SetDefault(logger)
	if err := cmd.run(ctx, args[1:], io); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(io.err, "treffpunkt %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: treffpunkt <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'treffpunkt <command> --help' for the flags of a command.")
}

// newFlagSet returns a flag set whose usage names the subcommand and whose
// errors come back to the caller instead of exiting.
func newFlagSet(name, summary string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("treffpunkt "+name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: treffpunkt %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// loadConfig reads the settings of a command in role (internal/app) from
// the environment and the flags on fs, which may hold the command's own
// flags already: a bad value is an error naming the variable or flag.
func loadConfig(fs *flag.FlagSet, role app.Role, args []string) (app.Config, error) {
	return app.Load(fs, role, args, os.Getenv)
}
