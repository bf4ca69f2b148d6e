package lsm

import (
	"reflect"

	"github.com/cockroachdb/pebble/v2"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// List is a ListState in namespaces of type N. It implements
// statebackend.List[N, T]. A list is one pebble value, its elements
// concatenated; Add appends with a pebble Merge, without reading.
type List[N, T any] struct {
	handle[N]
	c   serde.Codec[T]
	out []T // the slice Get returns, reused
}

// NewList returns a handle on the list state d describes, registering the
// state if its name is new.
func NewList[N, T any](b *Backend, d state.ListDescriptor[T], ns serde.Codec[N]) (*List[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	c, err := codecFor[T](d, "element")
	if err != nil {
		return nil, err
	}
	st, err := register(b, d, reflect.TypeFor[N](), typeNames{kind: state.KindList, valueType: reflect.TypeFor[T]()})
	if err != nil {
		return nil, err
	}
	return &List[N, T]{handle: newHandle(b, st, ns), c: c}, nil
}

// decodeList appends the elements of the stored list raw to out; with
// onlyLive, only those unexpired at now.
func (s *List[N, T]) decodeList(out []T, k, raw []byte, onlyLive bool, now int64) []T {
	withTS := s.st.ttl != 0
	for len(raw) > 0 {
		ts, elem, rest, err := nextElem(raw, withTS)
		if err != nil {
			s.corrupt(k, err)
		}
		raw = rest
		if onlyLive && s.st.expired(ts, now) {
			continue
		}
		v, err := decodeAll(s.c, elem)
		if err != nil {
			s.corrupt(k, err)
		}
		out = append(out, v)
	}
	return out
}

// Get returns the elements of the current key and namespace in insertion
// order, nil if there are none. The slice is reused by the next Get of the
// handle: it must not be modified or retained past the current call.
func (s *List[N, T]) Get() []T {
	now := s.st.now()
	defer s.st.done(now)
	k := s.entryKey()
	clear(s.out)
	s.out = s.out[:0]
	if s.st.ttl == 0 {
		raw, c, ok := s.get(k)
		if !ok {
			return nil
		}
		s.out = s.decodeList(s.out, k, raw, false, now)
		closeValue(s.st, c)
		return s.out
	}
	raw, ok := s.getCopy(k)
	if !ok {
		return nil
	}
	if !anyExpired(s.st, raw, now) {
		s.out = s.decodeList(s.out, k, raw, false, now)
		if s.st.updateOnRead {
			s.set(k, s.refreshed(raw, now))
		}
		return s.out
	}
	s.out = s.decodeList(s.out, k, raw, !s.st.returnExpired, now)
	kept, n, err := purgeElems(s.st, nil, raw, now)
	if err != nil {
		s.corrupt(k, err)
	}
	switch {
	case n == 0:
		s.del(k)
	case s.st.updateOnRead:
		s.set(k, s.refreshed(kept, now))
	default:
		s.set(k, kept)
	}
	if len(s.out) == 0 {
		return nil
	}
	return s.out
}

// refreshed returns the stored list raw with every timestamp set to now,
// in s.tgt.
func (s *List[N, T]) refreshed(raw []byte, now int64) []byte {
	s.tgt = s.tgt[:0]
	for len(raw) > 0 {
		_, elem, rest, err := nextElem(raw, true)
		if err != nil {
			s.corrupt(s.key, err)
		}
		s.tgt = appendElem(s.tgt, true, now, elem)
		raw = rest
	}
	return s.tgt
}

// Add appends v to the list of the current key and namespace.
func (s *List[N, T]) Add(v T) {
	now := s.st.now()
	defer s.st.done(now)
	s.val = appendCodecElem(s.val[:0], s.c, s.st.ttl != 0, now, v)
	s.merge(s.entryKey(), s.val)
}

func (s *List[N, T]) merge(k, v []byte) {
	if err := s.b.db.Merge(k, v, pebble.NoSync); err != nil {
		s.st.fail(err)
	}
}

// AddAll appends vs to the list of the current key and namespace.
func (s *List[N, T]) AddAll(vs []T) {
	now := s.st.now()
	defer s.st.done(now)
	if len(vs) == 0 {
		return
	}
	s.val = s.val[:0]
	for _, v := range vs {
		s.val = appendCodecElem(s.val, s.c, s.st.ttl != 0, now, v)
	}
	s.merge(s.entryKey(), s.val)
}

// Update replaces the list of the current key and namespace with vs; an
// empty vs clears it.
func (s *List[N, T]) Update(vs []T) {
	now := s.st.now()
	defer s.st.done(now)
	k := s.entryKey()
	if len(vs) == 0 {
		s.del(k)
		return
	}
	s.val = s.val[:0]
	for _, v := range vs {
		s.val = appendCodecElem(s.val, s.c, s.st.ttl != 0, now, v)
	}
	s.set(k, s.val)
}

// MergeNamespaces appends the lists of the current key in the namespaces
// sources, in order, to the list in target and clears the sources; target
// in sources is skipped. Elements keep their TTL timestamps.
func (s *List[N, T]) MergeNamespaces(target N, sources []N) {
	now := s.st.now()
	defer s.st.done(now)
	var merged []byte
	tgt := s.mergeKeys(target, sources, func(src []byte) {
		raw, ok := s.getCopy(src)
		if !ok {
			return
		}
		s.del(src)
		if s.st.ttl != 0 && !s.st.returnExpired {
			var err error
			if merged, _, err = purgeElems(s.st, merged, raw, now); err != nil {
				s.corrupt(src, err)
			}
			return
		}
		merged = append(merged, raw...)
	})
	if len(merged) > 0 {
		s.merge(tgt, merged)
	}
}
