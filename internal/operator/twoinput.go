package operator

import "github.com/eddy-streams/eddy/internal/event"

// CombinedWatermark tracks the watermark of a two-input operator: the
// minimum over its active inputs, as Flink's AbstractStreamOperator does.
// An idle input does not hold the watermark back; when both are idle the
// operator is idle.
type CombinedWatermark struct {
	wm      [2]int64
	idle    [2]bool
	current int64
}

// NewCombinedWatermark returns a tracker at event.MinWatermark.
func NewCombinedWatermark() CombinedWatermark {
	return CombinedWatermark{wm: [2]int64{event.MinWatermark, event.MinWatermark}, current: event.MinWatermark}
}

// Current returns the combined watermark.
func (c *CombinedWatermark) Current() int64 { return c.current }

// Update records watermark wm of input i (0 or 1) and returns the combined
// watermark and whether it advanced.
func (c *CombinedWatermark) Update(i int, wm int64) (int64, bool) {
	c.wm[i] = max(c.wm[i], wm)
	return c.recompute()
}

// SetIdle records the status of input i and returns the combined watermark,
// whether it advanced, and whether both inputs are idle.
func (c *CombinedWatermark) SetIdle(i int, idle bool) (wm int64, advanced, allIdle bool) {
	c.idle[i] = idle
	wm, advanced = c.recompute()
	return wm, advanced, c.idle[0] && c.idle[1]
}

func (c *CombinedWatermark) recompute() (int64, bool) {
	var m int64
	switch {
	case c.idle[0] && c.idle[1]:
		return c.current, false
	case c.idle[0]:
		m = c.wm[1]
	case c.idle[1]:
		m = c.wm[0]
	default:
		m = min(c.wm[0], c.wm[1])
	}
	if m > c.current {
		c.current = m
		return m, true
	}
	return c.current, false
}
