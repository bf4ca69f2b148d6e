package heap

import (
	"reflect"
	"slices"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// listVal is the stored value of list state: the elements and, for a TTL
// state, each element's timestamp.
type listVal[T any] struct {
	vals []T
	ts   []int64
}

// List is a ListState in namespaces of type N. It implements
// statebackend.List[N, T].
type List[N, T any] struct {
	handle[N, listVal[T]]
}

// NewList returns a handle on the list state d describes, registering the
// state if its name is new.
func NewList[N, T any](b *Backend, d state.ListDescriptor[T], ns serde.Codec[N]) (*List[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	t, err := register(b, d, reflect.TypeFor[N](), listOps[T])
	if err != nil {
		return nil, err
	}
	return &List[N, T]{newHandle(b, t, ns)}, nil
}

// purgeList drops the expired elements of e and reports whether none is
// left.
func purgeList[T any](t *table[listVal[T]], e *entry[listVal[T]], now int64) bool {
	l := &e.v
	n := 0
	for i, ts := range l.ts {
		if !t.expired(ts, now) {
			l.vals[n], l.ts[n] = l.vals[i], ts
			n++
		}
	}
	clear(l.vals[n:])
	l.vals, l.ts = l.vals[:n], l.ts[:n]
	return n == 0
}

// expiredList reports whether every element of e has expired.
func expiredList[T any](t *table[listVal[T]], e *entry[listVal[T]], now int64) bool {
	for _, ts := range e.v.ts {
		if !t.expired(ts, now) {
			return false
		}
	}
	return true
}

// Get returns the elements of the current key and namespace in insertion
// order, nil if there are none. The slice must not be modified or retained
// past the current call.
func (s *List[N, T]) Get() []T {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		return nil
	}
	t, l := s.t, &e.v
	if t.ttl == 0 {
		return l.vals
	}
	if !slices.ContainsFunc(l.ts, func(ts int64) bool { return t.expired(ts, now) }) {
		if t.updateOnRead {
			for i := range l.ts {
				l.ts[i] = now
			}
		}
		return l.vals
	}
	var out []T
	if t.returnExpired {
		out = slices.Clone(l.vals)
	}
	if purgeList(t, e, now) {
		t.remove(e)
	} else if t.updateOnRead {
		for i := range l.ts {
			l.ts[i] = now
		}
	}
	if t.returnExpired {
		return out
	}
	if len(l.vals) == 0 {
		return nil
	}
	return l.vals
}

// Add appends v to the list of the current key and namespace.
func (s *List[N, T]) Add(v T) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.getOrCreate()
	e.v.vals = append(e.v.vals, v)
	if s.t.ttl != 0 {
		e.v.ts = append(e.v.ts, now)
	}
}

// AddAll appends vs to the list of the current key and namespace.
func (s *List[N, T]) AddAll(vs []T) {
	now := s.t.now()
	defer s.t.done(now)
	if len(vs) == 0 {
		return
	}
	e := s.getOrCreate()
	e.v.vals = append(e.v.vals, vs...)
	if s.t.ttl != 0 {
		for range vs {
			e.v.ts = append(e.v.ts, now)
		}
	}
}

// Update replaces the list of the current key and namespace with a copy of
// vs; an empty vs clears it.
func (s *List[N, T]) Update(vs []T) {
	now := s.t.now()
	defer s.t.done(now)
	if len(vs) == 0 {
		if e := s.get(); e != nil {
			s.t.remove(e)
		}
		return
	}
	e := s.getOrCreate()
	old := len(e.v.vals)
	e.v.vals = append(e.v.vals[:0], vs...) // vs may alias the stored slice
	if old > len(vs) {
		clear(e.v.vals[len(vs):old])
	}
	if s.t.ttl != 0 {
		e.v.ts = e.v.ts[:0]
		for range vs {
			e.v.ts = append(e.v.ts, now)
		}
	}
}

// MergeNamespaces appends the lists of the current key in the namespaces
// sources, in order, to the list in target and clears the sources; target
// in sources is skipped. Elements keep their TTL timestamps.
func (s *List[N, T]) MergeNamespaces(target N, sources []N) {
	now := s.t.now()
	defer s.t.done(now)
	t := s.t
	var merged listVal[T]
	tgt := s.mergeSources(target, sources, func(e *entry[listVal[T]]) {
		if t.ttl != 0 && !t.returnExpired {
			purgeList(t, e, now)
		}
		if len(e.v.vals) == 0 {
			return
		}
		if merged.vals == nil {
			merged = e.v
			return
		}
		merged.vals = append(merged.vals, e.v.vals...)
		merged.ts = append(merged.ts, e.v.ts...)
	})
	if len(merged.vals) == 0 {
		return
	}
	if e := s.mergeTarget(tgt, false); e != nil {
		e.v.vals = append(e.v.vals, merged.vals...)
		e.v.ts = append(e.v.ts, merged.ts...)
		return
	}
	s.mergeTarget(tgt, true).v = merged
}
