package graph

import (
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
)

// TypeOps builds the typed runtime pieces for one element type, behind an
// untyped interface so the graph and the scheduler need no type parameters.
// Values typed `any` below are, for element type T: *exchange.Channel[T],
// operator.Input[T], operator.Output[T] and exchange.Selector[T].
type TypeOps interface {
	NewChannel(credits int, notify chan struct{}) any
	NewWriter(chans []any, selector any, batchSize int, done <-chan struct{}) (output any, w task.Flusher)
	NewSelector(k exchange.Kind, producer, n int) any
	NewGate(chans []any, input any, watermark *int64) task.Poller
	Chained(next any, cursor *int, index int, watermark *int64) any
	FanOut(outputs []any) any
	Discard() any
}

// Type returns the TypeOps of T.
func Type[T any]() TypeOps { return typeOps[T]{} }

type typeOps[T any] struct{}

func (typeOps[T]) NewChannel(credits int, notify chan struct{}) any {
	return exchange.NewChannel[T](credits, notify)
}

func (typeOps[T]) NewWriter(chans []any, selector any, batchSize int, done <-chan struct{}) (any, task.Flusher) {
	cs := make([]*exchange.Channel[T], len(chans))
	for i, c := range chans {
		cs[i] = c.(*exchange.Channel[T])
	}
	var sel exchange.Selector[T]
	if selector != nil {
		sel = selector.(exchange.Selector[T])
	}
	w := exchange.NewWriter(cs, sel, batchSize, done)
	return operator.Output[T](w), w
}

func (typeOps[T]) NewSelector(k exchange.Kind, producer, n int) any {
	return exchange.NewSelector[T](k, producer, n)
}

func (typeOps[T]) NewGate(chans []any, input any, watermark *int64) task.Poller {
	cs := make([]*exchange.Channel[T], len(chans))
	for i, c := range chans {
		cs[i] = c.(*exchange.Channel[T])
	}
	g := exchange.NewGate(cs, input.(operator.Input[T]))
	g.TrackWatermark(watermark)
	return g
}

func (typeOps[T]) Chained(next any, cursor *int, index int, watermark *int64) any {
	return operator.Output[T](&chained[T]{next: next.(operator.Input[T]), cursor: cursor, index: index, watermark: watermark})
}

func (typeOps[T]) FanOut(outputs []any) any {
	switch len(outputs) {
	case 0:
		return operator.Output[T](operator.Discard[T]{})
	case 1:
		return outputs[0]
	}
	outs := make([]operator.Output[T], len(outputs))
	for i, o := range outputs {
		outs[i] = o.(operator.Output[T])
	}
	return operator.Output[T](fanOut[T](outs))
}

func (typeOps[T]) Discard() any { return operator.Output[T](operator.Discard[T]{}) }

// chained calls the next operator of the chain directly, keeping the task's
// cursor on the operator that runs so a failure names it.
type chained[T any] struct {
	next      operator.Input[T]
	cursor    *int
	index     int
	watermark *int64 // the next operator's input watermark
}

func (c *chained[T]) Collect(r operator.Record[T]) {
	prev := *c.cursor
	*c.cursor = c.index
	c.next.ProcessElement(r)
	*c.cursor = prev
}

func (c *chained[T]) EmitWatermark(wm int64) {
	*c.watermark = wm
	prev := *c.cursor
	*c.cursor = c.index
	c.next.ProcessWatermark(wm)
	*c.cursor = prev
}

func (c *chained[T]) EmitWatermarkStatus(idle bool) {
	prev := *c.cursor
	*c.cursor = c.index
	c.next.ProcessWatermarkStatus(idle)
	*c.cursor = prev
}

// fanOut sends everything to several outputs (an operator with several
// consumers). Records are copied by value; a mutable value (a pointer, a
// slice) is shared, as with object reuse in Flink.
type fanOut[T any] []operator.Output[T]

func (f fanOut[T]) Collect(r operator.Record[T]) {
	for _, o := range f {
		o.Collect(r)
	}
}

func (f fanOut[T]) EmitWatermark(wm int64) {
	for _, o := range f {
		o.EmitWatermark(wm)
	}
}

func (f fanOut[T]) EmitWatermarkStatus(idle bool) {
	for _, o := range f {
		o.EmitWatermarkStatus(idle)
	}
}
