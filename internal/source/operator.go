package source

import (
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
)

// DefaultWatermarkInterval is Flink's pipeline.auto-watermark-interval.
const DefaultWatermarkInterval = 200 * time.Millisecond

// Operator is the head of a source subtask.
type Operator[T any] struct {
	src         connector.Source[T]
	strategy    eventtime.Strategy[T]
	interval    int64
	coordinator *Coordinator[T]
	mailbox     *task.Mailbox
	out         operator.Output[T]

	ctx    *operator.Context
	reader connector.Reader[T]
	output *readerOutput[T]
	ended  bool
}

// NewOperator returns the source operator of one subtask.
func NewOperator[T any](src connector.Source[T], strategy eventtime.Strategy[T], watermarkInterval time.Duration,
	coordinator *Coordinator[T], mailbox *task.Mailbox, out operator.Output[T]) *Operator[T] {
	if watermarkInterval <= 0 {
		watermarkInterval = DefaultWatermarkInterval
	}
	return &Operator[T]{src: src, strategy: strategy, interval: watermarkInterval.Milliseconds(), coordinator: coordinator, mailbox: mailbox, out: out}
}

// Open creates the reader, registers it with the coordinator and schedules
// periodic watermark emission.
func (o *Operator[T]) Open(ctx *operator.Context) error {
	o.ctx = ctx
	r, err := o.src.CreateReader(readerContext{ctx: ctx, request: func() {
		o.coordinator.requestSplit(ctx.Subtask)
	}})
	if err != nil {
		return fmt.Errorf("creating source reader: %w", err)
	}
	o.reader = r
	o.output = newReaderOutput(o.strategy, o.out, ctx.Clock)
	if err := r.Start(); err != nil {
		return fmt.Errorf("starting source reader: %w", err)
	}
	o.coordinator.register(ctx.Subtask, readerHandle{
		addSplits: func(s []connector.Split) {
			o.mailbox.Put(func() { o.reader.AddSplits(s) })
		},
		noMoreSplits: func() {
			o.mailbox.Put(func() { o.reader.NotifyNoMoreSplits() })
		},
	})
	if o.strategy.NewGenerator != nil {
		o.schedulePeriodic()
	}
	return nil
}

func (o *Operator[T]) schedulePeriodic() {
	o.ctx.Timers.At(o.ctx.Clock.NowMillis()+o.interval, func(int64) {
		if o.ended {
			return
		}
		o.output.periodic()
		o.schedulePeriodic()
	})
}

// Poll implements task.Source.
func (o *Operator[T]) Poll() task.SourceStatus {
	st, err := o.reader.Poll(o.output)
	if err != nil {
		operator.Fail(fmt.Errorf("reading source: %w", err))
	}
	switch st {
	case connector.MoreAvailable:
		return task.MoreAvailable
	case connector.NothingAvailable:
		return task.NothingAvailable
	}
	// A finished source ends event time, so every window fires and every
	// timer runs downstream.
	o.ended = true
	o.output.end()
	return task.EndOfInput
}

// Available implements task.Source.
func (o *Operator[T]) Available() <-chan struct{} { return o.reader.Available() }

// Finish implements operator.Operator.
func (o *Operator[T]) Finish() error { return nil }

// Close closes the reader.
func (o *Operator[T]) Close() error {
	if o.reader == nil {
		return nil
	}
	return o.reader.Close()
}

type readerContext struct {
	ctx     *operator.Context
	request func()
}

func (r readerContext) Subtask() int     { return r.ctx.Subtask }
func (r readerContext) Parallelism() int { return r.ctx.Parallelism }
func (r readerContext) RequestSplit()    { r.request() }
func (r readerContext) NowMillis() int64 { return r.ctx.Clock.NowMillis() }

// readerOutput assigns timestamps, runs one watermark generator per split and
// combines their watermarks into the subtask's.
type readerOutput[T any] struct {
	strategy eventtime.Strategy[T]
	out      operator.Output[T]
	clock    operator.Clock

	main    *splitOutput[T] // records emitted without a split
	splits  map[string]*splitOutput[T]
	current int64
	idle    bool
}

func newReaderOutput[T any](strategy eventtime.Strategy[T], out operator.Output[T], clock operator.Clock) *readerOutput[T] {
	r := &readerOutput[T]{strategy: strategy, out: out, clock: clock, splits: map[string]*splitOutput[T]{}, current: event.MinWatermark}
	return r
}

func (r *readerOutput[T]) newSplitOutput() *splitOutput[T] {
	s := &splitOutput[T]{parent: r, wm: event.MinWatermark}
	if r.strategy.NewGenerator != nil {
		s.gen = r.strategy.NewGenerator()
		if r.strategy.IdleTimeout > 0 {
			s.gen = eventtime.WithIdleness(s.gen, r.strategy.IdleTimeout, r.clock)
		}
	}
	return s
}

func (r *readerOutput[T]) Collect(v T) {
	if r.main == nil {
		r.main = r.newSplitOutput()
	}
	r.main.Collect(v)
}

func (r *readerOutput[T]) CollectWithTimestamp(v T, ts int64) {
	if r.main == nil {
		r.main = r.newSplitOutput()
	}
	r.main.CollectWithTimestamp(v, ts)
}

func (r *readerOutput[T]) ForSplit(id string) connector.SplitOutput[T] {
	s, ok := r.splits[id]
	if !ok {
		s = r.newSplitOutput()
		r.splits[id] = s
	}
	return s
}

func (r *readerOutput[T]) ReleaseSplit(id string) {
	delete(r.splits, id)
	r.combine()
}

func (r *readerOutput[T]) periodic() {
	if r.main != nil && r.main.gen != nil {
		r.main.gen.OnPeriodicEmit(r.main)
	}
	for _, s := range r.splits {
		if s.gen != nil {
			s.gen.OnPeriodicEmit(s)
		}
	}
	r.combine()
}

// combine emits the minimum watermark over active outputs if it advanced,
// and the idle status when every output is idle.
func (r *readerOutput[T]) combine() {
	m, active := event.MaxWatermark, 0
	visit := func(s *splitOutput[T]) {
		if s.idle {
			return
		}
		active++
		m = min(m, s.wm)
	}
	if r.main != nil {
		visit(r.main)
	}
	for _, s := range r.splits {
		visit(s)
	}
	n := len(r.splits)
	if r.main != nil {
		n++
	}
	allIdle := n > 0 && active == 0
	if allIdle != r.idle {
		r.idle = allIdle
		r.out.EmitWatermarkStatus(allIdle)
	}
	if active > 0 && m > r.current {
		r.current = m
		r.out.EmitWatermark(m)
	}
}

func (r *readerOutput[T]) end() {
	if r.idle {
		r.idle = false
		r.out.EmitWatermarkStatus(false)
	}
	if r.current < event.MaxWatermark {
		r.current = event.MaxWatermark
		r.out.EmitWatermark(event.MaxWatermark)
	}
}

type splitOutput[T any] struct {
	parent *readerOutput[T]
	gen    eventtime.Generator[T]
	wm     int64
	idle   bool
}

func (s *splitOutput[T]) Collect(v T) { s.CollectWithTimestamp(v, event.NoTimestamp) }

func (s *splitOutput[T]) CollectWithTimestamp(v T, ts int64) {
	if s.parent.strategy.Timestamp != nil {
		ts = s.parent.strategy.Timestamp(v, ts)
	}
	if s.gen != nil {
		s.gen.OnEvent(v, ts, s)
	}
	s.parent.out.Collect(operator.Record[T]{Value: v, Timestamp: ts})
}

// EmitWatermark implements eventtime.Output for the split's generator.
func (s *splitOutput[T]) EmitWatermark(wm int64) {
	s.idle = false
	if wm > s.wm {
		s.wm = wm
		s.parent.combine()
	}
}

func (s *splitOutput[T]) MarkIdle()   { s.idle = true; s.parent.combine() }
func (s *splitOutput[T]) MarkActive() { s.idle = false }
