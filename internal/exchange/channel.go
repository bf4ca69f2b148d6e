package exchange

import (
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Buffer is what travels on a channel: a batch of records, a watermark, a
// watermark status change, a checkpoint barrier, or the end of the
// partition.
type Buffer[T any] struct {
	Kind      event.Kind
	Records   []operator.Record[T]
	Watermark int64
	Idle      bool
	Barrier   event.Barrier
}

// Channel is a local channel from one producer subtask to one consumer
// subtask with a fixed credit of buffers.
type Channel[T any] struct {
	queue  chan Buffer[T]
	notify chan struct{}
	free   chan []operator.Record[T]

	// backPressuredNanos accumulates the time the producer waited for credit.
	backPressuredNanos atomic.Int64
}

// NewChannel returns a channel with credits buffers of credit that wakes its
// consumer through notify (a channel of capacity 1 shared by all the
// consumer's channels).
func NewChannel[T any](credits int, notify chan struct{}) *Channel[T] {
	return &Channel[T]{
		queue:  make(chan Buffer[T], credits),
		notify: notify,
		free:   make(chan []operator.Record[T], credits+2),
	}
}

// Send puts b on the channel, waiting for credit if the consumer is behind.
// It returns false, without sending, if done is closed first.
func (c *Channel[T]) Send(done <-chan struct{}, b Buffer[T]) bool {
	select {
	case c.queue <- b:
	default:
		start := time.Now()
		select {
		case c.queue <- b:
		case <-done:
			return false
		}
		c.backPressuredNanos.Add(int64(time.Since(start)))
	}
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return true
}

// TryReceive returns the next buffer if one is queued.
func (c *Channel[T]) TryReceive() (Buffer[T], bool) {
	select {
	case b := <-c.queue:
		return b, true
	default:
		return Buffer[T]{}, false
	}
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

// Queued returns the number of buffers waiting for the consumer.
func (c *Channel[T]) Queued() int { return len(c.queue) }
