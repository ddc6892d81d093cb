package main

import (
	"flag"
	"os"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

// dbFlag adds --database-url (default $DATABASE_URL) to a flag set.
func dbFlag(fs *flag.FlagSet) *string {
	return secretFlag(fs, "database-url", "DATABASE_URL", "PostgreSQL connection URL")
}

// secretFlag is a string flag whose default comes from the environment
// variable env, but whose --help names the variable instead of showing its
// value: a connection URL or key is a secret on a shared terminal.
func secretFlag(fs *flag.FlagSet, name, env, usage string) *string {
	v := &secretValue{env: env}
	if s := os.Getenv(env); s != "" {
		v.value, v.fromEnv = s, true
	}
	fs.Var(v, name, usage+" (env "+env+")")
	return &v.value
}

type secretValue struct {
	env, value string
	fromEnv    bool
}

func (v *secretValue) String() string {
	if v == nil || !v.fromEnv {
		return ""
	}
	return "$" + v.env
}

func (v *secretValue) Set(s string) error { v.value, v.fromEnv = s, false; return nil }

// openCurrent connects and refuses to go on against an out-of-date schema.
var openCurrent = app.OpenCurrent
