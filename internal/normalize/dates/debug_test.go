package dates

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestDebugPrint(t *testing.T) {
	s := os.Getenv("DT")
	if s == "" {
		t.Skip()
	}
	ref := time.Date(2021, 6, 1, 12, 0, 0, 0, berlin)
	for _, o := range Extract(s, ref) {
		fmt.Printf("%-8s %s  end=%s allday=%v rr=%q yg=%v dg=%v c=%.2f span=%q\n", o.Kind, o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339), o.AllDay, o.Recurrence, o.YearGuessed, o.DayGuessed, o.Confidence, s[o.Span[0]:o.Span[1]])
	}
}
