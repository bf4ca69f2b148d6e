package datastream

import (
	"fmt"
	"reflect"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// KeyedStream is a stream partitioned by key: every element with the same
// key goes to the same subtask, and keyed state and timers are scoped to
// the key.
type KeyedStream[T any, K comparable] struct {
	*DataStream[T]
	key   func(T) K
	codec serde.Codec[K]
}

// hasPointer reports whether values of t hold pointers (at any depth of
// arrays and struct fields).
func hasPointer(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer:
		return true
	case reflect.Array:
		return hasPointer(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointer(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// KeyBy partitions s by key. The key type needs a canonical encoding: Go's
// basic types, and arrays and structs of them, have one (package serde);
// use KeyByCodec for others.
func KeyBy[T any, K comparable](s *DataStream[T], key func(T) K) *KeyedStream[T, K] {
	codec, err := serde.For[K]()
	if err == nil && hasPointer(reflect.TypeFor[K]()) {
		// Go compares pointers by identity, keys are compared by their
		// encoding: refuse the ambiguity.
		err = fmt.Errorf("key type %v holds pointers, which cannot be keys (keys are compared by value)", reflect.TypeFor[K]())
	}
	if err != nil {
		s.env.fail(fmt.Errorf("KeyBy: %w; use KeyByCodec with an explicit codec", err))
	}
	return KeyByCodec(s, key, codec)
}

// KeyByCodec is KeyBy with an explicit key codec.
func KeyByCodec[T any, K comparable](s *DataStream[T], key func(T) K, codec serde.Codec[K]) *KeyedStream[T, K] {
	if key == nil {
		s.env.fail(fmt.Errorf("KeyBy: key selector is nil"))
	}
	parts := make([]streamPart, len(s.parts))
	for i, p := range s.parts {
		p.partitioning, p.explicit = exchange.Hash, true
		p.keySelector = func(n, maxParallelism int) any {
			return exchange.NewKeySelector(key, codec, maxParallelism, n)
		}
		parts[i] = p
	}
	return &KeyedStream[T, K]{DataStream: &DataStream[T]{env: s.env, node: s.node, parts: parts}, key: key, codec: codec}
}

// Key returns the stream's key selector.
func (k *KeyedStream[T, K]) Key() func(T) K { return k.key }

// Codec returns the stream's key codec.
func (k *KeyedStream[T, K]) Codec() serde.Codec[K] { return k.codec }

// keyedOneInput adds a keyed one-input operator fed by k.
func keyedOneInput[T any, K comparable, OUT any](k *KeyedStream[T, K], name string, newOp func(out operator.Output[OUT]) operator.OneInput[T]) *DataStream[OUT] {
	return oneInput(k.DataStream, name, true, newOp)
}

// Reduce is a rolling reduce: for every element it emits the reduction of
// all elements of its key so far.
func Reduce[T any, K comparable](k *KeyedStream[T, K], fn func(acc, v T) T) *DataStream[T] {
	if fn == nil {
		k.env.fail(fmt.Errorf("Reduce: function is nil"))
	}
	return keyedOneInput(k, "Keyed Reduce", func(out operator.Output[T]) operator.OneInput[T] {
		return &reduceOp[T, K]{fn: fn, key: k.key, codec: k.codec, Forward: operator.Forward[T]{Out: out}}
	})
}

// Sum is a rolling sum of the numbers a function extracts, emitted per
// element as (key, sum).
func Sum[T any, K comparable, N Number](k *KeyedStream[T, K], value func(T) N) *DataStream[KeyValue[K, N]] {
	pairs := Map(k.DataStream, func(v T) KeyValue[K, N] { return KeyValue[K, N]{Key: k.key(v), Value: value(v)} })
	keyed := KeyByCodec(pairs, func(p KeyValue[K, N]) K { return p.Key }, k.codec)
	return Reduce(keyed, func(a, b KeyValue[K, N]) KeyValue[K, N] { return KeyValue[K, N]{Key: a.Key, Value: a.Value + b.Value} })
}

// Number is the constraint of Sum.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// KeyValue is a key with a value.
type KeyValue[K, V any] struct {
	Key   K
	Value V
}

func (kv KeyValue[K, V]) String() string { return fmt.Sprintf("(%v,%v)", kv.Key, kv.Value) }

type reduceOp[T any, K comparable] struct {
	operator.Lifecycle
	operator.Forward[T]
	fn    func(acc, v T) T
	key   func(T) K
	codec serde.Codec[K]
	keys  *operator.KeyContext[K]
	value valueHandle[T]
}

func (r *reduceOp[T, K]) Open(ctx *operator.Context) error {
	keys, err := operator.NewKeyContext(ctx, r.codec)
	if err != nil {
		return err
	}
	r.keys = keys
	v, err := newValueHandle[T](ctx, "_reduce")
	if err != nil {
		return err
	}
	r.value = v
	return nil
}

func (r *reduceOp[T, K]) ProcessElement(rec operator.Record[T]) {
	r.keys.Set(r.key(rec.Value))
	acc := rec.Value
	if prev, ok := r.value.Value(); ok {
		acc = r.fn(prev, rec.Value)
	}
	r.value.Update(acc)
	r.Out.Collect(operator.Record[T]{Value: acc, Timestamp: rec.Timestamp})
}
