package dates

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkExtract runs Extract on a 2 KB announcement text from the seeds,
// denser in dates than most (the date lines of nine announcements).
func BenchmarkExtract(b *testing.B) {
	text, err := os.ReadFile("testdata/announcement.txt")
	if err != nil {
		b.Fatal(err)
	}
	benchExtract(b, string(text))
}

// BenchmarkExtractProse runs Extract on 2 KB of seed prose with few dates, the
// common case for a project page.
func BenchmarkExtractProse(b *testing.B) {
	text, err := os.ReadFile("testdata/seeds/000_bb41dbb57dd1b9b6.txt")
	if err != nil {
		b.Fatal(err)
	}
	benchExtract(b, string(text[:2048]))
}

// benchExtract also reports user CPU time per operation ("cpu-ns/op"): the
// build machine is shared, and wall time per op swings with other load while
// CPU time does not.
func benchExtract(b *testing.B, s string) {
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	before := userCPU()
	n := 0
	for b.Loop() {
		Extract(s, ref)
		n++
	}
	if n > 0 {
		b.ReportMetric(float64(userCPU()-before)/float64(n), "cpu-ns/op")
	}
}

func userCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano())
}
