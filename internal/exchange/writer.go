package exchange

import (
	"time"

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

	// unaligned: checkpoint barriers may overtake the queued data
	// (execution.checkpointing.unaligned.enabled); alignedTimeout is
	// execution.checkpointing.aligned-checkpoint-timeout (see EmitBarrier).
	unaligned      bool
	alignedTimeout time.Duration
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

// SetUnaligned makes the writer send barriers of unaligned checkpoints
// ahead of the queued data (see EmitBarrier). timeout is the aligned
// checkpoint timeout; 0 means that every checkpoint is unaligned.
func (w *Writer[T]) SetUnaligned(on bool, timeout time.Duration) {
	w.unaligned, w.alignedTimeout = on, timeout
}

// EmitBarrier sends checkpoint barrier b on every channel.
//
// An aligned barrier (savepoints always) goes after the records collected
// before it: the partial batches are flushed first. An unaligned barrier
// (b.Unaligned) overtakes: the partial batches are queued without waiting
// for credit and the barrier is sent with priority; the consumer records
// the data it overtook as channel state. With unaligned checkpoints and an
// aligned checkpoint timeout, an aligned barrier that cannot be sent before
// the checkpoint's trigger time plus the timeout (the channel has no
// credit) is sent unaligned instead; one that was sent is announced with
// priority, so that the consumer can let it overtake the queued data once
// the timeout passed.
func (w *Writer[T]) EmitBarrier(b event.Barrier) {
	switch {
	case !w.unaligned || b.Savepoint:
		b.Unaligned = false
		w.broadcastEvent(Buffer[T]{Kind: event.CheckpointBarrier, Barrier: b})
	case b.Unaligned:
		for i := range w.chans {
			w.emitPriority(i, b)
		}
	default:
		w.emitTimeoutable(b)
	}
}

// emitPriority sends unaligned barrier b on channel i ahead of its queue;
// the partial batch goes before it, without waiting for credit, so that
// the barrier overtakes it too.
func (w *Writer[T]) emitPriority(i int, b event.Barrier) {
	b.Unaligned = true
	if len(w.batches[i]) > 0 {
		w.chans[i].sendForced(Buffer[T]{Kind: event.Data, Records: w.batches[i]})
		w.pending--
		w.batches[i] = w.chans[i].NewBatch(w.batchSize)
	}
	w.chans[i].SendPriority(Buffer[T]{Kind: event.CheckpointBarrier, Barrier: b})
}

// emitTimeoutable sends aligned barrier b, switching a channel to an
// unaligned barrier when it has no credit until the timeout.
func (w *Writer[T]) emitTimeoutable(b event.Barrier) {
	deadline := time.UnixMilli(b.Timestamp).Add(w.alignedTimeout)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for i, c := range w.chans {
		d := time.Until(deadline)
		if d <= 0 {
			w.emitPriority(i, b)
			continue
		}
		if timer == nil {
			timer = time.NewTimer(d)
		}
		if len(w.batches[i]) > 0 {
			ok, timedOut := c.sendUntil(w.done, timer.C, Buffer[T]{Kind: event.Data, Records: w.batches[i]})
			if timedOut {
				deadline = time.Time{} // the timer fired: the rest go unaligned
				w.emitPriority(i, b)
				continue
			}
			if !ok {
				operator.Fail(errCancelled)
			}
			w.pending--
			w.batches[i] = c.NewBatch(w.batchSize)
		}
		ok, timedOut := c.sendUntil(w.done, timer.C, Buffer[T]{Kind: event.CheckpointBarrier, Barrier: b})
		switch {
		case timedOut:
			deadline = time.Time{}
			w.emitPriority(i, b)
		case !ok:
			operator.Fail(errCancelled)
		default:
			c.SendPriority(Buffer[T]{Kind: event.BarrierAnnouncement, Barrier: b})
		}
	}
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
