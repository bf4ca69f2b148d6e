package source

import (
	"fmt"
	"math"
	"slices"
	"sync"
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

	ctx          *operator.Context
	reader       connector.Reader[T]
	output       *readerOutput[T]
	ended        bool
	cancelPeriod func()

	// Assignments from the coordinator wait here until the task goroutine
	// hands them to the reader, so a snapshot sees every split assigned
	// before the enumerator's snapshot for the same checkpoint, and none
	// assigned after it (which that snapshot holds).
	inbox struct {
		sync.Mutex
		assignments []assignment
		seq         int64 // of the last assignment queued
	}
	noMoreDelivered bool
}

// assignment is splits (or the end of them) assigned after the enumerator
// snapshot of checkpoint epoch (readerHandle).
type assignment struct {
	seq, epoch int64
	splits     []connector.Split
	noMore     bool
}

// ReaderState is the checkpointed state of a source subtask.
type ReaderState struct {
	// Splits are the reader's unfinished splits with their positions,
	// encoded by the source's connector.SplitCodec.
	Splits [][]byte
	// NoMoreSplits is set when the reader was told it gets no more splits.
	NoMoreSplits bool
}

// Snapshotter is implemented by source operators: SnapshotReader runs on
// the task goroutine when the subtask takes a checkpoint.
type Snapshotter interface {
	SnapshotReader(checkpointID int64) (ReaderState, error)
	// CheckSnapshots fails if the source cannot be checkpointed at all.
	CheckSnapshots() error
}

// CheckSnapshots reports whether the source can be checkpointed: its
// splits need a codec (connector.SplitCodec).
func (o *Operator[T]) CheckSnapshots() error {
	if _, ok := o.src.(connector.SplitCodec); !ok {
		return fmt.Errorf("source %T does not implement connector.SplitCodec: it cannot be checkpointed", o.src)
	}
	return nil
}

// SnapshotReader implements Snapshotter. It fails if the reader does not
// implement connector.SplitSnapshotter or the source connector.SplitCodec.
func (o *Operator[T]) SnapshotReader(checkpointID int64) (ReaderState, error) {
	o.deliver(math.MaxInt64, checkpointID)
	var st ReaderState
	st.NoMoreSplits = o.noMoreDelivered
	if o.ended {
		st.NoMoreSplits = true
		return st, nil
	}
	sn, ok := o.reader.(connector.SplitSnapshotter)
	if !ok {
		return st, fmt.Errorf("source reader %T does not implement connector.SplitSnapshotter", o.reader)
	}
	codec, ok := o.src.(connector.SplitCodec)
	if !ok {
		return st, fmt.Errorf("source %T does not implement connector.SplitCodec", o.src)
	}
	splits, err := sn.SnapshotSplits()
	if err != nil {
		return st, fmt.Errorf("snapshotting source splits: %w", err)
	}
	for _, sp := range splits {
		b, err := codec.EncodeSplit(sp)
		if err != nil {
			return st, fmt.Errorf("encoding split %q: %w", sp.SplitID(), err)
		}
		st.Splits = append(st.Splits, b)
	}
	return st, nil
}

// queue queues an assignment for the task goroutine, which delivers it
// (and those before it) in turn; never later ones, which may wait behind a
// checkpoint in the mailbox.
func (o *Operator[T]) queue(a assignment) {
	o.inbox.Lock()
	o.inbox.seq++
	a.seq = o.inbox.seq
	o.inbox.assignments = append(o.inbox.assignments, a)
	o.inbox.Unlock()
	o.mailbox.Put(func() { o.deliver(a.seq, math.MaxInt64) })
}

// deliver hands the reader the queued assignments up to seq that were
// made before the enumerator snapshot of checkpoint epoch, in order.
func (o *Operator[T]) deliver(seq, epoch int64) {
	o.inbox.Lock()
	var splits []connector.Split
	noMore := false
	n := 0
	for _, a := range o.inbox.assignments {
		if a.seq > seq || a.epoch >= epoch {
			break
		}
		splits = append(splits, a.splits...)
		noMore = noMore || a.noMore
		n++
	}
	o.inbox.assignments = slices.Delete(o.inbox.assignments, 0, n)
	o.inbox.Unlock()
	if len(splits) > 0 {
		o.addSplits(splits)
	}
	if noMore && !o.noMoreDelivered {
		o.noMoreDelivered = true
		if !o.ended {
			o.reader.NotifyNoMoreSplits()
		}
	}
}

// NewOperator returns the source operator of one subtask.
func NewOperator[T any](src connector.Source[T], strategy eventtime.Strategy[T], watermarkInterval time.Duration,
	coordinator *Coordinator[T], mailbox *task.Mailbox, out operator.Output[T]) *Operator[T] {
	if watermarkInterval <= 0 {
		watermarkInterval = DefaultWatermarkInterval
	}
	return &Operator[T]{src: src, strategy: strategy, interval: max(watermarkInterval.Milliseconds(), 1), coordinator: coordinator, mailbox: mailbox, out: out}
}

// Open creates the reader, registers it with the coordinator, starts it and
// schedules periodic watermark emission (as Flink's SourceOperator: the
// reader is registered before it starts, so it may request splits in
// Start).
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
	o.coordinator.register(ctx.Subtask, readerHandle{
		addSplits:    func(epoch int64, s []connector.Split) { o.queue(assignment{epoch: epoch, splits: s}) },
		noMoreSplits: func(epoch int64) { o.queue(assignment{epoch: epoch, noMore: true}) },
	})
	if err := r.Start(); err != nil {
		return fmt.Errorf("starting source reader: %w", err)
	}
	if o.strategy.NewGenerator != nil {
		o.schedulePeriodic()
	}
	return nil
}

// addSplits hands new splits to the reader. Their outputs are created first
// (Flink's FLINK-26018): a split that has not emitted yet holds the
// watermark back, so its records are not late when it starts.
func (o *Operator[T]) addSplits(splits []connector.Split) {
	if o.ended {
		return
	}
	o.output.addSplits(splits)
	o.reader.AddSplits(splits)
}

func (o *Operator[T]) schedulePeriodic() {
	o.cancelPeriod = o.ctx.Timers.At(o.ctx.Clock.NowMillis()+o.interval, func(int64) {
		if o.ended {
			return
		}
		o.output.periodic()
		o.schedulePeriodic()
	})
}

// Poll implements task.Source.
func (o *Operator[T]) Poll() task.SourceStatus {
	if o.ended {
		return task.EndOfInput
	}
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
	if o.cancelPeriod != nil {
		o.cancelPeriod()
	}
	o.output.end()
	return task.EndOfInput
}

// Available implements task.Source.
func (o *Operator[T]) Available() <-chan struct{} { return o.reader.Available() }

// Finish implements operator.Operator.
func (o *Operator[T]) Finish() error { return nil }

// Close closes the reader.
func (o *Operator[T]) Close() error {
	if o.cancelPeriod != nil {
		o.cancelPeriod()
	}
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

// readerOutput assigns timestamps, runs one watermark generator per split
// (and one for the main output) and combines their watermarks and statuses
// into the subtask's, as Flink's ProgressiveTimestampsAndWatermarks:
//
//   - The split outputs are combined as Flink's WatermarkOutputMultiplexer:
//     their watermark is the minimum over the splits that are not idle.
//   - The main output (records emitted without a split) has a generator of
//     its own; it and the splits' combined watermark feed one output that
//     emits a watermark only when it advances. A reader should use either
//     the main output or split outputs, not both.
//   - The subtask is idle when every output is idle (Flink's
//     IdlenessManager). A subtask without any output — a reader that has no
//     split assigned, in an unbounded job with more subtasks than splits —
//     is idle from the first periodic emission on, so it does not hold the
//     watermark of the operators after it back forever; it turns active
//     again when it gets a split or emits a record.
//   - A record makes its split active again before it is emitted, so no
//     record travels between an idle and an active status.
//   - The end of input turns the subtask active and emits
//     event.MaxWatermark.
type readerOutput[T any] struct {
	strategy eventtime.Strategy[T]
	out      operator.Output[T]
	clock    operator.Clock

	main   *splitOutput[T] // records emitted without a split; nil until used
	splits map[string]*splitOutput[T]

	current int64 // the last watermark emitted
	idle    bool  // the last status emitted
	ticked  bool  // a periodic emission happened
	// released is set once a split finished: a reader whose splits all
	// finished is about to end (or get new splits) and must not go idle,
	// or the channels after it would skip its final watermark's order.
	released bool
	batch    bool // updates are deferred until the end of a periodic emission
	ended    bool
}

func newReaderOutput[T any](strategy eventtime.Strategy[T], out operator.Output[T], clock operator.Clock) *readerOutput[T] {
	return &readerOutput[T]{strategy: strategy, out: out, clock: clock, splits: map[string]*splitOutput[T]{}, current: event.MinWatermark}
}

func (r *readerOutput[T]) newSplitOutput() *splitOutput[T] {
	s := &splitOutput[T]{parent: r, wm: event.MinWatermark}
	if r.strategy.NewGenerator != nil {
		s.gen = r.strategy.NewGenerator()
		if s.gen != nil && r.strategy.IdleTimeout > 0 {
			s.gen = eventtime.WithIdleness(s.gen, r.strategy.IdleTimeout, r.clock)
		}
	}
	return s
}

func (r *readerOutput[T]) mainOutput() *splitOutput[T] {
	if r.main == nil {
		r.main = r.newSplitOutput()
		r.update()
	}
	return r.main
}

func (r *readerOutput[T]) Collect(v T) { r.mainOutput().Collect(v) }

func (r *readerOutput[T]) CollectWithTimestamp(v T, ts int64) {
	r.mainOutput().CollectWithTimestamp(v, ts)
}

func (r *readerOutput[T]) ForSplit(id string) connector.SplitOutput[T] {
	s, ok := r.splits[id]
	if !ok {
		s = r.newSplitOutput()
		r.splits[id] = s
		r.update()
	}
	return s
}

// addSplits creates the outputs of splits assigned to the reader.
func (r *readerOutput[T]) addSplits(splits []connector.Split) {
	added := false
	for _, sp := range splits {
		id := sp.SplitID()
		if _, ok := r.splits[id]; !ok {
			r.splits[id] = r.newSplitOutput()
			added = true
		}
	}
	if added {
		r.update()
	}
}

func (r *readerOutput[T]) ReleaseSplit(id string) {
	if _, ok := r.splits[id]; !ok {
		return
	}
	delete(r.splits, id)
	r.released = true
	r.update()
}

// periodic runs every generator's periodic emission, then combines.
func (r *readerOutput[T]) periodic() {
	if r.ended {
		return
	}
	r.ticked = true
	r.batch = true
	if r.main != nil && r.main.gen != nil {
		r.main.gen.OnPeriodicEmit(r.main)
	}
	for _, s := range r.splits {
		if s.gen != nil {
			s.gen.OnPeriodicEmit(s)
		}
	}
	r.batch = false
	r.update()
}

// update combines the outputs' watermarks and statuses and emits what
// changed: the active status before a watermark, the idle status after.
func (r *readerOutput[T]) update() {
	if r.batch || r.ended {
		return
	}
	if r.main == nil && len(r.splits) == 0 && r.released {
		return // keep the last watermark and status until the end or new splits
	}
	wm := event.MinWatermark
	activeSplits, splitMin := 0, event.MaxWatermark
	for _, s := range r.splits {
		if !s.idle {
			activeSplits++
			splitMin = min(splitMin, s.wm)
		}
	}
	if activeSplits > 0 {
		wm = splitMin
	}
	mainActive := r.main != nil && !r.main.idle
	if mainActive {
		wm = max(wm, r.main.wm)
	}
	var idle bool
	if r.main == nil && len(r.splits) == 0 {
		idle = r.ticked
	} else {
		idle = !mainActive && activeSplits == 0
	}
	if idle {
		if !r.idle {
			r.idle = true
			r.out.EmitWatermarkStatus(true)
		}
		return
	}
	if r.idle {
		r.idle = false
		r.out.EmitWatermarkStatus(false)
	}
	if wm > r.current {
		r.current = wm
		r.out.EmitWatermark(wm)
	}
}

// end ends event time: the subtask turns active (a watermark on an idle
// channel is ignored downstream) and emits the maximum watermark.
func (r *readerOutput[T]) end() {
	if r.ended {
		return
	}
	r.ended = true
	if r.idle {
		r.idle = false
		r.out.EmitWatermarkStatus(false)
	}
	if r.current < event.MaxWatermark {
		r.current = event.MaxWatermark
		r.out.EmitWatermark(event.MaxWatermark)
	}
}

// splitOutput is the output of one split (or the main output): it assigns
// timestamps and runs the split's generator, which emits into it.
type splitOutput[T any] struct {
	parent *readerOutput[T]
	gen    eventtime.Generator[T]
	wm     int64
	idle   bool
}

func (s *splitOutput[T]) Collect(v T) { s.CollectWithTimestamp(v, event.NoTimestamp) }

// CollectWithTimestamp emits the record before the generator sees it (as
// Flink: a watermark generated on the event must not overtake it).
func (s *splitOutput[T]) CollectWithTimestamp(v T, ts int64) {
	if s.parent.strategy.Timestamp != nil {
		ts = s.parent.strategy.Timestamp(v, ts)
	}
	if s.idle {
		s.idle = false
		s.parent.update()
	}
	s.parent.out.Collect(operator.Record[T]{Value: v, Timestamp: ts})
	if s.gen != nil {
		s.gen.OnEvent(v, ts, s)
	}
}

// EmitWatermark implements eventtime.Output for the split's generator. A
// watermark marks the split active.
func (s *splitOutput[T]) EmitWatermark(wm int64) {
	changed := s.idle
	s.idle = false
	if wm > s.wm {
		s.wm = wm
		changed = true
	}
	if changed {
		s.parent.update()
	}
}

// MarkIdle implements eventtime.Output.
func (s *splitOutput[T]) MarkIdle() {
	if !s.idle {
		s.idle = true
		s.parent.update()
	}
}

// MarkActive implements eventtime.Output.
func (s *splitOutput[T]) MarkActive() {
	if s.idle {
		s.idle = false
		s.parent.update()
	}
}
