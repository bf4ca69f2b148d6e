package window

import (
	"errors"
	"time"
)

var (
	// ErrInvalidArgument is wrapped by every error a constructor returns for
	// a bad argument (non-positive size, offset out of range, ...).
	ErrInvalidArgument = errors.New("window: invalid argument")

	// ErrNoTimestamp is returned by the tumbling and sliding event-time
	// assigners for an element whose timestamp is NoTimestamp (Flink throws
	// "Record has Long.MIN_VALUE timestamp (= no timestamp marker)"). It
	// usually means timestamps and watermarks were never assigned.
	ErrNoTimestamp = errors.New("window: record has no timestamp (NoTimestamp); " +
		"did you forget to assign timestamps and watermarks?")

	// ErrInvalidGap is wrapped by the error the dynamic session assigners
	// return when the gap extractor yields a gap < 1ms for an element.
	ErrInvalidGap = errors.New("window: dynamic session gap must satisfy 0 < gap")

	// ErrNotInFlight is wrapped by the error MergingWindowSet.RetireWindow
	// returns for a window that is not in the set.
	ErrNotInFlight = errors.New("window: window is not in the in-flight window set")
)

// millis converts d to milliseconds, truncating toward zero as Flink's
// Duration.toMillis does: 1500µs is 1ms and 999µs is 0 (and thus rejected
// where a positive length is required).
func millis(d time.Duration) int64 { return d.Milliseconds() }

// addSat returns a+b, clamped to [math.MinInt64, math.MaxInt64] instead of
// wrapping.
func addSat(a, b int64) int64 {
	s := a + b
	if b > 0 && s < a {
		return 1<<63 - 1
	}
	if b < 0 && s > a {
		return -1 << 63
	}
	return s
}
