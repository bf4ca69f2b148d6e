package testenv

import (
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/internal/operator"
)

var _ operator.Output[int] = (*Captured[int])(nil)

// Captured is an operator.Output that keeps everything emitted into it, in
// order. A harness captures its operator's main output and each registered
// side output in one.
type Captured[T any] struct {
	events []Event[T]
}

// Collect implements operator.Output.
func (c *Captured[T]) Collect(r operator.Record[T]) {
	c.events = append(c.events, Event[T]{Kind: KindRecord, Record: r})
}

// EmitWatermark implements operator.Output.
func (c *Captured[T]) EmitWatermark(wm int64) {
	c.events = append(c.events, WatermarkEvent[T](wm))
}

// EmitWatermarkStatus implements operator.Output.
func (c *Captured[T]) EmitWatermarkStatus(idle bool) {
	c.events = append(c.events, StatusEvent[T](idle))
}

// Events returns a copy of everything captured, in order.
func (c *Captured[T]) Events() []Event[T] { return slices.Clone(c.events) }

// Records returns the captured records with their timestamps, in order.
func (c *Captured[T]) Records() []operator.Record[T] {
	var rs []operator.Record[T]
	for _, e := range c.events {
		if e.Kind == KindRecord {
			rs = append(rs, e.Record)
		}
	}
	return rs
}

// Values returns the values of the captured records, in order.
func (c *Captured[T]) Values() []T {
	var vs []T
	for _, e := range c.events {
		if e.Kind == KindRecord {
			vs = append(vs, e.Record.Value)
		}
	}
	return vs
}

// Watermarks returns the captured watermarks, in order.
func (c *Captured[T]) Watermarks() []int64 {
	var wms []int64
	for _, e := range c.events {
		if e.Kind == KindWatermark {
			wms = append(wms, e.Watermark)
		}
	}
	return wms
}

// Len returns the number of captured events.
func (c *Captured[T]) Len() int { return len(c.events) }

// Clear discards everything captured.
func (c *Captured[T]) Clear() { c.events = nil }

// SideOutput returns the capture of side-output tag of h, with element
// type X. A capture must be registered before Open, since an operator looks
// its side outputs up (operator.SideOutput) when it opens; after Open,
// SideOutput returns the capture registered before. It panics when asked
// for a tag registered with another element type, or for a new tag after
// Open. An operator that asks for a tag nobody registered gets a discarding
// output, as in a job where nothing consumes the tag.
func SideOutput[X any](h HarnessBase, tag string) *Captured[X] {
	c := h.core()
	if s, ok := c.sides[tag]; ok {
		if x, ok := s.(*Captured[X]); ok {
			return x
		}
		panic(fmt.Sprintf("testenv: side output %q is registered as %T, not %T", tag, s, (*Captured[X])(nil)))
	}
	if c.phase != created {
		panic(fmt.Sprintf("testenv: side output %q registered after Open: register side outputs before Open", tag))
	}
	x := new(Captured[X])
	c.sides[tag] = x
	c.ctx.SideOutputs[tag] = operator.Output[X](x)
	return x
}
