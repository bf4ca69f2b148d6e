package state

import "iter"

// ValueState holds one value per key.
type ValueState[T any] interface {
	// Value returns the value of the current key, and false if there is none.
	Value() (T, bool)
	Update(v T)
	Clear()
}

// ListState holds a list of values per key.
type ListState[T any] interface {
	// Get returns the values of the current key in insertion order. The
	// slice must not be modified or retained past the current call.
	Get() []T
	Add(v T)
	AddAll(vs []T)
	// Update replaces the list.
	Update(vs []T)
	Clear()
}

// MapState holds a map per key.
type MapState[K comparable, V any] interface {
	Get(k K) (V, bool)
	Put(k K, v V)
	PutAll(m map[K]V)
	Remove(k K)
	Contains(k K) bool
	// All iterates the entries of the current key's map in no fixed order.
	// The map must not be modified during the iteration.
	All() iter.Seq2[K, V]
	IsEmpty() bool
	Clear()
}

// ReducingState folds added values into one with a reduce function.
type ReducingState[T any] interface {
	Get() (T, bool)
	Add(v T)
	Clear()
}

// AggregatingState folds added values into an accumulator and exposes the
// aggregate's result.
type AggregatingState[IN, OUT any] interface {
	Get() (OUT, bool)
	Add(v IN)
	Clear()
}

// AggregateFunction is an incremental aggregation with an accumulator, as
// Flink's AggregateFunction.
type AggregateFunction[IN, ACC, OUT any] interface {
	CreateAccumulator() ACC
	Add(v IN, acc ACC) ACC
	Result(acc ACC) OUT
	Merge(a, b ACC) ACC
}
