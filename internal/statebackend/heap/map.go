package heap

import (
	"iter"
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// mapVal is a value of map state with its TTL timestamp.
type mapVal[V any] struct {
	v  V
	ts int64
}

// Map is a MapState in namespaces of type N. It implements
// statebackend.Map[N, K, V].
type Map[N any, K comparable, V any] struct {
	handle[N, map[K]mapVal[V]]
}

// NewMap returns a handle on the map state d describes, registering the
// state if its name is new.
func NewMap[N any, K comparable, V any](b *Backend, d state.MapDescriptor[K, V], ns serde.Codec[N]) (*Map[N, K, V], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	t, err := register(b, d, reflect.TypeFor[N](), mapOps[K, V])
	if err != nil {
		return nil, err
	}
	return &Map[N, K, V]{newHandle(b, t, ns)}, nil
}

// purgeMap drops the expired map entries of e and reports whether none is
// left.
func purgeMap[K comparable, V any](t *table[map[K]mapVal[V]], e *entry[map[K]mapVal[V]], now int64) bool {
	for k, mv := range e.v {
		if t.expired(mv.ts, now) {
			delete(e.v, k)
		}
	}
	return len(e.v) == 0
}

// expiredMap reports whether every map entry of e has expired.
func expiredMap[K comparable, V any](t *table[map[K]mapVal[V]], e *entry[map[K]mapVal[V]], now int64) bool {
	for _, mv := range e.v {
		if !t.expired(mv.ts, now) {
			return false
		}
	}
	return true
}

// Get returns the value of k in the map of the current key and namespace.
func (s *Map[N, K, V]) Get(k K) (V, bool) {
	now := s.t.now()
	defer s.t.done(now)
	var zero V
	e := s.get()
	if e == nil {
		return zero, false
	}
	mv, ok := e.v[k]
	if !ok {
		return zero, false
	}
	if t := s.t; t.ttl != 0 {
		if t.expired(mv.ts, now) {
			delete(e.v, k)
			if len(e.v) == 0 {
				t.remove(e)
			}
			if !t.returnExpired {
				return zero, false
			}
		} else if t.updateOnRead {
			e.v[k] = mapVal[V]{mv.v, now}
		}
	}
	return mv.v, true
}

// Put sets the value of k in the map of the current key and namespace.
func (s *Map[N, K, V]) Put(k K, v V) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.getOrCreate()
	if e.v == nil {
		e.v = make(map[K]mapVal[V])
	}
	e.v[k] = mapVal[V]{v, now}
}

// PutAll puts every entry of m.
func (s *Map[N, K, V]) PutAll(m map[K]V) {
	now := s.t.now()
	defer s.t.done(now)
	if len(m) == 0 {
		return
	}
	e := s.getOrCreate()
	if e.v == nil {
		e.v = make(map[K]mapVal[V], len(m))
	}
	for k, v := range m {
		e.v[k] = mapVal[V]{v, now}
	}
}

// Remove deletes k from the map of the current key and namespace.
func (s *Map[N, K, V]) Remove(k K) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		return
	}
	delete(e.v, k)
	if len(e.v) == 0 {
		s.t.remove(e)
	}
}

// Contains reports whether the map of the current key and namespace has k.
func (s *Map[N, K, V]) Contains(k K) bool {
	_, ok := s.Get(k)
	return ok
}

// All iterates the entries of the map of the key and namespace that are
// current when All is called, in no fixed order. The map must not be
// modified during the iteration.
func (s *Map[N, K, V]) All() iter.Seq2[K, V] {
	now := s.t.now()
	e := s.get()
	if e == nil {
		s.t.done(now)
		return func(func(K, V) bool) {}
	}
	t := s.t
	return func(yield func(K, V) bool) {
		m := e.v
		if t.ttl == 0 {
			for k, mv := range m {
				if !yield(k, mv.v) {
					return
				}
			}
			return
		}
		defer t.done(now)
		for k, mv := range m {
			if t.expired(mv.ts, now) {
				delete(m, k)
				if !t.returnExpired {
					continue
				}
			} else if t.updateOnRead {
				m[k] = mapVal[V]{mv.v, now}
			}
			if !yield(k, mv.v) {
				break
			}
		}
		if len(m) == 0 && e.slot >= 0 { // still in the table
			t.remove(e)
		}
	}
}

// IsEmpty reports whether the map of the current key and namespace has no
// entries.
func (s *Map[N, K, V]) IsEmpty() bool {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		return true
	}
	t := s.t
	if t.ttl == 0 {
		return len(e.v) == 0
	}
	found := false
	for k, mv := range e.v {
		if !t.expired(mv.ts, now) {
			return false
		}
		delete(e.v, k)
		found = found || t.returnExpired
	}
	t.remove(e)
	return !found
}
