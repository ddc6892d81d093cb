package search

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestPageCacheBound(t *testing.T) {
	pc := newPageCache()
	pc.max = 8
	v := dbVersion{Writes: 1}
	for i := range 20 {
		pc.put(strconv.Itoa(i), &pageEntry{version: v, at: time.Now()})
		if len(pc.entries) > pc.max {
			t.Fatalf("after %d puts: %d entries, bound %d", i+1, len(pc.entries), pc.max)
		}
	}
	if pc.get("19", v) == nil {
		t.Error("the newest entry was evicted")
	}
	if pc.get("19", dbVersion{Writes: 2}) != nil {
		t.Error("an entry of another database version was used")
	}
	pc.put("old", &pageEntry{version: v, at: time.Now().Add(-time.Minute)})
	if pc.get("old", v) != nil {
		t.Error("an entry older than the TTL was used")
	}
}

// TestPageEntryFrom: a page read with From floored to the minute answers a
// later From in the same minute only when it still fills the page.
func TestPageEntryFrom(t *testing.T) {
	floor := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	keys := func(endsSec ...int) []pageKey {
		var out []pageKey
		for i, s := range endsSec {
			out = append(out, pageKey{cursor: cursor{ID: int64(i + 1)}, end: floor.Add(time.Duration(s) * time.Second)})
		}
		return out
	}
	from := floor.Add(30 * time.Second)
	tests := []struct {
		name    string
		entry   pageEntry
		first   int
		wantIDs []int64
		wantOK  bool
	}{
		{"drops what ended before From", pageEntry{keys: keys(10, 40, 3600, 7200), complete: true}, 2, []int64{2, 3, 4}, true},
		{"complete: fewer is the answer", pageEntry{keys: keys(10, 40), complete: true}, 2, []int64{2}, true},
		{"incomplete and short: not usable", pageEntry{keys: keys(10, 20, 40, 3600)}, 2, nil, false},
		{"incomplete but filled", pageEntry{keys: keys(10, 40, 50, 60, 70)}, 2, []int64{2, 3, 4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.entry.page(&from, tt.first)
			var ids []int64
			for _, k := range got {
				ids = append(ids, k.ID)
			}
			if ok != tt.wantOK || (ok && !slices.Equal(ids, tt.wantIDs)) {
				t.Errorf("page = %v, %v; want %v, %v", ids, ok, tt.wantIDs, tt.wantOK)
			}
		})
	}
}
