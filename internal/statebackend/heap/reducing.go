package heap

import (
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Reducing is a ReducingState in namespaces of type N. It implements
// statebackend.Reducing[N, T].
type Reducing[N, T any] struct {
	handle[N, T]
	reduce func(a, b T) T
}

// NewReducing returns a handle on the reducing state d describes,
// registering the state if its name is new. The handle folds with d.Reduce.
func NewReducing[N, T any](b *Backend, d state.ReducingDescriptor[T], ns serde.Codec[N]) (*Reducing[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	t, err := register(b, d, reflect.TypeFor[N](), valueOps[T])
	if err != nil {
		return nil, err
	}
	return &Reducing[N, T]{newHandle(b, t, ns), d.Reduce}, nil
}

// Get returns the folded value of the current key and namespace, and false
// if nothing was added.
func (s *Reducing[N, T]) Get() (T, bool) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		var zero T
		return zero, false
	}
	return readEntry(s.t, e, now)
}

// Add folds v into the value of the current key and namespace. An expired
// value that may not be returned is replaced, not folded.
func (s *Reducing[N, T]) Add(v T) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	switch {
	case e == nil:
		e = s.create()
		e.v = v
	case visible(s.t, e.ts, now):
		e.v = s.reduce(e.v, v)
	default:
		e.v = v
	}
	e.ts = now
}

// MergeNamespaces folds the values of the current key in the namespaces
// sources into target and clears the sources; target in sources is skipped.
func (s *Reducing[N, T]) MergeNamespaces(target N, sources []N) {
	now := s.t.now()
	defer s.t.done(now)
	var merged T
	have := false
	tgt := s.mergeSources(target, sources, func(e *entry[T]) {
		switch {
		case !visible(s.t, e.ts, now):
		case have:
			merged = s.reduce(merged, e.v)
		default:
			merged, have = e.v, true
		}
	})
	if !have {
		return
	}
	e := s.mergeTarget(tgt, false)
	switch {
	case e == nil:
		e = s.mergeTarget(tgt, true)
		e.v = merged
	case visible(s.t, e.ts, now):
		e.v = s.reduce(e.v, merged)
	default:
		e.v = merged
	}
	e.ts = now
}
