package task

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Poller is an input gate as the task sees it (an *exchange.Gate[T]).
type Poller interface {
	Poll(budget int) int
	Ended() bool
	// NumChannels is the number of the gate's input channels.
	NumChannels() int
	// Align makes the gate report its barriers and ends of partition to
	// the task's aligner (its channels numbered from offset there) and
	// skip the channels the aligner blocks.
	Align(a *exchange.Aligner, offset int, on func(exchange.Alignment))
}

// Flusher is an output writer as the task sees it (an *exchange.Writer[T]).
type Flusher interface {
	Flush()
	// EmitBarrier flushes and sends a checkpoint barrier on every channel.
	EmitBarrier(b event.Barrier)
	End()
}

// SourceStatus is what a source operator's Poll reports.
type SourceStatus int

const (
	// MoreAvailable: poll again right away.
	MoreAvailable SourceStatus = iota
	// NothingAvailable: wait for Available, mail or a timer.
	NothingAvailable
	// EndOfInput: the source is done and emitted its final watermark.
	EndOfInput
)

// Source is the head operator of a source task.
type Source interface {
	operator.Operator
	Poll() SourceStatus
	// Available returns a channel that is ready when Poll may make progress
	// after it reported NothingAvailable; nil means only mail or timers can.
	Available() <-chan struct{}
}

// inputBudget is how many buffers a task takes from its gates before it
// looks at its mailbox and timers again.
const inputBudget = 16

// Task runs one subtask: a chain of operators fed by gates or a source.
type Task struct {
	Name        string // chain name, e.g. "Map -> Sink"
	Subtask     int
	Parallelism int

	clock   operator.Clock
	mailbox *Mailbox
	timers  procTimers
	notify  chan struct{}

	ops     []*operator.Context
	opImpls []operator.Operator
	cur     int

	gates   []Poller
	source  Source
	writers []Flusher

	// flushInterval is execution.buffer-timeout in milliseconds: partial
	// batches are sent at least this often even while the task is busy.
	flushInterval int64
	nextFlush     int64

	// Checkpointing (see checkpoint.go).
	checkpoints CheckpointHandler
	mode        exchange.CheckpointingMode
	aligner     *exchange.Aligner // over every input channel; nil for sources
	inputEnded  bool              // the source reported EndOfInput
	// suspendedFor is the stop-with-savepoint whose barrier the source
	// emitted last: the source is not polled until it is aborted.
	suspendedFor int64
	// lastCheckpoint is the newest checkpoint the task took.
	lastCheckpoint int64
	// finalCheckpoint: wait after finishing for a checkpoint (FLIP-147);
	// finished: the operators finished and the outputs ended;
	// finalSnapshot: the first checkpoint taken after finishing;
	// finalDone: it completed.
	finalCheckpoint, finished, finalDone bool
	finalSnapshot                        int64

	// onOpened, if set, is called once every operator of the chain opened
	// (restart statistics).
	onOpened func()

	// Unaligned checkpoints (see unaligned.go): unaligned and
	// alignedTimeout are the options; unalignedErr says why the task
	// aligns anyway; restoredChannels is the channel state to replay.
	unaligned        bool
	alignedTimeout   time.Duration
	unalignedErr     error
	restoredChannels []byte
}

// SetOnOpened sets a function Run calls once every operator of the chain
// opened, before the task processes its first input.
func (t *Task) SetOnOpened(f func()) { t.onOpened = f }

// SetBufferTimeout sets how often partial output batches are flushed while
// the task is busy (execution.buffer-timeout). Zero flushes only when idle.
func (t *Task) SetBufferTimeout(ms int64) { t.flushInterval = ms }

// New returns an empty task; the builder adds operators, gates and writers.
func New(name string, subtask, parallelism int, clock operator.Clock) *Task {
	t := &Task{Name: name, Subtask: subtask, Parallelism: parallelism, clock: clock, mailbox: newMailbox(), notify: make(chan struct{}, 1)}
	t.timers.cursor = &t.cur
	return t
}

// DisplayName is the task's name with its subtask, as Flink prints it.
func (t *Task) DisplayName() string {
	return fmt.Sprintf("%s (%d/%d)", t.Name, t.Subtask+1, t.Parallelism)
}

// Mailbox returns the task's mailbox.
func (t *Task) Mailbox() *Mailbox { return t.mailbox }

// Notify is the channel every input channel of this task signals.
func (t *Task) Notify() chan struct{} { return t.notify }

// Timers is the task's processing-time service.
func (t *Task) Timers() operator.ProcessingTimers { return &t.timers }

// Cursor returns the index of the operator running now; chained outputs
// set it so a failure names the right operator.
func (t *Task) Cursor() *int { return &t.cur }

// AddOperator appends an operator of the chain (head first) and returns its
// index.
func (t *Task) AddOperator(op operator.Operator, ctx *operator.Context) int {
	t.opImpls = append(t.opImpls, op)
	t.ops = append(t.ops, ctx)
	return len(t.ops) - 1
}

// AddGate adds an input gate.
func (t *Task) AddGate(g Poller) { t.gates = append(t.gates, g) }

// SetSource makes the head operator a source.
func (t *Task) SetSource(s Source) { t.source = s }

// AddWriter adds an output writer of the chain.
func (t *Task) AddWriter(w Flusher) { t.writers = append(t.writers, w) }

// Error is the failure of a task: the operator and subtask it happened in,
// and the stack if it was a panic.
type Error struct {
	Task     string
	Operator string
	Err      error
	Stack    string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("operator %q in task %s: %v", e.Operator, e.Task, e.Err)
	if e.Stack != "" {
		s += "\n" + e.Stack
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Run runs the task until its input ends, it fails, or ctx is cancelled.
// It returns nil when the input ended and every operator finished.
func (t *Task) Run(ctx context.Context) (err error) {
	opened := 0
	defer func() {
		if r := recover(); r != nil {
			err = t.recovered(ctx, r)
		}
		// Close every opened operator, also after a failure.
		for i := len(t.opImpls) - opened; i < len(t.opImpls); i++ {
			if cerr := t.guard(i, t.opImpls[i].Close); cerr != nil && err == nil {
				err = cerr
			}
		}
		// Mail that can no longer run is dropped; checkpoint triggers in it
		// are declined.
		t.mailbox.close()
	}()
	t.setupAlignment()
	// Open from the tail so an operator's successors are open when it emits.
	for i := len(t.opImpls) - 1; i >= 0; i-- {
		t.cur = i
		if oerr := t.opImpls[i].Open(t.ops[i]); oerr != nil {
			return t.wrap(i, fmt.Errorf("opening: %w", oerr), "")
		}
		opened++
	}
	if t.restoredChannels != nil {
		if err := t.restoreChannelState(); err != nil {
			return t.wrap(0, err, "")
		}
	}
	if t.onOpened != nil {
		t.onOpened()
	}
	if err := t.loop(ctx); err != nil {
		return err
	}
	for i := range t.opImpls {
		t.cur = i
		if ferr := t.opImpls[i].Finish(); ferr != nil {
			return t.wrap(i, fmt.Errorf("finishing: %w", ferr), "")
		}
	}
	for _, w := range t.writers {
		w.End()
	}
	if t.finalCheckpoint && t.checkpoints != nil {
		return t.awaitFinalCheckpoint(ctx)
	}
	return nil
}

func (t *Task) loop(ctx context.Context) error {
	done := ctx.Done()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
		progressed := t.mailbox.drain()
		t.cur = 0
		now := t.clock.NowMillis()
		if t.timers.fire(now) {
			progressed = true
		}
		alignWait, aligning := t.tickAlignment()
		if t.flushInterval > 0 && now >= t.nextFlush {
			for _, w := range t.writers {
				w.Flush()
			}
			t.nextFlush = now + t.flushInterval
		}
		t.cur = 0
		var available <-chan struct{}
		if t.source != nil && t.suspendedFor != 0 {
			// Stopping with a savepoint: wait for the mailbox.
		} else if t.source != nil {
			switch t.source.Poll() {
			case MoreAvailable:
				progressed = true
			case EndOfInput:
				t.inputEnded = true
				return nil
			case NothingAvailable:
				available = t.source.Available()
			}
		} else {
			ended := true
			for _, g := range t.gates {
				if g.Poll(inputBudget) > 0 {
					progressed = true
				}
				ended = ended && g.Ended()
			}
			if ended {
				return nil
			}
		}
		if progressed {
			continue
		}
		// Nothing to do: send partial batches downstream, then sleep.
		for _, w := range t.writers {
			w.Flush()
		}
		var wake <-chan time.Time
		next, ok := t.timers.next()
		if ok || aligning {
			d := time.Duration(next-t.clock.NowMillis()) * time.Millisecond
			if !ok || aligning && alignWait < d {
				d = alignWait
			}
			if d <= 0 {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(d)
			} else {
				timer.Reset(d)
			}
			wake = timer.C
		}
		select {
		case <-done:
			return ctx.Err()
		case <-t.notify:
		case <-t.mailbox.notify:
		case <-available:
		case <-wake:
		}
	}
}

// guard runs fn for operator i, turning a panic into an error.
func (t *Task) guard(i int, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			t.cur = i
			err = t.recovered(context.Background(), r)
		}
	}()
	if err := fn(); err != nil {
		return t.wrap(i, err, "")
	}
	return nil
}

func (t *Task) recovered(ctx context.Context, r any) error {
	if f, ok := r.(*operator.Failure); ok {
		if exchange.IsCancelled(f.Err) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return context.Canceled
		}
		return t.wrap(t.cur, f.Err, "")
	}
	var err error
	if e, ok := r.(error); ok {
		err = fmt.Errorf("panic: %w", e)
	} else {
		err = fmt.Errorf("panic: %v", r)
	}
	return t.wrap(t.cur, err, string(debug.Stack()))
}

func (t *Task) wrap(i int, err error, stack string) error {
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	name := "?"
	if i >= 0 && i < len(t.ops) {
		name = t.ops[i].OperatorName
	}
	return &Error{Task: t.DisplayName(), Operator: name, Err: err, Stack: stack}
}
