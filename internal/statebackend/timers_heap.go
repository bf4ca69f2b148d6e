package statebackend

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/internal/statebackend/cowmap"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/serde"
)

// heapTimers is the timerStore of in-memory backends: a min-heap per time
// domain with a copy-on-write index for deduplication, deletion and
// snapshots. It is a snapshot section of its backend through the
// TimerService.
type heapTimers[N any] struct {
	b     Keyed
	meta  stateio.StateMeta
	codec serde.Codec[N]
	q     [2]timerQueue[N] // by domain
	buf   []byte
}

func newHeapTimers[N any](b Keyed, meta stateio.StateMeta, codec serde.Codec[N]) *heapTimers[N] {
	r := b.KeyGroupRange()
	h := &heapTimers[N]{b: b, meta: meta, codec: codec}
	for d := range h.q {
		h.q[d] = timerQueue[N]{byID: cowmap.New[timerEntry[N]](r.Len()), kgStart: r.Start}
	}
	return h
}

// id returns the dedup key of a timer: key | namespace | timestamp (8
// bytes, big-endian). It is valid until the next call.
func (h *heapTimers[N]) id(key []byte, ns N, ts int64) []byte {
	h.buf = append(h.buf[:0], key...)
	h.buf = h.codec.Append(h.buf, ns)
	h.buf = binary.BigEndian.AppendUint64(h.buf, uint64(ts))
	return h.buf
}

func (h *heapTimers[N]) add(domain, kg int, key []byte, ns N, ts int64) {
	q := &h.q[domain]
	id := h.id(key, ns, ts)
	if len(q.lastID) > 0 && bytes.Equal(id, q.lastID) {
		return
	}
	q.lastID = append(q.lastID[:0], id...)
	if q.byID.Get(kg-q.kgStart, id) != nil {
		return
	}
	q.push(&timerEntry[N]{
		Timer: Timer[N]{Timestamp: ts, Key: slices.Clone(key), KeyGroup: kg, Namespace: ns},
		id:    string(id),
	})
}

func (h *heapTimers[N]) remove(domain, kg int, key []byte, ns N, ts int64) {
	q := &h.q[domain]
	if e := q.byID.Get(kg-q.kgStart, h.id(key, ns, ts)); e != nil {
		q.removeAt(e.index)
	}
}

func (h *heapTimers[N]) earliest(domain int) (int64, bool) {
	q := &h.q[domain]
	if len(q.heap) == 0 {
		return 0, false
	}
	return q.heap[0].Timestamp, true
}

func (h *heapTimers[N]) popDue(domain int, until int64) (Timer[N], bool) {
	q := &h.q[domain]
	if len(q.heap) == 0 || q.heap[0].Timestamp > until {
		return Timer[N]{}, false
	}
	e := q.heap[0]
	q.removeAt(0)
	return e.Timer, true
}

func (h *heapTimers[N]) size(domain int) int { return len(h.q[domain].heap) }

// load adds the timers of a restored snapshot.
func (h *heapTimers[N]) load(rs *stateio.RestoredState) error {
	r := h.b.KeyGroupRange()
	return rs.ForEach(func(kg int, e *stateio.Entry) error {
		if !r.Contains(kg) {
			return nil
		}
		ns, n, err := h.codec.Decode(e.Namespace)
		if err == nil && n != len(e.Namespace) {
			err = fmt.Errorf("%d bytes left after the namespace", len(e.Namespace)-n)
		}
		if err != nil {
			return fmt.Errorf("statebackend: cannot restore timers of %q: key group %d, key %x: namespace %x: %w", h.meta.Name, kg, e.Key, e.Namespace, err)
		}
		for _, el := range e.Elems {
			q := &h.q[stateio.EventTime]
			if el.Value[0] == stateio.ProcessingTime {
				q = &h.q[stateio.ProcessingTime]
			}
			id := append(append(h.buf[:0], e.Key...), e.Namespace...)
			id = binary.BigEndian.AppendUint64(id, uint64(el.TS))
			h.buf = id
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

func (h *heapTimers[N]) freeze() stateio.FrozenSection {
	return &timerView[N]{
		meta:    h.meta,
		kgStart: h.q[0].kgStart,
		event:   h.q[stateio.EventTime].byID.Freeze(),
		proc:    h.q[stateio.ProcessingTime].byID.Freeze(),
		h:       h,
	}
}

// timerView is a frozen view of a heap timer store.
type timerView[N any] struct {
	meta        stateio.StateMeta
	kgStart     int
	event, proc cowmap.View[timerEntry[N]]
	h           *heapTimers[N]
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
	for d := range v.h.q {
		v.h.q[d].byID.Release()
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
