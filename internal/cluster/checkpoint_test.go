package cluster

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
	"github.com/eddy-streams/eddy/serde"
)

// ckJob records, per task, the checkpoints its handler snapshotted with the
// task's state at that moment (records emitted by a source, records
// received by the other tasks).
type ckJob struct {
	stop    atomic.Bool  // sources end their input
	emitted atomic.Int64 // by all sources

	mu       sync.Mutex
	counters map[string]func() int64    // task display name -> its state
	snaps    map[string][]int64         // task display name -> checkpoint ids
	counts   map[string]map[int64]int64 // task display name -> id -> state
	declines []string
}

func newCkJob() *ckJob {
	return &ckJob{counters: map[string]func() int64{}, snaps: map[string][]int64{}, counts: map[string]map[int64]int64{}}
}

func (j *ckJob) register(name string, subtask, parallelism int, counter func() int64) {
	j.mu.Lock()
	j.counters[fmt.Sprintf("%s (%d/%d)", name, subtask+1, parallelism)] = counter
	j.mu.Unlock()
}

// ckHandler is one task's CheckpointHandler.
type ckHandler struct {
	j    *ckJob
	name string
}

// Snapshot runs on the task goroutine, so it may read the operator's state.
func (h *ckHandler) Snapshot(b event.Barrier) error {
	h.j.mu.Lock()
	defer h.j.mu.Unlock()
	h.j.snaps[h.name] = append(h.j.snaps[h.name], b.ID)
	if h.j.counts[h.name] == nil {
		h.j.counts[h.name] = map[int64]int64{}
	}
	h.j.counts[h.name][b.ID] = h.j.counters[h.name]()
	return nil
}

func (h *ckHandler) Finished() {}

func (h *ckHandler) Decline(id int64, err error) {
	h.j.mu.Lock()
	h.j.declines = append(h.j.declines, fmt.Sprintf("%s declined %d: %v", h.name, id, err))
	h.j.mu.Unlock()
}

// snapshotted returns how many tasks snapshotted checkpoint id.
func (j *ckJob) snapshotted(id int64) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for _, ids := range j.snaps {
		if slices.Contains(ids, id) {
			n++
		}
	}
	return n
}

// genSource emits 0, 1, 2, … until the job's stop flag is set.
type genSource struct {
	operator.Lifecycle
	j    *ckJob
	out  operator.Output[int]
	next int64
}

func (s *genSource) Poll() task.SourceStatus {
	if s.j.stop.Load() {
		return task.EndOfInput
	}
	for range 32 {
		s.out.Collect(operator.Record[int]{Value: int(s.next), Timestamp: event.NoTimestamp})
		s.next++
	}
	s.j.emitted.Add(32)
	return task.MoreAvailable
}

func (s *genSource) Available() <-chan struct{} { return nil }

// countOp counts the records it receives and forwards them (if out is set).
type countOp struct {
	operator.Lifecycle
	out operator.Output[int]
	n   int64
}

func (c *countOp) ProcessElement(r operator.Record[int]) {
	c.n++
	if c.out != nil {
		c.out.Collect(r)
	}
}
func (c *countOp) ProcessWatermark(int64)      {}
func (c *countOp) ProcessWatermarkStatus(bool) {}

// newCkGraph builds Source (p2) → keyBy → Map (p3) → rebalance → Sink (p1).
func newCkGraph(j *ckJob) *graph.StreamGraph {
	g := &graph.StreamGraph{JobName: "checkpoints", DefaultParallelism: 1}
	src := g.AddNode(&graph.Node{
		Name: "Source", IsSource: true, Chaining: graph.ChainHead, OutType: graph.Type[int](), Parallelism: 2,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			s := &genSource{j: j, out: ic.Out.(operator.Output[int])}
			j.register("Source", ic.Subtask, ic.Parallelism, func() int64 { return s.next })
			return graph.Instance{Op: s, Source: s}, nil
		},
	})
	mid := g.AddNode(&graph.Node{
		Name: "Map", OutType: graph.Type[int](), Parallelism: 3, NumInputs: 1,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			c := &countOp{out: ic.Out.(operator.Output[int])}
			j.register("Map", ic.Subtask, ic.Parallelism, func() int64 { return c.n })
			return graph.Instance{Op: c, Inputs: []any{operator.Input[int](c)}}, nil
		},
	})
	sink := g.AddNode(&graph.Node{
		Name: "Sink", Parallelism: 1, NumInputs: 1,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			c := &countOp{}
			j.register("Sink", ic.Subtask, ic.Parallelism, func() int64 { return c.n })
			return graph.Instance{Op: c, Inputs: []any{operator.Input[int](c)}}, nil
		},
	})
	codec := serde.MustFor[int]()
	g.Connect(&graph.Edge{From: src, To: mid, Type: graph.Type[int](), Partitioning: exchange.Hash, ExplicitPartitioning: true,
		KeySelector: func(n, maxParallelism int) any {
			return exchange.NewKeySelector(func(v int) int { return v }, codec, maxParallelism, n)
		}})
	g.Connect(&graph.Edge{From: mid, To: sink, Type: graph.Type[int](), Partitioning: exchange.Rebalance, ExplicitPartitioning: true})
	return g
}

// Barriers triggered at the sources through their mailboxes reach every
// task of a three-stage job, and every task snapshots each checkpoint
// exactly once. With exactly-once alignment the snapshots are consistent:
// the sink's count at checkpoint n is what the sources had emitted at n.
func TestCheckpointBarriersReachEveryTask(t *testing.T) {
	for _, mode := range []exchange.CheckpointingMode{exchange.ExactlyOnce, exchange.AtLeastOnce} {
		t.Run(mode.String(), func(t *testing.T) {
			j := newCkJob()
			jg, err := graph.BuildJobGraph(newCkGraph(j))
			if err != nil {
				t.Fatal(err)
			}
			if len(jg.Vertices) != 3 {
				t.Fatalf("%d vertices, want 3 tasks chains", len(jg.Vertices))
			}
			opts := testOptions()
			opts.CheckpointingMode = mode
			opts.NewCheckpointHandler = func(d *Deployment) task.CheckpointHandler {
				return &ckHandler{j: j, name: d.Task.DisplayName()}
			}
			deployed := make(chan []*Deployment, 1)
			opts.deployed = func(deps []*Deployment) { deployed <- deps }
			res := make(chan error, 1)
			go func() { res <- Run(context.Background(), jg, opts, NewLocalTaskManager(3)) }()
			var deps []*Deployment
			select {
			case deps = <-deployed:
			case err := <-res:
				t.Fatalf("job ended before deployment: %v", err)
			}
			if len(deps) != 6 {
				t.Fatalf("%d deployments, want 6", len(deps))
			}
			for _, d := range deps {
				if d.Task.DisplayName() == "" {
					t.Fatal("unnamed task")
				}
			}
			const checkpoints = 3
			for id := int64(1); id <= checkpoints; id++ {
				// Records flow before each checkpoint.
				for target := j.emitted.Load() + 1000; j.emitted.Load() < target; {
					time.Sleep(time.Millisecond)
				}
				// The job master triggers at every source subtask.
				for _, d := range deps {
					if d.Vertex.Head.IsSource {
						d.Task.TriggerCheckpoint(event.Barrier{ID: id, Timestamp: time.Now().UnixMilli()})
					}
				}
				deadline := time.Now().Add(10 * time.Second)
				for j.snapshotted(id) < len(deps) {
					if time.Now().After(deadline) {
						t.Fatalf("checkpoint %d reached %d of %d tasks", id, j.snapshotted(id), len(deps))
					}
					time.Sleep(time.Millisecond)
				}
			}
			j.stop.Store(true)
			select {
			case err := <-res:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("job did not end")
			}
			j.mu.Lock()
			defer j.mu.Unlock()
			if len(j.declines) > 0 {
				t.Fatalf("declines: %q", j.declines)
			}
			if len(j.snaps) != 6 {
				t.Fatalf("tasks with snapshots: %v", j.snaps)
			}
			for name, ids := range j.snaps {
				if !slices.Equal(ids, []int64{1, 2, 3}) {
					t.Errorf("%s snapshotted %v, want [1 2 3] once each", name, ids)
				}
			}
			for id := int64(1); id <= checkpoints; id++ {
				var emitted, mapped int64
				for i := range 2 {
					emitted += j.counts[fmt.Sprintf("Source (%d/2)", i+1)][id]
				}
				for i := range 3 {
					mapped += j.counts[fmt.Sprintf("Map (%d/3)", i+1)][id]
				}
				sunk := j.counts["Sink (1/1)"][id]
				if emitted == 0 {
					t.Errorf("checkpoint %d: nothing emitted before it", id)
				}
				if mode == exchange.ExactlyOnce && (mapped != emitted || sunk != emitted) {
					t.Errorf("checkpoint %d: sources emitted %d, maps received %d, sink received %d: inconsistent snapshot", id, emitted, mapped, sunk)
				}
				if mode == exchange.AtLeastOnce && (mapped < emitted || sunk < emitted) {
					t.Errorf("checkpoint %d: sources emitted %d, maps received %d, sink received %d: records lost", id, emitted, mapped, sunk)
				}
			}
		})
	}
}
