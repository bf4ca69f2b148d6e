package window

import (
	"fmt"
	"math"
)

// NoTimestamp marks an element that carries no event timestamp. It equals
// the runtime's marker (math.MinInt64, Flink's Long.MIN_VALUE).
const NoTimestamp int64 = math.MinInt64

// Window is the constraint every window type satisfies: windows are values
// (comparable, usable as map keys and state namespaces) with a largest
// timestamp that still belongs to them.
//
// MaxTimestamp is the time at which an event-time window is complete: the
// default event-time trigger fires when the watermark reaches it.
type Window interface {
	comparable
	MaxTimestamp() int64
}

// TimeWindow is the half-open interval [Start, End) of epoch milliseconds.
type TimeWindow struct {
	Start int64
	End   int64
}

// MaxTimestamp returns End-1, the largest timestamp inside the window.
func (w TimeWindow) MaxTimestamp() int64 { return w.End - 1 }

// Intersects reports whether w and o overlap or are adjacent
// (w.End == o.Start or o.End == w.Start), as Flink's TimeWindow.intersects:
// adjacent session windows merge.
func (w TimeWindow) Intersects(o TimeWindow) bool {
	return w.Start <= o.End && w.End >= o.Start
}

// Cover returns the smallest window that spans both w and o.
func (w TimeWindow) Cover(o TimeWindow) TimeWindow {
	return TimeWindow{Start: min(w.Start, o.Start), End: max(w.End, o.End)}
}

// String formats w as "[start, end)".
func (w TimeWindow) String() string { return fmt.Sprintf("[%d, %d)", w.Start, w.End) }

// GetWindowStartWithOffset returns the start of the window of length size
// (> 0) that contains ts when windows are aligned to offset, that is the
// largest start <= ts with start ≡ offset (mod size). It is Flink's
// TimeWindow.getWindowStartWithOffset and is correct for negative
// timestamps and offsets (floor, not truncation toward zero): with size 10
// and offset 0, ts -1 starts at -10 and ts -10 at -10.
func GetWindowStartWithOffset(ts, offset, size int64) int64 {
	rem := (ts - offset) % size
	if rem < 0 {
		return ts - (rem + size)
	}
	return ts - rem
}

// GlobalWindow is the single window of the global assigner. It ends at the
// end of time: MaxTimestamp is math.MaxInt64.
type GlobalWindow struct{}

// MaxTimestamp returns math.MaxInt64.
func (GlobalWindow) MaxTimestamp() int64 { return math.MaxInt64 }

// String returns "GlobalWindow".
func (GlobalWindow) String() string { return "GlobalWindow" }
