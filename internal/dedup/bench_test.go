package dedup

import (
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user+system CPU time of the process so far: on a shared
// machine the wall clock also measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchN = 100_000

var (
	benchOnce  sync.Once
	benchData  *synthetic
	benchQuery *synthetic // cross-posts not in benchData, for BenchmarkMatchOne
)

func benchSet() (*synthetic, *synthetic) {
	benchOnce.Do(func() {
		benchData = synthesize(benchN, 0.2, 1)
		benchQuery = synthesize(2_000, 0.5, 2)
	})
	return benchData, benchQuery
}

// BenchmarkDedup100k matches and adds 100,000 synthetic records (about 20 %
// cross-posts, plus monthly series) one by one with MatchAdd, as the
// pipeline does on arrival. It reports the CPU time (the wall clock on a
// shared machine also measures the neighbours), the heap in use afterwards,
// the part of it the index holds, and how well the links found agree with
// the generator's truth.
//
//	go test ./internal/dedup -run '^$' -bench Dedup100k -benchtime 1x
func BenchmarkDedup100k(b *testing.B) {
	s, _ := benchSet()
	b.ReportAllocs()
	var ix *Index
	var links, correct, linkable, found int
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	for b.Loop() {
		ix = NewIndex()
		links, correct, linkable, found = 0, 0, 0, 0
		seen := map[int]bool{}
		for i, r := range s.recs {
			m, _, ok := ix.MatchAdd(r)
			c := s.cluster[i]
			if seen[c] {
				linkable++
			}
			if ok {
				links++
				if s.cluster[m.ID-1] == c {
					correct++
					found++
				}
			}
			seen[c] = true
		}
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(ms.HeapInuse-before.HeapInuse)/(1<<20), "index-MB")
	b.ReportMetric(float64(correct)/float64(max(links, 1)), "link-precision")
	b.ReportMetric(float64(found)/float64(max(linkable, 1)), "link-recall")
	runtime.KeepAlive(ix)
}

// BenchmarkDedup100kMatchThenAdd is the same stream through separate Match
// and Add calls (each prepares the record), for comparison with MatchAdd.
func BenchmarkDedup100kMatchThenAdd(b *testing.B) {
	s, _ := benchSet()
	cpu0 := cpuTime()
	for b.Loop() {
		ix := NewIndex()
		for _, r := range s.recs {
			ix.Match(r)
			ix.Add(r)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkMatchOne matches one new record against an index of 100,000 and
// reports the median and 99th percentile latency besides the mean.
//
//	go test ./internal/dedup -run '^$' -bench MatchOne
func BenchmarkMatchOne(b *testing.B) {
	s, q := benchSet()
	ix := NewIndex()
	for _, r := range s.recs {
		ix.Add(r)
	}
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		r := q.recs[i%len(q.recs)]
		t0 := time.Now()
		ix.Match(r)
		lat = append(lat, time.Since(t0))
		i++
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkCompare is the cost of one full comparison with evidence.
func BenchmarkCompare(b *testing.B) {
	s, _ := benchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Compare(s.recs[i%1000], s.recs[(i+1)%1000])
		i++
	}
}

// BenchmarkPrepare is the per-record cost paid once on Add.
func BenchmarkPrepare(b *testing.B) {
	s, _ := benchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		prepare(s.recs[i%len(s.recs)])
		i++
	}
}
