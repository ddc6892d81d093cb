package scrapers

import (
	"errors"
	"fmt"
	"testing"
)

func TestPageOutcome(t *testing.T) {
	tests := []struct {
		name        string
		page        Page
		outcome     string
		extractFail bool
	}{
		{"detail page read", Page{Status: 200}, "changed", false},
		{"304 not modified", Page{Status: 304, Unchanged: true}, "unchanged", false},
		{"same body hash", Page{Status: 200, Unchanged: true}, "unchanged", false},
		{"deleted page", Page{Status: 404, Err: &StatusError{Code: 404}}, "failed", false},
		{"timeout, no response", Page{Err: errors.New("Get …: timeout")}, "failed", false},
		{"robots.txt", Page{Err: ErrRobotsDisallowed}, "failed", false},
		{"no title on a detail page", Page{Status: 200, Err: ErrNoTitle}, "failed", true},
		{"PDF where HTML was expected", Page{Status: 200, Err: errors.New("not an HTML page (application/pdf)")}, "failed", true},
		{"over the size cap", Page{Status: 200, Err: fmt.Errorf("fetch: %w", ErrTooLarge)}, "failed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.page.Outcome(); got != tt.outcome {
				t.Errorf("Outcome() = %q, want %q", got, tt.outcome)
			}
			if got := tt.page.ExtractionFailed(); got != tt.extractFail {
				t.Errorf("ExtractionFailed() = %v, want %v", got, tt.extractFail)
			}
		})
	}
}
