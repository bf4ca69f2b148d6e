package opstate

import (
	"encoding/binary"
	"fmt"
	"iter"
	"maps"
	"reflect"

	"github.com/eddy-streams/eddy/serde"
)

// List is a list state (Split or Union mode) of elements of type T, held as
// Go values and encoded only at snapshots. It implements state.ListState.
type List[T any] struct {
	items []T
}

// NewList registers the list state name with mode Split or Union in s and
// returns it, holding the elements restored for it. With a nil codec the
// state works but cannot be snapshotted or restored unless empty: the
// checkpoint fails, naming the state.
func NewList[T any](s *Store, name string, mode Mode, codec serde.Codec[T]) (*List[T], error) {
	if mode != Split && mode != Union {
		return nil, fmt.Errorf("operator state %q: a list state is %s or %s, not %s", name, Split, Union, mode)
	}
	l := &List[T]{}
	restored, err := s.Register(name, mode, reflect.TypeFor[T]().String(), func() ([][]byte, error) {
		if codec == nil && len(l.items) > 0 {
			return nil, errNoCodec[T]()
		}
		out := make([][]byte, len(l.items))
		for i, v := range l.items {
			out[i] = codec.Append(nil, v)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	if codec == nil && len(restored) > 0 {
		return nil, fmt.Errorf("operator state %q: %w", name, errNoCodec[T]())
	}
	for i, e := range restored {
		v, n, err := codec.Decode(e)
		if err != nil || n != len(e) {
			return nil, fmt.Errorf("operator state %q: element %d does not decode as %s: %w", name, i, reflect.TypeFor[T](), orCorrupt(err))
		}
		l.items = append(l.items, v)
	}
	return l, nil
}

func errNoCodec[T any]() error {
	return fmt.Errorf("no codec for %s (serde.For)", reflect.TypeFor[T]())
}

func orCorrupt(err error) error {
	if err == nil {
		return ErrCorrupt
	}
	return err
}

// Get returns the elements; the slice must not be modified.
func (l *List[T]) Get() []T      { return l.items }
func (l *List[T]) Add(v T)       { l.items = append(l.items, v) }
func (l *List[T]) AddAll(vs []T) { l.items = append(l.items, vs...) }
func (l *List[T]) Update(vs []T) { l.items = append(l.items[:0:0], vs...) }
func (l *List[T]) Clear()        { l.items = nil }

// Map is a map state (Broadcast mode: every subtask holds the same copy),
// held as a Go map and encoded only at snapshots, one element per entry.
type Map[K comparable, V any] struct {
	m map[K]V
}

// NewMap registers the map state name in s with mode (Broadcast for Flink's
// broadcast state) and returns it, holding the entries restored for it.
// Nil codecs are as for NewList.
func NewMap[K comparable, V any](s *Store, name string, mode Mode, kc serde.Codec[K], vc serde.Codec[V]) (*Map[K, V], error) {
	m := &Map[K, V]{m: make(map[K]V)}
	noCodec := kc == nil || vc == nil
	restored, err := s.Register(name, mode, reflect.TypeFor[map[K]V]().String(), func() ([][]byte, error) {
		if noCodec && len(m.m) > 0 {
			return nil, errNoCodec[map[K]V]()
		}
		out := make([][]byte, 0, len(m.m))
		var kb []byte
		for k, v := range m.m {
			kb = kc.Append(kb[:0], k)
			b := append(binary.AppendUvarint(nil, uint64(len(kb))), kb...)
			out = append(out, vc.Append(b, v))
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	if noCodec && len(restored) > 0 {
		return nil, fmt.Errorf("operator state %q: %w", name, errNoCodec[map[K]V]())
	}
	for i, e := range restored {
		k, v, err := decodeEntry(e, kc, vc)
		if err != nil {
			return nil, fmt.Errorf("operator state %q: entry %d: %w", name, i, err)
		}
		m.m[k] = v
	}
	return m, nil
}

// decodeEntry reads a map element: the key's length (uvarint), the key, the
// value.
func decodeEntry[K comparable, V any](e []byte, kc serde.Codec[K], vc serde.Codec[V]) (K, V, error) {
	var k K
	var v V
	n, w := binary.Uvarint(e)
	if w <= 0 || n > uint64(len(e)-w) {
		return k, v, ErrCorrupt
	}
	kb, vb := e[w:w+int(n)], e[w+int(n):]
	k, kn, err := kc.Decode(kb)
	if err != nil || kn != len(kb) {
		return k, v, orCorrupt(err)
	}
	v, vn, err := vc.Decode(vb)
	if err != nil || vn != len(vb) {
		return k, v, orCorrupt(err)
	}
	return k, v, nil
}

func (b *Map[K, V]) Get(k K) (V, bool)    { v, ok := b.m[k]; return v, ok }
func (b *Map[K, V]) Contains(k K) bool    { _, ok := b.m[k]; return ok }
func (b *Map[K, V]) All() iter.Seq2[K, V] { return maps.All(b.m) }
func (b *Map[K, V]) Len() int             { return len(b.m) }
func (b *Map[K, V]) IsEmpty() bool        { return len(b.m) == 0 }
func (b *Map[K, V]) Put(k K, v V)         { b.m[k] = v }
func (b *Map[K, V]) PutAll(m map[K]V)     { maps.Copy(b.m, m) }
func (b *Map[K, V]) Remove(k K)           { delete(b.m, k) }
func (b *Map[K, V]) Clear()               { clear(b.m) }
