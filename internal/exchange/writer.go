package exchange

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Writer is the Output of a producer on one edge: it batches records per
// channel and sends a batch when it is full, before any watermark, status
// change or barrier (order on a channel is never broken), on Flush, and at
// the end.
type Writer[T any] struct {
	chans     []*Channel[T]
	batches   [][]operator.Record[T]
	batchSize int
	selector  Selector[T] // nil: broadcast
	done      <-chan struct{}
	pending   int // channels with a non-empty batch
	// selecting holds the record being routed: the selector gets a pointer
	// to it rather than to Collect's parameter, which would then escape to
	// the heap (an allocation per record).
	selecting operator.Record[T]
}

// NewWriter returns a writer over chans. A nil selector broadcasts every
// record to every channel. done aborts a send blocked on credit.
func NewWriter[T any](chans []*Channel[T], selector Selector[T], batchSize int, done <-chan struct{}) *Writer[T] {
	w := &Writer[T]{chans: chans, batches: make([][]operator.Record[T], len(chans)), batchSize: batchSize, selector: selector, done: done}
	for i, c := range chans {
		w.batches[i] = c.NewBatch(batchSize)
	}
	return w
}

// Collect adds r to the batch of its channel.
func (w *Writer[T]) Collect(r operator.Record[T]) {
	if w.selector == nil {
		for i := range w.chans {
			w.add(i, r)
		}
		return
	}
	if len(w.chans) == 1 {
		w.add(0, r)
		return
	}
	w.selecting = r
	w.add(w.selector.Select(&w.selecting), r)
}

func (w *Writer[T]) add(i int, r operator.Record[T]) {
	b := w.batches[i]
	if len(b) == 0 {
		w.pending++
	}
	b = append(b, r)
	w.batches[i] = b
	if len(b) >= w.batchSize {
		w.sendBatch(i)
	}
}

func (w *Writer[T]) sendBatch(i int) {
	b := w.batches[i]
	w.pending--
	if !w.chans[i].Send(w.done, Buffer[T]{Kind: event.Data, Records: b}) {
		operator.Fail(errCancelled)
	}
	w.batches[i] = w.chans[i].NewBatch(w.batchSize)
}

// Flush sends every non-empty batch.
func (w *Writer[T]) Flush() {
	if w.pending == 0 {
		return
	}
	for i, b := range w.batches {
		if len(b) > 0 {
			w.sendBatch(i)
		}
	}
}

// EmitWatermark flushes and sends wm on every channel.
func (w *Writer[T]) EmitWatermark(wm int64) {
	w.broadcastEvent(Buffer[T]{Kind: event.Watermark, Watermark: wm})
}

// EmitWatermarkStatus flushes and sends the status on every channel.
func (w *Writer[T]) EmitWatermarkStatus(idle bool) {
	w.broadcastEvent(Buffer[T]{Kind: event.WatermarkStatus, Idle: idle})
}

// EmitBarrier flushes and sends checkpoint barrier b on every channel: the
// records collected before it go out before it.
func (w *Writer[T]) EmitBarrier(b event.Barrier) {
	w.broadcastEvent(Buffer[T]{Kind: event.CheckpointBarrier, Barrier: b})
}

// End flushes and sends the end of the partition on every channel.
func (w *Writer[T]) End() {
	w.broadcastEvent(Buffer[T]{Kind: event.EndOfPartition})
}

func (w *Writer[T]) broadcastEvent(b Buffer[T]) {
	w.Flush()
	for _, c := range w.chans {
		if !c.Send(w.done, b) {
			operator.Fail(errCancelled)
		}
	}
}

// BackPressured reports the time this writer's channels waited for credit.
func (w *Writer[T]) BackPressuredNanos() int64 {
	var n int64
	for _, c := range w.chans {
		n += c.backPressuredNanos.Load()
	}
	return n
}

type cancelledError struct{}

func (cancelledError) Error() string { return "task cancelled" }

// errCancelled fails a task whose send was aborted by cancellation.
var errCancelled error = cancelledError{}

// IsCancelled reports whether err is the error of a send aborted by
// cancellation.
func IsCancelled(err error) bool {
	_, ok := err.(cancelledError)
	return ok
}
