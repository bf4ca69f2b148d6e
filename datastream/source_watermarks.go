package datastream

import (
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// AssignTimestampsAndWatermarks assigns event timestamps to the elements of
// s and generates watermarks from them, as Flink's
// DataStream#assignTimestampsAndWatermarks: the operator runs with the
// parallelism of s (so it chains to it), one watermark generator per
// subtask, emitting periodically every pipeline.auto-watermark-interval
// (and whenever the generator emits on an event). Watermarks and idleness
// from upstream are dropped — the strategy decides — except the final
// event.MaxWatermark of a bounded input, which is forwarded so every window
// fires and every timer runs. With the strategy's idleness, the subtask
// marks itself idle after the timeout without records.
//
// Prefer a watermark strategy on the source (FromSource), which generates
// watermarks per split.
func AssignTimestampsAndWatermarks[T any](s *DataStream[T], strategy eventtime.Strategy[T]) *DataStream[T] {
	if err := strategy.Err(); err != nil {
		s.env.fail(fmt.Errorf("AssignTimestampsAndWatermarks: watermark strategy: %w", err))
	}
	env := s.env
	out := oneInput(s, "Timestamps/Watermarks", false, func(out operator.Output[T]) operator.OneInput[T] {
		return newTimestampsAndWatermarksOp(strategy, env.cfg.AutoWatermarkInterval, out)
	})
	// Flink gives the operator the parallelism of its input.
	out.node.Parallelism = s.node.Parallelism
	return out
}

// timestampsAndWatermarksOp is Flink's TimestampsAndWatermarksOperator.
type timestampsAndWatermarksOp[T any] struct {
	strategy eventtime.Strategy[T]
	interval int64 // milliseconds
	out      operator.Output[T]

	ctx     *operator.Context
	gen     eventtime.Generator[T]
	current int64 // the last watermark emitted
	idle    bool  // the last status emitted
	cancel  func()
}

func newTimestampsAndWatermarksOp[T any](strategy eventtime.Strategy[T], interval time.Duration, out operator.Output[T]) *timestampsAndWatermarksOp[T] {
	return &timestampsAndWatermarksOp[T]{strategy: strategy, interval: max(interval.Milliseconds(), 1), out: out, current: event.MinWatermark}
}

func (o *timestampsAndWatermarksOp[T]) Open(ctx *operator.Context) error {
	o.ctx = ctx
	if o.strategy.NewGenerator != nil {
		o.gen = o.strategy.NewGenerator()
	}
	if o.gen == nil {
		return nil
	}
	if o.strategy.IdleTimeout > 0 {
		o.gen = eventtime.WithIdleness(o.gen, o.strategy.IdleTimeout, ctx.Clock)
	}
	o.schedule()
	return nil
}

func (o *timestampsAndWatermarksOp[T]) schedule() {
	o.cancel = o.ctx.Timers.At(o.ctx.Clock.NowMillis()+o.interval, func(int64) {
		o.cancel = nil
		if o.current == event.MaxWatermark {
			return // event time ended; nothing can be emitted any more
		}
		o.gen.OnPeriodicEmit(o)
		o.schedule()
	})
}

func (o *timestampsAndWatermarksOp[T]) ProcessElement(r operator.Record[T]) {
	ts := r.Timestamp
	if o.strategy.Timestamp != nil {
		ts = o.strategy.Timestamp(r.Value, r.Timestamp)
	}
	// No record travels between an idle and an active status.
	o.MarkActive()
	o.out.Collect(operator.Record[T]{Value: r.Value, Timestamp: ts})
	if o.gen != nil {
		o.gen.OnEvent(r.Value, ts, o)
	}
}

// ProcessWatermark drops upstream watermarks but the end of event time.
func (o *timestampsAndWatermarksOp[T]) ProcessWatermark(wm int64) {
	if wm == event.MaxWatermark && o.current != event.MaxWatermark {
		o.MarkActive() // a watermark on an idle channel is ignored downstream
		o.current = event.MaxWatermark
		o.out.EmitWatermark(event.MaxWatermark)
	}
}

// ProcessWatermarkStatus drops upstream statuses: this operator's
// generator decides its own.
func (o *timestampsAndWatermarksOp[T]) ProcessWatermarkStatus(bool) {}

// EmitWatermark implements eventtime.Output: a watermark that advances is
// emitted and makes the output active.
func (o *timestampsAndWatermarksOp[T]) EmitWatermark(wm int64) {
	if wm <= o.current {
		return
	}
	o.MarkActive()
	o.current = wm
	o.out.EmitWatermark(wm)
}

// MarkIdle implements eventtime.Output.
func (o *timestampsAndWatermarksOp[T]) MarkIdle() {
	if !o.idle && o.current != event.MaxWatermark {
		o.idle = true
		o.out.EmitWatermarkStatus(true)
	}
}

// MarkActive implements eventtime.Output.
func (o *timestampsAndWatermarksOp[T]) MarkActive() {
	if o.idle {
		o.idle = false
		o.out.EmitWatermarkStatus(false)
	}
}

// Finish emits a last periodic watermark, as Flink does.
func (o *timestampsAndWatermarksOp[T]) Finish() error {
	o.stop()
	if o.gen != nil && o.current != event.MaxWatermark {
		o.gen.OnPeriodicEmit(o)
	}
	return nil
}

func (o *timestampsAndWatermarksOp[T]) Close() error {
	o.stop()
	return nil
}

func (o *timestampsAndWatermarksOp[T]) stop() {
	if o.cancel != nil {
		o.cancel()
		o.cancel = nil
	}
}
