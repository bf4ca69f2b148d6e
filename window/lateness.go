package window

import (
	"fmt"
	"math"
	"time"
)

// AllowedLateness converts a user's allowed lateness to milliseconds
// (truncating) and rejects a negative one, as Flink's
// WindowedStream.allowedLateness. The helpers below take the result.
// Processing-time windows ignore lateness (see CleanupTime).
func AllowedLateness(d time.Duration) (int64, error) {
	if d < 0 {
		return 0, fmt.Errorf("%w: allowed lateness must not be negative, got %v", ErrInvalidArgument, d)
	}
	return millis(d), nil
}

// CleanupTime returns when the window operator drops window w and all its
// state (Flink's WindowOperator.cleanupTime): for event-time assigners
// w.MaxTimestamp() + allowedLateness, clamped to math.MaxInt64 on overflow;
// for processing-time assigners w.MaxTimestamp() (lateness does not apply).
//
// math.MaxInt64 means never: the operator registers no cleanup timer for it
// (this is the case of the GlobalWindow), as Flink does.
//
// The operator registers the cleanup timer (event-time or processing-time,
// as the assigner) in the window's timer namespace whenever it adds an
// element to w, and when that timer fires it first calls the trigger
// (which may fire), then, if the timer's time is CleanupTime, clears the
// window's contents, the trigger (Clear) and, for merging windows, retires
// w from the MergingWindowSet.
func CleanupTime[W Window](w W, isEventTime bool, allowedLateness int64) int64 {
	m := w.MaxTimestamp()
	if !isEventTime {
		return m
	}
	c := m + allowedLateness
	if c >= m {
		return c
	}
	return math.MaxInt64
}

// IsCleanupTime reports whether a timer at timerTime is w's cleanup timer.
func IsCleanupTime[W Window](w W, isEventTime bool, allowedLateness, timerTime int64) bool {
	return timerTime == CleanupTime(w, isEventTime, allowedLateness)
}

// IsWindowLate reports whether window w is late and must not receive
// elements: the assigner is event-time and w's cleanup time is at or below
// the watermark (Flink's WindowOperator.isWindowLate:
// w.MaxTimestamp() + allowedLateness <= watermark). Processing-time windows
// are never late. The operator skips late windows (retiring them from the
// MergingWindowSet for merging assigners).
func IsWindowLate[W Window](w W, isEventTime bool, allowedLateness, watermark int64) bool {
	return isEventTime && CleanupTime(w, isEventTime, allowedLateness) <= watermark
}

// IsElementLate reports whether an element with timestamp ts is late:
// event-time assigner and ts + allowedLateness <= watermark (Flink's
// WindowOperator.isElementLate; the sum saturates instead of wrapping). The
// operator sends an element to the late-data side output (or drops it) if
// it was added to no window because every window was late, and the element
// itself is late.
func IsElementLate(ts int64, isEventTime bool, allowedLateness, watermark int64) bool {
	return isEventTime && addSat(ts, allowedLateness) <= watermark
}
