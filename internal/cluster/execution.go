package cluster

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/task"
)

// Options configure an execution.
type Options struct {
	JobName string
	// BatchSize is the number of records per exchange buffer.
	BatchSize int
	// Credits is the number of buffers a channel holds before its producer
	// waits (taskmanager.network.memory.buffers-per-channel).
	Credits int
	// BufferTimeoutMillis is execution.buffer-timeout.
	BufferTimeoutMillis int64
	Clock               operator.Clock
	// NewKeyedBackend creates the keyed state backend of a keyed operator's
	// subtask.
	NewKeyedBackend func(operatorName string, r keygroup.Range) (statebackend.Keyed, error)
	// CheckpointingMode is execution.checkpointing.mode: whether tasks
	// align barriers over their inputs (exactly-once, the default) or not.
	CheckpointingMode exchange.CheckpointingMode
	// NewCheckpointHandler, if set, creates the snapshot hook of each
	// deployed subtask (task.SetCheckpointHandler).
	NewCheckpointHandler func(d *Deployment) task.CheckpointHandler

	// deployed, if set, is called with the deployments before they are
	// submitted (tests reach the tasks through it).
	deployed func(deps []*Deployment)
}

// Deployment is one subtask ready to run in a slot.
type Deployment struct {
	Task    *task.Task
	Vertex  *graph.Vertex
	Subtask int
	// SlotKey identifies the shared slot: subtask i of every vertex of a
	// slot sharing group runs in the same slot.
	SlotKey string
}

// execution is the runtime form of a job graph for one attempt.
type execution struct {
	jg           *graph.JobGraph
	opts         Options
	done         <-chan struct{}
	tasks        map[*graph.Vertex][]*task.Task
	coordinators map[*graph.Node]graph.Coordinator
	// out[e][i] are the channels of producer subtask i on network edge e.
	out map[*graph.Edge][][]any
	// in[v][i][k] are the channels into input k of subtask i of vertex v.
	in map[*graph.Vertex][][][]any
}

// build creates the tasks of every vertex, their channels, and wires each
// chain. done aborts sends blocked on credit when the job is cancelled.
func build(jg *graph.JobGraph, opts Options, coordinators map[*graph.Node]graph.Coordinator, done <-chan struct{}) ([]*Deployment, error) {
	x := &execution{jg: jg, opts: opts, done: done, tasks: map[*graph.Vertex][]*task.Task{}, coordinators: coordinators,
		out: map[*graph.Edge][][]any{}, in: map[*graph.Vertex][][][]any{}}
	for _, v := range jg.Vertices {
		ts := make([]*task.Task, v.Parallelism)
		inputs := make([][][]any, v.Parallelism)
		for i := range ts {
			ts[i] = task.New(v.Name, i, v.Parallelism, opts.Clock)
			ts[i].SetBufferTimeout(opts.BufferTimeoutMillis)
			ts[i].SetCheckpointingMode(opts.CheckpointingMode)
			inputs[i] = make([][]any, v.Head.NumInputs)
		}
		x.tasks[v] = ts
		x.in[v] = inputs
	}
	for _, v := range jg.Vertices {
		for _, e := range v.Outputs {
			x.connect(v, e)
		}
	}
	var deps []*Deployment
	for _, v := range jg.Vertices {
		for i, t := range x.tasks[v] {
			if err := x.wire(v, i, t); err != nil {
				return nil, fmt.Errorf("deploying %s: %w", t.DisplayName(), err)
			}
			d := &Deployment{Task: t, Vertex: v, Subtask: i, SlotKey: fmt.Sprintf("%s/%d", v.SlotSharingGroup, i)}
			if opts.NewCheckpointHandler != nil {
				t.SetCheckpointHandler(opts.NewCheckpointHandler(d))
			}
			deps = append(deps, d)
		}
	}
	return deps, nil
}

// connect creates the channels of network edge e leaving vertex v.
func (x *execution) connect(v *graph.Vertex, e *graph.Edge) {
	cv := x.jg.VertexOf(e.To)
	np, nc := v.Parallelism, cv.Parallelism
	per := make([][]any, np)
	for i := range np {
		for _, c := range targets(e, i, np, nc) {
			ch := e.Type.NewChannel(x.opts.Credits, x.tasks[cv][c].Notify())
			per[i] = append(per[i], ch)
			x.in[cv][c][e.InputIndex] = append(x.in[cv][c][e.InputIndex], ch)
		}
	}
	x.out[e] = per
}

func targets(e *graph.Edge, i, np, nc int) []int {
	if e.Partitioning.Pointwise() {
		return exchange.PointwiseTargets(i, np, nc)
	}
	all := make([]int, nc)
	for c := range all {
		all[c] = c
	}
	return all
}

// wire instantiates the chain of vertex v for subtask i in task t.
func (x *execution) wire(v *graph.Vertex, i int, t *task.Task) error {
	index := make(map[*graph.Node]int, len(v.Nodes))
	for k, n := range v.Nodes {
		index[n] = k
	}
	// watermarks[k][input] is the input watermark of operator k, for
	// operator.Context.CurrentWatermark.
	watermarks := make([][2]int64, len(v.Nodes))
	for k := range watermarks {
		watermarks[k] = [2]int64{event.MinWatermark, event.MinWatermark}
	}
	ops := make([]operator.Operator, len(v.Nodes))
	ctxs := make([]*operator.Context, len(v.Nodes))
	var instantiate func(n *graph.Node) (graph.Instance, error)
	instantiate = func(n *graph.Node) (graph.Instance, error) {
		var mains []any
		sides := map[string][]any{}
		sideTypes := map[string]graph.TypeOps{}
		for _, e := range n.Outputs {
			var o any
			if x.jg.VertexOf(e.To) == v && graph.Chainable(e) {
				child, err := instantiate(e.To)
				if err != nil {
					return graph.Instance{}, err
				}
				o = e.Type.Chained(child.Inputs[0], t.Cursor(), index[e.To], &watermarks[index[e.To]][0])
			} else {
				chans := x.out[e][i]
				var sel any
				switch {
				case e.Partitioning == exchange.Broadcast:
				case e.KeySelector != nil:
					sel = e.KeySelector(len(chans), e.To.MaxParallelism)
				default:
					sel = e.Type.NewSelector(e.Partitioning, i, len(chans))
				}
				var w task.Flusher
				o, w = e.Type.NewWriter(chans, sel, x.opts.BatchSize, x.done)
				t.AddWriter(w)
			}
			if e.SideOutput == "" {
				mains = append(mains, o)
			} else {
				sides[e.SideOutput] = append(sides[e.SideOutput], o)
				sideTypes[e.SideOutput] = e.Type
			}
		}
		var out any
		if n.OutType != nil {
			out = n.OutType.FanOut(mains)
		}
		ctx := &operator.Context{
			JobName:        x.opts.JobName,
			OperatorName:   n.Name,
			OperatorUID:    n.UID,
			TaskName:       t.DisplayName(),
			Subtask:        i,
			Parallelism:    n.Parallelism,
			MaxParallelism: n.MaxParallelism,
			Clock:          x.opts.Clock,
			Timers:         t.Timers(),
			KeyGroups:      keygroup.RangeForSubtask(n.MaxParallelism, n.Parallelism, i),
			SideOutputs:    map[string]any{},
		}
		wm := &watermarks[index[n]]
		if n.NumInputs == 2 {
			ctx.CurrentWatermark = func() int64 { return min(wm[0], wm[1]) }
		} else {
			ctx.CurrentWatermark = func() int64 { return wm[0] }
		}
		for tag, outs := range sides {
			ctx.SideOutputs[tag] = sideTypes[tag].FanOut(outs)
		}
		if n.Keyed {
			b, err := x.opts.NewKeyedBackend(n.Name, ctx.KeyGroups)
			if err != nil {
				return graph.Instance{}, fmt.Errorf("creating the state backend of %q: %w", n.Name, err)
			}
			ctx.Keyed = b
		}
		inst, err := n.New(graph.InstanceContext{Out: out, Subtask: i, Parallelism: n.Parallelism, Coordinator: x.coordinators[n], Mailbox: t.Mailbox()})
		if err != nil {
			return graph.Instance{}, fmt.Errorf("creating operator %q: %w", n.Name, err)
		}
		ops[index[n]] = inst.Op
		ctxs[index[n]] = ctx
		if n == v.Head {
			if n.IsSource {
				t.SetSource(inst.Source)
			}
		}
		return inst, nil
	}
	head, err := instantiate(v.Head)
	if err != nil {
		return err
	}
	for k := range v.Nodes {
		t.AddOperator(ops[k], ctxs[k])
	}
	if !v.Head.IsSource {
		for k := range v.Head.NumInputs {
			chans := x.in[v][i][k]
			var typ graph.TypeOps
			for _, e := range v.Head.Inputs {
				if e.InputIndex == k {
					typ = e.Type
				}
			}
			if typ == nil {
				return fmt.Errorf("input %d of %q is not connected", k, v.Head.Name)
			}
			t.AddGate(typ.NewGate(chans, head.Inputs[k], &watermarks[0][k]))
		}
	}
	return nil
}
