package window

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// mergeLog runs MergeTimeWindows on a copy of ws and formats its calls.
func mergeLog(ws []TimeWindow) string {
	var calls []string
	MergeTimeWindows(slices.Clone(ws), func(merged TimeWindow, sources []TimeWindow) {
		calls = append(calls, fmt.Sprintf("%v<-%v", merged, sources))
	})
	return strings.Join(calls, " ")
}

func TestMergeTimeWindows(t *testing.T) {
	tests := []struct {
		name string
		in   []TimeWindow
		want string
	}{
		{"empty", nil, ""},
		{"single", []TimeWindow{{0, 10}}, ""},
		{"overlap", []TimeWindow{{0, 10}, {5, 15}}, "[0, 15)<-[[0, 10) [5, 15)]"},
		{"overlap reversed", []TimeWindow{{5, 15}, {0, 10}}, "[0, 15)<-[[0, 10) [5, 15)]"},
		{"adjacent", []TimeWindow{{10, 20}, {0, 10}}, "[0, 20)<-[[0, 10) [10, 20)]"},
		{"disjoint", []TimeWindow{{0, 5}, {6, 10}}, ""},
		{"chain", []TimeWindow{{20, 30}, {0, 10}, {9, 21}}, "[0, 30)<-[[0, 10) [9, 21) [20, 30)]"},
		{"contained", []TimeWindow{{5, 10}, {0, 20}}, "[0, 20)<-[[0, 20) [5, 10)]"},
		{"same start", []TimeWindow{{0, 20}, {0, 10}}, "[0, 20)<-[[0, 10) [0, 20)]"},
		{"two groups", []TimeWindow{{50, 55}, {24, 30}, {3, 8}, {20, 25}, {0, 5}},
			"[0, 8)<-[[0, 5) [3, 8)] [20, 30)<-[[20, 25) [24, 30)]"},
		{"duplicate only", []TimeWindow{{0, 10}, {0, 10}}, ""},
		{"duplicate in group", []TimeWindow{{0, 10}, {5, 12}, {0, 10}}, "[0, 12)<-[[0, 10) [5, 12)]"},
		{"span bridges", []TimeWindow{{0, 100}, {10, 20}, {50, 60}, {99, 120}}, "[0, 120)<-[[0, 100) [10, 20) [50, 60) [99, 120)]"},
		{"negative", []TimeWindow{{-10, -5}, {-5, 0}, {1, 2}}, "[-10, 0)<-[[-10, -5) [-5, 0)]"},
	}
	for _, tt := range tests {
		if got := mergeLog(tt.in); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The merges do not depend on the order of the input windows.
func TestMergeTimeWindowsOrderIndependent(t *testing.T) {
	in := []TimeWindow{{0, 5}, {3, 8}, {8, 9}, {20, 25}, {24, 30}, {40, 45}, {3, 8}}
	want := mergeLog(in)
	if want != "[0, 9)<-[[0, 5) [3, 8) [8, 9)] [20, 30)<-[[20, 25) [24, 30)]" {
		t.Fatalf("baseline %q", want)
	}
	permute(in, 0, func(p []TimeWindow) {
		if got := mergeLog(p); got != want {
			t.Fatalf("order %v: %q, want %q", p, got, want)
		}
	})
}

func permute(a []TimeWindow, k int, f func([]TimeWindow)) {
	if k == len(a) {
		f(a)
		return
	}
	for i := k; i < len(a); i++ {
		a[k], a[i] = a[i], a[k]
		permute(a, k+1, f)
		a[k], a[i] = a[i], a[k]
	}
}

func TestMergeTimeWindowsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	ws := []TimeWindow{{50, 55}, {24, 30}, {3, 8}, {20, 25}, {0, 5}}
	buf := make([]TimeWindow, len(ws))
	n := 0
	f := func(TimeWindow, []TimeWindow) { n++ }
	if a := testing.AllocsPerRun(100, func() {
		copy(buf, ws)
		MergeTimeWindows(buf, f)
	}); a != 0 {
		t.Errorf("MergeTimeWindows allocates %v per run", a)
	}
}
