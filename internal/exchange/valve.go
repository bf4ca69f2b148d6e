package exchange

import "github.com/eddy-streams/eddy/internal/event"

// Valve combines the watermarks and statuses of one input's channels into
// the input's watermark, as Flink's StatusWatermarkValve: the minimum over
// active channels that are aligned. A channel that turns active again with a
// watermark behind the input's does not pull it back; it is counted again
// once it caught up. When every channel is idle the input is idle, and its
// watermark is the highest of the channels' (Flink flushes them so).
type Valve struct {
	wm      []int64
	idle    []bool
	aligned []bool
	current int64
	idleOut bool
}

// NewValve returns a valve over n channels.
func NewValve(n int) *Valve {
	v := &Valve{wm: make([]int64, n), idle: make([]bool, n), aligned: make([]bool, n), current: event.MinWatermark}
	for i := range v.wm {
		v.wm[i] = event.MinWatermark
		v.aligned[i] = true
	}
	return v
}

// Current returns the input's watermark.
func (v *Valve) Current() int64 { return v.current }

// Watermark records wm on channel ch. It returns the input's new watermark
// and whether it advanced.
func (v *Valve) Watermark(ch int, wm int64) (int64, bool) {
	if v.idle[ch] || wm <= v.wm[ch] {
		return v.current, false
	}
	v.wm[ch] = wm
	if !v.aligned[ch] && wm >= v.current {
		v.aligned[ch] = true
	}
	return v.advance()
}

// Status records a status change of channel ch. It returns the input's
// watermark and whether it advanced, and the input's status and whether it
// changed.
func (v *Valve) Status(ch int, idle bool) (wm int64, advanced bool, inputIdle bool, statusChanged bool) {
	if v.idle[ch] == idle {
		return v.current, false, v.idleOut, false
	}
	v.idle[ch] = idle
	if idle {
		v.aligned[ch] = false
		wm, advanced = v.advance()
	} else {
		v.aligned[ch] = v.wm[ch] >= v.current
		wm = v.current
	}
	all := true
	for _, i := range v.idle {
		all = all && i
	}
	if idle && all && v.wm[ch] == v.current {
		// As Flink (FLINK-18934): no channel advances while all are idle,
		// so the watermarks are flushed: the input's watermark becomes the
		// highest of all channels. (Only if the channel that just turned
		// idle held the watermark back; otherwise advance did it.)
		m := v.current
		for _, w := range v.wm {
			m = max(m, w)
		}
		if m > v.current {
			v.current = m
			wm, advanced = m, true
		}
	}
	changed := all != v.idleOut
	v.idleOut = all
	return wm, advanced, all, changed
}

// End marks channel ch finished: it no longer holds the watermark back.
func (v *Valve) End(ch int) (int64, bool) {
	v.wm[ch] = event.MaxWatermark
	v.idle[ch] = false
	v.aligned[ch] = true
	return v.advance()
}

func (v *Valve) advance() (int64, bool) {
	m := event.MaxWatermark
	any := false
	for i, w := range v.wm {
		if v.idle[i] || !v.aligned[i] {
			continue
		}
		any = true
		m = min(m, w)
	}
	if !any || m <= v.current {
		return v.current, false
	}
	v.current = m
	return m, true
}
