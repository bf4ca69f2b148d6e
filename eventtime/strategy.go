package eventtime

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Output receives what a generator decides.
type Output interface {
	// EmitWatermark emits a watermark; one that does not advance is ignored.
	EmitWatermark(wm int64)
	// MarkIdle marks the input idle until the next watermark or record.
	MarkIdle()
	// MarkActive marks the input active again.
	MarkActive()
}

// Generator generates watermarks for one split (or one stream), as Flink's
// WatermarkGenerator: on every event and periodically
// (pipeline.auto-watermark-interval).
type Generator[T any] interface {
	OnEvent(v T, ts int64, out Output)
	OnPeriodicEmit(out Output)
}

// Clock is processing time, for idleness.
type Clock interface{ NowMillis() int64 }

// Strategy is a watermark strategy: a timestamp assigner and a generator
// factory, with optional idleness.
type Strategy[T any] struct {
	// Timestamp extracts the event timestamp of v; previous is the
	// timestamp the record already has (from the source), or
	// math.MinInt64. Nil keeps the record's timestamp.
	Timestamp func(v T, previous int64) int64
	// NewGenerator creates a generator; nil means no watermarks.
	NewGenerator func() Generator[T]
	// IdleTimeout marks an input idle after this long without records; 0
	// disables idleness.
	IdleTimeout time.Duration
	err         error
}

// Err reports an invalid strategy.
func (s Strategy[T]) Err() error { return s.err }

// WithTimestampAssigner returns s with a timestamp assigner.
func (s Strategy[T]) WithTimestampAssigner(fn func(v T, previous int64) int64) Strategy[T] {
	s.Timestamp = fn
	return s
}

// WithIdleness returns s marking an input idle after timeout without
// records, so it does not hold back the watermark of the operators after it.
func (s Strategy[T]) WithIdleness(timeout time.Duration) Strategy[T] {
	if timeout <= 0 {
		s.err = errors.Join(s.err, fmt.Errorf("idle timeout must be positive, got %v", timeout))
	}
	s.IdleTimeout = timeout
	return s
}

// NoWatermarks is a strategy without watermarks (processing-time jobs).
func NoWatermarks[T any]() Strategy[T] { return Strategy[T]{} }

// ForMonotonousTimestamps expects timestamps that never decrease: the
// watermark is the highest timestamp seen minus one.
func ForMonotonousTimestamps[T any]() Strategy[T] {
	return Strategy[T]{NewGenerator: func() Generator[T] { return newBounded[T](0) }}
}

// ForBoundedOutOfOrderness expects records at most maxOutOfOrderness late:
// the watermark is the highest timestamp seen minus maxOutOfOrderness minus
// one, as in Flink.
func ForBoundedOutOfOrderness[T any](maxOutOfOrderness time.Duration) Strategy[T] {
	s := Strategy[T]{}
	if maxOutOfOrderness < 0 {
		s.err = fmt.Errorf("max out-of-orderness must not be negative, got %v", maxOutOfOrderness)
		maxOutOfOrderness = 0
	}
	d := maxOutOfOrderness.Milliseconds()
	s.NewGenerator = func() Generator[T] { return newBounded[T](d) }
	return s
}

// ForGenerator is a strategy with a custom generator.
func ForGenerator[T any](newGenerator func() Generator[T]) Strategy[T] {
	s := Strategy[T]{NewGenerator: newGenerator}
	if newGenerator == nil {
		s.err = errors.New("watermark generator factory is nil")
	}
	return s
}

type bounded[T any] struct {
	delay int64
	maxTs int64
}

func newBounded[T any](delay int64) *bounded[T] {
	return &bounded[T]{delay: delay, maxTs: math.MinInt64 + delay + 1}
}

func (b *bounded[T]) OnEvent(_ T, ts int64, _ Output) {
	if ts > b.maxTs {
		b.maxTs = ts
	}
}

func (b *bounded[T]) OnPeriodicEmit(out Output) {
	out.EmitWatermark(b.maxTs - b.delay - 1)
}

// WithIdleness wraps a generator so that it marks its output idle after
// timeout of processing time without events (Flink's WatermarksWithIdleness).
func WithIdleness[T any](g Generator[T], timeout time.Duration, clock Clock) Generator[T] {
	return &idleness[T]{inner: g, timeout: timeout.Milliseconds(), clock: clock, lastActivity: clock.NowMillis()}
}

type idleness[T any] struct {
	inner        Generator[T]
	timeout      int64
	clock        Clock
	lastActivity int64
	idle         bool
	sawEvent     bool
}

func (w *idleness[T]) OnEvent(v T, ts int64, out Output) {
	w.inner.OnEvent(v, ts, out)
	w.sawEvent = true
	if w.idle {
		w.idle = false
		out.MarkActive()
	}
}

func (w *idleness[T]) OnPeriodicEmit(out Output) {
	now := w.clock.NowMillis()
	if w.sawEvent {
		w.sawEvent = false
		w.lastActivity = now
	}
	if now-w.lastActivity >= w.timeout {
		if !w.idle {
			w.idle = true
			out.MarkIdle()
		}
		return
	}
	w.inner.OnPeriodicEmit(out)
}
