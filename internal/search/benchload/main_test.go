package main

import (
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search/benchdata"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestSearchFrom: -from takes a date or finds the loaded events (auto),
// so a run after an ingest of other dates than the synthetic data's does
// not search an empty window.
func TestSearchFrom(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.New(t)
	if _, err := searchFrom(ctx, pool, "auto"); err == nil {
		t.Error("auto on an empty database: no error")
	}
	// The generated events spread over a year each side of centre.
	centre := time.Date(2027, 7, 1, 0, 0, 0, 0, event.Berlin)
	if err := benchdata.Load(ctx, pool, benchdata.Generate(2000, 1, centre)); err != nil {
		t.Fatal(err)
	}
	got, err := searchFrom(ctx, pool, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Sub(centre); d < -30*24*time.Hour || d > 30*24*time.Hour || got.Hour() != 0 || got.Location() != event.Berlin {
		t.Errorf("auto = %v, want a Berlin midnight within a month of %v", got, centre)
	}
	for _, tt := range []struct {
		from string
		want time.Time
		ok   bool
	}{
		{"2027-03-01", time.Date(2027, 3, 1, 0, 0, 0, 0, event.Berlin), true},
		{"2026-06-01", time.Date(2026, 6, 1, 0, 0, 0, 0, event.Berlin), true},
		{"2027-13-01", time.Time{}, false},
		{"01.03.2027", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, err := searchFrom(ctx, pool, tt.from)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("searchFrom(%q) = %v, %v; want %v (ok %v)", tt.from, got, err, tt.want, tt.ok)
		}
	}
}
