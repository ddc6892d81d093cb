package dedup

import (
	"hash/fnv"
	"slices"
)

// sketchSize is k of the bottom-k sketch kept per description. Descriptions
// with up to k distinct word 3-shingles (about 130 words) are compared
// exactly; longer ones get an unbiased Jaccard estimate with a standard error
// of about 1/sqrt(k) ≈ 0.09 at J = 0.5.
const sketchSize = 128

// shingleSketch returns the bottom-k sketch of the word 3-shingles of text:
// the k smallest 32-bit hashes of the distinct shingles, sorted. Numbers are
// dropped first because re-posts rewrite dates and times in every format.
func shingleSketch(text string) []uint32 {
	var ws []string
	for _, w := range words(text) {
		if !isNumber(w) {
			ws = append(ws, w)
		}
	}
	if len(ws) < 3 {
		return nil
	}
	hs := make([]uint32, 0, len(ws)-2)
	h := fnv.New32a()
	for i := 0; i+3 <= len(ws); i++ {
		h.Reset()
		h.Write([]byte(ws[i]))
		h.Write([]byte{' '})
		h.Write([]byte(ws[i+1]))
		h.Write([]byte{' '})
		h.Write([]byte(ws[i+2]))
		hs = append(hs, h.Sum32())
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	if len(hs) > sketchSize {
		hs = hs[:sketchSize:sketchSize]
	}
	return slices.Clip(hs)
}

// sketchJaccard estimates the Jaccard similarity of the two shingle sets
// from their bottom-k sketches: among the k smallest hashes of the union,
// the share that occurs in both. A hash among the union's k smallest is
// necessarily among each set's k smallest, so membership is exact and the
// result is the exact Jaccard whenever both sets fit the sketch.
func sketchJaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, n, both := 0, 0, 0, 0
	for n < sketchSize && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			both++
			i++
			j++
		}
		n++
	}
	return float64(both) / float64(n)
}
