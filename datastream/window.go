package datastream

import (
	"errors"
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// WindowedStream is a keyed stream split into windows by an assigner, as
// Flink's WindowedStream: configure it with Trigger, Evictor,
// AllowedLateness and SideOutputLateData, then evaluate it with
// WindowReduce, WindowAggregate, WindowProcess (or their variants), which
// add the window operator. The methods change and return the same
// WindowedStream. Mistakes are reported by Execute, as for every
// transformation.
//
// The semantics are Flink's: windows are [start, end); an event-time window
// fires when the watermark reaches window.MaxTimestamp() (with the default
// trigger) and every result carries that timestamp; an element whose windows
// are all past their cleanup time (MaxTimestamp + allowed lateness <=
// watermark) is late: it is dropped, or sent to the late-data side output.
type WindowedStream[T any, K comparable, W window.Window] struct {
	keyed    *KeyedStream[T, K]
	assigner window.Assigner[T, W]
	trigger  window.Trigger[T, W]
	evictor  window.Evictor[T, W]
	lateness int64
	lateTag  string
	// all marks a WindowAll stream: its operator runs with parallelism 1.
	all bool
}

// Window splits a keyed stream into windows assigned by a (Flink's
// KeyedStream.window). The trigger is a's default trigger until Trigger
// sets another.
func Window[T any, K comparable, W window.Window](k *KeyedStream[T, K], a window.Assigner[T, W]) *WindowedStream[T, K, W] {
	ws := &WindowedStream[T, K, W]{keyed: k, assigner: a}
	if a == nil {
		k.env.fail(errors.New("Window: window assigner is nil"))
		return ws
	}
	ws.trigger = a.DefaultTrigger()
	return ws
}

// AllWindowKey is the key of the stream of WindowAll: every element has the
// key 0, as Flink's NullByteKeySelector.
type AllWindowKey uint8

// WindowAll splits a non-keyed stream into windows (Flink's
// DataStream.windowAll / AllWindowedStream): the stream is keyed by the
// constant AllWindowKey(0) and the window operator runs with parallelism
// 1, so every element of a window meets in one subtask.
func WindowAll[T any, W window.Window](s *DataStream[T], a window.Assigner[T, W]) *WindowedStream[T, AllWindowKey, W] {
	k := KeyByCodec(s, func(T) AllWindowKey { return 0 }, serde.MustFor[AllWindowKey]())
	ws := Window(k, a)
	ws.all = true
	return ws
}

func (ws *WindowedStream[T, K, W]) fail(format string, args ...any) {
	ws.keyed.env.fail(fmt.Errorf(format, args...))
}

func (ws *WindowedStream[T, K, W]) merging() bool {
	_, ok := ws.assigner.(window.WindowMerger[W])
	return ok
}

// Trigger sets the trigger that decides when windows fire and purge. A
// merging assigner (sessions) needs a trigger that can merge.
func (ws *WindowedStream[T, K, W]) Trigger(t window.Trigger[T, W]) *WindowedStream[T, K, W] {
	switch {
	case t == nil:
		ws.fail("Window Trigger: trigger is nil")
	case ws.merging() && !t.CanMerge():
		ws.fail("Window Trigger: a merging window assigner (%v) cannot be used with a trigger that does not support merging (%v)", ws.assigner, t)
	default:
		ws.trigger = t
	}
	return ws
}

// Evictor sets an evictor. With an evictor the operator keeps every element
// of a window (no incremental aggregation, as in Flink) and runs the
// evictor before and after the window function.
func (ws *WindowedStream[T, K, W]) Evictor(e window.Evictor[T, W]) *WindowedStream[T, K, W] {
	if e == nil {
		ws.fail("Window Evictor: evictor is nil")
		return ws
	}
	ws.evictor = e
	return ws
}

// AllowedLateness sets how long after a window's end (in event time) its
// state is kept: elements arriving until the watermark passes
// MaxTimestamp + lateness are added and may fire the window again (the
// default trigger fires at once for each); later ones are late. lateness
// is truncated to milliseconds and must not be negative. Only event-time
// windows have lateness: setting a positive one on a processing-time
// assigner is an error.
func (ws *WindowedStream[T, K, W]) AllowedLateness(lateness time.Duration) *WindowedStream[T, K, W] {
	ms, err := window.AllowedLateness(lateness)
	switch {
	case err != nil:
		ws.fail("Window AllowedLateness: %w", err)
	case ms > 0 && ws.assigner != nil && !ws.assigner.IsEventTime():
		ws.fail("Window AllowedLateness: setting the allowed lateness is only valid for event-time windows, %v is not", ws.assigner)
	default:
		ws.lateness = ms
	}
	return ws
}

// SideOutputLateData sends late elements (see WindowedStream) to the side
// output tag instead of dropping them; get that stream with SideOutput on
// the window's result. Elements go out with their own timestamps.
func (ws *WindowedStream[T, K, W]) SideOutputLateData(tag OutputTag[T]) *WindowedStream[T, K, W] {
	if tag.id == "" {
		ws.fail("Window SideOutputLateData: the output tag has no id (use NewOutputTag)")
		return ws
	}
	ws.lateTag = tag.id
	return ws
}

// WindowReduce evaluates each window to the reduction of its elements with
// fn, incrementally (one value per window is kept), as Flink's
// WindowedStream.reduce. The result carries window.MaxTimestamp().
func WindowReduce[T any, K comparable, W window.Window](ws *WindowedStream[T, K, W], fn func(a, b T) T) *DataStream[T] {
	return windowReduce(ws, "WindowReduce", fn, ProcessWindowFunction[T, T, K, W](passThrough[T, K, W]{}), nil)
}

// WindowReduceProcess reduces each window incrementally with reduce and,
// when the window fires, calls fn with the single reduced value and the
// window (Flink's reduce(ReduceFunction, ProcessWindowFunction)).
func WindowReduceProcess[T any, K comparable, W window.Window, OUT any](ws *WindowedStream[T, K, W], reduce func(a, b T) T,
	fn ProcessWindowFunction[T, OUT, K, W]) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowReduceProcess: process window function is nil")
	}
	return windowReduce(ws, "WindowReduceProcess", reduce, fn, fn)
}

func windowReduce[T any, K comparable, W window.Window, OUT any](ws *WindowedStream[T, K, W], name string, reduce func(a, b T) T,
	fn ProcessWindowFunction[T, OUT, K, W], udf any) *DataStream[OUT] {
	if reduce == nil {
		ws.fail("%s: reduce function is nil", name)
	}
	return addWindowOperator(ws, name, fn, udf, reducing(reduce, fn), func() ProcessWindowFunction[T, OUT, K, W] {
		return &reduceApply[T, OUT, K, W]{reduce: reduce, fn: fn}
	})
}

// WindowAggregate evaluates each window to the result of agg over its
// elements, aggregating incrementally (one accumulator per window), as
// Flink's WindowedStream.aggregate.
func WindowAggregate[T any, K comparable, W window.Window, ACC, R any](ws *WindowedStream[T, K, W], agg state.AggregateFunction[T, ACC, R]) *DataStream[R] {
	return windowAggregate(ws, "WindowAggregate", agg, ProcessWindowFunction[R, R, K, W](passThrough[R, K, W]{}), nil)
}

// WindowAggregateProcess aggregates each window incrementally with agg and,
// when the window fires, calls fn with the single result and the window
// (Flink's aggregate(AggregateFunction, ProcessWindowFunction)).
func WindowAggregateProcess[T any, K comparable, W window.Window, ACC, R, OUT any](ws *WindowedStream[T, K, W],
	agg state.AggregateFunction[T, ACC, R], fn ProcessWindowFunction[R, OUT, K, W]) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowAggregateProcess: process window function is nil")
	}
	return windowAggregate(ws, "WindowAggregateProcess", agg, fn, fn)
}

func windowAggregate[T any, K comparable, W window.Window, ACC, R, OUT any](ws *WindowedStream[T, K, W], name string,
	agg state.AggregateFunction[T, ACC, R], fn ProcessWindowFunction[R, OUT, K, W], udf any) *DataStream[OUT] {
	if agg == nil {
		ws.fail("%s: aggregate function is nil", name)
	}
	return addWindowOperator(ws, name, fn, udf, aggregating(agg, fn), func() ProcessWindowFunction[T, OUT, K, W] {
		return &aggregateApply[T, ACC, R, OUT, K, W]{agg: agg, fn: fn}
	})
}

// WindowProcess buffers every element of each window and calls fn with all
// of them when the window fires (Flink's WindowedStream.process).
func WindowProcess[T any, K comparable, W window.Window, OUT any](ws *WindowedStream[T, K, W], fn ProcessWindowFunction[T, OUT, K, W]) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowProcess: process window function is nil")
	}
	newFn := func() ProcessWindowFunction[T, OUT, K, W] { return fn }
	return addWindowOperator(ws, "WindowProcess", fn, fn, listing(newFn), newFn)
}

// WindowApply buffers every element of each window and calls fn with the
// key, the window and the elements when it fires (Flink's
// WindowedStream.apply with a WindowFunction).
func WindowApply[T any, K comparable, W window.Window, OUT any](ws *WindowedStream[T, K, W], fn WindowFunc[T, OUT, K, W]) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowApply: window function is nil")
	}
	newFn := func() ProcessWindowFunction[T, OUT, K, W] { return applyFunction[T, OUT, K, W]{fn: fn} }
	return addWindowOperator(ws, "WindowApply", fn, nil, listing(newFn), newFn)
}

// addWindowOperator adds the window operator of ws. fn is the window
// function the user sees (a keyless one lets timers skip decoding the key),
// udf the user function to open, close and clear (nil if none), contents
// the contents without evictor, and newEvicting creates, per subtask, the
// function over all of a window's elements used with an evictor.
func addWindowOperator[T any, K comparable, W window.Window, OUT any](ws *WindowedStream[T, K, W], name string,
	fn any, udf any, contents contentsFactory[T, K, W, OUT],
	newEvicting func() ProcessWindowFunction[T, OUT, K, W]) *DataStream[OUT] {
	if ws.assigner != nil && ws.trigger == nil {
		ws.fail("%s: window assigner %v has no default trigger; set one with Trigger", name, ws.assigner)
	}
	if ws.assigner != nil && ws.trigger != nil && ws.merging() && !ws.trigger.CanMerge() {
		ws.fail("%s: a merging window assigner (%v) cannot be used with a trigger that does not support merging (%v)", name, ws.assigner, ws.trigger)
	}
	_, keyless := fn.(keylessFunction)
	clearer, _ := udf.(WindowClearer[K, W])
	spec := windowSpec[T, K, W]{
		key: ws.keyed.key, codec: ws.keyed.codec,
		assigner: ws.assigner, trigger: ws.trigger, evictor: ws.evictor,
		lateness: ws.lateness, lateTag: ws.lateTag,
	}
	if spec.evictor != nil {
		contents = evicting(spec.evictor, newEvicting)
	}
	opName := ws.operatorName(name)
	s := keyedOneInput(ws.keyed, opName, func(out operator.Output[OUT]) operator.OneInput[T] {
		return newWindowOperator(spec, out, contents, !keyless, udf, clearer)
	})
	if ws.all {
		s.node.NonParallel = true
		s.node.Parallelism = 1
	}
	return s
}

// operatorName names the operator as Flink does, shortened:
// "Window(assigner, trigger[, evictor], function)", "AllWindow(...)" for
// WindowAll.
func (ws *WindowedStream[T, K, W]) operatorName(fn string) string {
	prefix := "Window"
	if ws.all {
		prefix = "AllWindow"
	}
	if ws.evictor != nil {
		return fmt.Sprintf("%s(%v, %v, %v, %s)", prefix, ws.assigner, ws.trigger, ws.evictor, fn)
	}
	return fmt.Sprintf("%s(%v, %v, %s)", prefix, ws.assigner, ws.trigger, fn)
}
