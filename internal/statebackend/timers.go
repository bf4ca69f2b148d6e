package statebackend

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
)

// Timer is a timer of a TimerService: a timestamp in a namespace of a key.
type Timer[N any] struct {
	Timestamp int64
	// Key is the encoded key the timer was registered for.
	Key       []byte
	KeyGroup  int
	Namespace N
}

// TimerService holds the event-time and processing-time timers of one
// operator for one namespace type, scoped by key like keyed state (Flink's
// InternalTimerService). Timers are deduplicated per (key, namespace,
// timestamp). It is used from the subtask's goroutine only.
//
// Timers are state: a timer service is part of its backend's snapshots, by
// key group, under the state name TimerStatePrefix+name, and gets back the
// timers of the backend's key groups when it is created after the backend
// restored a snapshot. Where the timers live is the backend's (a
// timerStore): on the heap backend in memory, in queues registered with the
// backend as a snapshot section (stateio.SectionHost) and snapshotted
// copy-on-write like its tables; on the lsm backend in its database (Flink's
// RocksDB backend default), so that memory does not grow with the number of
// timers. The stream format is the same, so savepoints move between them.
type TimerService[N any] struct {
	b     Keyed
	meta  stateio.StateMeta
	store timerStore[N]
}

// timerStore keeps the timers of a TimerService. Timers are per time domain
// (stateio.EventTime, stateio.ProcessingTime) and identified by (key group,
// encoded key, namespace, timestamp). The contract:
//
//   - add registers a timer unless it exists (deduplicated); remove deletes
//     it if it exists. key is only read during the call.
//   - earliest returns the smallest timestamp of a domain, without removing
//     it, and false if the domain has no timer.
//   - popDue removes and returns the first timer of a domain in the order
//     (timestamp, key group, key‖namespace bytes) if its timestamp is at most
//     until, so that every backend fires timers in the same order. The
//     returned Timer is the caller's (its Key is not reused).
//   - size counts the timers of a domain (for tests and metrics; it may
//     scan).
//   - freeze returns a view of every timer at the time of the call in the
//     timer section format of docs/format/keyed-state.md, cheaply; load adds
//     the timers of a restored section, of the backend's key groups only.
//
// A store is created registered with its backend's snapshots: the heap
// store as a section (whose Freeze and load are the store's), the lsm store
// as a state of the database, which the backend's snapshots and incremental
// checkpoints include and its Restore fills.
type timerStore[N any] interface {
	add(domain, kg int, key []byte, ns N, ts int64)
	remove(domain, kg int, key []byte, ns N, ts int64)
	earliest(domain int) (int64, bool)
	popDue(domain int, until int64) (Timer[N], bool)
	size(domain int) int
	freeze() stateio.FrozenSection
	load(rs *stateio.RestoredState) error
}

// TimerStatePrefix starts the state names of timer services in snapshots.
const TimerStatePrefix = "_timer_state/"

// DefaultTimerServiceName is the name NewTimerService gives the first timer
// service of a backend; the next ones are "timers#2", "timers#3", ... in the
// order of their creation.
const DefaultTimerServiceName = "timers"

// NewTimerService returns an empty timer service whose timers are scoped to
// the current key of b, with namespaces encoded by ns, named after the
// number of timer services b has (see DefaultTimerServiceName). It panics
// where NewNamedTimerService returns an error.
func NewTimerService[N any](b Keyed, ns serde.Codec[N]) *TimerService[N] {
	if ns == nil {
		panic("statebackend: NewTimerService with a nil namespace codec")
	}
	for i := 1; ; i++ {
		name := DefaultTimerServiceName
		if i > 1 {
			name = fmt.Sprintf("%s#%d", DefaultTimerServiceName, i)
		}
		s, err := NewNamedTimerService(b, name, ns)
		if err == nil {
			return s
		}
		if !errors.Is(err, stateio.ErrNameTaken) {
			panic(fmt.Sprintf("statebackend: %v", err))
		}
	}
}

// NewNamedTimerService returns a timer service whose timers are scoped to the
// current key of b, with namespaces encoded by ns, registered with b under
// name (Flink names them "window-timers", "user-timers", ...). If b restored
// timers of that name, the service holds those of b's key groups; their
// namespace type must be N. It is an error to create two services of one
// name on a backend.
func NewNamedTimerService[N any](b Keyed, name string, ns serde.Codec[N]) (*TimerService[N], error) {
	if ns == nil {
		return nil, fmt.Errorf("statebackend: timer service %q with a nil namespace codec", name)
	}
	if name == "" {
		return nil, errors.New("statebackend: timer service with an empty name")
	}
	s := &TimerService[N]{
		b: b,
		meta: stateio.StateMeta{
			Name:          TimerStatePrefix + name,
			Kind:          stateio.KindTimers,
			Timestamps:    true,
			NamespaceType: reflect.TypeFor[N]().String(),
		},
	}
	if lb, ok := b.(*lsm.Backend); ok {
		t, err := lsm.NewTimers(lb, s.meta)
		if err != nil {
			return nil, err
		}
		s.store = &lsmTimers[N]{t: t, codec: ns}
		return s, nil
	}
	hs := newHeapTimers(b, s.meta, ns)
	s.store = hs
	if h, ok := b.(stateio.SectionHost); ok {
		if err := h.AddSection(s, hs.load); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Meta returns the timers' metadata in snapshots; with Freeze, it makes
// the service a stateio.Section.
func (s *TimerService[N]) Meta() *stateio.StateMeta { return &s.meta }

// Freeze returns a frozen view of the timers for a snapshot of the backend.
// It is called by the backend's Snapshot.
func (s *TimerService[N]) Freeze() stateio.FrozenSection { return s.store.freeze() }

// RegisterEventTimeTimer registers a timer of the current key that fires
// when the watermark reaches ts. Registering an existing timer again does
// nothing.
func (s *TimerService[N]) RegisterEventTimeTimer(ns N, ts int64) {
	s.register(stateio.EventTime, ns, ts)
}

// DeleteEventTimeTimer deletes an event-time timer of the current key, if it
// exists.
func (s *TimerService[N]) DeleteEventTimeTimer(ns N, ts int64) {
	s.delete(stateio.EventTime, ns, ts)
}

// RegisterProcessingTimeTimer registers a timer of the current key that
// fires when processing time reaches ts. Registering an existing timer again
// does nothing.
func (s *TimerService[N]) RegisterProcessingTimeTimer(ns N, ts int64) {
	s.register(stateio.ProcessingTime, ns, ts)
}

// DeleteProcessingTimeTimer deletes a processing-time timer of the current
// key, if it exists.
func (s *TimerService[N]) DeleteProcessingTimeTimer(ns N, ts int64) {
	s.delete(stateio.ProcessingTime, ns, ts)
}

// AdvanceWatermark fires every event-time timer with a timestamp <= wm, in
// timestamp order, removing it first and setting the backend's current key
// to its key before calling fire. Timers registered by fire with a
// timestamp <= wm fire in the same call; timers deleted by fire do not.
func (s *TimerService[N]) AdvanceWatermark(wm int64, fire func(t Timer[N])) {
	s.advance(stateio.EventTime, wm, fire)
}

// NextProcessingTime returns the earliest processing-time timer's
// timestamp, and false if there is none.
func (s *TimerService[N]) NextProcessingTime() (int64, bool) {
	return s.store.earliest(stateio.ProcessingTime)
}

// AdvanceProcessingTime fires every processing-time timer with a timestamp
// <= now, as AdvanceWatermark does for event time.
func (s *TimerService[N]) AdvanceProcessingTime(now int64, fire func(t Timer[N])) {
	s.advance(stateio.ProcessingTime, now, fire)
}

// NumEventTimeTimers returns the number of registered event-time timers. On
// the lsm backend it counts them in the database.
func (s *TimerService[N]) NumEventTimeTimers() int { return s.store.size(stateio.EventTime) }

// NumProcessingTimeTimers returns the number of registered processing-time
// timers, as NumEventTimeTimers.
func (s *TimerService[N]) NumProcessingTimeTimers() int {
	return s.store.size(stateio.ProcessingTime)
}

func (s *TimerService[N]) register(domain int, ns N, ts int64) {
	kg := s.b.CurrentKeyGroup()
	if !s.b.KeyGroupRange().Contains(kg) {
		panic(fmt.Sprintf("statebackend: timer registered with no current key (key group %d)", kg))
	}
	s.store.add(domain, kg, s.b.CurrentKey(), ns, ts)
}

func (s *TimerService[N]) delete(domain int, ns N, ts int64) {
	kg := s.b.CurrentKeyGroup()
	if !s.b.KeyGroupRange().Contains(kg) {
		return // no current key: no timer of it
	}
	s.store.remove(domain, kg, s.b.CurrentKey(), ns, ts)
}

func (s *TimerService[N]) advance(domain int, until int64, fire func(Timer[N])) {
	for {
		t, ok := s.store.popDue(domain, until)
		if !ok {
			return
		}
		s.b.SetCurrentKey(t.Key, t.KeyGroup)
		fire(t)
	}
}
