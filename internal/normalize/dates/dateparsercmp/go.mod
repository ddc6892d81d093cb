// This module only measures github.com/markusmobius/go-dateparser against
// package dates. It is a separate module so that the library stays out of
// Treffpunkt's own dependencies.
module github.com/treffpunkt/treffpunkt/internal/normalize/dates/dateparsercmp

go 1.26.8

require (
	github.com/markusmobius/go-dateparser v1.4.7
	github.com/treffpunkt/treffpunkt v0.0.0
)

require (
	github.com/markusmobius/go-dateutil/v2 v2.9.1 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/wasilibs/go-re2 v1.12.0 // indirect
	github.com/wasilibs/wazero-helpers v0.0.0-20250123031827-cd30c44769bb // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/treffpunkt/treffpunkt => ../../../..
