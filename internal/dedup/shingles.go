package dedup

import "slices"

// sketchSize is k of the bottom-k sketch kept per description. Descriptions
// with up to k distinct word 3-shingles (about 65 words) are compared
// exactly; longer ones get an unbiased Jaccard estimate with a standard error
// of about sqrt(J(1-J)/k) ≈ 0.06 at J = 0.5.
const sketchSize = 64

// shingleSketch returns the bottom-k sketch of the word 3-shingles of a
// text given as folded words: the k smallest 32-bit hashes of the distinct
// shingles, sorted. Numbers are dropped first because re-posts rewrite dates
// and times in every format.
func shingleSketch(all []string) []uint32 {
	ws := make([]string, 0, len(all))
	for _, w := range all {
		if !isNumber(w) {
			ws = append(ws, w)
		}
	}
	if len(ws) < 3 {
		return nil
	}
	hs := make([]uint32, 0, len(ws)-2)
	for i := 0; i+3 <= len(ws); i++ {
		hs = append(hs, shingleHash(ws[i], ws[i+1], ws[i+2]))
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	if len(hs) > sketchSize {
		hs = hs[:sketchSize:sketchSize]
	}
	return exact(hs)
}

// shingleHash is FNV-1a over "a b c" without building the string.
func shingleHash(a, b, c string) uint32 {
	h := uint32(2166136261)
	for k, w := range [3]string{a, b, c} {
		if k > 0 {
			h ^= ' '
			h *= 16777619
		}
		for i := 0; i < len(w); i++ {
			h ^= uint32(w[i])
			h *= 16777619
		}
	}
	return h
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

// sketchJaccardMasked is sketchJaccard with the shingles of a marked in
// mask (bit i: a[i]) left out of both sets: template text many events of
// the block share (markTemplates) says nothing about which event it is.
func sketchJaccardMasked(a []uint32, mask uint64, b []uint32) float64 {
	if mask == 0 {
		return sketchJaccard(a, b)
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, n, both := 0, 0, 0, 0
	for n < sketchSize && (i < len(a) || j < len(b)) {
		switch {
		case i < len(a) && mask&(1<<i) != 0:
			if j < len(b) && b[j] == a[i] {
				j++
			}
			i++
			continue
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
	if n == 0 {
		return 0
	}
	return float64(both) / float64(n)
}

// sharedMask marks the positions of a's sketch whose shingle b's has too.
func sharedMask(a, b []uint32) uint64 {
	var m uint64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			m |= 1 << i
			i++
			j++
		}
	}
	return m
}
