package window

import (
	"testing"
	"time"
)

type event struct {
	key   string
	value int64
}

func benchAssign(b *testing.B, a Assigner[event, TimeWindow], ctx AssignerContext, want int) {
	buf := make([]TimeWindow, 0, 16)
	e := event{key: "k", value: 1}
	ts := int64(1_700_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = a.AssignWindows(e, ts, ctx, buf[:0])
		if err != nil || len(buf) != want {
			b.Fatalf("%d windows, %v", len(buf), err)
		}
		ts += 7
	}
}

func BenchmarkTumblingEventTimeAssign(b *testing.B) {
	benchAssign(b, must(TumblingEventTime[event](time.Minute, 0))(b), nil, 1)
}

func BenchmarkTumblingProcessingTimeAssign(b *testing.B) {
	benchAssign(b, must(TumblingProcessingTime[event](time.Minute, 0))(b), &clock{now: 1_700_000_000_000}, 1)
}

func BenchmarkSlidingEventTimeAssign(b *testing.B) {
	benchAssign(b, must(SlidingEventTime[event](10*time.Second, time.Second, 0))(b), nil, 10)
}

func BenchmarkSessionEventTimeAssign(b *testing.B) {
	a := must(EventTimeSession[event](time.Minute))(b)
	benchAssign(b, a, nil, 1)
}

func BenchmarkMergingWindowSetAdd(b *testing.B) {
	a := must(EventTimeSession[event](3 * ms))(b)
	s := NewMergingWindowSet[TimeWindow](a, nil)
	merge := func(TimeWindow, []TimeWindow, TimeWindow, []TimeWindow) error { return nil }
	ts := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		s.AddWindow(TimeWindow{ts, ts + 3}, merge)
		ts += 2
	}
}

// The assigners' hot path must not allocate.
func TestAssignWindowsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	c := &clock{now: 1_700_000_000_000}
	assigners := map[string]Assigner[event, TimeWindow]{
		"tumbling event":      must(TumblingEventTime[event](time.Minute, 0))(t),
		"tumbling processing": must(TumblingProcessingTime[event](time.Minute, 0))(t),
		"sliding event":       must(SlidingEventTime[event](10*time.Second, time.Second, 0))(t),
		"sliding processing":  must(SlidingProcessingTime[event](10*time.Second, time.Second, 0))(t),
		"session":             must(EventTimeSession[event](time.Minute))(t),
		"dynamic session":     must(DynamicEventTimeSession(func(e event) time.Duration { return time.Duration(e.value) * time.Second }))(t),
	}
	for name, a := range assigners {
		buf := make([]TimeWindow, 0, 16)
		e := event{key: "k", value: 1}
		if n := testing.AllocsPerRun(1000, func() {
			buf, _ = a.AssignWindows(e, 1_700_000_000_123, c, buf[:0])
		}); n != 0 {
			t.Errorf("%s: %v allocs per AssignWindows", name, n)
		}
	}
	g := Global[event]()
	gbuf := make([]GlobalWindow, 0, 1)
	if n := testing.AllocsPerRun(1000, func() { gbuf, _ = g.AssignWindows(event{}, 0, nil, gbuf[:0]) }); n != 0 {
		t.Errorf("global: %v allocs", n)
	}
}

// Triggers called through the interface do not allocate beyond what the
// context does.
func TestTriggerAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	ctx := &nopCtx{}
	w := TimeWindow{0, 10}
	triggers := []Trigger[event, TimeWindow]{
		EventTimeTrigger[event, TimeWindow](),
		ProcessingTimeTrigger[event, TimeWindow](),
		must(CountTrigger[event, TimeWindow](3))(t),
		must(ContinuousEventTimeTrigger[event, TimeWindow](time.Second))(t),
		must(ContinuousProcessingTimeTrigger[event, TimeWindow](time.Second))(t),
		must(PurgingTrigger(EventTimeTrigger[event, TimeWindow]()))(t),
	}
	for _, tr := range triggers {
		if n := testing.AllocsPerRun(1000, func() {
			tr.OnElement(event{}, 5, w, ctx)
			tr.OnEventTime(9, w, ctx)
			tr.OnProcessingTime(9, w, ctx)
		}); n != 0 {
			t.Errorf("%v: %v allocs", tr, n)
		}
	}
}

// nopCtx is an allocation-free TriggerContext with one int64 state slot.
type nopCtx struct {
	v   int64
	set bool
}

func (c *nopCtx) CurrentWatermark() int64           { return 0 }
func (c *nopCtx) CurrentProcessingTime() int64      { return 0 }
func (c *nopCtx) RegisterEventTimeTimer(int64)      {}
func (c *nopCtx) DeleteEventTimeTimer(int64)        {}
func (c *nopCtx) RegisterProcessingTimeTimer(int64) {}
func (c *nopCtx) DeleteProcessingTimeTimer(int64)   {}
func (c *nopCtx) ReducingInt64State(string, func(a, b int64) int64) Int64State {
	return c
}
func (c *nopCtx) Get() (int64, bool) { return c.v, c.set }
func (c *nopCtx) Add(v int64)        { c.v, c.set = v, true }
func (c *nopCtx) Clear()             { c.set = false }
