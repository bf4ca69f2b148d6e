package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// contentsStateName is the name of the keyed state holding the contents of
// windows (Flink's "window-contents"); its namespace is the state window.
const contentsStateName = "window-contents"

// windowContents is the keyed state that holds the contents of every window
// of the current key, one namespace per state window, together with the
// window function that evaluates them. Implementations differ in what they
// keep: a reduced value, an accumulator, every element, or every element
// with its timestamp for evictors.
type windowContents[T any, W window.Window] interface {
	// setWindow sets the state window the other methods act on.
	setWindow(w W)
	add(v T, ts int64)
	// fire evaluates the window function on the contents of the state
	// window for the (actual) window w and emits the results with timestamp
	// w.MaxTimestamp(). It reports false, emitting nothing, if the state
	// window has no contents (Flink's "contents == null").
	fire(w W) bool
	clear()
	// merge merges the contents of the state windows sources into target
	// and clears the sources.
	merge(target W, sources []W)
}

// contentsFactory creates the contents of one operator instance.
type contentsFactory[T any, K comparable, W window.Window, OUT any] func(
	ctx *operator.Context, codec serde.Codec[W], em *windowEmitter[K, W, OUT]) (windowContents[T, W], error)

// windowEmitter is what every contents needs to call its window function:
// the key, the reusable context and the collector stamping
// window.MaxTimestamp().
type windowEmitter[K comparable, W window.Window, OUT any] struct {
	keys *operator.KeyContext[K]
	ctx  WindowContext[W]
	coll timestampedCollector[OUT]
	// needKey is false when the window function ignores the key, so timers
	// need not decode it.
	needKey bool
}

// emitWindow calls fn on the elements of window w.
func emitWindow[IN, OUT any, K comparable, W window.Window](em *windowEmitter[K, W, OUT], fn ProcessWindowFunction[IN, OUT, K, W], w W, elems []IN) {
	em.ctx.set(w)
	em.coll.ts = w.MaxTimestamp()
	var key K
	if em.needKey {
		key = em.keys.Current()
	}
	if err := fn.Process(key, &em.ctx, elems, &em.coll); err != nil {
		operator.Fail(fmt.Errorf("window function on window %v: %w", w, err))
	}
}

// reducingContents keeps the reduction of a window's elements (Flink's
// ReducingState contents).
type reducingContents[T any, K comparable, W window.Window, OUT any] struct {
	st  statebackend.Reducing[W, T]
	fn  ProcessWindowFunction[T, OUT, K, W]
	em  *windowEmitter[K, W, OUT]
	one []T
}

func reducing[T any, K comparable, W window.Window, OUT any](reduce func(a, b T) T, fn ProcessWindowFunction[T, OUT, K, W]) contentsFactory[T, K, W, OUT] {
	return func(ctx *operator.Context, codec serde.Codec[W], em *windowEmitter[K, W, OUT]) (windowContents[T, W], error) {
		st, err := statebackend.NewReducing(ctx.Keyed, state.Reducing(contentsStateName, reduce), codec)
		if err != nil {
			return nil, err
		}
		return &reducingContents[T, K, W, OUT]{st: st, fn: fn, em: em, one: make([]T, 1)}, nil
	}
}

func (c *reducingContents[T, K, W, OUT]) setWindow(w W)    { c.st.SetNamespace(w) }
func (c *reducingContents[T, K, W, OUT]) add(v T, _ int64) { c.st.Add(v) }
func (c *reducingContents[T, K, W, OUT]) clear()           { c.st.Clear() }
func (c *reducingContents[T, K, W, OUT]) merge(target W, sources []W) {
	c.st.MergeNamespaces(target, sources)
}

func (c *reducingContents[T, K, W, OUT]) fire(w W) bool {
	v, ok := c.st.Get()
	if !ok {
		return false
	}
	c.one[0] = v
	emitWindow(c.em, c.fn, w, c.one)
	clear(c.one)
	return true
}

// aggregatingContents keeps an accumulator per window (Flink's
// AggregatingState contents); the window function sees its result.
type aggregatingContents[T, R any, K comparable, W window.Window, OUT any] struct {
	st  statebackend.Aggregating[W, T, R]
	fn  ProcessWindowFunction[R, OUT, K, W]
	em  *windowEmitter[K, W, OUT]
	one []R
}

func aggregating[T, ACC, R any, K comparable, W window.Window, OUT any](agg state.AggregateFunction[T, ACC, R], fn ProcessWindowFunction[R, OUT, K, W]) contentsFactory[T, K, W, OUT] {
	return func(ctx *operator.Context, codec serde.Codec[W], em *windowEmitter[K, W, OUT]) (windowContents[T, W], error) {
		st, err := statebackend.NewAggregating(ctx.Keyed, state.Aggregating(contentsStateName, agg), codec)
		if err != nil {
			return nil, err
		}
		return &aggregatingContents[T, R, K, W, OUT]{st: st, fn: fn, em: em, one: make([]R, 1)}, nil
	}
}

func (c *aggregatingContents[T, R, K, W, OUT]) setWindow(w W)    { c.st.SetNamespace(w) }
func (c *aggregatingContents[T, R, K, W, OUT]) add(v T, _ int64) { c.st.Add(v) }
func (c *aggregatingContents[T, R, K, W, OUT]) clear()           { c.st.Clear() }
func (c *aggregatingContents[T, R, K, W, OUT]) merge(target W, sources []W) {
	c.st.MergeNamespaces(target, sources)
}

func (c *aggregatingContents[T, R, K, W, OUT]) fire(w W) bool {
	r, ok := c.st.Get()
	if !ok {
		return false
	}
	c.one[0] = r
	emitWindow(c.em, c.fn, w, c.one)
	clear(c.one)
	return true
}

// listContents keeps every element of a window (Flink's ListState
// contents, for process and apply functions).
type listContents[T any, K comparable, W window.Window, OUT any] struct {
	st statebackend.List[W, T]
	fn ProcessWindowFunction[T, OUT, K, W]
	em *windowEmitter[K, W, OUT]
}

// listing keeps every element; newFn creates the window function of each
// operator instance.
func listing[T any, K comparable, W window.Window, OUT any](newFn func() ProcessWindowFunction[T, OUT, K, W]) contentsFactory[T, K, W, OUT] {
	return func(ctx *operator.Context, codec serde.Codec[W], em *windowEmitter[K, W, OUT]) (windowContents[T, W], error) {
		st, err := statebackend.NewList(ctx.Keyed, state.List[T](contentsStateName), codec)
		if err != nil {
			return nil, err
		}
		return &listContents[T, K, W, OUT]{st: st, fn: newFn(), em: em}, nil
	}
}

func (c *listContents[T, K, W, OUT]) setWindow(w W)    { c.st.SetNamespace(w) }
func (c *listContents[T, K, W, OUT]) add(v T, _ int64) { c.st.Add(v) }
func (c *listContents[T, K, W, OUT]) clear()           { c.st.Clear() }
func (c *listContents[T, K, W, OUT]) merge(target W, sources []W) {
	c.st.MergeNamespaces(target, sources)
}

func (c *listContents[T, K, W, OUT]) fire(w W) bool {
	elems := c.st.Get()
	if len(elems) == 0 {
		return false
	}
	emitWindow(c.em, c.fn, w, elems)
	return true
}

// evictingContents keeps every element with its timestamp and applies the
// evictor around the window function, as Flink's EvictingWindowOperator:
// EvictBefore, the function on what is kept, EvictAfter, and what is left
// becomes the window's contents.
type evictingContents[T any, K comparable, W window.Window, OUT any] struct {
	st      statebackend.List[W, window.Timestamped[T]]
	evictor window.Evictor[T, W]
	ectx    window.EvictorContext
	fn      ProcessWindowFunction[T, OUT, K, W]
	em      *windowEmitter[K, W, OUT]
	// scratch, reused across firings
	elems  []window.Timestamped[T]
	values []T
}

func evicting[T any, K comparable, W window.Window, OUT any](evictor window.Evictor[T, W], newFn func() ProcessWindowFunction[T, OUT, K, W]) contentsFactory[T, K, W, OUT] {
	return func(ctx *operator.Context, codec serde.Codec[W], em *windowEmitter[K, W, OUT]) (windowContents[T, W], error) {
		st, err := statebackend.NewList(ctx.Keyed, state.List[window.Timestamped[T]](contentsStateName), codec)
		if err != nil {
			return nil, err
		}
		return &evictingContents[T, K, W, OUT]{st: st, evictor: evictor, ectx: em.ctx.time, fn: newFn(), em: em}, nil
	}
}

func (c *evictingContents[T, K, W, OUT]) setWindow(w W) { c.st.SetNamespace(w) }
func (c *evictingContents[T, K, W, OUT]) add(v T, ts int64) {
	c.st.Add(window.Timestamped[T]{Value: v, Timestamp: ts})
}
func (c *evictingContents[T, K, W, OUT]) clear() { c.st.Clear() }
func (c *evictingContents[T, K, W, OUT]) merge(target W, sources []W) {
	c.st.MergeNamespaces(target, sources)
}

func (c *evictingContents[T, K, W, OUT]) fire(w W) bool {
	stored := c.st.Get()
	if len(stored) == 0 {
		return false
	}
	n := len(stored)
	// Evictors compact in place: work on a copy, never on the state's slice.
	elems := append(c.elems[:0], stored...)
	elems = c.evictor.EvictBefore(elems, len(elems), w, c.ectx)
	values := c.values[:0]
	for i := range elems {
		values = append(values, elems[i].Value)
	}
	emitWindow(c.em, c.fn, w, values)
	clear(values)
	c.values = values[:0]
	elems = c.evictor.EvictAfter(elems, len(elems), w, c.ectx)
	if len(elems) != n {
		// Update copies; an empty slice clears the window.
		c.st.Update(elems)
	}
	clear(elems)
	c.elems = elems[:0]
	return true
}
