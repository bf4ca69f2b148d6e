package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Map applies fn to every element.
func Map[IN, OUT any](s *DataStream[IN], fn func(IN) OUT) *DataStream[OUT] {
	if fn == nil {
		s.env.fail(fmt.Errorf("Map: function is nil"))
	}
	return oneInput(s, "Map", false, func(out operator.Output[OUT]) operator.OneInput[IN] {
		return &mapOp[IN, OUT]{fn: fn, Forward: operator.Forward[OUT]{Out: out}}
	})
}

// FlatMap calls fn for every element; fn emits zero or more results.
func FlatMap[IN, OUT any](s *DataStream[IN], fn func(IN, Collector[OUT])) *DataStream[OUT] {
	if fn == nil {
		s.env.fail(fmt.Errorf("FlatMap: function is nil"))
	}
	return oneInput(s, "Flat Map", false, func(out operator.Output[OUT]) operator.OneInput[IN] {
		return &flatMapOp[IN, OUT]{fn: fn, Forward: operator.Forward[OUT]{Out: out}, c: timestampedCollector[OUT]{out: out}}
	})
}

// Filter keeps the elements for which fn returns true.
func (s *DataStream[T]) Filter(fn func(T) bool) *DataStream[T] {
	if fn == nil {
		s.env.fail(fmt.Errorf("Filter: function is nil"))
	}
	return oneInput(s, "Filter", false, func(out operator.Output[T]) operator.OneInput[T] {
		return &filterOp[T]{fn: fn, Forward: operator.Forward[T]{Out: out}}
	})
}

// oneInput adds a one-input operator fed by s.
func oneInput[IN, OUT any](s *DataStream[IN], name string, keyed bool, newOp func(out operator.Output[OUT]) operator.OneInput[IN]) *DataStream[OUT] {
	n := addNode(s.env, &graph.Node{
		Name:    name,
		Keyed:   keyed,
		OutType: graph.Type[OUT](),
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			op := newOp(ic.Out.(operator.Output[OUT]))
			return graph.Instance{Op: op, Inputs: []any{operator.Input[IN](op)}}, nil
		},
	}, inputOf(s))
	return newStream[OUT](s.env, n)
}

type mapOp[IN, OUT any] struct {
	operator.Lifecycle
	operator.Forward[OUT]
	fn func(IN) OUT
}

func (m *mapOp[IN, OUT]) ProcessElement(r operator.Record[IN]) {
	m.Out.Collect(operator.Record[OUT]{Value: m.fn(r.Value), Timestamp: r.Timestamp})
}

type flatMapOp[IN, OUT any] struct {
	operator.Lifecycle
	operator.Forward[OUT]
	fn func(IN, Collector[OUT])
	c  timestampedCollector[OUT]
}

func (f *flatMapOp[IN, OUT]) ProcessElement(r operator.Record[IN]) {
	f.c.ts = r.Timestamp
	f.fn(r.Value, &f.c)
}

type filterOp[T any] struct {
	operator.Lifecycle
	operator.Forward[T]
	fn func(T) bool
}

func (f *filterOp[T]) ProcessElement(r operator.Record[T]) {
	if f.fn(r.Value) {
		f.Out.Collect(r)
	}
}
