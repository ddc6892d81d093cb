package scrapers

import "errors"

// Outcome says what a fetch of the page came to, for metrics and run
// records: "failed", "unchanged" or "changed".
func (p Page) Outcome() string {
	switch {
	case p.Err != nil:
		return "failed"
	case p.Unchanged:
		return "unchanged"
	}
	return "changed"
}

// ExtractionFailed says the site answered with content and reading it
// failed. A size cap hit also arrives with a 2xx status but is a fetch
// limit, not a reading problem.
func (p Page) ExtractionFailed() bool {
	return p.Err != nil && p.Status >= 200 && p.Status <= 299 && !errors.Is(p.Err, ErrTooLarge)
}
