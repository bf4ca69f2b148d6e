package testenv_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// This file holds the small operators the harness's tests drive.

// equal fails the test if got is not want.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// noErr fails the test now if err is not nil.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mapOp applies fn to each record, keeping its timestamp, and forwards
// watermarks and status. It logs its lifecycle calls.
type mapOp[IN, OUT any] struct {
	operator.Forward[OUT]
	fn    func(IN) OUT
	calls []string
	ctx   *operator.Context
}

func newMap[IN, OUT any](fn func(IN) OUT) func(operator.Output[OUT]) operator.OneInput[IN] {
	return func(out operator.Output[OUT]) operator.OneInput[IN] {
		return &mapOp[IN, OUT]{Forward: operator.Forward[OUT]{Out: out}, fn: fn}
	}
}

func (m *mapOp[IN, OUT]) Open(ctx *operator.Context) error {
	m.ctx = ctx
	m.calls = append(m.calls, "open")
	return nil
}

func (m *mapOp[IN, OUT]) Finish() error {
	m.calls = append(m.calls, "finish")
	return nil
}

func (m *mapOp[IN, OUT]) Close() error {
	m.calls = append(m.calls, "close")
	return nil
}

func (m *mapOp[IN, OUT]) ProcessElement(r operator.Record[IN]) {
	m.Out.Collect(operator.Record[OUT]{Value: m.fn(r.Value), Timestamp: r.Timestamp})
}

func (m *mapOp[IN, OUT]) ProcessWatermark(wm int64) {
	m.calls = append(m.calls, fmt.Sprintf("watermark %d (current %d)", wm, m.ctx.CurrentWatermark()))
	m.Out.EmitWatermark(wm)
}

// keyCount is what countOp emits: the count of a key in a window.
type keyCount struct {
	Key   string
	Count int
}

var (
	stringCodec = serde.MustFor[string]()
	int64Codec  = serde.MustFor[int64]()
)

// countOp is a keyed tumbling-window count: it counts the records of each
// key (the record's value) per window of size ms in value state namespaced
// by the window's end, and emits the count when the watermark passes the
// window, on an event-time timer. With procDelay > 0 it also emits the
// count so far procDelay after a key's first record of a window, on a
// processing-time timer.
type countOp struct {
	out       operator.Output[keyCount]
	size      int64
	procDelay int64

	ctx       *operator.Context
	keys      *operator.KeyContext[string]
	count     statebackend.Value[int64, int]
	timers    *statebackend.TimerService[int64]
	scheduled bool
}

func newCount(size, procDelay int64) func(operator.Output[keyCount]) operator.OneInput[string] {
	return func(out operator.Output[keyCount]) operator.OneInput[string] {
		return &countOp{out: out, size: size, procDelay: procDelay}
	}
}

func (c *countOp) Open(ctx *operator.Context) error {
	c.ctx = ctx
	var err error
	if c.keys, err = operator.NewKeyContext(ctx, stringCodec); err != nil {
		return err
	}
	if c.count, err = statebackend.NewValue(ctx.Keyed, state.Value[int]("count"), int64Codec); err != nil {
		return err
	}
	c.timers = statebackend.NewTimerService(ctx.Keyed, int64Codec)
	return nil
}

func (c *countOp) Finish() error { return nil }
func (c *countOp) Close() error  { return nil }

func (c *countOp) windowEnd(ts int64) int64 {
	return ts - ((ts%c.size)+c.size)%c.size + c.size - 1
}

func (c *countOp) ProcessElement(r operator.Record[string]) {
	c.keys.Set(r.Value)
	end := c.windowEnd(r.Timestamp)
	c.count.SetNamespace(end)
	n, _ := c.count.Value()
	c.count.Update(n + 1)
	c.timers.RegisterEventTimeTimer(end, end)
	if c.procDelay > 0 && n == 0 {
		c.timers.RegisterProcessingTimeTimer(end, c.ctx.Clock.NowMillis()+c.procDelay)
		c.schedule()
	}
}

// schedule asks the processing-time service for a callback at the earliest
// processing-time timer.
func (c *countOp) schedule() {
	next, ok := c.timers.NextProcessingTime()
	if !ok || c.scheduled {
		return
	}
	c.scheduled = true
	c.ctx.Timers.At(next, func(now int64) {
		c.scheduled = false
		c.timers.AdvanceProcessingTime(now, c.emit)
		c.schedule()
	})
}

// emit emits the count of the timer's key and window without clearing it.
func (c *countOp) emit(t statebackend.Timer[int64]) {
	c.keys.MarkEncodedCurrent()
	c.count.SetNamespace(t.Namespace)
	if n, ok := c.count.Value(); ok {
		c.out.Collect(operator.Record[keyCount]{Value: keyCount{c.keys.Current(), n}, Timestamp: t.Namespace})
	}
}

func (c *countOp) ProcessWatermark(wm int64) {
	c.timers.AdvanceWatermark(wm, func(t statebackend.Timer[int64]) {
		c.emit(t)
		c.count.Clear()
	})
	c.out.EmitWatermark(wm)
}

func (c *countOp) ProcessWatermarkStatus(idle bool) { c.out.EmitWatermarkStatus(idle) }

// splitOp emits even numbers on its main output, odd ones formatted on side
// output "odd", and records behind the current watermark on side output
// "late".
type splitOp struct {
	operator.Lifecycle
	operator.Forward[int]
	odd, late operator.Output[int]
	oddText   operator.Output[string]
	ctx       *operator.Context
}

func newSplit(out operator.Output[int]) operator.OneInput[int] {
	return &splitOp{Forward: operator.Forward[int]{Out: out}}
}

func (s *splitOp) Open(ctx *operator.Context) error {
	s.ctx = ctx
	s.oddText = operator.SideOutput[string](ctx, "odd")
	s.late = operator.SideOutput[int](ctx, "late")
	return nil
}

func (s *splitOp) ProcessElement(r operator.Record[int]) {
	switch {
	case r.HasTimestamp() && r.Timestamp <= s.ctx.CurrentWatermark():
		s.late.Collect(r)
	case r.Value%2 == 0:
		s.Out.Collect(r)
	default:
		s.oddText.Collect(operator.Record[string]{Value: fmt.Sprintf("odd %d", r.Value), Timestamp: r.Timestamp})
	}
}

// failOp fails on the element values "fail" (operator.Fail) and "panic" (a
// runtime error), and in Open, Finish, Close or a processing-time callback
// when told to.
type failOp struct {
	operator.Forward[string]
	failOpen, failFinish, failClose error
	failTimerAt                     int64
	ctx                             *operator.Context
}

var errBoom = fmt.Errorf("boom")

func (f *failOp) Open(ctx *operator.Context) error {
	f.ctx = ctx
	if f.failTimerAt > 0 {
		ctx.Timers.At(f.failTimerAt, func(now int64) { operator.Failf("timer at %d: %w", now, errBoom) })
	}
	return f.failOpen
}

func (f *failOp) Finish() error {
	if f.failFinish != nil {
		panic(f.failFinish)
	}
	return nil
}

func (f *failOp) Close() error { return f.failClose }

func (f *failOp) ProcessElement(r operator.Record[string]) {
	switch r.Value {
	case "fail":
		operator.Fail(errBoom)
	case "panic":
		var s []int
		_ = s[len(r.Value)]
	}
	f.Out.Collect(r)
}

// connectOp is a two-input operator: it tags the records of each input,
// emits the combined watermark when it advances, as Flink's
// AbstractStreamOperator does, and goes idle when both inputs are.
type connectOp struct {
	operator.Lifecycle
	out  operator.Output[string]
	wm   operator.CombinedWatermark
	ctx  *operator.Context
	seen []int64 // Context.CurrentWatermark at each watermark
	idle bool    // the status last emitted
}

func newConnect(out operator.Output[string]) operator.TwoInput[string, int] {
	return &connectOp{out: out, wm: operator.NewCombinedWatermark()}
}

func (c *connectOp) Open(ctx *operator.Context) error {
	c.ctx = ctx
	return nil
}

func (c *connectOp) ProcessElement1(r operator.Record[string]) {
	c.out.Collect(operator.Record[string]{Value: "1:" + r.Value, Timestamp: r.Timestamp})
}

func (c *connectOp) ProcessElement2(r operator.Record[int]) {
	c.out.Collect(operator.Record[string]{Value: fmt.Sprintf("2:%d", r.Value), Timestamp: r.Timestamp})
}

func (c *connectOp) ProcessWatermark1(wm int64) { c.watermark(0, wm) }
func (c *connectOp) ProcessWatermark2(wm int64) { c.watermark(1, wm) }

func (c *connectOp) watermark(i int, wm int64) {
	c.seen = append(c.seen, c.ctx.CurrentWatermark())
	if wm, ok := c.wm.Update(i, wm); ok {
		c.out.EmitWatermark(wm)
	}
}

func (c *connectOp) ProcessWatermarkStatus1(idle bool) { c.status(0, idle) }
func (c *connectOp) ProcessWatermarkStatus2(idle bool) { c.status(1, idle) }

func (c *connectOp) status(i int, idle bool) {
	wm, advanced, allIdle := c.wm.SetIdle(i, idle)
	if advanced {
		c.out.EmitWatermark(wm)
	}
	if allIdle != c.idle {
		c.idle = allIdle
		c.out.EmitWatermarkStatus(allIdle)
	}
}

// Compile-time checks that the test operators satisfy the contract.
var (
	_ operator.OneInput[int]         = (*mapOp[int, int])(nil)
	_ operator.OneInput[string]      = (*countOp)(nil)
	_ operator.OneInput[int]         = (*splitOp)(nil)
	_ operator.OneInput[string]      = (*failOp)(nil)
	_ operator.TwoInput[string, int] = (*connectOp)(nil)
	_ testenv.HarnessBase            = (*testenv.OneInput[int, int])(nil)
)
