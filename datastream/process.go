package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
)

// ProcessFunction is the low-level function of a non-keyed stream: it sees
// each element with its timestamp and may emit any number of results and
// side outputs. It may implement Opener and Closer.
type ProcessFunction[IN, OUT any] interface {
	ProcessElement(v IN, ctx *ProcessContext, out Collector[OUT]) error
}

// ProcessFunc adapts a function to ProcessFunction.
type ProcessFunc[IN, OUT any] func(v IN, ctx *ProcessContext, out Collector[OUT]) error

func (f ProcessFunc[IN, OUT]) ProcessElement(v IN, ctx *ProcessContext, out Collector[OUT]) error {
	return f(v, ctx, out)
}

// ProcessContext is the context of a process function call.
type ProcessContext struct {
	side      sideEmitter
	watermark func() int64
}

func (c *ProcessContext) sideEmitter() *sideEmitter { return &c.side }

// Timestamp returns the element's event timestamp, and false if it has none.
func (c *ProcessContext) Timestamp() (int64, bool) { return noTimestamp(c.side.ts) }

// CurrentWatermark returns the operator's current event time.
func (c *ProcessContext) CurrentWatermark() int64 { return c.watermark() }

// CurrentProcessingTime returns the processing time in epoch milliseconds.
func (c *ProcessContext) CurrentProcessingTime() int64 { return c.side.op.Clock.NowMillis() }

// Process applies a process function to every element.
func Process[IN, OUT any](s *DataStream[IN], fn ProcessFunction[IN, OUT]) *DataStream[OUT] {
	if fn == nil {
		s.env.fail(fmt.Errorf("Process: function is nil"))
	}
	return oneInput(s, "Process", false, func(out operator.Output[OUT]) operator.OneInput[IN] {
		return &processOp[IN, OUT]{fn: instance(fn), Forward: operator.Forward[OUT]{Out: out}, c: timestampedCollector[OUT]{out: out}, watermark: event.MinWatermark}
	})
}

type processOp[IN, OUT any] struct {
	operator.Forward[OUT]
	fn        ProcessFunction[IN, OUT]
	c         timestampedCollector[OUT]
	ctx       ProcessContext
	watermark int64
}

func (p *processOp[IN, OUT]) Open(ctx *operator.Context) error {
	p.ctx = ProcessContext{side: sideEmitter{op: ctx}, watermark: func() int64 { return p.watermark }}
	return openFunction(p.fn, ctx)
}

func (p *processOp[IN, OUT]) ProcessElement(r operator.Record[IN]) {
	p.c.ts, p.ctx.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessElement(r.Value, &p.ctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *processOp[IN, OUT]) ProcessWatermark(wm int64) {
	p.watermark = wm
	p.Out.EmitWatermark(wm)
}

func (p *processOp[IN, OUT]) Finish() error { return nil }
func (p *processOp[IN, OUT]) Close() error  { return closeFunction(p.fn) }

// TimerService registers and deletes timers of the current key.
type TimerService interface {
	CurrentProcessingTime() int64
	CurrentWatermark() int64
	RegisterEventTimeTimer(ts int64)
	RegisterProcessingTimeTimer(ts int64)
	DeleteEventTimeTimer(ts int64)
	DeleteProcessingTimeTimer(ts int64)
}

// KeyedProcessFunction is the low-level function of a keyed stream: keyed
// state (through the RuntimeContext given to Open) and timers. Implement
// TimerHandler to be called when timers fire.
type KeyedProcessFunction[K, IN, OUT any] interface {
	ProcessElement(v IN, ctx *KeyedContext[K], out Collector[OUT]) error
}

// TimerHandler is called when a timer registered by a keyed function fires.
type TimerHandler[K, OUT any] interface {
	OnTimer(ts int64, ctx *TimerContext[K], out Collector[OUT]) error
}

// KeyedProcessFunc adapts a function to KeyedProcessFunction.
type KeyedProcessFunc[K, IN, OUT any] func(v IN, ctx *KeyedContext[K], out Collector[OUT]) error

func (f KeyedProcessFunc[K, IN, OUT]) ProcessElement(v IN, ctx *KeyedContext[K], out Collector[OUT]) error {
	return f(v, ctx, out)
}

// KeyedContext is the context of a keyed function call.
type KeyedContext[K any] struct {
	ProcessContext
	currentKey func() K
	timers     TimerService
}

// CurrentKey returns the key of the element or timer being processed.
func (c *KeyedContext[K]) CurrentKey() K { return c.currentKey() }

// TimerService returns the timer service of the current key.
func (c *KeyedContext[K]) TimerService() TimerService { return c.timers }

// TimeDomain says which clock a timer belongs to.
type TimeDomain int

const (
	EventTime TimeDomain = iota
	ProcessingTime
)

// TimerContext is the context of OnTimer.
type TimerContext[K any] struct {
	KeyedContext[K]
	domain TimeDomain
}

// TimeDomain returns the clock of the firing timer.
func (c *TimerContext[K]) TimeDomain() TimeDomain { return c.domain }

// KeyedProcess applies a keyed process function.
func KeyedProcess[T any, K comparable, OUT any](k *KeyedStream[T, K], fn KeyedProcessFunction[K, T, OUT]) *DataStream[OUT] {
	if fn == nil {
		k.env.fail(fmt.Errorf("KeyedProcess: function is nil"))
	}
	return keyedOneInput(k, "KeyedProcess", func(out operator.Output[OUT]) operator.OneInput[T] {
		return &keyedProcessOp[T, K, OUT]{fn: instance(fn), key: k.key, codec: k.codec, Forward: operator.Forward[OUT]{Out: out}, c: timestampedCollector[OUT]{out: out}}
	})
}

// keyTimers adapts the operator's KeyedTimers to the user's TimerService.
type keyTimers[K any] struct {
	t *operator.KeyedTimers[K, statebackend.Void]
}

func (k keyTimers[K]) CurrentProcessingTime() int64 { return k.t.CurrentProcessingTime() }
func (k keyTimers[K]) CurrentWatermark() int64      { return k.t.CurrentWatermark() }
func (k keyTimers[K]) RegisterEventTimeTimer(ts int64) {
	k.t.RegisterEventTimeTimer(statebackend.Void{}, ts)
}
func (k keyTimers[K]) RegisterProcessingTimeTimer(ts int64) {
	k.t.RegisterProcessingTimeTimer(statebackend.Void{}, ts)
}
func (k keyTimers[K]) DeleteEventTimeTimer(ts int64) {
	k.t.DeleteEventTimeTimer(statebackend.Void{}, ts)
}
func (k keyTimers[K]) DeleteProcessingTimeTimer(ts int64) {
	k.t.DeleteProcessingTimeTimer(statebackend.Void{}, ts)
}

type keyedProcessOp[T any, K comparable, OUT any] struct {
	operator.Forward[OUT]
	fn     KeyedProcessFunction[K, T, OUT]
	key    func(T) K
	codec  serde.Codec[K]
	c      timestampedCollector[OUT]
	keys   *operator.KeyContext[K]
	timers *operator.KeyedTimers[K, statebackend.Void]
	kctx   KeyedContext[K]
	tctx   TimerContext[K]
	onTime TimerHandler[K, OUT]
}

func (p *keyedProcessOp[T, K, OUT]) Open(ctx *operator.Context) error {
	keys, err := operator.NewKeyContext[K](ctx, p.codec)
	if err != nil {
		return err
	}
	p.keys = keys
	p.onTime, _ = p.fn.(TimerHandler[K, OUT])
	p.timers = operator.NewKeyedTimers(ctx, keys, statebackend.VoidCodec,
		func(t statebackend.Timer[statebackend.Void]) { p.fire(t.Timestamp, EventTime) },
		func(t statebackend.Timer[statebackend.Void]) { p.fire(t.Timestamp, ProcessingTime) })
	wm := func() int64 { return p.timers.CurrentWatermark() }
	p.kctx = KeyedContext[K]{ProcessContext: ProcessContext{side: sideEmitter{op: ctx}, watermark: wm}, currentKey: keys.Current, timers: keyTimers[K]{p.timers}}
	p.tctx = TimerContext[K]{KeyedContext: p.kctx}
	return openFunction(p.fn, ctx)
}

func (p *keyedProcessOp[T, K, OUT]) ProcessElement(r operator.Record[T]) {
	p.keys.Set(p.key(r.Value))
	p.c.ts, p.kctx.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessElement(r.Value, &p.kctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedProcessOp[T, K, OUT]) fire(ts int64, domain TimeDomain) {
	if p.onTime == nil {
		return
	}
	// Output of an event-time timer carries the timer's timestamp; of a
	// processing-time timer, none (as Flink).
	out := event.NoTimestamp
	if domain == EventTime {
		out = ts
	}
	p.c.ts, p.tctx.side.ts, p.tctx.domain = out, out, domain
	if err := p.onTime.OnTimer(ts, &p.tctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedProcessOp[T, K, OUT]) ProcessWatermark(wm int64) {
	p.timers.AdvanceWatermark(wm)
	p.Out.EmitWatermark(wm)
}

func (p *keyedProcessOp[T, K, OUT]) Finish() error { return nil }
func (p *keyedProcessOp[T, K, OUT]) Close() error  { return closeFunction(p.fn) }
