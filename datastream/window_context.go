package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// ProcessWindowFunction evaluates a window when its trigger fires, as
// Flink's ProcessWindowFunction: it gets the key, a context that knows the
// window, and the window's elements, and emits any number of results. Every
// result (and every side output it emits with Output) carries the timestamp
// window.MaxTimestamp().
//
// elements holds the window's contents: all of its elements (WindowProcess,
// or any window with an Evictor, after EvictBefore) or the single result of
// the incremental aggregation (WindowReduceProcess, WindowAggregateProcess).
// The slice and ctx are valid only during the call and must not be retained
// or modified.
//
// The function may implement Opener (its RuntimeContext gives keyed state
// that is global to the key, Flink's globalState) and Closer, and
// WindowClearer to drop per-window state when a window is cleaned up. One
// function value serves every subtask of the operator, as with
// KeyedProcessFunction: keep per-subtask fields out of it, or set them in
// Open.
type ProcessWindowFunction[IN, OUT any, K comparable, W window.Window] interface {
	Process(key K, ctx *WindowContext[W], elements []IN, out Collector[OUT]) error
}

// ProcessWindowFunc adapts a function to ProcessWindowFunction.
type ProcessWindowFunc[IN, OUT any, K comparable, W window.Window] func(key K, ctx *WindowContext[W], elements []IN, out Collector[OUT]) error

// Process calls f.
func (f ProcessWindowFunc[IN, OUT, K, W]) Process(key K, ctx *WindowContext[W], elements []IN, out Collector[OUT]) error {
	return f(key, ctx, elements, out)
}

// WindowClearer is implemented by a ProcessWindowFunction that keeps
// per-window state (WindowValueState and friends): Clear is called when a
// window is cleaned up (at its cleanup time, window.MaxTimestamp() plus the
// allowed lateness), with the context of that window, so the function can
// clear that state (Flink's ProcessWindowFunction.clear).
type WindowClearer[K comparable, W window.Window] interface {
	Clear(key K, ctx *WindowContext[W]) error
}

// WindowFunc is the simpler window function of WindowApply (Flink's
// WindowFunction): the key, the window and its elements.
type WindowFunc[IN, OUT any, K comparable, W window.Window] func(key K, w W, elements []IN, out Collector[OUT]) error

// windowTime is the operator's side of a WindowContext.
type windowTime interface {
	CurrentWatermark() int64
	CurrentProcessingTime() int64
}

// WindowContext is the context of a ProcessWindowFunction call: the window
// being evaluated, the operator's time, side outputs (Output(ctx, tag, v),
// with timestamp window.MaxTimestamp()) and per-window keyed state
// (WindowValueState and friends). It is valid only during the call.
type WindowContext[W window.Window] struct {
	side    sideEmitter
	window  W
	time    windowTime
	backend statebackend.Keyed
	codec   serde.Codec[W]
	// states holds the per-window state handles by name.
	states map[string]any
}

func (c *WindowContext[W]) sideEmitter() *sideEmitter { return &c.side }

// Window returns the window being evaluated.
func (c *WindowContext[W]) Window() W { return c.window }

// CurrentWatermark returns the operator's current event time.
func (c *WindowContext[W]) CurrentWatermark() int64 { return c.time.CurrentWatermark() }

// CurrentProcessingTime returns the processing time in epoch milliseconds.
func (c *WindowContext[W]) CurrentProcessingTime() int64 { return c.time.CurrentProcessingTime() }

// set prepares the context for a call on window w.
func (c *WindowContext[W]) set(w W) {
	c.window = w
	c.side.ts = w.MaxTimestamp()
}

// WindowValueState returns the ValueState described by d, scoped to the
// current key and to the window of ctx (Flink's windowState()). The handle is
// valid only during the current call; get it again in the next one. Clear
// it in WindowClearer.Clear, or it outlives the window.
func WindowValueState[T any, W window.Window](ctx *WindowContext[W], d state.ValueDescriptor[T]) (state.ValueState[T], error) {
	return perWindowState(ctx, d, statebackend.NewValue[W, T])
}

// WindowListState returns the ListState described by d, scoped to the
// current key and the window of ctx; see WindowValueState.
func WindowListState[T any, W window.Window](ctx *WindowContext[W], d state.ListDescriptor[T]) (state.ListState[T], error) {
	return perWindowState(ctx, d, statebackend.NewList[W, T])
}

// WindowMapState returns the MapState described by d, scoped to the current
// key and the window of ctx; see WindowValueState.
func WindowMapState[K comparable, V any, W window.Window](ctx *WindowContext[W], d state.MapDescriptor[K, V]) (state.MapState[K, V], error) {
	return perWindowState(ctx, d, statebackend.NewMap[W, K, V])
}

// WindowReducingState returns the ReducingState described by d, scoped to
// the current key and the window of ctx; see WindowValueState.
func WindowReducingState[T any, W window.Window](ctx *WindowContext[W], d state.ReducingDescriptor[T]) (state.ReducingState[T], error) {
	return perWindowState(ctx, d, statebackend.NewReducing[W, T])
}

// WindowAggregatingState returns the AggregatingState described by d,
// scoped to the current key and the window of ctx; see WindowValueState.
func WindowAggregatingState[IN, ACC, OUT any, W window.Window](ctx *WindowContext[W], d state.AggregatingDescriptor[IN, ACC, OUT]) (state.AggregatingState[IN, OUT], error) {
	return perWindowState(ctx, d, statebackend.NewAggregating[W, IN, ACC, OUT])
}

// perWindowState returns the handle named d.StateName(), creating it with
// create on first use, in the namespace of the context's window.
func perWindowState[D state.Descriptor, H statebackend.Namespaced[W], W window.Window](
	ctx *WindowContext[W], d D, create func(statebackend.Keyed, D, serde.Codec[W]) (H, error)) (H, error) {
	var zero H
	name := d.StateName()
	if h, ok := ctx.states[name]; ok {
		typed, ok := h.(H)
		if !ok {
			return zero, fmt.Errorf("per-window state %q is already used as %T, not %T", name, h, zero)
		}
		typed.SetNamespace(ctx.window)
		return typed, nil
	}
	if ctx.backend == nil {
		return zero, fmt.Errorf("per-window state %q: the window operator is not keyed", name)
	}
	h, err := create(ctx.backend, d, ctx.codec)
	if err != nil {
		return zero, fmt.Errorf("per-window state %q: %w", name, err)
	}
	if ctx.states == nil {
		ctx.states = make(map[string]any)
	}
	ctx.states[name] = h
	h.SetNamespace(ctx.window)
	return h, nil
}

// passThrough is the window function of WindowReduce and WindowAggregate:
// it emits the aggregate as it is.
type passThrough[T any, K comparable, W window.Window] struct{}

func (passThrough[T, K, W]) Process(_ K, _ *WindowContext[W], elements []T, out Collector[T]) error {
	for _, e := range elements {
		out.Collect(e)
	}
	return nil
}

// applyFunction adapts a WindowFunc to ProcessWindowFunction.
type applyFunction[IN, OUT any, K comparable, W window.Window] struct {
	fn WindowFunc[IN, OUT, K, W]
}

func (a applyFunction[IN, OUT, K, W]) Process(key K, ctx *WindowContext[W], elements []IN, out Collector[OUT]) error {
	return a.fn(key, ctx.window, elements, out)
}

// reduceApply reduces all elements of a window, then hands the result to
// the window function: the evaluation of WindowReduce(Process) on an
// evicting window, which keeps every element (Flink's
// ReduceApplyProcessWindowFunction). A window left empty by its evictor
// emits nothing.
type reduceApply[T, OUT any, K comparable, W window.Window] struct {
	reduce func(a, b T) T
	fn     ProcessWindowFunction[T, OUT, K, W]
	one    []T
}

func (r *reduceApply[T, OUT, K, W]) Process(key K, ctx *WindowContext[W], elements []T, out Collector[OUT]) error {
	if len(elements) == 0 {
		return nil
	}
	acc := elements[0]
	for _, e := range elements[1:] {
		acc = r.reduce(acc, e)
	}
	r.one = append(r.one[:0], acc)
	err := r.fn.Process(key, ctx, r.one, out)
	clear(r.one)
	return err
}

// aggregateApply aggregates all elements of a window into a new
// accumulator, then hands the result to the window function (Flink's
// AggregateApplyProcessWindowFunction). A window left empty by its evictor
// emits the result of an empty accumulator, as Flink.
type aggregateApply[T, ACC, R, OUT any, K comparable, W window.Window] struct {
	agg state.AggregateFunction[T, ACC, R]
	fn  ProcessWindowFunction[R, OUT, K, W]
	one []R
}

func (a *aggregateApply[T, ACC, R, OUT, K, W]) Process(key K, ctx *WindowContext[W], elements []T, out Collector[OUT]) error {
	acc := a.agg.CreateAccumulator()
	for _, e := range elements {
		acc = a.agg.Add(e, acc)
	}
	a.one = append(a.one[:0], a.agg.Result(acc))
	err := a.fn.Process(key, ctx, a.one, out)
	clear(a.one)
	return err
}

// keylessFunction marks the built-in window functions that ignore the key.
type keylessFunction interface{ keyless() }

func (passThrough[T, K, W]) keyless() {}
