package ingest

import "testing"

func TestSpread(t *testing.T) {
	for _, c := range []struct{ n, w int }{{0, 8}, {1, 8}, {7, 8}, {8, 8}, {9, 8}, {17, 8}, {625, 8}} {
		got := spread(c.n, c.w)
		seen := make([]bool, c.n)
		for _, i := range got {
			if i < 0 || i >= c.n || seen[i] {
				t.Fatalf("spread(%d, %d) = %v: not each batch once", c.n, c.w, got)
			}
			seen[i] = true
		}
		if len(got) != c.n {
			t.Fatalf("spread(%d, %d) = %v: %d batches", c.n, c.w, got, len(got))
		}
		if c.n >= 2*c.w && got[1]-got[0] < c.n/c.w-1 {
			t.Errorf("spread(%d, %d) starts with neighbours %v", c.n, c.w, got[:2])
		}
	}
}
