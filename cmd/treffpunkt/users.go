package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

func init() {
	register("users", "staff accounts: users add|list|disable|enable", runUsers)
	register("apikeys", "API keys for staff GraphQL access: apikeys create|list|revoke", runAPIKeys)
}

const usersUsage = `Usage:
  treffpunkt users add --email E --role admin|reviewer [--password-stdin]
  treffpunkt users list
  treffpunkt users disable --email E
  treffpunkt users enable --email E

add prints a one-time password unless --password-stdin reads one from
standard input (at least 12 characters). Every change is in the audit log.`

func runUsers(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, usersUsage)
		return errors.New("users: a subcommand is required")
	}
	sub, args := args[0], args[1:]
	if err := checkSub(sub, usersUsage, io, "add", "list", "disable", "enable"); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	fs := newFlagSet("users "+sub, usersUsage, io.err)
	email := fs.String("email", "", "the account's e-mail address")
	role := fs.String("role", "reviewer", "admin or reviewer")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	_, pool, err := openWith(ctx, fs, app.Users, args)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch sub {
	case "add":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		pw := auth.NewPassword()
		if *fromStdin {
			line, err := bufio.NewReader(io.in).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("read password from stdin: %w", err)
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		u, err := review.AddUser(ctx, pool, auth.CLI, *email, r, pw)
		if err != nil {
			return err
		}
		if !*fromStdin {
			// A generated password was printed: it must be replaced at the
			// first login.
			if err := store.RequirePasswordChange(ctx, pool, u.ID); err != nil {
				return err
			}
		}
		fmt.Fprintf(io.out, "added %s (%s)\n", u.Email, u.Role)
		if !*fromStdin {
			fmt.Fprintf(io.out, "one-time password: %s (to be changed at the first login)\n", pw)
		}
		return nil
	case "list":
		users, err := store.ListStaffUsers(ctx, pool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tROLE\tSTATUS\tLAST LOGIN")
		for _, u := range users {
			status := "active"
			if u.DisabledAt != nil {
				status = "disabled"
			}
			last := "never"
			if u.LastLoginAt != nil {
				last = u.LastLoginAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Role, status, last)
		}
		return tw.Flush()
	case "disable", "enable":
		if err := review.SetUserDisabled(ctx, pool, auth.CLI, *email, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "%sd %s\n", sub, *email)
		return nil
	}
	return fmt.Errorf("users: unknown subcommand %q (add, list, disable, enable)", sub)
}

// checkSub answers "--help" (and -h, help) before a subcommand with the
// usage and flag.ErrHelp, and refuses an unknown subcommand before any
// database is opened (so neither needs DATABASE_URL).
func checkSub(sub, usage string, io stdio, known ...string) error {
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(io.out, usage)
		return flag.ErrHelp
	}
	if !slices.Contains(known, sub) {
		return fmt.Errorf("unknown subcommand %q (%s)", sub, strings.Join(known, ", "))
	}
	return nil
}

const apikeysUsage = `Usage:
  treffpunkt apikeys create --name N --role admin|reviewer [--owner E]
  treffpunkt apikeys list
  treffpunkt apikeys revoke PREFIX

create prints the key once (send it as "Authorization: Bearer <key>");
only a hash is stored. A key with an owner stops working when the owner's
account is disabled, and can have no more rights than the owner.`

func runAPIKeys(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, apikeysUsage)
		return errors.New("apikeys: a subcommand is required")
	}
	sub, args := args[0], args[1:]
	if err := checkSub(sub, apikeysUsage, io, "create", "list", "revoke"); err != nil {
		return fmt.Errorf("apikeys: %w", err)
	}
	fs := newFlagSet("apikeys "+sub, apikeysUsage, io.err)
	name := fs.String("name", "", "what the key is for, e.g. ci-import")
	role := fs.String("role", "reviewer", "admin or reviewer")
	owner := fs.String("owner", "", "e-mail of the staff member responsible for the key")
	cfg, rest, err := app.LoadArgs(fs, app.APIKeys, args, os.Getenv)
	if err != nil {
		return err
	}
	switch {
	case sub == "revoke" && len(rest) != 1:
		return errors.New("apikeys revoke: give the key's prefix")
	case sub != "revoke" && len(rest) > 0:
		return fmt.Errorf("apikeys %s: unexpected argument %q", sub, rest[0])
	}
	pool, err := openCurrent(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch sub {
	case "create":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		token, key, err := review.CreateKey(ctx, pool, auth.CLI, *name, r, *owner)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.out, "created key %s (%s, %s)\n%s\n", key.Prefix, key.Name, key.Role, token)
		return nil
	case "list":
		keys, err := store.ListAPIKeys(ctx, pool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tNAME\tROLE\tSTATUS\tLAST USED")
		for _, k := range keys {
			status, last := "active", "never"
			if k.RevokedAt != nil {
				status = "revoked"
			}
			if k.LastUsedAt != nil {
				last = k.LastUsedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Name, k.Role, status, last)
		}
		return tw.Flush()
	case "revoke":
		if err := review.RevokeKey(ctx, pool, auth.CLI, rest[0]); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "revoked %s\n", rest[0])
		return nil
	}
	return fmt.Errorf("apikeys: unknown subcommand %q (create, list, revoke)", sub)
}
