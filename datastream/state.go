package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/state"
)

func keyedBackend(rc *RuntimeContext, d state.Descriptor) (statebackend.Keyed, error) {
	if rc == nil || rc.op == nil {
		return nil, fmt.Errorf("state %q: no runtime context", d.StateName())
	}
	if rc.op.Keyed == nil {
		return nil, fmt.Errorf("keyed state %q used in operator %q, which is not keyed: apply the function on a KeyedStream (KeyBy)", d.StateName(), rc.op.OperatorName)
	}
	return rc.op.Keyed, nil
}

// GetValueState returns the ValueState described by d, scoped to the current
// key. It must be called on a keyed stream, typically in Open.
func GetValueState[T any](rc *RuntimeContext, d state.ValueDescriptor[T]) (state.ValueState[T], error) {
	b, err := keyedBackend(rc, d)
	if err != nil {
		return nil, err
	}
	return statebackend.NewValue(b, d, statebackend.VoidCodec)
}

// GetListState returns the ListState described by d.
func GetListState[T any](rc *RuntimeContext, d state.ListDescriptor[T]) (state.ListState[T], error) {
	b, err := keyedBackend(rc, d)
	if err != nil {
		return nil, err
	}
	return statebackend.NewList(b, d, statebackend.VoidCodec)
}

// GetMapState returns the MapState described by d.
func GetMapState[K comparable, V any](rc *RuntimeContext, d state.MapDescriptor[K, V]) (state.MapState[K, V], error) {
	b, err := keyedBackend(rc, d)
	if err != nil {
		return nil, err
	}
	return statebackend.NewMap(b, d, statebackend.VoidCodec)
}

// GetReducingState returns the ReducingState described by d.
func GetReducingState[T any](rc *RuntimeContext, d state.ReducingDescriptor[T]) (state.ReducingState[T], error) {
	b, err := keyedBackend(rc, d)
	if err != nil {
		return nil, err
	}
	return statebackend.NewReducing(b, d, statebackend.VoidCodec)
}

// GetAggregatingState returns the AggregatingState described by d.
func GetAggregatingState[IN, ACC, OUT any](rc *RuntimeContext, d state.AggregatingDescriptor[IN, ACC, OUT]) (state.AggregatingState[IN, OUT], error) {
	b, err := keyedBackend(rc, d)
	if err != nil {
		return nil, err
	}
	return statebackend.NewAggregating(b, d, statebackend.VoidCodec)
}

// valueHandle is an operator's own value state (not a user's).
type valueHandle[T any] = statebackend.Value[statebackend.Void, T]

func newValueHandle[T any](ctx *operator.Context, name string) (valueHandle[T], error) {
	return statebackend.NewValue(ctx.Keyed, state.Value[T](name), statebackend.VoidCodec)
}
