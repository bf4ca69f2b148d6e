package state

import (
	"errors"
	"fmt"
	"time"
)

// Kind is the kind of a state.
type Kind int

const (
	KindValue Kind = iota
	KindList
	KindMap
	KindReducing
	KindAggregating
)

func (k Kind) String() string {
	return [...]string{"value", "list", "map", "reducing", "aggregating"}[k]
}

// Descriptor is what every state descriptor has in common.
type Descriptor interface {
	StateName() string
	StateKind() Kind
	TTLConfig() TTL
}

type base struct {
	name string
	ttl  TTL
}

func (b base) StateName() string { return b.name }
func (b base) TTLConfig() TTL    { return b.ttl }

// ValueDescriptor describes a ValueState[T].
type ValueDescriptor[T any] struct{ base }

// Value describes a ValueState named name.
func Value[T any](name string) ValueDescriptor[T] { return ValueDescriptor[T]{base{name: name}} }

// WithTTL returns d with time-to-live ttl.
func (d ValueDescriptor[T]) WithTTL(ttl TTL) ValueDescriptor[T] { d.ttl = ttl; return d }
func (ValueDescriptor[T]) StateKind() Kind                      { return KindValue }

// ListDescriptor describes a ListState[T].
type ListDescriptor[T any] struct{ base }

// List describes a ListState named name.
func List[T any](name string) ListDescriptor[T] { return ListDescriptor[T]{base{name: name}} }

func (d ListDescriptor[T]) WithTTL(ttl TTL) ListDescriptor[T] { d.ttl = ttl; return d }
func (ListDescriptor[T]) StateKind() Kind                     { return KindList }

// MapDescriptor describes a MapState[K, V].
type MapDescriptor[K comparable, V any] struct{ base }

// Map describes a MapState named name.
func Map[K comparable, V any](name string) MapDescriptor[K, V] {
	return MapDescriptor[K, V]{base{name: name}}
}

func (d MapDescriptor[K, V]) WithTTL(ttl TTL) MapDescriptor[K, V] { d.ttl = ttl; return d }
func (MapDescriptor[K, V]) StateKind() Kind                       { return KindMap }

// ReducingDescriptor describes a ReducingState[T].
type ReducingDescriptor[T any] struct {
	base
	Reduce func(a, b T) T
}

// Reducing describes a ReducingState named name that folds with reduce.
func Reducing[T any](name string, reduce func(a, b T) T) ReducingDescriptor[T] {
	return ReducingDescriptor[T]{base{name: name}, reduce}
}

func (d ReducingDescriptor[T]) WithTTL(ttl TTL) ReducingDescriptor[T] { d.ttl = ttl; return d }
func (ReducingDescriptor[T]) StateKind() Kind                         { return KindReducing }

// AggregatingDescriptor describes an AggregatingState[IN, OUT] with
// accumulator type ACC.
type AggregatingDescriptor[IN, ACC, OUT any] struct {
	base
	Agg AggregateFunction[IN, ACC, OUT]
}

// Aggregating describes an AggregatingState named name.
func Aggregating[IN, ACC, OUT any](name string, agg AggregateFunction[IN, ACC, OUT]) AggregatingDescriptor[IN, ACC, OUT] {
	return AggregatingDescriptor[IN, ACC, OUT]{base{name: name}, agg}
}

func (d AggregatingDescriptor[IN, ACC, OUT]) WithTTL(ttl TTL) AggregatingDescriptor[IN, ACC, OUT] {
	d.ttl = ttl
	return d
}
func (AggregatingDescriptor[IN, ACC, OUT]) StateKind() Kind { return KindAggregating }

// Validate checks the parts of a descriptor every kind has.
func Validate(d Descriptor) error {
	if d.StateName() == "" {
		return errors.New("state descriptor has an empty name")
	}
	if err := d.TTLConfig().validate(); err != nil {
		return fmt.Errorf("state %q: %w", d.StateName(), err)
	}
	switch d := d.(type) {
	case interface{ reduceFunc() bool }:
		if !d.reduceFunc() {
			return fmt.Errorf("reducing state %q has no reduce function", d.(Descriptor).StateName())
		}
	}
	return nil
}

func (d ReducingDescriptor[T]) reduceFunc() bool { return d.Reduce != nil }
func (d AggregatingDescriptor[IN, ACC, OUT]) reduceFunc() bool {
	return d.Agg != nil
}

// UpdateType says when a value's TTL timestamp is refreshed (Flink's
// StateTtlConfig.UpdateType).
type UpdateType int

const (
	// OnCreateAndWrite refreshes the timestamp on every write (the default).
	OnCreateAndWrite UpdateType = iota
	// OnReadAndWrite refreshes it on reads too.
	OnReadAndWrite
)

// Visibility says whether an expired value that is still stored may be
// returned (Flink's StateTtlConfig.StateVisibility).
type Visibility int

const (
	// NeverReturnExpired hides expired values (the default).
	NeverReturnExpired Visibility = iota
	// ReturnExpiredIfNotCleanedUp returns an expired value until it is
	// cleaned up.
	ReturnExpiredIfNotCleanedUp
)

// TTL configures time-to-live of state values, measured in processing time
// as in Flink. A zero TTL (Duration 0) disables it.
type TTL struct {
	Duration   time.Duration
	Update     UpdateType
	Visibility Visibility
}

// TTLOf returns a TTL with Flink's defaults: refreshed on create and write,
// expired values never returned.
func TTLOf(d time.Duration) TTL { return TTL{Duration: d} }

// Enabled reports whether the TTL expires values.
func (t TTL) Enabled() bool { return t.Duration > 0 }

func (t TTL) validate() error {
	if t.Duration < 0 {
		return fmt.Errorf("TTL must not be negative, got %v", t.Duration)
	}
	if t.Duration > 0 && t.Duration < time.Millisecond {
		return fmt.Errorf("TTL must be at least 1ms, got %v", t.Duration)
	}
	return nil
}
