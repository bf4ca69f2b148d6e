package lsm

import (
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Reducing is a ReducingState in namespaces of type N. It implements
// statebackend.Reducing[N, T].
type Reducing[N, T any] struct {
	handle[N]
	c      serde.Codec[T]
	reduce func(a, b T) T
}

// NewReducing returns a handle on the reducing state d describes,
// registering the state if its name is new. The handle folds with d.Reduce.
func NewReducing[N, T any](b *Backend, d state.ReducingDescriptor[T], ns serde.Codec[N]) (*Reducing[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	if err := state.Validate(d); err != nil {
		return nil, err
	}
	c, err := codecFor[T](d, "value")
	if err != nil {
		return nil, err
	}
	st, err := register(b, d, reflect.TypeFor[N](), typeNames{kind: state.KindReducing, valueType: reflect.TypeFor[T]()})
	if err != nil {
		return nil, err
	}
	return &Reducing[N, T]{newHandle(b, st, ns), c, d.Reduce}, nil
}

// Get returns the folded value of the current key and namespace, and false
// if nothing was added.
func (s *Reducing[N, T]) Get() (T, bool) {
	now := s.st.now()
	defer s.st.done(now)
	k := s.entryKey()
	raw, c, ok := s.get(k)
	if !ok {
		var zero T
		return zero, false
	}
	defer closeValue(s.st, c)
	return readStored(&s.handle, s.c, k, raw, now)
}

// Add folds v into the value of the current key and namespace. An expired
// value that may not be returned is replaced, not folded.
func (s *Reducing[N, T]) Add(v T) {
	now := s.st.now()
	defer s.st.done(now)
	k := s.entryKey()
	if old, ts, ok := readAny(&s.handle, s.c, k); ok && s.st.visible(ts, now) {
		v = s.reduce(old, v)
	}
	s.val = appendStored(s.val[:0], s.c, s.st.ttl != 0, now, v)
	s.set(k, s.val)
}

// MergeNamespaces folds the values of the current key in the namespaces
// sources into target and clears the sources; target in sources is skipped.
func (s *Reducing[N, T]) MergeNamespaces(target N, sources []N) {
	now := s.st.now()
	defer s.st.done(now)
	var merged T
	have := false
	tgt := s.mergeKeys(target, sources, func(src []byte) {
		v, ts, ok := readAny(&s.handle, s.c, src)
		if !ok {
			return
		}
		s.del(src)
		switch {
		case !s.st.visible(ts, now):
		case have:
			merged = s.reduce(merged, v)
		default:
			merged, have = v, true
		}
	})
	if !have {
		return
	}
	if old, ts, ok := readAny(&s.handle, s.c, tgt); ok && s.st.visible(ts, now) {
		merged = s.reduce(old, merged)
	}
	s.val = appendStored(s.val[:0], s.c, s.st.ttl != 0, now, merged)
	s.set(tgt, s.val)
}
