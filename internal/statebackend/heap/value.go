package heap

import (
	"reflect"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// Value is a ValueState in namespaces of type N. It implements
// statebackend.Value[N, T].
type Value[N, T any] struct {
	handle[N, T]
}

// NewValue returns a handle on the value state d describes, registering the
// state if its name is new.
func NewValue[N, T any](b *Backend, d state.ValueDescriptor[T], ns serde.Codec[N]) (*Value[N, T], error) {
	if ns == nil {
		return nil, nilCodec(d)
	}
	t, err := register(b, d, reflect.TypeFor[N](), valueOps[T])
	if err != nil {
		return nil, err
	}
	return &Value[N, T]{newHandle(b, t, ns)}, nil
}

// Value returns the value of the current key and namespace, and false if
// there is none.
func (s *Value[N, T]) Value() (T, bool) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.get()
	if e == nil {
		var zero T
		return zero, false
	}
	return readEntry(s.t, e, now)
}

// Update sets the value of the current key and namespace.
func (s *Value[N, T]) Update(v T) {
	now := s.t.now()
	defer s.t.done(now)
	e := s.getOrCreate()
	e.v = v
	e.ts = now
}

// readEntry returns the value of e with Flink's TTL read semantics: an
// expired value is removed, and returned only with
// ReturnExpiredIfNotCleanedUp; an unexpired one has its timestamp refreshed
// with OnReadAndWrite.
func readEntry[S any](t *table[S], e *entry[S], now int64) (S, bool) {
	if t.ttl != 0 {
		if t.expired(e.ts, now) {
			t.remove(e)
			if !t.returnExpired {
				var zero S
				return zero, false
			}
		} else if t.updateOnRead {
			e.ts = now
		}
	}
	return e.v, true
}

// visible reports whether e's value may be used (read or merged) at now,
// Flink's getUnexpired.
func visible[S any](t *table[S], ts, now int64) bool {
	return t.ttl == 0 || t.returnExpired || !t.expired(ts, now)
}
