package window

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGetWindowStartWithOffset(t *testing.T) {
	tests := []struct {
		ts, offset, size, want int64
	}{
		{0, 0, 10, 0},
		{1, 0, 10, 0},
		{9, 0, 10, 0},
		{10, 0, 10, 10},
		{15, 0, 10, 10},
		{-1, 0, 10, -10},
		{-9, 0, 10, -10},
		{-10, 0, 10, -10},
		{-11, 0, 10, -20},
		{-20, 0, 10, -20},
		{5, 3, 10, 3},
		{3, 3, 10, 3},
		{2, 3, 10, -7},
		{-7, 3, 10, -7},
		{-8, 3, 10, -17},
		{5, -3, 10, -3},
		{7, -3, 10, 7},
		{-3, -3, 10, -3},
		{-4, -3, 10, -13},
		{0, 0, 1, 0},
		{-1, 0, 1, -1},
		{1_700_000_123_456, 0, 60_000, 1_700_000_100_000},
		// 2023-11-14T22:15:23.456Z in days of UTC+8 starts 2023-11-14T16:00Z.
		{1_700_000_123_456, -8 * 3_600_000, 86_400_000, 1_699_977_600_000},
		{math.MaxInt64, 0, 10, math.MaxInt64 - 7},
		{math.MinInt64 + 8, 0, 10, math.MinInt64 + 8},
	}
	for _, tt := range tests {
		if got := GetWindowStartWithOffset(tt.ts, tt.offset, tt.size); got != tt.want {
			t.Errorf("GetWindowStartWithOffset(%d, %d, %d) = %d, want %d", tt.ts, tt.offset, tt.size, got, tt.want)
		}
	}
}

// The start is the largest start <= ts aligned to offset, for any sign.
func TestGetWindowStartWithOffsetProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		size := 1 + r.Int64N(50)
		offset := r.Int64N(2*size-1) - (size - 1)
		ts := r.Int64N(4000) - 2000
		start := GetWindowStartWithOffset(ts, offset, size)
		if start > ts || ts >= start+size {
			t.Fatalf("ts %d not in [%d, %d) (offset %d)", ts, start, start+size, offset)
		}
		if m := ((start-offset)%size + size) % size; m != 0 {
			t.Fatalf("start %d not aligned to offset %d mod %d", start, offset, size)
		}
	}
}

func TestTimeWindow(t *testing.T) {
	w := TimeWindow{Start: 0, End: 10}
	if got := w.MaxTimestamp(); got != 9 {
		t.Errorf("MaxTimestamp = %d, want 9", got)
	}
	if got := (GlobalWindow{}).MaxTimestamp(); got != math.MaxInt64 {
		t.Errorf("GlobalWindow.MaxTimestamp = %d", got)
	}
	tests := []struct {
		a, b       TimeWindow
		intersects bool
		cover      TimeWindow
	}{
		{TimeWindow{0, 10}, TimeWindow{5, 15}, true, TimeWindow{0, 15}},
		{TimeWindow{5, 15}, TimeWindow{0, 10}, true, TimeWindow{0, 15}},
		{TimeWindow{0, 10}, TimeWindow{10, 20}, true, TimeWindow{0, 20}}, // adjacent
		{TimeWindow{10, 20}, TimeWindow{0, 10}, true, TimeWindow{0, 20}},
		{TimeWindow{0, 10}, TimeWindow{11, 20}, false, TimeWindow{0, 20}},
		{TimeWindow{11, 20}, TimeWindow{0, 10}, false, TimeWindow{0, 20}},
		{TimeWindow{0, 20}, TimeWindow{5, 10}, true, TimeWindow{0, 20}},
		{TimeWindow{-10, -5}, TimeWindow{-5, 0}, true, TimeWindow{-10, 0}},
	}
	for _, tt := range tests {
		if got := tt.a.Intersects(tt.b); got != tt.intersects {
			t.Errorf("%v.Intersects(%v) = %t", tt.a, tt.b, got)
		}
		if got := tt.a.Cover(tt.b); got != tt.cover {
			t.Errorf("%v.Cover(%v) = %v, want %v", tt.a, tt.b, got, tt.cover)
		}
	}
	if got := w.String(); got != "[0, 10)" {
		t.Errorf("String = %q", got)
	}
}
