package lsm

import (
	"encoding/binary"
	"iter"
	"reflect"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Map is a MapState in namespaces of type N. It implements
// statebackend.Map[N, K, V]. Each map entry is a pebble key: the key of the
// current key and namespace followed by the encoded map key.
type Map[N any, K comparable, V any] struct {
	handle[N]
	kc serde.Codec[K]
	vc serde.Codec[V]
	mk []byte // pebble key of a map entry, reused
}

// NewMap returns a handle on the map state d describes, registering the
// state if its name is new.
func NewMap[N any, K comparable, V any](b *Backend, d state.MapDescriptor[K, V], ns serde.Codec[N]) (*Map[N, K, V], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	kc, err := codecFor[K](d, "map key")
	if err != nil {
		return nil, err
	}
	vc, err := codecFor[V](d, "value")
	if err != nil {
		return nil, err
	}
	st, err := register(b, d, reflect.TypeFor[N](), typeNames{kind: state.KindMap, valueType: reflect.TypeFor[V](), userKey: reflect.TypeFor[K]()})
	if err != nil {
		return nil, err
	}
	return &Map[N, K, V]{handle: newHandle(b, st, ns), kc: kc, vc: vc}, nil
}

// mapKey returns the pebble key of map key k of the current key and
// namespace.
func (s *Map[N, K, V]) mapKey(k K) []byte {
	s.mk = s.kc.Append(append(s.mk[:0], s.entryKey()...), k)
	return s.mk
}

// Get returns the value of k in the map of the current key and namespace.
func (s *Map[N, K, V]) Get(k K) (V, bool) {
	now := s.st.now()
	defer s.st.done(now)
	mk := s.mapKey(k)
	raw, c, ok := s.get(mk)
	if !ok {
		var zero V
		return zero, false
	}
	defer closeValue(s.st, c)
	return readStored(&s.handle, s.vc, mk, raw, now)
}

// Put sets the value of k in the map of the current key and namespace.
func (s *Map[N, K, V]) Put(k K, v V) {
	now := s.st.now()
	defer s.st.done(now)
	s.val = appendStored(s.val[:0], s.vc, s.st.ttl != 0, now, v)
	s.set(s.mapKey(k), s.val)
}

// PutAll puts every entry of m, in one batch.
func (s *Map[N, K, V]) PutAll(m map[K]V) {
	now := s.st.now()
	defer s.st.done(now)
	if len(m) == 0 {
		return
	}
	batch := s.b.db.NewBatch()
	defer batch.Close()
	for k, v := range m {
		s.val = appendStored(s.val[:0], s.vc, s.st.ttl != 0, now, v)
		if err := batch.Set(s.mapKey(k), s.val, nil); err != nil {
			s.st.fail(err)
		}
	}
	if err := batch.Commit(pebble.NoSync); err != nil {
		s.st.fail(err)
	}
}

// Remove deletes k from the map of the current key and namespace.
func (s *Map[N, K, V]) Remove(k K) {
	now := s.st.now()
	defer s.st.done(now)
	s.del(s.mapKey(k))
}

// Contains reports whether the map of the current key and namespace has k.
func (s *Map[N, K, V]) Contains(k K) bool {
	_, ok := s.Get(k)
	return ok
}

// iter returns an iterator over the map entries under prefix.
func (s *Map[N, K, V]) iter(prefix []byte) *pebble.Iterator {
	it, err := s.b.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(nil, prefix)})
	if err != nil {
		s.st.fail(err)
	}
	return it
}

// All iterates the entries of the map of the key and namespace that are
// current when All is called, in the order of their encoded map keys. The
// map must not be modified during the iteration.
func (s *Map[N, K, V]) All() iter.Seq2[K, V] {
	now := s.st.now()
	prefix := append([]byte(nil), s.entryKey()...)
	st := s.st
	return func(yield func(K, V) bool) {
		defer st.done(now)
		it := s.iter(prefix)
		defer it.Close()
		var buf []byte
		for valid := it.First(); valid; valid = it.Next() {
			mk := it.Key()
			k, err := decodeAll(s.kc, mk[len(prefix):])
			if err != nil {
				s.corrupt(mk, err)
			}
			raw := it.Value()
			ts, body, err := splitTS(raw, st.ttl != 0)
			if err != nil {
				s.corrupt(mk, err)
			}
			v, err := decodeAll(s.vc, body)
			if err != nil {
				s.corrupt(mk, err)
			}
			if st.ttl != 0 {
				if st.expired(ts, now) {
					s.del(mk)
					if !st.returnExpired {
						continue
					}
				} else if st.updateOnRead {
					buf = binary.BigEndian.AppendUint64(buf[:0], uint64(now))
					s.set(mk, append(buf, body...))
				}
			}
			if !yield(k, v) {
				return
			}
		}
		if err := it.Error(); err != nil {
			st.fail(err)
		}
	}
}

// IsEmpty reports whether the map of the current key and namespace has no
// entries.
func (s *Map[N, K, V]) IsEmpty() bool {
	now := s.st.now()
	defer s.st.done(now)
	st := s.st
	it := s.iter(s.entryKey())
	defer it.Close()
	found := false
	for valid := it.First(); valid; valid = it.Next() {
		if st.ttl == 0 {
			return false
		}
		ts, _, err := splitTS(it.Value(), true)
		if err != nil {
			s.corrupt(it.Key(), err)
		}
		if !st.expired(ts, now) {
			return false
		}
		s.del(it.Key())
		found = found || st.returnExpired
	}
	if err := it.Error(); err != nil {
		st.fail(err)
	}
	return !found
}

// Clear removes every entry of the map of the current key and namespace.
func (s *Map[N, K, V]) Clear() {
	now := s.st.now()
	defer s.st.done(now)
	it := s.iter(s.entryKey())
	defer it.Close()
	batch := s.b.db.NewBatch()
	defer batch.Close()
	for valid := it.First(); valid; valid = it.Next() {
		if err := batch.Delete(it.Key(), nil); err != nil {
			s.st.fail(err)
		}
	}
	if err := it.Error(); err != nil {
		s.st.fail(err)
	}
	if err := batch.Commit(pebble.NoSync); err != nil {
		s.st.fail(err)
	}
}
