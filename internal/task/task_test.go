package task

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
)

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }

// journal records lifecycle calls of the operators of one task.
type journal struct {
	mu    sync.Mutex
	calls []string
}

func (j *journal) add(s string) {
	j.mu.Lock()
	j.calls = append(j.calls, s)
	j.mu.Unlock()
}

func (j *journal) get() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.calls)
}

// testOp is a one-input operator whose behaviour the test sets.
type testOp struct {
	name    string
	j       *journal
	out     operator.Output[int]
	ctx     *operator.Context
	open    func(ctx *operator.Context) error
	process func(v int)
	finish  error
	close   error
	got     []int
}

func (o *testOp) Open(ctx *operator.Context) error {
	o.ctx = ctx
	o.j.add("open " + o.name)
	if o.open != nil {
		return o.open(ctx)
	}
	return nil
}

func (o *testOp) Finish() error { o.j.add("finish " + o.name); return o.finish }
func (o *testOp) Close() error  { o.j.add("close " + o.name); return o.close }

func (o *testOp) ProcessElement(r operator.Record[int]) {
	o.got = append(o.got, r.Value)
	if o.process != nil {
		o.process(r.Value)
	}
	if o.out != nil {
		o.out.Collect(r)
	}
}
func (o *testOp) ProcessWatermark(int64)      {}
func (o *testOp) ProcessWatermarkStatus(bool) {}

// testSource emits 0..n-1 (n < 0: forever), then ends.
type testSource struct {
	testOp
	n, next int
	poll    func(i int)
}

func (s *testSource) Poll() SourceStatus {
	for range 100 {
		if s.n >= 0 && s.next >= s.n {
			return EndOfInput
		}
		if s.poll != nil {
			s.poll(s.next)
		}
		s.out.Collect(operator.Record[int]{Value: s.next, Timestamp: event.NoTimestamp})
		s.next++
	}
	return MoreAvailable
}

func (s *testSource) Available() <-chan struct{} { return nil }

// chainedOut calls the next operator of a chain and keeps the task's cursor
// on it while it runs, as the graph package's chained outputs do.
type chainedOut struct {
	next   operator.Input[int]
	cursor *int
	index  int
}

func (c *chainedOut) Collect(r operator.Record[int]) {
	prev := *c.cursor
	*c.cursor = c.index
	c.next.ProcessElement(r)
	*c.cursor = prev
}
func (c *chainedOut) EmitWatermark(int64)      {}
func (c *chainedOut) EmitWatermarkStatus(bool) {}

// chain builds a task "Source -> op1 -> …" with a source of n records.
func chain(subtask, parallelism, n int, names ...string) (*Task, *testSource, []*testOp, *journal) {
	j := &journal{}
	t := New("Source -> "+strings.Join(names, " -> "), subtask, parallelism, wallClock{})
	src := &testSource{testOp: testOp{name: "Source", j: j}, n: n}
	ops := make([]*testOp, len(names))
	for i, name := range names {
		ops[i] = &testOp{name: name, j: j}
	}
	prev := &src.testOp
	for i, op := range ops {
		prev.out = &chainedOut{next: op, cursor: t.Cursor(), index: i + 1}
		prev = op
	}
	t.AddOperator(src, &operator.Context{OperatorName: "Source", Timers: t.Timers(), Clock: wallClock{}})
	for _, op := range ops {
		t.AddOperator(op, &operator.Context{OperatorName: op.name, Timers: t.Timers(), Clock: wallClock{}})
	}
	t.SetSource(src)
	return t, src, ops, j
}

func runWithTimeout(t *testing.T, tk *Task, ctx context.Context) error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- tk.Run(ctx) }()
	select {
	case err := <-res:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("task did not end")
		return nil
	}
}

func TestTaskRunsChainToEnd(t *testing.T) {
	tk, _, ops, j := chain(0, 1, 1000, "Map", "Sink")
	w := &fakeWriter{j: j}
	tk.AddWriter(w)
	if err := runWithTimeout(t, tk, context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ops[1].got) != 1000 {
		t.Fatalf("sink got %d records", len(ops[1].got))
	}
	want := []string{
		"open Sink", "open Map", "open Source", // tail first
		"finish Source", "finish Map", "finish Sink", // head first
		"end writer",
		"close Source", "close Map", "close Sink",
	}
	if got := j.get(); !slices.Equal(got, want) {
		t.Fatalf("calls\n%q\nwant\n%q", got, want)
	}
	if tk.DisplayName() != "Source -> Map -> Sink (1/1)" {
		t.Fatalf("display name %q", tk.DisplayName())
	}
}

type fakeWriter struct {
	j       *journal
	flushes int
}

func (w *fakeWriter) Flush()                      { w.flushes++ }
func (w *fakeWriter) EmitBarrier(b event.Barrier) { w.j.add(fmt.Sprintf("barrier %d", b.ID)) }
func (w *fakeWriter) End()                        { w.j.add("end writer") }

func TestPanicInChainedOperatorNamesItWithStack(t *testing.T) {
	tk, _, ops, j := chain(1, 2, 1000, "Map", "Sink")
	ops[0].process = func(v int) {
		if v == 500 {
			panic("boom at 500")
		}
	}
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want *task.Error", err, err)
	}
	if te.Operator != "Map" || te.Task != "Source -> Map -> Sink (2/2)" {
		t.Fatalf("operator %q task %q", te.Operator, te.Task)
	}
	if !strings.Contains(te.Err.Error(), "panic: boom at 500") {
		t.Fatalf("cause %v", te.Err)
	}
	// The stack is where it panicked: in this test's closure.
	if !strings.Contains(te.Stack, "TestPanicInChainedOperatorNamesItWithStack") || !strings.Contains(err.Error(), te.Stack) {
		t.Fatalf("stack does not show the panic site:\n%s", te.Stack)
	}
	if !strings.Contains(err.Error(), `operator "Map" in task Source -> Map -> Sink (2/2)`) {
		t.Fatalf("message %q", err.Error())
	}
	// Every opened operator is closed after a failure; none finished.
	if got := j.get(); !slices.Equal(got[3:], []string{"close Source", "close Map", "close Sink"}) {
		t.Fatalf("calls %q", got)
	}
	if len(ops[1].got) != 500 {
		t.Fatalf("sink got %d records", len(ops[1].got))
	}
}

func TestPanicWithErrorValueUnwraps(t *testing.T) {
	sentinel := errors.New("sentinel")
	tk, _, ops, _ := chain(0, 1, 10, "Sink")
	ops[0].process = func(int) { panic(sentinel) }
	err := runWithTimeout(t, tk, context.Background())
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v does not wrap the panic value", err)
	}
}

func TestFailReturnsErrorWithoutStack(t *testing.T) {
	sentinel := errors.New("bad record")
	tk, _, ops, _ := chain(0, 1, 10, "Map", "Sink")
	ops[1].process = func(v int) { operator.Fail(sentinel) }
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, sentinel) {
		t.Fatalf("error %v", err)
	}
	if te.Operator != "Sink" || te.Stack != "" {
		t.Fatalf("operator %q stack %q", te.Operator, te.Stack)
	}
}

func TestPanicInSourceNamesSource(t *testing.T) {
	tk, src, _, _ := chain(0, 1, -1, "Sink")
	src.poll = func(i int) {
		if i == 10 {
			var m map[string]int
			m["x"] = 1 // a runtime error
		}
	}
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) || te.Operator != "Source" || !strings.Contains(te.Err.Error(), "assignment to entry in nil map") {
		t.Fatalf("error %v", err)
	}
}

func TestOpenFailureClosesOnlyOpenedOperators(t *testing.T) {
	sentinel := errors.New("no connection")
	tk, _, ops, j := chain(0, 1, 10, "Map", "Sink")
	ops[0].open = func(*operator.Context) error { return sentinel }
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, sentinel) || te.Operator != "Map" || !strings.Contains(err.Error(), "opening") {
		t.Fatalf("error %v", err)
	}
	if got, want := j.get(), []string{"open Sink", "open Map", "close Sink"}; !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
}

func TestFinishAndCloseErrors(t *testing.T) {
	sentinel := errors.New("flush failed")
	tk, _, ops, j := chain(0, 1, 10, "Sink")
	ops[0].finish = sentinel
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, sentinel) || te.Operator != "Sink" || !strings.Contains(err.Error(), "finishing") {
		t.Fatalf("error %v", err)
	}
	if got := j.get(); !slices.Contains(got, "close Sink") || !slices.Contains(got, "close Source") {
		t.Fatalf("not closed: %q", got)
	}

	tk, _, ops, _ = chain(0, 1, 10, "Sink")
	ops[0].close = sentinel
	err = runWithTimeout(t, tk, context.Background())
	if !errors.As(err, &te) || !errors.Is(err, sentinel) || te.Operator != "Sink" {
		t.Fatalf("close error %v", err)
	}

	// A panic in Close is an error too.
	tk, _, ops, _ = chain(0, 1, 10, "Sink")
	ops[0].close = nil
	tk.opImpls[1] = &panicClose{testOp: ops[0]}
	err = runWithTimeout(t, tk, context.Background())
	if !errors.As(err, &te) || te.Operator != "Sink" || !strings.Contains(err.Error(), "close panicked") {
		t.Fatalf("close panic %v", err)
	}
}

type panicClose struct{ *testOp }

func (p *panicClose) Close() error { panic("close panicked") }

func TestCancelStopsBusyAndIdleTasks(t *testing.T) {
	// Busy: an endless source.
	tk, _, _, j := chain(0, 1, -1, "Sink")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := runWithTimeout(t, tk, ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("busy task: %v", err)
	}
	if got := j.get(); !slices.Contains(got, "close Source") || slices.Contains(got, "finish Source") {
		t.Fatalf("calls %q", got)
	}

	// Idle: a task waiting on an empty input gate.
	idle := New("Sink", 0, 1, wallClock{})
	ch := exchange.NewChannel[int](2, idle.Notify())
	sink := &testOp{name: "Sink", j: &journal{}}
	idle.AddOperator(sink, &operator.Context{OperatorName: "Sink"})
	idle.AddGate(exchange.NewGate([]*exchange.Channel[int]{ch}, operator.Input[int](sink)))
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := runWithTimeout(t, idle, ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("idle task: %v", err)
	}
}

func TestCancelledSendIsCancellationNotFailure(t *testing.T) {
	// A source whose output blocks on credit: cancelling the job aborts the
	// send, and the task reports the cancellation, not an error of its own.
	ctx, cancel := context.WithCancel(context.Background())
	j := &journal{}
	tk := New("Source", 0, 1, wallClock{})
	ch := exchange.NewChannel[int](1, make(chan struct{}, 1))
	w := exchange.NewWriter([]*exchange.Channel[int]{ch}, exchange.NewSelector[int](exchange.Forward, 0, 1), 1, ctx.Done())
	src := &testSource{testOp: testOp{name: "Source", j: j, out: w}, n: -1}
	tk.AddOperator(src, &operator.Context{OperatorName: "Source"})
	tk.SetSource(src)
	tk.AddWriter(w)
	time.AfterFunc(20*time.Millisecond, cancel)
	err := runWithTimeout(t, tk, ctx)
	var te *Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestMailRunsOnTaskGoroutineAndWakesIt(t *testing.T) {
	tk := New("Sink", 0, 1, wallClock{})
	ch := exchange.NewChannel[int](2, tk.Notify())
	sink := &testOp{name: "Sink", j: &journal{}}
	tk.AddOperator(sink, &operator.Context{OperatorName: "Sink"})
	tk.AddGate(exchange.NewGate([]*exchange.Channel[int]{ch}, operator.Input[int](sink)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- tk.Run(ctx) }()
	ran := make(chan int, 1)
	time.Sleep(5 * time.Millisecond) // the task is asleep on its empty gate
	tk.Mailbox().Put(func() {
		// Mail may queue more mail; it runs in the same round.
		tk.Mailbox().Put(func() { ran <- len(sink.got) })
	})
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("mail did not wake the task")
	}
	done := make(chan struct{})
	ch.Send(done, exchange.Buffer[int]{Kind: event.Data, Records: []operator.Record[int]{{Value: 1}}})
	ch.Send(done, exchange.Buffer[int]{Kind: event.EndOfPartition})
	select {
	case err := <-res:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("task did not end at the end of its input")
	}
	if !slices.Equal(sink.got, []int{1}) {
		t.Fatalf("got %v", sink.got)
	}
}

func TestProcessingTimersFireInOrderAndCancel(t *testing.T) {
	tk := New("Sink", 0, 1, wallClock{})
	ch := exchange.NewChannel[int](2, tk.Notify())
	var fired []string
	sink := &testOp{name: "Sink", j: &journal{}}
	sink.open = func(ctx *operator.Context) error {
		now := time.Now().UnixMilli()
		ctx.Timers.At(now+30, func(int64) { fired = append(fired, "b") })
		ctx.Timers.At(now+10, func(int64) {
			fired = append(fired, "a")
			// A callback may register another, already due.
			ctx.Timers.At(0, func(int64) { fired = append(fired, "a2") })
		})
		cancel := ctx.Timers.At(now+20, func(int64) { fired = append(fired, "cancelled") })
		cancel()
		ctx.Timers.At(now+40, func(int64) {
			fired = append(fired, "end")
			ch.Send(nil, exchange.Buffer[int]{Kind: event.EndOfPartition})
		})
		return nil
	}
	tk.AddOperator(sink, &operator.Context{OperatorName: "Sink", Timers: tk.Timers()})
	tk.AddGate(exchange.NewGate([]*exchange.Channel[int]{ch}, operator.Input[int](sink)))
	if err := runWithTimeout(t, tk, context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "a2", "b", "end"}; !slices.Equal(fired, want) {
		t.Fatalf("fired %q, want %q", fired, want)
	}
}

// A processing-time callback runs outside any chained call: a failure in it
// must still name the operator that registered it, not the chain's head.
func TestTimerFailureNamesRegisteringOperator(t *testing.T) {
	tk, _, ops, _ := chain(0, 1, -1, "Map", "Watermarks")
	ops[1].open = func(ctx *operator.Context) error {
		ctx.Timers.At(ctx.Clock.NowMillis()+5, func(int64) { panic("periodic emit failed") })
		return nil
	}
	err := runWithTimeout(t, tk, context.Background())
	var te *Error
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "periodic emit failed") {
		t.Fatalf("error %v", err)
	}
	if te.Operator != "Watermarks" {
		t.Fatalf("timer failure attributed to %q, want %q", te.Operator, "Watermarks")
	}
	// Also when the timer is registered while processing a record.
	tk, _, ops, _ = chain(0, 1, -1, "Map", "Sink")
	registered := false
	ops[0].process = func(int) {
		if !registered {
			registered = true
			ops[0].ctx.Timers.At(0, func(int64) { operator.Fail(errors.New("map timer")) })
		}
	}
	err = runWithTimeout(t, tk, context.Background())
	if !errors.As(err, &te) || te.Operator != "Map" {
		t.Fatalf("error %v, want it attributed to Map", err)
	}
}

func TestBufferTimeoutFlushesWhileBusy(t *testing.T) {
	tk, _, _, j := chain(0, 1, -1, "Sink")
	w := &fakeWriter{j: j}
	tk.AddWriter(w)
	tk.SetBufferTimeout(5)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	runWithTimeout(t, tk, ctx)
	// The source never runs out of records, so the task never idles: only
	// the buffer timeout flushes.
	if w.flushes < 2 {
		t.Fatalf("%d flushes in 100ms with a 5ms buffer timeout", w.flushes)
	}
}
