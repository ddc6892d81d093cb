package event

import "testing"

func TestPlaceLine(t *testing.T) {
	tests := []struct {
		p    Place
		want string
	}{
		{Place{Venue: "WERK 2", Street: "Kochstraße 132", PostalCode: "04277", City: "Leipzig"}, "WERK 2, Kochstraße 132, 04277 Leipzig"},
		{Place{City: "Pirna"}, "Pirna"},
		{Place{Venue: "Rathaus", PostalCode: "01796"}, "Rathaus, 01796"},
		{Place{}, ""},
	}
	for _, tt := range tests {
		if got := tt.p.Line(); got != tt.want {
			t.Errorf("%+v.Line() = %q, want %q", tt.p, got, tt.want)
		}
	}
}
