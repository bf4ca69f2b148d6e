package eventtime

import (
	"math"
	"testing"
	"time"
)

type recOutput struct {
	wms    []int64
	events []string
}

func (o *recOutput) EmitWatermark(wm int64) {
	o.wms = append(o.wms, wm)
	o.events = append(o.events, "wm")
}
func (o *recOutput) MarkIdle()   { o.events = append(o.events, "idle") }
func (o *recOutput) MarkActive() { o.events = append(o.events, "active") }

func (o *recOutput) last(t *testing.T) int64 {
	t.Helper()
	if len(o.wms) == 0 {
		t.Fatal("no watermark emitted")
	}
	return o.wms[len(o.wms)-1]
}

type manualClock struct{ now int64 }

func (c *manualClock) NowMillis() int64 { return c.now }

func TestWatermarkBoundedOutOfOrdernessFormula(t *testing.T) {
	s := ForBoundedOutOfOrderness[int](5 * time.Millisecond)
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	g := s.NewGenerator()
	var out recOutput
	// Before any event the watermark is the minimum.
	g.OnPeriodicEmit(&out)
	if got := out.last(t); got != math.MinInt64 {
		t.Fatalf("initial watermark = %d, want MinInt64", got)
	}
	for _, ts := range []int64{100, 90, 120, 110} {
		g.OnEvent(0, ts, &out)
	}
	g.OnPeriodicEmit(&out)
	if got, want := out.last(t), int64(120-5-1); got != want {
		t.Fatalf("watermark = %d, want maxTs - delay - 1 = %d", got, want)
	}
	// Negative timestamps work too.
	g2 := s.NewGenerator()
	g2.OnEvent(0, -1000, &out)
	g2.OnPeriodicEmit(&out)
	if got, want := out.last(t), int64(-1000-5-1); got != want {
		t.Fatalf("watermark = %d, want %d", got, want)
	}
}

func TestWatermarkMonotonousFormula(t *testing.T) {
	g := ForMonotonousTimestamps[string]().NewGenerator()
	var out recOutput
	for _, ts := range []int64{1, 5, 9} {
		g.OnEvent("x", ts, &out)
	}
	g.OnPeriodicEmit(&out)
	if got := out.last(t); got != 8 {
		t.Fatalf("watermark = %d, want maxTs - 1 = 8", got)
	}
}

func TestWatermarkStrategyErrors(t *testing.T) {
	if ForBoundedOutOfOrderness[int](-time.Second).Err() == nil {
		t.Error("negative out-of-orderness: no error")
	}
	if ForMonotonousTimestamps[int]().WithIdleness(0).Err() == nil {
		t.Error("zero idle timeout: no error")
	}
	if ForMonotonousTimestamps[int]().WithIdleness(-time.Second).Err() == nil {
		t.Error("negative idle timeout: no error")
	}
	if ForGenerator[int](nil).Err() == nil {
		t.Error("nil generator factory: no error")
	}
	if err := ForBoundedOutOfOrderness[int](0).WithIdleness(time.Second).Err(); err != nil {
		t.Errorf("valid strategy: %v", err)
	}
}

func TestWatermarkIdleness(t *testing.T) {
	clock := &manualClock{now: 1000}
	g := WithIdleness(ForMonotonousTimestamps[int]().NewGenerator(), 100*time.Millisecond, clock)
	var out recOutput
	g.OnEvent(0, 10, &out)
	clock.now += 50
	g.OnPeriodicEmit(&out)
	if got := out.last(t); got != 9 {
		t.Fatalf("watermark = %d, want 9", got)
	}
	// Less than the timeout after the last activity: still active.
	clock.now += 99
	g.OnPeriodicEmit(&out)
	// The timeout passed without events: idle, once.
	clock.now += 1
	g.OnPeriodicEmit(&out)
	clock.now += 100
	g.OnPeriodicEmit(&out)
	idles := 0
	for _, e := range out.events {
		if e == "idle" {
			idles++
		}
	}
	if idles != 1 {
		t.Fatalf("events %v: want exactly one idle", out.events)
	}
	// An event makes it active again at once, and watermarks resume.
	g.OnEvent(0, 20, &out)
	if got := out.events[len(out.events)-1]; got != "active" {
		t.Fatalf("after an event: last event %q, want active", got)
	}
	clock.now += 10
	g.OnPeriodicEmit(&out)
	if got := out.last(t); got != 19 {
		t.Fatalf("watermark = %d, want 19", got)
	}
}
