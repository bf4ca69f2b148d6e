package operator

import "github.com/eddy-streams/eddy/internal/event"

// Record is an element with its event timestamp (event.NoTimestamp if it
// has none). Records move by value; a batch between tasks is a []Record[T].
type Record[T any] struct {
	Value     T
	Timestamp int64
}

// HasTimestamp reports whether r carries an event timestamp.
func (r Record[T]) HasTimestamp() bool { return r.Timestamp != event.NoTimestamp }

// Input is one typed input of an operator: records and, in order with them,
// watermarks and watermark status changes (already combined over the input's
// channels by the task).
type Input[T any] interface {
	ProcessElement(r Record[T])
	ProcessWatermark(wm int64)
	ProcessWatermarkStatus(idle bool)
}

// Output is where an operator emits: the next operator of its chain, the
// writers of an exchange, or several of those.
type Output[T any] interface {
	Collect(r Record[T])
	EmitWatermark(wm int64)
	EmitWatermarkStatus(idle bool)
}

// Discard is an Output that drops everything.
type Discard[T any] struct{}

func (Discard[T]) Collect(Record[T])        {}
func (Discard[T]) EmitWatermark(int64)      {}
func (Discard[T]) EmitWatermarkStatus(bool) {}
