package heap

import (
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Aggregating is an AggregatingState in namespaces of type N that keeps
// accumulators of type ACC. It implements statebackend.Aggregating[N, IN,
// OUT].
type Aggregating[N, IN, ACC, OUT any] struct {
	handle[N, ACC]
	agg state.AggregateFunction[IN, ACC, OUT]
}

// NewAggregating returns a handle on the aggregating state d describes,
// registering the state if its name is new. The handle aggregates with d.Agg.
func NewAggregating[N, IN, ACC, OUT any](b *Backend, d state.AggregatingDescriptor[IN, ACC, OUT], ns serde.Codec[N]) (*Aggregating[N, IN, ACC, OUT], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	t, err := register(b, d, reflect.TypeFor[N](), valueOps[ACC])
	if err != nil {
		return nil, err
	}
	return &Aggregating[N, IN, ACC, OUT]{newHandle(b, t, ns), d.Agg}, nil
}

// Get returns the result of the accumulator of the current key and
// namespace, and false if nothing was added.
func (s *Aggregating[N, IN, ACC, OUT]) Get() (OUT, bool) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		var zero OUT
		return zero, false
	}
	acc, ok := readEntry(s.t, e, now)
	if !ok {
		var zero OUT
		return zero, false
	}
	return s.agg.Result(acc), true
}

// Add adds v to the accumulator of the current key and namespace, creating
// it if there is none (or only an expired one that may not be returned).
func (s *Aggregating[N, IN, ACC, OUT]) Add(v IN) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	switch {
	case e == nil:
		e = s.create()
		e.v = s.agg.Add(v, s.agg.CreateAccumulator())
	case visible(s.t, e.ts, now):
		e.v = s.agg.Add(v, e.v)
	default:
		e.v = s.agg.Add(v, s.agg.CreateAccumulator())
	}
	e.ts = now
}

// MergeNamespaces merges the accumulators of the current key in the
// namespaces sources into target and clears the sources; target in sources
// is skipped.
func (s *Aggregating[N, IN, ACC, OUT]) MergeNamespaces(target N, sources []N) {
	now := s.t.now()
	defer s.t.done(now)
	var merged ACC
	have := false
	tgt := s.mergeSources(target, sources, func(e *entry[ACC]) {
		switch {
		case !visible(s.t, e.ts, now):
		case have:
			merged = s.agg.Merge(merged, e.v)
		default:
			merged, have = e.v, true
		}
	})
	if !have {
		return
	}
	e := s.mergeTarget(tgt, false)
	switch {
	case e == nil:
		e = s.mergeTarget(tgt, true)
		e.v = merged
	case visible(s.t, e.ts, now):
		e.v = s.agg.Merge(e.v, merged)
	default:
		e.v = merged
	}
	e.ts = now
}
