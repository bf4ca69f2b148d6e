package window

import (
	"math"
	"testing"
	"time"
)

func TestCleanupTime(t *testing.T) {
	end := TimeWindow{math.MaxInt64 - 10, math.MaxInt64}
	tests := []struct {
		name      string
		w         TimeWindow
		eventTime bool
		lateness  int64
		want      int64
	}{
		{"event no lateness", TimeWindow{0, 10}, true, 0, 9},
		{"event lateness", TimeWindow{0, 10}, true, 5, 14},
		{"event overflow clamps", end, true, 10, math.MaxInt64},
		{"event exactly max", end, true, 1, math.MaxInt64},
		{"processing ignores lateness", TimeWindow{0, 10}, false, 5, 9},
		{"negative window", TimeWindow{-20, -10}, true, 3, -8},
	}
	for _, tt := range tests {
		if got := CleanupTime(tt.w, tt.eventTime, tt.lateness); got != tt.want {
			t.Errorf("%s: CleanupTime = %d, want %d", tt.name, got, tt.want)
		}
		if !IsCleanupTime(tt.w, tt.eventTime, tt.lateness, tt.want) || IsCleanupTime(tt.w, tt.eventTime, tt.lateness, tt.want-1) {
			t.Errorf("%s: IsCleanupTime", tt.name)
		}
	}
	for _, eventTime := range []bool{true, false} {
		if got := CleanupTime(GlobalWindow{}, eventTime, 1000); got != math.MaxInt64 {
			t.Errorf("GlobalWindow cleanup (event time %t) = %d", eventTime, got)
		}
	}
}

func TestIsWindowLate(t *testing.T) {
	tests := []struct {
		w         TimeWindow
		eventTime bool
		lateness  int64
		watermark int64
		want      bool
	}{
		{TimeWindow{0, 10}, true, 0, math.MinInt64, false},
		{TimeWindow{0, 10}, true, 0, 8, false},
		{TimeWindow{0, 10}, true, 0, 9, true},
		{TimeWindow{0, 10}, true, 5, 13, false},
		{TimeWindow{0, 10}, true, 5, 14, true},
		{TimeWindow{0, 10}, false, 0, 100, false},
		{TimeWindow{math.MaxInt64 - 10, math.MaxInt64}, true, 100, math.MaxInt64 - 1, false},
		{TimeWindow{math.MaxInt64 - 10, math.MaxInt64}, true, 100, math.MaxInt64, true},
	}
	for _, tt := range tests {
		if got := IsWindowLate(tt.w, tt.eventTime, tt.lateness, tt.watermark); got != tt.want {
			t.Errorf("IsWindowLate(%v, %t, %d, %d) = %t", tt.w, tt.eventTime, tt.lateness, tt.watermark, got)
		}
	}
	if IsWindowLate(GlobalWindow{}, false, 0, math.MaxInt64) {
		t.Error("global window late")
	}
}

func TestIsElementLate(t *testing.T) {
	tests := []struct {
		ts        int64
		eventTime bool
		lateness  int64
		watermark int64
		want      bool
	}{
		{5, true, 0, 4, false},
		{5, true, 0, 5, true},
		{5, true, 3, 7, false},
		{5, true, 3, 8, true},
		{5, false, 0, 100, false},
		{math.MaxInt64 - 1, true, 10, math.MaxInt64 - 1, false}, // no wrap-around
		{NoTimestamp, true, 0, math.MinInt64, true},
	}
	for _, tt := range tests {
		if got := IsElementLate(tt.ts, tt.eventTime, tt.lateness, tt.watermark); got != tt.want {
			t.Errorf("IsElementLate(%d, %t, %d, %d) = %t", tt.ts, tt.eventTime, tt.lateness, tt.watermark, got)
		}
	}
}

func TestAllowedLateness(t *testing.T) {
	if got, err := AllowedLateness(1500 * time.Microsecond); err != nil || got != 1 {
		t.Errorf("AllowedLateness(1.5ms) = %d, %v", got, err)
	}
	if got, err := AllowedLateness(time.Minute); err != nil || got != 60_000 {
		t.Errorf("AllowedLateness(1m) = %d, %v", got, err)
	}
}
