package lsm

import (
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Aggregating is an AggregatingState in namespaces of type N that stores
// accumulators of type ACC. It implements statebackend.Aggregating[N, IN,
// OUT].
type Aggregating[N, IN, ACC, OUT any] struct {
	handle[N]
	c   serde.Codec[ACC]
	agg state.AggregateFunction[IN, ACC, OUT]
}

// NewAggregating returns a handle on the aggregating state d describes,
// registering the state if its name is new. The handle aggregates with d.Agg.
func NewAggregating[N, IN, ACC, OUT any](b *Backend, d state.AggregatingDescriptor[IN, ACC, OUT], ns serde.Codec[N]) (*Aggregating[N, IN, ACC, OUT], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	if err := state.Validate(d); err != nil {
		return nil, err
	}
	c, err := codecFor[ACC](d, "accumulator")
	if err != nil {
		return nil, err
	}
	st, err := register(b, d, reflect.TypeFor[N](), typeNames{kind: state.KindAggregating, valueType: reflect.TypeFor[ACC]()})
	if err != nil {
		return nil, err
	}
	return &Aggregating[N, IN, ACC, OUT]{newHandle(b, st, ns), c, d.Agg}, nil
}

// Get returns the result of the accumulator of the current key and
// namespace, and false if nothing was added.
func (s *Aggregating[N, IN, ACC, OUT]) Get() (OUT, bool) {
	now := s.st.now()
	defer s.st.done(now)
	var zero OUT
	k := s.entryKey()
	raw, c, ok := s.get(k)
	if !ok {
		return zero, false
	}
	defer closeValue(s.st, c)
	acc, ok := readStored(&s.handle, s.c, k, raw, now)
	if !ok {
		return zero, false
	}
	return s.agg.Result(acc), true
}

// Add adds v to the accumulator of the current key and namespace, creating
// it if there is none (or only an expired one that may not be returned).
func (s *Aggregating[N, IN, ACC, OUT]) Add(v IN) {
	now := s.st.now()
	defer s.st.done(now)
	k := s.entryKey()
	acc, ts, ok := readAny(&s.handle, s.c, k)
	if !ok || !s.st.visible(ts, now) {
		acc = s.agg.CreateAccumulator()
	}
	acc = s.agg.Add(v, acc)
	s.val = appendStored(s.val[:0], s.c, s.st.ttl != 0, now, acc)
	s.set(k, s.val)
}

// MergeNamespaces merges the accumulators of the current key in the
// namespaces sources into target and clears the sources; target in sources
// is skipped.
func (s *Aggregating[N, IN, ACC, OUT]) MergeNamespaces(target N, sources []N) {
	now := s.st.now()
	defer s.st.done(now)
	var merged ACC
	have := false
	tgt := s.mergeKeys(target, sources, func(src []byte) {
		acc, ts, ok := readAny(&s.handle, s.c, src)
		if !ok {
			return
		}
		s.del(src)
		switch {
		case !s.st.visible(ts, now):
		case have:
			merged = s.agg.Merge(merged, acc)
		default:
			merged, have = acc, true
		}
	})
	if !have {
		return
	}
	if old, ts, ok := readAny(&s.handle, s.c, tgt); ok && s.st.visible(ts, now) {
		merged = s.agg.Merge(old, merged)
	}
	s.val = appendStored(s.val[:0], s.c, s.st.ttl != 0, now, merged)
	s.set(tgt, s.val)
}
