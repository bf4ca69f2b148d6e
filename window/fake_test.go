package window

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// clock is an AssignerContext with a settable processing time.
type clock struct{ now int64 }

func (c *clock) CurrentProcessingTime() int64 { return c.now }

type stateKey[W Window] struct {
	w    W
	name string
}

type timerKey[W Window] struct {
	w  W
	ts int64
}

// fakeRuntime plays the window operator's side of triggers for tests: it
// keeps timers and trigger state per window and logs every timer call.
type fakeRuntime[W Window] struct {
	watermark, now int64
	event, proc    map[timerKey[W]]bool
	state          map[stateKey[W]]int64
	log            []string
}

func newFakeRuntime[W Window]() *fakeRuntime[W] {
	return &fakeRuntime[W]{
		watermark: math.MinInt64,
		event:     map[timerKey[W]]bool{},
		proc:      map[timerKey[W]]bool{},
		state:     map[stateKey[W]]int64{},
	}
}

// ctx returns a context scoped to w; merged are the windows merged into w
// (for OnMerge).
func (r *fakeRuntime[W]) ctx(w W, merged ...W) *fakeCtx[W] {
	return &fakeCtx[W]{r: r, w: w, merged: merged}
}

// takeLog returns the log since the last call and empties it.
func (r *fakeRuntime[W]) takeLog() string {
	s := strings.Join(r.log, " ")
	r.log = r.log[:0]
	return s
}

func (r *fakeRuntime[W]) eventTimers(w W) []int64 { return timersOf(r.event, w) }
func (r *fakeRuntime[W]) procTimers(w W) []int64  { return timersOf(r.proc, w) }

func timersOf[W Window](m map[timerKey[W]]bool, w W) []int64 {
	var ts []int64
	for k := range m {
		if k.w == w {
			ts = append(ts, k.ts)
		}
	}
	slices.Sort(ts)
	return ts
}

type fakeCtx[W Window] struct {
	r      *fakeRuntime[W]
	w      W
	merged []W
}

func (c *fakeCtx[W]) CurrentWatermark() int64      { return c.r.watermark }
func (c *fakeCtx[W]) CurrentProcessingTime() int64 { return c.r.now }

func (c *fakeCtx[W]) RegisterEventTimeTimer(ts int64) {
	c.r.log = append(c.r.log, fmt.Sprintf("+e%d", ts))
	c.r.event[timerKey[W]{c.w, ts}] = true
}

func (c *fakeCtx[W]) DeleteEventTimeTimer(ts int64) {
	c.r.log = append(c.r.log, fmt.Sprintf("-e%d", ts))
	delete(c.r.event, timerKey[W]{c.w, ts})
}

func (c *fakeCtx[W]) RegisterProcessingTimeTimer(ts int64) {
	c.r.log = append(c.r.log, fmt.Sprintf("+p%d", ts))
	c.r.proc[timerKey[W]{c.w, ts}] = true
}

func (c *fakeCtx[W]) DeleteProcessingTimeTimer(ts int64) {
	c.r.log = append(c.r.log, fmt.Sprintf("-p%d", ts))
	delete(c.r.proc, timerKey[W]{c.w, ts})
}

func (c *fakeCtx[W]) ReducingInt64State(name string, reduce func(a, b int64) int64) Int64State {
	return &fakeInt64[W]{r: c.r, k: stateKey[W]{c.w, name}, reduce: reduce}
}

func (c *fakeCtx[W]) MergeInt64State(name string, reduce func(a, b int64) int64) {
	target := stateKey[W]{c.w, name}
	for _, m := range c.merged {
		src := stateKey[W]{m, name}
		v, ok := c.r.state[src]
		if !ok {
			continue
		}
		delete(c.r.state, src)
		if cur, ok := c.r.state[target]; ok {
			v = reduce(cur, v)
		}
		c.r.state[target] = v
	}
}

type fakeInt64[W Window] struct {
	r      *fakeRuntime[W]
	k      stateKey[W]
	reduce func(a, b int64) int64
}

func (s *fakeInt64[W]) Get() (int64, bool) { v, ok := s.r.state[s.k]; return v, ok }

func (s *fakeInt64[W]) Add(v int64) {
	if cur, ok := s.r.state[s.k]; ok {
		v = s.reduce(cur, v)
	}
	s.r.state[s.k] = v
}

func (s *fakeInt64[W]) Clear() { delete(s.r.state, s.k) }

var (
	_ OnMergeContext[TimeWindow] = (*fakeCtx[TimeWindow])(nil)
	_ AssignerContext            = (*clock)(nil)
)

// evictorCtx is an EvictorContext.
type evictorCtx struct{ watermark, now int64 }

func (c evictorCtx) CurrentWatermark() int64      { return c.watermark }
func (c evictorCtx) CurrentProcessingTime() int64 { return c.now }
