package exchange

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Buffer is what travels on a channel: a batch of records, a watermark, a
// watermark status change, a checkpoint barrier, a barrier announcement,
// or the end of the partition.
type Buffer[T any] struct {
	Kind      event.Kind
	Records   []operator.Record[T]
	Watermark int64
	Idle      bool
	Barrier   event.Barrier

	// seq is, for a priority buffer (SendPriority), the number of buffers
	// sent on the channel before it: those it overtook are the ones the
	// consumer has not taken yet.
	seq int64
}

// Channel is a local channel from one producer subtask to one consumer
// subtask with a fixed credit of buffers.
//
// Besides its queue it has priority buffers that overtake the queue
// (unaligned barriers and barrier announcements); the consumer can look at
// the queued buffers a priority buffer overtook without taking them.
type Channel[T any] struct {
	// credit holds a token per buffer of credit the producer has left.
	credit chan struct{}
	notify chan struct{}
	free   chan []operator.Record[T]
	// n is the number of buffers queued, priority ones included, so that
	// polling an empty channel takes no lock.
	n atomic.Int64

	// backPressuredNanos accumulates the time the producer waited for credit.
	backPressuredNanos atomic.Int64

	mu struct {
		sync.Mutex
		queue []Buffer[T] // queue[head:] are queued, oldest first
		head  int
		prio  []Buffer[T]
		// forced counts queued buffers that took no credit (see
		// sendForced): taking them returns none.
		forced int
		// sent counts the buffers put in the queue, recv those taken from
		// it: the queue holds sent-recv buffers.
		sent, recv int64
	}
}

// NewChannel returns a channel with credits buffers of credit that wakes its
// consumer through notify (a channel of capacity 1 shared by all the
// consumer's channels).
func NewChannel[T any](credits int, notify chan struct{}) *Channel[T] {
	c := &Channel[T]{
		credit: make(chan struct{}, credits),
		notify: notify,
		free:   make(chan []operator.Record[T], credits+2),
	}
	for range credits {
		c.credit <- struct{}{}
	}
	return c
}

// Send puts b on the channel, waiting for credit if the consumer is behind.
// It returns false, without sending, if done is closed first.
func (c *Channel[T]) Send(done <-chan struct{}, b Buffer[T]) bool {
	ok, _ := c.sendUntil(done, nil, b)
	return ok
}

// sendUntil is Send that gives up when timeout fires first (timedOut).
func (c *Channel[T]) sendUntil(done <-chan struct{}, timeout <-chan time.Time, b Buffer[T]) (ok, timedOut bool) {
	select {
	case <-c.credit:
	default:
		start := time.Now()
		select {
		case <-c.credit:
		case <-done:
			return false, false
		case <-timeout:
			return false, true
		}
		c.backPressuredNanos.Add(int64(time.Since(start)))
	}
	c.push(b, false)
	return true, false
}

// sendForced queues b without credit: a producer's partial batch that must
// go out before an unaligned barrier without waiting.
func (c *Channel[T]) sendForced(b Buffer[T]) { c.push(b, true) }

func (c *Channel[T]) push(b Buffer[T], forced bool) {
	c.mu.Lock()
	q := c.mu.queue
	if c.mu.head > 0 && len(q) == cap(q) {
		// Reuse the space of the buffers taken.
		q = q[:copy(q, q[c.mu.head:])]
		clear(c.mu.queue[len(q):])
		c.mu.head = 0
	}
	c.mu.queue = append(q, b)
	c.mu.sent++
	if forced {
		c.mu.forced++
	}
	c.mu.Unlock()
	c.n.Add(1)
	c.wake()
}

func (c *Channel[T]) wake() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// SendPriority puts b ahead of every buffer queued: the consumer receives
// it next. It never waits for credit.
func (c *Channel[T]) SendPriority(b Buffer[T]) {
	c.mu.Lock()
	b.seq = c.mu.sent
	c.mu.prio = append(c.mu.prio, b)
	c.mu.Unlock()
	c.n.Add(1)
	c.wake()
}

// TryReceive returns the next buffer if one is queued, a priority buffer
// first.
func (c *Channel[T]) TryReceive() (Buffer[T], bool) {
	if c.n.Load() == 0 {
		return Buffer[T]{}, false
	}
	c.mu.Lock()
	if len(c.mu.prio) > 0 {
		b := c.mu.prio[0]
		c.mu.prio[0] = Buffer[T]{}
		c.mu.prio = c.mu.prio[1:]
		c.mu.Unlock()
		c.n.Add(-1)
		return b, true
	}
	if c.mu.head == len(c.mu.queue) {
		c.mu.Unlock()
		return Buffer[T]{}, false
	}
	b := c.mu.queue[c.mu.head]
	c.mu.queue[c.mu.head] = Buffer[T]{}
	c.mu.head++
	if c.mu.head == len(c.mu.queue) {
		c.mu.queue, c.mu.head = c.mu.queue[:0], 0
	}
	c.takenLocked()
	c.mu.Unlock()
	c.n.Add(-1)
	return b, true
}

// takenLocked accounts for a buffer taken from the queue.
func (c *Channel[T]) takenLocked() {
	c.mu.recv++
	if c.mu.forced > 0 {
		c.mu.forced--
		return
	}
	select {
	case c.credit <- struct{}{}:
	default: // cannot happen: never more tokens than credits
	}
}

// overtakenBy returns the queued buffers that priority buffer b, just
// received, overtook (the oldest ones), leaving them queued.
func (c *Channel[T]) overtakenBy(b Buffer[T]) []Buffer[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := min(max(int(b.seq-c.mu.recv), 0), len(c.mu.queue)-c.mu.head)
	return slices.Clone(c.mu.queue[c.mu.head : c.mu.head+k])
}

// takeBarrier takes barrier id, the pos-th buffer sent (counting from 1),
// out of the queue, and returns the queued buffers before it; ok is false
// if it is not queued (taken already).
func (c *Channel[T]) takeBarrier(pos, id int64) (before []Buffer[T], b Buffer[T], ok bool) {
	c.mu.Lock()
	i := int(pos - 1 - c.mu.recv)
	q := c.mu.queue[c.mu.head:]
	if i < 0 || i >= len(q) || q[i].Kind != event.CheckpointBarrier || q[i].Barrier.ID != id {
		c.mu.Unlock()
		return nil, b, false
	}
	before = slices.Clone(q[:i])
	b = q[i]
	// Remove it; counting it as taken keeps the later positions.
	copy(q[i:], q[i+1:])
	q[len(q)-1] = Buffer[T]{}
	c.mu.queue = c.mu.queue[:len(c.mu.queue)-1]
	if c.mu.head == len(c.mu.queue) {
		c.mu.queue, c.mu.head = c.mu.queue[:0], 0
	}
	c.takenLocked()
	c.mu.Unlock()
	c.n.Add(-1)
	return before, b, true
}

// insertOvertaken puts back priority buffer b (without its priority) where
// it was sent: after the queued buffers it overtook. A consumer that does
// not take b as a priority buffer handles it in order.
func (c *Channel[T]) insertOvertaken(b Buffer[T]) {
	c.mu.Lock()
	k := min(max(int(b.seq-c.mu.recv), 0), len(c.mu.queue)-c.mu.head)
	b.seq = 0
	c.mu.queue = slices.Insert(c.mu.queue, c.mu.head+k, b)
	c.mu.sent++
	c.mu.forced++
	for i := range c.mu.prio {
		if int(c.mu.prio[i].seq-c.mu.recv) >= k {
			c.mu.prio[i].seq++ // they overtook it too
		}
	}
	c.mu.Unlock()
	c.n.Add(1)
}

// taken reports whether the pos-th buffer sent was taken already.
func (c *Channel[T]) taken(pos int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return pos <= c.mu.recv
}

// Recycle hands a consumed batch back to the producer for reuse.
func (c *Channel[T]) Recycle(batch []operator.Record[T]) {
	if cap(batch) == 0 {
		return
	}
	clear(batch) // drop references so recycled batches do not pin values
	select {
	case c.free <- batch[:0]:
	default:
	}
}

// NewBatch returns an empty batch, recycled if one is available.
func (c *Channel[T]) NewBatch(capacity int) []operator.Record[T] {
	select {
	case b := <-c.free:
		return b
	default:
		return make([]operator.Record[T], 0, capacity)
	}
}

// BackPressuredTime returns how long the producer has waited for credit.
func (c *Channel[T]) BackPressuredTime() time.Duration {
	return time.Duration(c.backPressuredNanos.Load())
}

// Queued returns the number of buffers waiting for the consumer (priority
// buffers included).
func (c *Channel[T]) Queued() int { return int(c.n.Load()) }
