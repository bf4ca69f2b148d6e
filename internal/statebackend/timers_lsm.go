package statebackend

import (
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
)

// lsmTimers is the timerStore of the lsm backend: timers are pebble keys
// (lsm.Timers) and namespaces are stored encoded, so that memory does not
// grow with the number of timers.
type lsmTimers[N any] struct {
	t     *lsm.Timers
	codec serde.Codec[N]
	buf   []byte
}

func (s *lsmTimers[N]) add(domain, kg int, key []byte, ns N, ts int64) {
	s.buf = s.codec.Append(s.buf[:0], ns)
	s.t.Add(domain, kg, key, s.buf, ts)
}

func (s *lsmTimers[N]) remove(domain, kg int, key []byte, ns N, ts int64) {
	s.buf = s.codec.Append(s.buf[:0], ns)
	s.t.Delete(domain, kg, key, s.buf, ts)
}

func (s *lsmTimers[N]) earliest(domain int) (int64, bool) { return s.t.Earliest(domain) }

func (s *lsmTimers[N]) popDue(domain int, until int64) (Timer[N], bool) {
	kg, key, nsb, ts, ok := s.t.PopDue(domain, until)
	if !ok {
		return Timer[N]{}, false
	}
	ns, n, err := s.codec.Decode(nsb)
	if err == nil && n != len(nsb) {
		err = fmt.Errorf("%d bytes left after the namespace", len(nsb)-n)
	}
	if err != nil {
		// As state access on this backend: no error result to return.
		panic(fmt.Errorf("statebackend: timer of key %x at %d: stored namespace %x does not decode (was it written with another codec?): %w", key, ts, nsb, err))
	}
	return Timer[N]{Timestamp: ts, Key: slices.Clone(key), KeyGroup: kg, Namespace: ns}, true
}

func (s *lsmTimers[N]) size(domain int) int { return s.t.Len(domain) }

func (s *lsmTimers[N]) freeze() stateio.FrozenSection { return s.t.Freeze() }

func (s *lsmTimers[N]) load(rs *stateio.RestoredState) error { return s.t.Load(rs) }
