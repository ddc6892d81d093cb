package main

import (
	"flag"

	"github.com/treffpunkt/treffpunkt/internal/app"
)

// dbFlag adds --database-url (default $DATABASE_URL) to a flag set.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("database-url", envOr("DATABASE_URL", ""), "PostgreSQL connection URL (env DATABASE_URL)")
}

// openCurrent connects and refuses to go on against an out-of-date schema.
var openCurrent = app.OpenCurrent
