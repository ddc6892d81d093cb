package app

import (
	"io"
	"log/slog"
	"slices"

	"github.com/treffpunkt/treffpunkt/internal/metrics"
)

// NewLogger is the logger of every command, from LOG_FORMAT and LOG_LEVEL
// (read like the other settings: a bad value is an error, not text logs).
// Request ids from the HTTP middleware ride along in every line.
func NewLogger(w io.Writer, getenv func(string) string) (*slog.Logger, error) {
	var c Config
	var logging []setting
	for _, s := range settings {
		if slices.Contains(s.env, "LOG_FORMAT") || slices.Contains(s.env, "LOG_LEVEL") {
			logging = append(logging, s)
		}
	}
	if err := apply(&c, logging, getenv, nil); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogJSON {
		return slog.New(metrics.LogHandler(slog.NewJSONHandler(w, opts))), nil
	}
	return slog.New(metrics.LogHandler(slog.NewTextHandler(w, opts))), nil
}
