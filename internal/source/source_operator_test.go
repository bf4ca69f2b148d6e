package source

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
)

// recorder is an operator.Output that logs what it gets, in order.
type recorder[T any] struct {
	mu  sync.Mutex
	log []string
	wms []int64
}

func (r *recorder[T]) Collect(rec operator.Record[T]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, fmt.Sprintf("rec %v@%d", rec.Value, rec.Timestamp))
}

func (r *recorder[T]) EmitWatermark(wm int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wms = append(r.wms, wm)
	switch wm {
	case event.MaxWatermark:
		r.log = append(r.log, "wm max")
	default:
		r.log = append(r.log, fmt.Sprintf("wm %d", wm))
	}
}

func (r *recorder[T]) EmitWatermarkStatus(idle bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if idle {
		r.log = append(r.log, "idle")
	} else {
		r.log = append(r.log, "active")
	}
}

func (r *recorder[T]) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.log
	r.log = nil
	return l
}

func (r *recorder[T]) watermarks() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.wms)
}

type manualClock struct{ now int64 }

func (c *manualClock) NowMillis() int64 { return c.now }

type split string

func (s split) SplitID() string { return string(s) }

func expect(t *testing.T, r *recorder[int], want ...string) {
	t.Helper()
	got := r.take()
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func newTestOutput(strategy eventtime.Strategy[int]) (*readerOutput[int], *recorder[int], *manualClock) {
	rec := &recorder[int]{}
	clock := &manualClock{now: 1000}
	return newReaderOutput(strategy, operator.Output[int](rec), clock), rec, clock
}

func tsOf(v int, _ int64) int64 { return int64(v) }

func TestSourceOperatorWatermarkIsMinOverSplits(t *testing.T) {
	r, rec, _ := newTestOutput(eventtime.ForMonotonousTimestamps[int]().WithTimestampAssigner(tsOf))
	r.addSplits([]connector.Split{split("a"), split("b")})
	a := r.ForSplit("a")
	a.Collect(100)
	r.periodic()
	// b has emitted nothing yet: it holds the watermark back (its output
	// was created when it was assigned, before the reader first used it).
	expect(t, rec, "rec 100@100")
	b := r.ForSplit("b")
	b.Collect(10)
	a.Collect(200)
	r.periodic()
	expect(t, rec, "rec 10@10", "rec 200@200", "wm 9")
	b.Collect(50)
	r.periodic()
	expect(t, rec, "rec 50@50", "wm 49")
	// Releasing the slow split lets the watermark jump to the other's.
	r.ReleaseSplit("b")
	expect(t, rec, "wm 199")
	r.end()
	expect(t, rec, "wm max")
}

func TestSourceOperatorIdleSplitDoesNotHoldBack(t *testing.T) {
	s := eventtime.ForBoundedOutOfOrderness[int](10 * time.Millisecond).WithTimestampAssigner(tsOf).WithIdleness(100 * time.Millisecond)
	r, rec, clock := newTestOutput(s)
	r.addSplits([]connector.Split{split("a"), split("b")})
	a, b := r.ForSplit("a"), r.ForSplit("b")
	a.Collect(1000)
	b.Collect(500)
	clock.now += 50
	r.periodic()
	expect(t, rec, "rec 1000@1000", "rec 500@500", "wm 489")
	// b goes quiet; a keeps going.
	for range 3 {
		clock.now += 50
		a.Collect(int(clock.now))
		r.periodic()
	}
	// b turned idle after 100 ms without records: the watermark follows a.
	got := rec.take()
	if !slices.Contains(got, fmt.Sprintf("wm %d", clock.now-11)) {
		t.Fatalf("idle split holds the watermark back: %q", got)
	}
	if slices.Contains(got, "idle") {
		t.Fatalf("the subtask went idle though one split is active: %q", got)
	}
	// When a goes quiet too, the whole subtask is idle.
	for range 3 {
		clock.now += 50
		r.periodic()
	}
	expect(t, rec, "idle")
	// A record turns it active before the record is emitted.
	b.Collect(5000)
	expect(t, rec, "active", "rec 5000@5000")
	r.end()
	expect(t, rec, "wm max")
}

func TestSourceOperatorNoSplitsIsIdle(t *testing.T) {
	r, rec, _ := newTestOutput(eventtime.ForMonotonousTimestamps[int]().WithTimestampAssigner(tsOf))
	// Before the first periodic emission the subtask waits for its splits.
	r.update()
	expect(t, rec)
	r.periodic()
	expect(t, rec, "idle")
	r.periodic()
	expect(t, rec)
	// A split assigned later makes it active again.
	r.addSplits([]connector.Split{split("a")})
	expect(t, rec, "active")
	r.ForSplit("a").Collect(7)
	r.periodic()
	expect(t, rec, "rec 7@7", "wm 6")
	// Its last split finished: it stays active, so that the channels after
	// it do not skip it before its final watermark (a subtask going idle
	// just before its end let a downstream valve advance past records still
	// on their way).
	r.ReleaseSplit("a")
	expect(t, rec)
	r.periodic()
	expect(t, rec)
	r.end()
	expect(t, rec, "wm max")
	r.periodic()
	expect(t, rec)
}

func TestSourceOperatorMainOutput(t *testing.T) {
	r, rec, _ := newTestOutput(eventtime.ForMonotonousTimestamps[int]())
	r.CollectWithTimestamp(1, 30)
	r.CollectWithTimestamp(2, 40)
	r.periodic()
	expect(t, rec, "rec 1@30", "rec 2@40", "wm 39")
}

func TestSourceOperatorPunctuatedWatermarkAfterRecord(t *testing.T) {
	// A generator that emits on every event: the watermark must follow the
	// record it was generated from.
	s := eventtime.ForGenerator(func() eventtime.Generator[int] { return punctuated{} }).WithTimestampAssigner(tsOf)
	r, rec, _ := newTestOutput(s)
	r.ForSplit("a").Collect(5)
	expect(t, rec, "rec 5@5", "wm 5")
}

type punctuated struct{}

func (punctuated) OnEvent(_ int, ts int64, out eventtime.Output) { out.EmitWatermark(ts) }
func (punctuated) OnPeriodicEmit(eventtime.Output)               {}

// --- The operator in a real task ------------------------------------------

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }

// testSource is an unbounded source whose enumerator assigns splits only to
// the subtasks listed and never signals the end of splits, as a Kafka source
// with fewer partitions than subtasks.
type testSource struct {
	assign map[int][]string
	rate   time.Duration // a record per split this often
}

func (s *testSource) Boundedness() connector.Boundedness { return connector.Unbounded }

func (s *testSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &testEnum{ctx: ctx, assign: s.assign}, nil
}

func (s *testSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[int], error) {
	return &testReader{rate: s.rate, next: map[string]int{}}, nil
}

type testEnum struct {
	ctx    connector.EnumeratorContext
	assign map[int][]string
}

func (e *testEnum) Start() error {
	for sub, ids := range e.assign {
		for _, id := range ids {
			e.ctx.Assign(sub, split(id))
		}
	}
	return nil
}
func (e *testEnum) AddReader(int)                        {}
func (e *testEnum) HandleSplitRequest(int)               {}
func (e *testEnum) AddSplitsBack([]connector.Split, int) {}
func (e *testEnum) Close() error                         { return nil }

type testReader struct {
	rate   time.Duration
	splits []string
	next   map[string]int
	wait   chan struct{}
	timer  *time.Timer
}

func (r *testReader) Start() error { return nil }
func (r *testReader) AddSplits(s []connector.Split) {
	for _, sp := range s {
		r.splits = append(r.splits, sp.SplitID())
	}
}
func (r *testReader) NotifyNoMoreSplits() {}
func (r *testReader) Poll(out connector.ReaderOutput[int]) (connector.InputStatus, error) {
	if len(r.splits) == 0 {
		return connector.NothingAvailable, nil
	}
	if r.wait != nil {
		select {
		case <-r.wait:
		default:
			return connector.NothingAvailable, nil
		}
	}
	for _, id := range r.splits {
		out.ForSplit(id).CollectWithTimestamp(r.next[id], int64(r.next[id]))
		r.next[id]++
	}
	ch := make(chan struct{})
	r.wait = ch
	r.timer = time.AfterFunc(r.rate, func() { close(ch) })
	return connector.NothingAvailable, nil
}
func (r *testReader) Available() <-chan struct{} { return r.wait }
func (r *testReader) Close() error {
	if r.timer != nil {
		r.timer.Stop()
	}
	return nil
}

// runSubtask runs subtask i of p of src in a task until ctx ends.
func runSubtask(ctx context.Context, t *testing.T, src connector.Source[int], coord *Coordinator[int], i, p int, out operator.Output[int]) <-chan error {
	t.Helper()
	tk := task.New("Source", i, p, wallClock{})
	op := NewOperator[int](src, eventtime.ForMonotonousTimestamps[int](), 5*time.Millisecond, coord, tk.Mailbox(), out)
	tk.AddOperator(op, &operator.Context{OperatorName: "Source", Subtask: i, Parallelism: p, Clock: wallClock{}, Timers: tk.Timers()})
	tk.SetSource(op)
	done := make(chan error, 1)
	go func() { done <- tk.Run(ctx) }()
	return done
}

func TestSourceOperatorSubtaskWithoutSplitsGoesIdle(t *testing.T) {
	src := &testSource{assign: map[int][]string{0: {"p0"}}, rate: time.Millisecond}
	coord, err := NewCoordinator[int](src, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	defer coord.Close()
	ctx, cancel := context.WithCancel(context.Background())
	rec0, rec1 := &recorder[int]{}, &recorder[int]{}
	d0 := runSubtask(ctx, t, src, coord, 0, 2, rec0)
	d1 := runSubtask(ctx, t, src, coord, 1, 2, rec1)
	deadline := time.Now().Add(5 * time.Second)
	for {
		l1 := rec1.take()
		if slices.Contains(l1, "idle") {
			break
		}
		if len(l1) > 0 {
			t.Fatalf("subtask without splits emitted %q", l1)
		}
		if time.Now().After(deadline) {
			t.Fatal("the subtask without splits never went idle")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The subtask with a split makes progress and is not idle.
	for len(rec0.watermarks()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the subtask with a split emitted no watermark")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	for _, d := range []<-chan error{d0, d1} {
		if err := <-d; err != context.Canceled {
			t.Fatalf("task ended with %v, want context.Canceled", err)
		}
	}
	if l := strings.Join(rec0.take(), ","); strings.Contains(l, "idle") {
		t.Fatalf("the subtask with a split went idle: %s", l)
	}
}

// boundedSource has one split per subtask with n records, then ends.
type boundedSource struct{ n int }

func (s *boundedSource) Boundedness() connector.Boundedness { return connector.Bounded }
func (s *boundedSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &boundedEnum{ctx: ctx}, nil
}
func (s *boundedSource) CreateReader(connector.ReaderContext) (connector.Reader[int], error) {
	return &boundedReader{n: s.n}, nil
}

type boundedEnum struct{ ctx connector.EnumeratorContext }

func (e *boundedEnum) Start() error { return nil }

// AddReader assigns on registration and on request, as lazy enumerators do.
func (e *boundedEnum) AddReader(int) {}
func (e *boundedEnum) HandleSplitRequest(sub int) {
	e.ctx.Assign(sub, split(fmt.Sprint(sub)))
	e.ctx.SignalNoMoreSplits(sub)
}
func (e *boundedEnum) AddSplitsBack([]connector.Split, int) {}
func (e *boundedEnum) Close() error                         { return nil }

type boundedReader struct {
	ctx    connector.ReaderContext
	n      int
	id     string
	i      int
	noMore bool
}

func (r *boundedReader) Start() error { return nil }
func (r *boundedReader) AddSplits(s []connector.Split) {
	r.id = s[0].SplitID()
}
func (r *boundedReader) NotifyNoMoreSplits() { r.noMore = true }
func (r *boundedReader) Poll(out connector.ReaderOutput[int]) (connector.InputStatus, error) {
	if r.id == "" {
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	for ; r.i < r.n; r.i++ {
		out.ForSplit(r.id).CollectWithTimestamp(r.i, int64(r.i))
	}
	out.ReleaseSplit(r.id)
	if r.noMore {
		return connector.EndOfInput, nil
	}
	return connector.NothingAvailable, nil
}
func (r *boundedReader) Available() <-chan struct{} { return nil }
func (r *boundedReader) Close() error               { return nil }

// requestingSource's reader asks for its split in Start, as Flink's
// iterator readers do: the reader must be registered by then.
type requestingSource struct{ boundedSource }

func (s *requestingSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[int], error) {
	return &requestingReader{boundedReader{ctx: ctx, n: s.n}}, nil
}

type requestingReader struct{ boundedReader }

func (r *requestingReader) Start() error { r.ctx.RequestSplit(); return nil }

func TestSourceOperatorBoundedEndsWithMaxWatermark(t *testing.T) {
	src := &requestingSource{boundedSource{n: 100}}
	coord, err := NewCoordinator[int](src, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	defer coord.Close()
	rec := &recorder[int]{}
	if err := <-runSubtask(context.Background(), t, src, coord, 0, 1, rec); err != nil {
		t.Fatal(err)
	}
	wms := rec.watermarks()
	if len(wms) == 0 || wms[len(wms)-1] != math.MaxInt64 {
		t.Fatalf("watermarks %v: want the last to be MaxWatermark", wms)
	}
	n := 0
	for _, l := range rec.take() {
		if strings.HasPrefix(l, "rec ") {
			n++
		}
	}
	if n != 100 {
		t.Fatalf("got %d records, want 100", n)
	}
}
