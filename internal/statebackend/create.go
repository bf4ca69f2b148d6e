package statebackend

import (
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

var (
	_ Keyed = (*heap.Backend)(nil)
	_ Keyed = (*lsm.Backend)(nil)
)

// NewValue returns a handle on the value state d of backend b in namespaces
// encoded by ns, registering the state if its name is new. Creating a state
// whose name is registered with another kind, value type, namespace type or
// TTL is an error; creating it again the same way returns a handle on the
// same data.
func NewValue[N, T any](b Keyed, d state.ValueDescriptor[T], ns serde.Codec[N]) (Value[N, T], error) {
	switch b := b.(type) {
	case *heap.Backend:
		h, err := heap.NewValue(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	case *lsm.Backend:
		h, err := lsm.NewValue(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	default:
		return nil, unsupported(b)
	}
}

// NewList returns a handle on the list state d of backend b, as NewValue.
func NewList[N, T any](b Keyed, d state.ListDescriptor[T], ns serde.Codec[N]) (List[N, T], error) {
	switch b := b.(type) {
	case *heap.Backend:
		h, err := heap.NewList(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	case *lsm.Backend:
		h, err := lsm.NewList(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	default:
		return nil, unsupported(b)
	}
}

// NewMap returns a handle on the map state d of backend b, as NewValue.
func NewMap[N any, K comparable, V any](b Keyed, d state.MapDescriptor[K, V], ns serde.Codec[N]) (Map[N, K, V], error) {
	switch b := b.(type) {
	case *heap.Backend:
		h, err := heap.NewMap(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	case *lsm.Backend:
		h, err := lsm.NewMap(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	default:
		return nil, unsupported(b)
	}
}

// NewReducing returns a handle on the reducing state d of backend b, as
// NewValue. The handle folds with d.Reduce.
func NewReducing[N, T any](b Keyed, d state.ReducingDescriptor[T], ns serde.Codec[N]) (Reducing[N, T], error) {
	switch b := b.(type) {
	case *heap.Backend:
		h, err := heap.NewReducing(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	case *lsm.Backend:
		h, err := lsm.NewReducing(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	default:
		return nil, unsupported(b)
	}
}

// NewAggregating returns a handle on the aggregating state d of backend b,
// as NewValue. The handle aggregates with d.Agg.
func NewAggregating[N, IN, ACC, OUT any](b Keyed, d state.AggregatingDescriptor[IN, ACC, OUT], ns serde.Codec[N]) (Aggregating[N, IN, OUT], error) {
	switch b := b.(type) {
	case *heap.Backend:
		h, err := heap.NewAggregating(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	case *lsm.Backend:
		h, err := lsm.NewAggregating(b, d, ns)
		if err != nil {
			return nil, err
		}
		return h, nil
	default:
		return nil, unsupported(b)
	}
}
