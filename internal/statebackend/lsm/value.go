package lsm

import (
	"encoding/binary"
	"reflect"

	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

const kindList = stateio.KindList

// Value is a ValueState in namespaces of type N. It implements
// statebackend.Value[N, T].
type Value[N, T any] struct {
	handle[N]
	c serde.Codec[T]
}

// NewValue returns a handle on the value state d describes, registering the
// state if its name is new. T must have a serde codec (serde.For).
func NewValue[N, T any](b *Backend, d state.ValueDescriptor[T], ns serde.Codec[N]) (*Value[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	c, err := codecFor[T](d, "value")
	if err != nil {
		return nil, err
	}
	st, err := register(b, d, reflect.TypeFor[N](), typeNames{kind: state.KindValue, valueType: reflect.TypeFor[T]()})
	if err != nil {
		return nil, err
	}
	return &Value[N, T]{newHandle(b, st, ns), c}, nil
}

// Value returns the value of the current key and namespace, and false if
// there is none.
func (s *Value[N, T]) Value() (T, bool) {
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

// Update sets the value of the current key and namespace.
func (s *Value[N, T]) Update(v T) {
	now := s.st.now()
	defer s.st.done(now)
	s.val = appendStored(s.val[:0], s.c, s.st.ttl != 0, now, v)
	s.set(s.entryKey(), s.val)
}

// readStored decodes the stored value raw at k with Flink's TTL read
// semantics: an expired value is removed, and returned only with
// ReturnExpiredIfNotCleanedUp; an unexpired one has its timestamp refreshed
// with OnReadAndWrite.
func readStored[N, T any](h *handle[N], c serde.Codec[T], k, raw []byte, now int64) (T, bool) {
	st := h.st
	var zero T
	ts, body, err := splitTS(raw, st.ttl != 0)
	if err != nil {
		h.corrupt(k, err)
	}
	v, err := decodeAll(c, body)
	if err != nil {
		h.corrupt(k, err)
	}
	if st.ttl != 0 {
		if st.expired(ts, now) {
			h.del(k)
			if !st.returnExpired {
				return zero, false
			}
		} else if st.updateOnRead {
			h.val = binary.BigEndian.AppendUint64(h.val[:0], uint64(now))
			h.val = append(h.val, body...)
			h.set(k, h.val)
		}
	}
	return v, true
}

// readAny decodes the stored value at k without TTL side effects,
// reporting whether there is one and its timestamp.
func readAny[N, T any](h *handle[N], c serde.Codec[T], k []byte) (v T, ts int64, ok bool) {
	raw, closer, ok := h.get(k)
	if !ok {
		return v, 0, false
	}
	defer closeValue(h.st, closer)
	ts, body, err := splitTS(raw, h.st.ttl != 0)
	if err != nil {
		h.corrupt(k, err)
	}
	if v, err = decodeAll(c, body); err != nil {
		h.corrupt(k, err)
	}
	return v, ts, true
}
