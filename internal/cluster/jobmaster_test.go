package cluster

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/task"
)

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }

func testOptions() Options {
	return Options{
		JobName: "test", BatchSize: 16, Credits: 2, BufferTimeoutMillis: 10, Clock: wallClock{},
		NewKeyedBackend: func(string, keygroup.Range) (statebackend.Keyed, error) {
			return nil, errors.New("no keyed state in these tests")
		},
	}
}

// counterSource emits 0, 1, 2, … (limit < 0: forever).
type counterSource struct {
	operator.Lifecycle
	out     operator.Output[int]
	base    int // added to every value: 1e9 × subtask
	limit   int
	next    int
	emitted *atomic.Int64
	closed  *atomic.Int32
}

func (s *counterSource) Poll() task.SourceStatus {
	for range 64 {
		if s.limit >= 0 && s.next >= s.limit {
			return task.EndOfInput
		}
		s.out.Collect(operator.Record[int]{Value: s.base + s.next})
		s.next++
		s.emitted.Add(1)
	}
	return task.MoreAvailable
}

func (s *counterSource) Available() <-chan struct{} { return nil }

func (s *counterSource) Close() error {
	s.closed.Add(1)
	return nil
}

// funcSink calls fn for every record.
type funcSink struct {
	operator.Lifecycle
	subtask int
	fn      func(subtask, v int) error
}

func (s *funcSink) ProcessElement(r operator.Record[int]) {
	if err := s.fn(s.subtask, r.Value); err != nil {
		operator.Fail(err)
	}
}
func (s *funcSink) ProcessWatermark(int64)      {}
func (s *funcSink) ProcessWatermarkStatus(bool) {}

type job struct {
	g              *graph.StreamGraph
	src, sink      *graph.Node
	emitted        atomic.Int64
	sourcesClosed  atomic.Int32
	coordinatorLog []string
	mu             sync.Mutex
}

func (j *job) log(s string) {
	j.mu.Lock()
	j.coordinatorLog = append(j.coordinatorLog, s)
	j.mu.Unlock()
}

// newJob builds Source (parallelism 1) → rebalance → Sink (parallelism
// sinkP).
func newJob(limit, sinkP int, sink func(subtask, v int) error) *job {
	return newEdgeJob(limit, 1, sinkP, exchange.Rebalance, sink)
}

// newEdgeJob builds Source (parallelism srcP) → k → Sink (parallelism
// sinkP); source subtask s emits s·1e9 + i.
func newEdgeJob(limit, srcP, sinkP int, k exchange.Kind, sink func(subtask, v int) error) *job {
	j := &job{g: &graph.StreamGraph{JobName: "test", DefaultParallelism: 1}}
	j.src = j.g.AddNode(&graph.Node{
		Name: "Source: Counter", IsSource: true, Chaining: graph.ChainHead, OutType: graph.Type[int](), Parallelism: srcP,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			s := &counterSource{out: ic.Out.(operator.Output[int]), base: ic.Subtask * 1e9, limit: limit, emitted: &j.emitted, closed: &j.sourcesClosed}
			return graph.Instance{Op: s, Source: s}, nil
		},
	})
	j.sink = j.g.AddNode(&graph.Node{
		Name: "Sink: Func", Parallelism: sinkP, NumInputs: 1,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			s := &funcSink{subtask: ic.Subtask, fn: sink}
			return graph.Instance{Op: s, Inputs: []any{operator.Input[int](s)}}, nil
		},
	})
	j.g.Connect(&graph.Edge{From: j.src, To: j.sink, Type: graph.Type[int](), Partitioning: k, ExplicitPartitioning: true})
	return j
}

func (j *job) jobGraph(t *testing.T) *graph.JobGraph {
	t.Helper()
	jg, err := graph.BuildJobGraph(j.g)
	if err != nil {
		t.Fatal(err)
	}
	return jg
}

func runJob(t *testing.T, ctx context.Context, jg *graph.JobGraph, tm TaskExecutor) error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- Run(ctx, jg, testOptions(), tm) }()
	select {
	case err := <-res:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("job did not end")
		return nil
	}
}

func TestRunBoundedJob(t *testing.T) {
	var sum atomic.Int64
	j := newJob(10000, 3, func(_, v int) error { sum.Add(int64(v)); return nil })
	if err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(3)); err != nil {
		t.Fatal(err)
	}
	if got, want := sum.Load(), int64(10000*9999/2); got != want {
		t.Fatalf("sum %d, want %d", got, want)
	}
}

func TestRunFailureCancelsOtherTasksAndReturnsRootCause(t *testing.T) {
	sentinel := errors.New("sink broke")
	j := newJob(-1, 2, func(subtask, v int) error {
		if subtask == 1 && v > 1000 {
			return sentinel
		}
		return nil
	})
	err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(2))
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want the sink's failure", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatalf("error %v is a cancellation", err)
	}
	var te *task.Error
	if !errors.As(err, &te) || te.Operator != "Sink: Func" || te.Task != "Sink: Func (2/2)" {
		t.Fatalf("error %v does not name the failing subtask", err)
	}
	// Run returns only after every task exited: the endless source was
	// cancelled and closed.
	n := j.emitted.Load()
	if j.sourcesClosed.Load() != 1 {
		t.Fatal("source not closed when Run returned")
	}
	time.Sleep(20 * time.Millisecond)
	if j.emitted.Load() != n {
		t.Fatal("source still emitting after Run returned")
	}
}

func TestRunCancelledByContext(t *testing.T) {
	j := newJob(-1, 2, func(int, int) error { return nil })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	err := runJob(t, ctx, j.jobGraph(t), NewLocalTaskManager(2))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if j.sourcesClosed.Load() != 1 {
		t.Fatal("source not closed")
	}
}

func TestRunNeedsEnoughSlots(t *testing.T) {
	j := newJob(10, 3, func(int, int) error { return nil })
	err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(2))
	if err == nil || !strings.Contains(err.Error(), "needs 3 slots") || !strings.Contains(err.Error(), "taskmanager.numberOfTaskSlots") {
		t.Fatalf("error %v", err)
	}
}

// failingExecutor fails the submission of the n-th deployment.
type failingExecutor struct {
	*LocalTaskManager
	failAt    int
	submitted int
}

func (f *failingExecutor) Submit(ctx context.Context, slot int, d *Deployment, done func(error)) error {
	f.submitted++
	if f.submitted == f.failAt {
		return errors.New("executor lost")
	}
	return f.LocalTaskManager.Submit(ctx, slot, d, done)
}

func TestRunSubmitFailureCancelsDeployedTasks(t *testing.T) {
	j := newJob(-1, 2, func(int, int) error { return nil })
	before := runtime.NumGoroutine()
	err := runJob(t, context.Background(), j.jobGraph(t), &failingExecutor{LocalTaskManager: NewLocalTaskManager(2), failAt: 3})
	if err == nil || !strings.Contains(err.Error(), "executor lost") || !strings.Contains(err.Error(), "deploying") {
		t.Fatalf("error %v", err)
	}
	if j.sourcesClosed.Load() != 1 {
		t.Fatal("the deployed source was not cancelled before Run returned")
	}
	waitGoroutines(t, before)
}

func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, baseline %d:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSlotsNeededPerSlotSharingGroup(t *testing.T) {
	j := newJob(10, 3, func(int, int) error { return nil })
	jg := j.jobGraph(t)
	if n := SlotsNeeded(jg); n != 3 {
		t.Fatalf("slots %d, want 3 (max parallelism of the default group)", n)
	}
	j = newJob(10, 3, func(int, int) error { return nil })
	j.sink.SlotSharingGroup = "sinks"
	jg = j.jobGraph(t)
	if n := SlotsNeeded(jg); n != 4 {
		t.Fatalf("slots %d, want 1 + 3 for two groups", n)
	}
	slots := assignSlots(jg)
	seen := map[int]bool{}
	for key, s := range slots {
		if seen[s] {
			t.Fatalf("slot %d assigned twice (%v)", s, slots)
		}
		seen[s] = true
		if s < 0 || s >= 4 {
			t.Fatalf("slot %d of %q out of range", s, key)
		}
	}
	if len(slots) != 4 {
		t.Fatalf("slots %v", slots)
	}
}

// testCoordinator records its lifecycle.
type testCoordinator struct {
	j        *job
	startErr error
}

func (c *testCoordinator) Start() error { c.j.log("start"); return c.startErr }
func (c *testCoordinator) Close() error { c.j.log("close"); return nil }

func TestCoordinatorLifecycle(t *testing.T) {
	j := newJob(1000, 1, func(int, int) error { return nil })
	j.src.NewCoordinator = func(p int) (graph.Coordinator, error) {
		j.log("new")
		return &testCoordinator{j: j}, nil
	}
	inner := j.src.New
	j.src.New = func(ic graph.InstanceContext) (graph.Instance, error) {
		if _, ok := ic.Coordinator.(*testCoordinator); !ok {
			t.Errorf("source instance got coordinator %T", ic.Coordinator)
		}
		return inner(ic)
	}
	if err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(1)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(j.coordinatorLog, ","); got != "new,start,close" {
		t.Fatalf("coordinator calls %q", got)
	}

	// A coordinator that fails to start fails the job, and is closed.
	j = newJob(-1, 1, func(int, int) error { return nil })
	sentinel := errors.New("enumerator broken")
	j.src.NewCoordinator = func(int) (graph.Coordinator, error) {
		return &testCoordinator{j: j, startErr: sentinel}, nil
	}
	err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(1))
	if !errors.Is(err, sentinel) || !strings.Contains(err.Error(), "Source: Counter") {
		t.Fatalf("error %v", err)
	}
	if got := strings.Join(j.coordinatorLog, ","); got != "start,close" {
		t.Fatalf("coordinator calls %q", got)
	}
}

// A coordinator runs user code (a source's split enumerator) in the job
// master: a panic there must fail the job, not crash the process.
func TestCoordinatorPanicFailsJob(t *testing.T) {
	j := newJob(-1, 1, func(int, int) error { return nil })
	j.src.NewCoordinator = func(int) (graph.Coordinator, error) {
		panic("enumerator exploded")
	}
	err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(1))
	if err == nil || !strings.Contains(err.Error(), "enumerator exploded") {
		t.Fatalf("error %v", err)
	}
}

// The channels of an edge connect producers to consumers as its
// partitioning says: checked by which producer subtasks each consumer
// subtask hears from.
func TestEdgeWiring(t *testing.T) {
	for _, c := range []struct {
		kind        exchange.Kind
		srcP, sinkP int
		want        [][]int // producers each consumer hears from
	}{
		{exchange.Forward, 3, 3, [][]int{{0}, {1}, {2}}},
		{exchange.Rescale, 2, 4, [][]int{{0}, {0}, {1}, {1}}},
		{exchange.Rescale, 4, 2, [][]int{{0, 1}, {2, 3}}},
		{exchange.Rebalance, 2, 3, [][]int{{0, 1}, {0, 1}, {0, 1}}},
		{exchange.Broadcast, 2, 2, [][]int{{0, 1}, {0, 1}}},
		{exchange.Global, 2, 3, [][]int{{0, 1}, {}, {}}},
	} {
		t.Run(fmt.Sprintf("%v/%d-%d", c.kind, c.srcP, c.sinkP), func(t *testing.T) {
			const perSource = 1000
			var mu sync.Mutex
			heard := make([]map[int]int, c.sinkP)
			for i := range heard {
				heard[i] = map[int]int{}
			}
			j := newEdgeJob(perSource, c.srcP, c.sinkP, c.kind, func(subtask, v int) error {
				mu.Lock()
				heard[subtask][v/1e9]++
				mu.Unlock()
				return nil
			})
			if err := runJob(t, context.Background(), j.jobGraph(t), NewLocalTaskManager(max(c.srcP, c.sinkP))); err != nil {
				t.Fatal(err)
			}
			total := 0
			for consumer, want := range c.want {
				var got []int
				for p, n := range heard[consumer] {
					got = append(got, p)
					total += n
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("consumer %d hears from producers %v, want %v", consumer, got, want)
				}
			}
			wantTotal := c.srcP * perSource
			if c.kind == exchange.Broadcast {
				wantTotal *= c.sinkP
			}
			if total != wantTotal {
				t.Errorf("%d records delivered, want %d", total, wantTotal)
			}
		})
	}
}
