package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
)

// ConnectedStreams are two streams, possibly of different types, that one
// two-input operator consumes (Flink's ConnectedStreams). Each element is
// handed to the function of its input; the operator's watermark is the
// minimum of its inputs' watermarks (an idle input does not hold it back),
// so functions may share state between the inputs.
type ConnectedStreams[IN1, IN2 any] struct {
	env    *Env
	first  *DataStream[IN1]
	second *DataStream[IN2]
}

// Connect connects two streams. The streams keep their partitioning: by
// default each feeds the operator forward (rebalanced if the parallelism
// differs); key them with ConnectKeyed or KeyByConnected to co-partition
// them.
func Connect[IN1, IN2 any](a *DataStream[IN1], b *DataStream[IN2]) *ConnectedStreams[IN1, IN2] {
	env := connectEnv("Connect", a, b)
	return &ConnectedStreams[IN1, IN2]{env: env, first: orEmpty(env, a), second: orEmpty(env, b)}
}

// connectEnv returns the environment of two streams an operator connects,
// reporting a nil stream or streams of different environments. It panics
// only when both streams are nil: there is no environment to report to.
func connectEnv[A, B any](what string, a *DataStream[A], b *DataStream[B]) *Env {
	switch {
	case a == nil && b == nil:
		panic(fmt.Sprintf("datastream: %s of two nil streams", what))
	case a == nil:
		b.env.fail(fmt.Errorf("%s: the first stream is nil", what))
		return b.env
	case b == nil:
		a.env.fail(fmt.Errorf("%s: the second stream is nil", what))
		return a.env
	case a.env != b.env:
		a.env.fail(fmt.Errorf("%s: the streams belong to different environments", what))
	}
	return a.env
}

// orEmpty returns s, or a stream of env without producers when s is nil
// (the job is invalid then and never runs).
func orEmpty[T any](env *Env, s *DataStream[T]) *DataStream[T] {
	if s == nil {
		return &DataStream[T]{env: env}
	}
	return s
}

// First returns the first input.
func (c *ConnectedStreams[IN1, IN2]) First() *DataStream[IN1] { return c.first }

// Second returns the second input.
func (c *ConnectedStreams[IN1, IN2]) Second() *DataStream[IN2] { return c.second }

// Env returns the streams' environment.
func (c *ConnectedStreams[IN1, IN2]) Env() *Env { return c.env }

// twoInput adds a two-input operator fed by in1 and in2. Two-input
// operators start a chain (Flink's ChainingStrategy.HEAD).
func twoInput[IN1, IN2, OUT any](env *Env, name string, keyed bool, in1, in2 inputSpec,
	newOp func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2]) *DataStream[OUT] {
	n := addNode(env, &graph.Node{
		Name:     name,
		Keyed:    keyed,
		Chaining: graph.ChainHead,
		OutType:  graph.Type[OUT](),
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			op := newOp(ic.Out.(operator.Output[OUT]))
			return graph.Instance{Op: op, Inputs: []any{operator.First(op), operator.Second(op)}}, nil
		},
	}, in1, in2)
	return newStream[OUT](env, n)
}

// coWatermarks is the event-time handling every two-input operator shares
// (Flink's AbstractStreamOperator with two inputs): the operator's
// watermark is the minimum of its inputs' watermarks, an idle input does
// not hold it back, and the operator is idle when both inputs are. When the
// combined watermark advances, advance (event-time timers) runs before the
// watermark is emitted.
type coWatermarks[OUT any] struct {
	out      operator.Output[OUT]
	combined operator.CombinedWatermark
	idle     bool
	advance  func(wm int64)
}

func newCoWatermarks[OUT any](out operator.Output[OUT]) coWatermarks[OUT] {
	return coWatermarks[OUT]{out: out, combined: operator.NewCombinedWatermark()}
}

func (c *coWatermarks[OUT]) ProcessWatermark1(wm int64)        { c.watermark(0, wm) }
func (c *coWatermarks[OUT]) ProcessWatermark2(wm int64)        { c.watermark(1, wm) }
func (c *coWatermarks[OUT]) ProcessWatermarkStatus1(idle bool) { c.status(0, idle) }
func (c *coWatermarks[OUT]) ProcessWatermarkStatus2(idle bool) { c.status(1, idle) }

// currentWatermark is the operator's combined input watermark.
func (c *coWatermarks[OUT]) currentWatermark() int64 { return c.combined.Current() }

func (c *coWatermarks[OUT]) watermark(input int, wm int64) {
	if m, advanced := c.combined.Update(input, wm); advanced {
		c.emit(m)
	}
}

func (c *coWatermarks[OUT]) status(input int, idle bool) {
	m, advanced, allIdle := c.combined.SetIdle(input, idle)
	if advanced {
		c.emit(m)
	}
	if allIdle != c.idle {
		c.idle = allIdle
		c.out.EmitWatermarkStatus(allIdle)
	}
}

func (c *coWatermarks[OUT]) emit(wm int64) {
	if c.advance != nil {
		c.advance(wm)
	}
	c.out.EmitWatermark(wm)
}

// CoMap applies fn1 to the elements of the first input and fn2 to those of
// the second; results keep their element's timestamp.
func CoMap[IN1, IN2, OUT any](c *ConnectedStreams[IN1, IN2], fn1 func(IN1) OUT, fn2 func(IN2) OUT) *DataStream[OUT] {
	checkFuncs(c.env, "CoMap", fn1 == nil, fn2 == nil)
	return twoInput(c.env, "Co-Map", false, inputOf(c.first), inputOf(c.second), func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2] {
		return &coMapOp[IN1, IN2, OUT]{coWatermarks: newCoWatermarks(out), fn1: fn1, fn2: fn2}
	})
}

// CoFlatMap calls fn1 for the elements of the first input and fn2 for
// those of the second; each emits zero or more results with the element's
// timestamp.
func CoFlatMap[IN1, IN2, OUT any](c *ConnectedStreams[IN1, IN2], fn1 func(IN1, Collector[OUT]), fn2 func(IN2, Collector[OUT])) *DataStream[OUT] {
	checkFuncs(c.env, "CoFlatMap", fn1 == nil, fn2 == nil)
	return twoInput(c.env, "Co-Flat Map", false, inputOf(c.first), inputOf(c.second), func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2] {
		return &coFlatMapOp[IN1, IN2, OUT]{coWatermarks: newCoWatermarks(out), fn1: fn1, fn2: fn2, c: timestampedCollector[OUT]{out: out}}
	})
}

func checkFuncs(env *Env, what string, nil1, nil2 bool) {
	if nil1 {
		env.fail(fmt.Errorf("%s: the function of the first input is nil", what))
	}
	if nil2 {
		env.fail(fmt.Errorf("%s: the function of the second input is nil", what))
	}
}

type coMapOp[IN1, IN2, OUT any] struct {
	operator.Lifecycle
	coWatermarks[OUT]
	fn1 func(IN1) OUT
	fn2 func(IN2) OUT
}

func (m *coMapOp[IN1, IN2, OUT]) ProcessElement1(r operator.Record[IN1]) {
	m.out.Collect(operator.Record[OUT]{Value: m.fn1(r.Value), Timestamp: r.Timestamp})
}

func (m *coMapOp[IN1, IN2, OUT]) ProcessElement2(r operator.Record[IN2]) {
	m.out.Collect(operator.Record[OUT]{Value: m.fn2(r.Value), Timestamp: r.Timestamp})
}

type coFlatMapOp[IN1, IN2, OUT any] struct {
	operator.Lifecycle
	coWatermarks[OUT]
	fn1 func(IN1, Collector[OUT])
	fn2 func(IN2, Collector[OUT])
	c   timestampedCollector[OUT]
}

func (f *coFlatMapOp[IN1, IN2, OUT]) ProcessElement1(r operator.Record[IN1]) {
	f.c.ts = r.Timestamp
	f.fn1(r.Value, &f.c)
}

func (f *coFlatMapOp[IN1, IN2, OUT]) ProcessElement2(r operator.Record[IN2]) {
	f.c.ts = r.Timestamp
	f.fn2(r.Value, &f.c)
}

// CoProcessFunction is the low-level function of connected streams (Flink's
// CoProcessFunction): it sees each element of either input with its
// timestamp, the operator's watermark, and may emit any number of results
// and side outputs (Output). It may implement Opener and Closer. Timers
// need keyed inputs: see KeyedCoProcessFunction.
type CoProcessFunction[IN1, IN2, OUT any] interface {
	ProcessElement1(v IN1, ctx *ProcessContext, out Collector[OUT]) error
	ProcessElement2(v IN2, ctx *ProcessContext, out Collector[OUT]) error
}

// CoProcessFuncs adapts two functions to CoProcessFunction.
type CoProcessFuncs[IN1, IN2, OUT any] struct {
	Element1 func(v IN1, ctx *ProcessContext, out Collector[OUT]) error
	Element2 func(v IN2, ctx *ProcessContext, out Collector[OUT]) error
}

func (f CoProcessFuncs[IN1, IN2, OUT]) ProcessElement1(v IN1, ctx *ProcessContext, out Collector[OUT]) error {
	return f.Element1(v, ctx, out)
}

func (f CoProcessFuncs[IN1, IN2, OUT]) ProcessElement2(v IN2, ctx *ProcessContext, out Collector[OUT]) error {
	return f.Element2(v, ctx, out)
}

// CoProcess applies a co-process function to connected streams.
func CoProcess[IN1, IN2, OUT any](c *ConnectedStreams[IN1, IN2], fn CoProcessFunction[IN1, IN2, OUT]) *DataStream[OUT] {
	if fn == nil {
		c.env.fail(fmt.Errorf("CoProcess: function is nil"))
	} else if f, ok := fn.(CoProcessFuncs[IN1, IN2, OUT]); ok {
		checkFuncs(c.env, "CoProcess", f.Element1 == nil, f.Element2 == nil)
	}
	return twoInput(c.env, "Co-Process", false, inputOf(c.first), inputOf(c.second), func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2] {
		return newCoProcessOp(instance(fn), out)
	})
}

func newCoProcessOp[IN1, IN2, OUT any](fn CoProcessFunction[IN1, IN2, OUT], out operator.Output[OUT]) *coProcessOp[IN1, IN2, OUT] {
	return &coProcessOp[IN1, IN2, OUT]{coWatermarks: newCoWatermarks(out), fn: fn, c: timestampedCollector[OUT]{out: out}}
}

type coProcessOp[IN1, IN2, OUT any] struct {
	coWatermarks[OUT]
	fn  CoProcessFunction[IN1, IN2, OUT]
	c   timestampedCollector[OUT]
	ctx ProcessContext
}

func (p *coProcessOp[IN1, IN2, OUT]) Open(ctx *operator.Context) error {
	p.ctx = ProcessContext{side: sideEmitter{op: ctx}, watermark: p.currentWatermark}
	return openFunction(p.fn, ctx)
}

func (p *coProcessOp[IN1, IN2, OUT]) ProcessElement1(r operator.Record[IN1]) {
	p.c.ts, p.ctx.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessElement1(r.Value, &p.ctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *coProcessOp[IN1, IN2, OUT]) ProcessElement2(r operator.Record[IN2]) {
	p.c.ts, p.ctx.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessElement2(r.Value, &p.ctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *coProcessOp[IN1, IN2, OUT]) Finish() error { return nil }
func (p *coProcessOp[IN1, IN2, OUT]) Close() error  { return closeFunction(p.fn) }
