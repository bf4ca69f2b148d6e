package datastream

import (
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/window"
)

// TaggedUnion is an element of one of two streams in a window join or
// coGroup (Flink's CoGroupedStreams.TaggedUnion): One is set for an element
// of the first stream, Two (with IsTwo) for one of the second. Assigners
// of a window join are assigners of TaggedUnion elements, e.g.
// window.TumblingEventTime[TaggedUnion[A, B]](size, 0).
type TaggedUnion[A, B any] struct {
	One   A
	Two   B
	IsTwo bool
}

// CoGroupWindows prepares a window join or coGroup of a and b on equal keys
// (Flink's a.coGroup(b).where(keyA).equalTo(keyB).window(assigner)): it
// tags the elements of both streams, unites them, keys the union by keyA
// or keyB, and windows it. Configure the result (Trigger, Evictor,
// AllowedLateness) and finish it with WindowJoinApply, WindowFlatJoinApply
// or WindowCoGroupApply; WindowJoin and WindowCoGroup do all at once. The
// key type needs a default codec (see KeyBy).
func CoGroupWindows[A, B any, K comparable, W window.Window](a *DataStream[A], b *DataStream[B], keyA func(A) K, keyB func(B) K,
	assigner window.Assigner[TaggedUnion[A, B], W]) *WindowedStream[TaggedUnion[A, B], K, W] {
	env := a.env
	if b.env != env {
		env.fail(errors.New("window join: the streams belong to different environments"))
	}
	if keyA == nil || keyB == nil {
		env.fail(errors.New("window join: key selector is nil"))
	}
	codec, err := serde.For[K]()
	if err != nil {
		env.fail(fmt.Errorf("window join: %w", err))
	}
	one := Map(a, func(v A) TaggedUnion[A, B] { return TaggedUnion[A, B]{One: v} })
	two := Map(b, func(v B) TaggedUnion[A, B] { return TaggedUnion[A, B]{Two: v, IsTwo: true} })
	key := func(t TaggedUnion[A, B]) K {
		if t.IsTwo {
			return keyB(t.Two)
		}
		return keyA(t.One)
	}
	return Window(KeyByCodec(one.Union(two), key, codec), assigner)
}

// WindowJoin joins a and b in windows (Flink's
// a.join(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)): when a
// window of a key fires, fn is called for every pair of an element of a
// and an element of b in it (their cross product, a's elements in the
// outer loop, both in arrival order), each result with timestamp
// window.MaxTimestamp(). A window with no element of one side emits
// nothing.
func WindowJoin[A, B any, K comparable, W window.Window, OUT any](a *DataStream[A], b *DataStream[B], keyA func(A) K, keyB func(B) K,
	assigner window.Assigner[TaggedUnion[A, B], W], fn func(A, B) OUT) *DataStream[OUT] {
	return WindowJoinApply(CoGroupWindows(a, b, keyA, keyB, assigner), fn)
}

// WindowCoGroup coGroups a and b in windows (Flink's
// a.coGroup(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)): when
// a window of a key fires, fn gets all elements of a and all elements of b
// in it (one side may be empty), in arrival order.
func WindowCoGroup[A, B any, K comparable, W window.Window, OUT any](a *DataStream[A], b *DataStream[B], keyA func(A) K, keyB func(B) K,
	assigner window.Assigner[TaggedUnion[A, B], W], fn func(as []A, bs []B, out Collector[OUT]) error) *DataStream[OUT] {
	return WindowCoGroupApply(CoGroupWindows(a, b, keyA, keyB, assigner), fn)
}

// WindowJoinApply finishes CoGroupWindows with a join function; see
// WindowJoin.
func WindowJoinApply[A, B any, K comparable, W window.Window, OUT any](ws *WindowedStream[TaggedUnion[A, B], K, W], fn func(A, B) OUT) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowJoin: join function is nil")
	}
	return windowCoGroup(ws, "WindowJoin", func(as []A, bs []B, out Collector[OUT]) error {
		for _, a := range as {
			for _, b := range bs {
				out.Collect(fn(a, b))
			}
		}
		return nil
	})
}

// WindowFlatJoinApply finishes CoGroupWindows with a join function that
// emits any number of results per pair (Flink's FlatJoinFunction).
func WindowFlatJoinApply[A, B any, K comparable, W window.Window, OUT any](ws *WindowedStream[TaggedUnion[A, B], K, W],
	fn func(a A, b B, out Collector[OUT]) error) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowFlatJoin: join function is nil")
	}
	return windowCoGroup(ws, "WindowFlatJoin", func(as []A, bs []B, out Collector[OUT]) error {
		for _, a := range as {
			for _, b := range bs {
				if err := fn(a, b, out); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WindowCoGroupApply finishes CoGroupWindows with a coGroup function; see
// WindowCoGroup.
func WindowCoGroupApply[A, B any, K comparable, W window.Window, OUT any](ws *WindowedStream[TaggedUnion[A, B], K, W],
	fn func(as []A, bs []B, out Collector[OUT]) error) *DataStream[OUT] {
	if fn == nil {
		ws.fail("WindowCoGroup: coGroup function is nil")
	}
	return windowCoGroup(ws, "WindowCoGroup", fn)
}

func windowCoGroup[A, B any, K comparable, W window.Window, OUT any](ws *WindowedStream[TaggedUnion[A, B], K, W], name string,
	fn func(as []A, bs []B, out Collector[OUT]) error) *DataStream[OUT] {
	newFn := func() ProcessWindowFunction[TaggedUnion[A, B], OUT, K, W] {
		return &coGroupFunction[A, B, K, W, OUT]{fn: fn}
	}
	return addWindowOperator(ws, name, keylessFunction(&coGroupFunction[A, B, K, W, OUT]{}), nil, listing(newFn), newFn)
}

// coGroupFunction splits a window's tagged elements by side and calls the
// coGroup function (Flink's CoGroupWindowFunction). One per operator
// instance: it reuses its slices.
type coGroupFunction[A, B any, K comparable, W window.Window, OUT any] struct {
	fn func(as []A, bs []B, out Collector[OUT]) error
	as []A
	bs []B
}

func (c *coGroupFunction[A, B, K, W, OUT]) keyless() {}

func (c *coGroupFunction[A, B, K, W, OUT]) Process(_ K, _ *WindowContext[W], elements []TaggedUnion[A, B], out Collector[OUT]) error {
	as, bs := c.as[:0], c.bs[:0]
	for i := range elements {
		if elements[i].IsTwo {
			bs = append(bs, elements[i].Two)
		} else {
			as = append(as, elements[i].One)
		}
	}
	err := c.fn(as, bs, out)
	clear(as)
	clear(bs)
	c.as, c.bs = as[:0], bs[:0]
	return err
}
