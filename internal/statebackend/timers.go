package statebackend

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/eddy-streams/eddy/internal/statebackend/cowmap"
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
// Timers are state: a timer service registers itself with its backend (if
// the backend is a stateio.SectionHost, as the heap backend is) under the
// state name TimerStatePrefix+name, is part of the backend's snapshots, by
// key group, and gets back the timers of the backend's key groups when it
// is created after the backend restored a snapshot. Its snapshots are
// copy-on-write like the backend's tables.
type TimerService[N any] struct {
	b           Keyed
	codec       serde.Codec[N]
	meta        stateio.StateMeta
	event, proc timerQueue[N]
	buf         []byte
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
	r := b.KeyGroupRange()
	s := &TimerService[N]{
		b:     b,
		codec: ns,
		meta: stateio.StateMeta{
			Name:          TimerStatePrefix + name,
			Kind:          stateio.KindTimers,
			Timestamps:    true,
			NamespaceType: reflect.TypeFor[N]().String(),
		},
		event: timerQueue[N]{byID: cowmap.New[timerEntry[N]](r.Len()), kgStart: r.Start},
		proc:  timerQueue[N]{byID: cowmap.New[timerEntry[N]](r.Len()), kgStart: r.Start},
	}
	if h, ok := b.(stateio.SectionHost); ok {
		if err := h.AddSection(s, s.load); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// load adds the timers of a restored snapshot.
func (s *TimerService[N]) load(rs *stateio.RestoredState) error {
	r := s.b.KeyGroupRange()
	return rs.ForEach(func(kg int, e *stateio.Entry) error {
		if !r.Contains(kg) {
			return nil
		}
		ns, n, err := s.codec.Decode(e.Namespace)
		if err == nil && n != len(e.Namespace) {
			err = fmt.Errorf("%d bytes left after the namespace", len(e.Namespace)-n)
		}
		if err != nil {
			return fmt.Errorf("statebackend: cannot restore timers of %q: key group %d, key %x: namespace %x: %w", s.meta.Name, kg, e.Key, e.Namespace, err)
		}
		for _, el := range e.Elems {
			q := &s.event
			if el.Value[0] == stateio.ProcessingTime {
				q = &s.proc
			}
			id := append(append(s.buf[:0], e.Key...), e.Namespace...)
			id = binary.BigEndian.AppendUint64(id, uint64(el.TS))
			s.buf = id
			if q.byID.Get(kg-q.kgStart, id) != nil {
				continue
			}
			q.push(&timerEntry[N]{
				Timer: Timer[N]{Timestamp: el.TS, Key: slices.Clone(e.Key), KeyGroup: kg, Namespace: ns},
				id:    string(id),
			})
		}
		return nil
	})
}

// Meta returns the timers' metadata in snapshots; with Freeze, it makes
// the service a stateio.Section.
func (s *TimerService[N]) Meta() *stateio.StateMeta { return &s.meta }

// Freeze returns a frozen view of the timers for a snapshot of the backend.
// It is called by the backend's Snapshot.
func (s *TimerService[N]) Freeze() stateio.FrozenSection {
	return &timerView[N]{
		meta:    s.meta,
		kgStart: s.event.kgStart,
		event:   s.event.byID.Freeze(),
		proc:    s.proc.byID.Freeze(),
		s:       s,
	}
}

// timerView is a frozen view of a timer service's timers.
type timerView[N any] struct {
	meta        stateio.StateMeta
	kgStart     int
	event, proc cowmap.View[timerEntry[N]]
	s           *TimerService[N]
}

func (v *timerView[N]) Meta() *stateio.StateMeta { return &v.meta }

func (v *timerView[N]) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	idx := kg - v.kgStart
	if idx < 0 || idx >= v.event.Len() {
		return dst, 0
	}
	n := 0
	for domain, view := range [...]cowmap.View[timerEntry[N]]{stateio.EventTime: v.event, stateio.ProcessingTime: v.proc} {
		view.Range(idx, func(id string, e *timerEntry[N]) {
			// id is key | namespace | timestamp; e.index is not read.
			kl := len(e.Key)
			dst = stateio.AppendEntryHead(dst, id[:kl], id[kl:len(id)-8], 1)
			dst = stateio.AppendTS(dst, e.Timestamp)
			dst = append(dst, 1, byte(domain))
			n++
		})
	}
	return dst, n
}

func (v *timerView[N]) Release() {
	v.s.event.byID.Release()
	v.s.proc.byID.Release()
}

// RegisterEventTimeTimer registers a timer of the current key that fires
// when the watermark reaches ts. Registering an existing timer again does
// nothing.
func (s *TimerService[N]) RegisterEventTimeTimer(ns N, ts int64) { s.register(&s.event, ns, ts) }

// DeleteEventTimeTimer deletes an event-time timer of the current key, if it
// exists.
func (s *TimerService[N]) DeleteEventTimeTimer(ns N, ts int64) { s.delete(&s.event, ns, ts) }

// RegisterProcessingTimeTimer registers a timer of the current key that
// fires when processing time reaches ts. Registering an existing timer again
// does nothing.
func (s *TimerService[N]) RegisterProcessingTimeTimer(ns N, ts int64) { s.register(&s.proc, ns, ts) }

// DeleteProcessingTimeTimer deletes a processing-time timer of the current
// key, if it exists.
func (s *TimerService[N]) DeleteProcessingTimeTimer(ns N, ts int64) { s.delete(&s.proc, ns, ts) }

// AdvanceWatermark fires every event-time timer with a timestamp <= wm, in
// timestamp order, removing it first and setting the backend's current key
// to its key before calling fire. Timers registered by fire with a
// timestamp <= wm fire in the same call; timers deleted by fire do not.
func (s *TimerService[N]) AdvanceWatermark(wm int64, fire func(t Timer[N])) {
	s.advance(&s.event, wm, fire)
}

// NextProcessingTime returns the earliest processing-time timer's
// timestamp, and false if there is none.
func (s *TimerService[N]) NextProcessingTime() (int64, bool) {
	if len(s.proc.heap) == 0 {
		return 0, false
	}
	return s.proc.heap[0].Timestamp, true
}

// AdvanceProcessingTime fires every processing-time timer with a timestamp
// <= now, as AdvanceWatermark does for event time.
func (s *TimerService[N]) AdvanceProcessingTime(now int64, fire func(t Timer[N])) {
	s.advance(&s.proc, now, fire)
}

// NumEventTimeTimers returns the number of registered event-time timers.
func (s *TimerService[N]) NumEventTimeTimers() int { return len(s.event.heap) }

// NumProcessingTimeTimers returns the number of registered processing-time
// timers.
func (s *TimerService[N]) NumProcessingTimeTimers() int { return len(s.proc.heap) }

// id returns the dedup key of a timer of the current key: key | namespace |
// timestamp (8 bytes, big-endian). It is valid until the next call.
func (s *TimerService[N]) id(ns N, ts int64) []byte {
	s.buf = append(s.buf[:0], s.b.CurrentKey()...)
	s.buf = s.codec.Append(s.buf, ns)
	s.buf = binary.BigEndian.AppendUint64(s.buf, uint64(ts))
	return s.buf
}

func (s *TimerService[N]) register(q *timerQueue[N], ns N, ts int64) {
	kg := s.b.CurrentKeyGroup()
	if !s.b.KeyGroupRange().Contains(kg) {
		panic(fmt.Sprintf("statebackend: timer registered with no current key (key group %d)", kg))
	}
	id := s.id(ns, ts)
	if len(q.lastID) > 0 && bytes.Equal(id, q.lastID) {
		return
	}
	q.lastID = append(q.lastID[:0], id...)
	if q.byID.Get(kg-q.kgStart, id) != nil {
		return
	}
	q.push(&timerEntry[N]{
		Timer: Timer[N]{Timestamp: ts, Key: slices.Clone(s.b.CurrentKey()), KeyGroup: kg, Namespace: ns},
		id:    string(id),
	})
}

func (s *TimerService[N]) delete(q *timerQueue[N], ns N, ts int64) {
	kg := s.b.CurrentKeyGroup()
	if !s.b.KeyGroupRange().Contains(kg) {
		return // no current key: no timer of it
	}
	if e := q.byID.Get(kg-q.kgStart, s.id(ns, ts)); e != nil {
		q.removeAt(e.index)
	}
}

func (s *TimerService[N]) advance(q *timerQueue[N], until int64, fire func(Timer[N])) {
	for len(q.heap) > 0 && q.heap[0].Timestamp <= until {
		e := q.heap[0]
		q.removeAt(0)
		s.b.SetCurrentKey(e.Key, e.KeyGroup)
		fire(e.Timer)
	}
}

// timerEntry is a registered timer. Everything but index is immutable, so
// that snapshots read it while the task goes on.
type timerEntry[N any] struct {
	Timer[N]
	id    string // see TimerService.id
	index int    // position in timerQueue.heap
}

// timerQueue is a binary min-heap of timers ordered by timestamp (then key
// group and id, so that the firing order is deterministic), with an index
// for deduplication and deletion.
type timerQueue[N any] struct {
	heap []*timerEntry[N]
	// byID indexes the timers by key-group index (KeyGroup - kgStart) and
	// id, copy-on-write for snapshots.
	byID    cowmap.Groups[timerEntry[N]]
	kgStart int
	// lastID is the id of the timer registered last, if it is still
	// pending: operators often register the same timer twice in a row (a
	// window's trigger timer and its cleanup timer), and this saves the
	// second lookup.
	lastID []byte
}

func (q *timerQueue[N]) less(i, j int) bool {
	a, b := q.heap[i], q.heap[j]
	if a.Timestamp != b.Timestamp {
		return a.Timestamp < b.Timestamp
	}
	if a.KeyGroup != b.KeyGroup {
		return a.KeyGroup < b.KeyGroup
	}
	return a.id < b.id
}

func (q *timerQueue[N]) swap(i, j int) {
	q.heap[i], q.heap[j] = q.heap[j], q.heap[i]
	q.heap[i].index = i
	q.heap[j].index = j
}

func (q *timerQueue[N]) push(e *timerEntry[N]) {
	e.index = len(q.heap)
	q.heap = append(q.heap, e)
	q.byID.Put(e.KeyGroup-q.kgStart, e.id, e)
	q.up(e.index)
}

func (q *timerQueue[N]) removeAt(i int) {
	e := q.heap[i]
	q.byID.Delete(e.KeyGroup-q.kgStart, e.id)
	q.lastID = q.lastID[:0]
	last := len(q.heap) - 1
	if i != last {
		q.swap(i, last)
	}
	q.heap[last] = nil
	q.heap = q.heap[:last]
	if i != last {
		if !q.down(i) {
			q.up(i)
		}
	}
}

func (q *timerQueue[N]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

// down sifts i down and reports whether it moved.
func (q *timerQueue[N]) down(i int) bool {
	start, n := i, len(q.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && q.less(r, l) {
			c = r
		}
		if !q.less(c, i) {
			break
		}
		q.swap(i, c)
		i = c
	}
	return i > start
}
