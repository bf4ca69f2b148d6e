package statebackend

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

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
type TimerService[N any] struct {
	b           Keyed
	codec       serde.Codec[N]
	event, proc timerQueue[N]
	buf         []byte
}

// NewTimerService returns an empty timer service whose timers are scoped to
// the current key of b, with namespaces encoded by ns.
func NewTimerService[N any](b Keyed, ns serde.Codec[N]) *TimerService[N] {
	if ns == nil {
		panic("statebackend: NewTimerService with a nil namespace codec")
	}
	return &TimerService[N]{
		b:     b,
		codec: ns,
		event: timerQueue[N]{byID: make(map[string]*timerEntry[N])},
		proc:  timerQueue[N]{byID: make(map[string]*timerEntry[N])},
	}
}

// RegisterEventTimeTimer registers a timer of the current key that fires
// when the watermark reaches ts. Registering an existing timer again does
// nothing.
func (s *TimerService[N]) RegisterEventTimeTimer(ns N, ts int64) { s.register(&s.event, ns, ts) }

// DeleteEventTimeTimer deletes an event-time timer of the current key, if it
// exists.
func (s *TimerService[N]) DeleteEventTimeTimer(ns N, ts int64) { s.event.remove(s.id(ns, ts)) }

// RegisterProcessingTimeTimer registers a timer of the current key that
// fires when processing time reaches ts. Registering an existing timer again
// does nothing.
func (s *TimerService[N]) RegisterProcessingTimeTimer(ns N, ts int64) { s.register(&s.proc, ns, ts) }

// DeleteProcessingTimeTimer deletes a processing-time timer of the current
// key, if it exists.
func (s *TimerService[N]) DeleteProcessingTimeTimer(ns N, ts int64) { s.proc.remove(s.id(ns, ts)) }

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
	if _, ok := q.byID[string(id)]; ok {
		return
	}
	q.push(&timerEntry[N]{
		Timer: Timer[N]{Timestamp: ts, Key: slices.Clone(s.b.CurrentKey()), KeyGroup: kg, Namespace: ns},
		id:    string(id),
	})
}

func (s *TimerService[N]) advance(q *timerQueue[N], until int64, fire func(Timer[N])) {
	for len(q.heap) > 0 && q.heap[0].Timestamp <= until {
		e := q.heap[0]
		q.removeAt(0)
		s.b.SetCurrentKey(e.Key, e.KeyGroup)
		fire(e.Timer)
	}
}

// timerEntry is a registered timer.
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
	byID map[string]*timerEntry[N]
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
	q.byID[e.id] = e
	q.up(e.index)
}

func (q *timerQueue[N]) remove(id []byte) {
	if e, ok := q.byID[string(id)]; ok {
		q.removeAt(e.index)
	}
}

func (q *timerQueue[N]) removeAt(i int) {
	e := q.heap[i]
	delete(q.byID, e.id)
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
