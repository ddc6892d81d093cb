package main

import "github.com/treffpunkt/treffpunkt/internal/app"

// openCurrent connects and refuses to go on against an out-of-date schema.
var openCurrent = app.OpenCurrent
