package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/source"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
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
	// Checkpointing, if set, makes the job master take periodic
	// checkpoints (it then sets every task's CheckpointHandler itself,
	// ignoring NewCheckpointHandler) and restore from them after a failure.
	Checkpointing *CheckpointOptions
	// Restart is the restart strategy (restart-strategy.*).
	Restart RestartStrategy
	// RestorePath is execution.savepoint.path: a retained checkpoint to
	// start from (see LoadCheckpoint).
	RestorePath string
	// AllowNonRestoredState is execution.savepoint.ignore-unclaimed-state:
	// restoring skips the state of operators the job no longer has instead
	// of refusing it.
	AllowNonRestoredState bool
	// Savepoints, if set, carries savepoint requests (JobClient): the job
	// master then runs the checkpoint driver even without periodic
	// checkpoints.
	Savepoints <-chan SavepointRequest
	// RestoreKeyedBackendFromFiles creates the keyed state backend of a
	// keyed operator's subtask from the local directories holding the
	// incremental checkpoints of the old subtasks whose key-group ranges
	// intersect r (lsm.RestoreFromFiles). Required to restore incremental
	// checkpoints.
	RestoreKeyedBackendFromFiles func(operatorName string, r keygroup.Range, dirs []string) (statebackend.Keyed, error)
	// LocalRecovery is state.backend.local-recovery: a subtask restored at
	// the same parallelism after a failure reuses its local incremental
	// checkpoint directory instead of downloading the files.
	LocalRecovery bool
	// RestoreKeyedBackend creates the keyed state backend of a keyed
	// operator's subtask from the keyed-state streams of the checkpointed
	// subtasks whose key-group ranges intersect r. Required to restore.
	RestoreKeyedBackend func(operatorName string, r keygroup.Range, streams []io.Reader) (statebackend.Keyed, error)

	// OnCheckpoint, if set, is called (on the checkpoint driver's
	// goroutine) after each periodic checkpoint completed.
	OnCheckpoint func(CheckpointStat)
	// OnRestart, if set, is called once the attempt that follows a failure
	// is running again (see RestartStat).
	OnRestart func(RestartStat)

	// deployed, if set, is called with the deployments before they are
	// submitted (tests reach the tasks through it).
	deployed func(deps []*Deployment)
}

// CheckpointStat describes a completed periodic checkpoint.
type CheckpointStat struct {
	ID int64
	// DurationMs is the time from the trigger to the completion (all tasks
	// acknowledged and the metadata written), in milliseconds.
	DurationMs int64
	// Bytes is the total size of the checkpoint's files: the keyed-state
	// streams, operator state and the metadata file.
	Bytes int64
}

// RestartStat describes one recovery after a failure.
type RestartStat struct {
	// Attempt is the number of the new attempt (1 for the first restart).
	Attempt int
	// CheckpointID is the checkpoint the attempt restored (0: none).
	CheckpointID int64
	// RecoveryMs is the time from the failure being observed by the job
	// master (the first failed task's result, or the checkpoint driver's
	// error) to the moment every task of the new attempt has opened its
	// operators (restored state in place, about to process input), in
	// milliseconds. It includes the cancellation of the failed attempt,
	// the restart delay, loading the checkpoint and rebuilding the tasks.
	RecoveryMs int64
}

// Deployment is one subtask ready to run in a slot.
type Deployment struct {
	Task    *task.Task
	Vertex  *graph.Vertex
	Subtask int
	// SlotKey identifies the shared slot: subtask i of every vertex of a
	// slot sharing group runs in the same slot.
	SlotKey string

	// keyed are the keyed state backends of the chain's operators and
	// source the chain's source operator, for checkpoints.
	keyed  []keyedInstance
	source source.Snapshotter
	srcOp  *graph.Node
	// opStates are the operator states of the chain's operators.
	opStates []opStateInstance
	// snapshots counts the keyed-state snapshots not released yet.
	snapshots sync.WaitGroup
}

type opStateInstance struct {
	node  *graph.Node
	store *opstate.Store
}

type keyedInstance struct {
	node    *graph.Node
	backend statebackend.Keyed
	kgRange keygroup.Range
}

// OperatorID is the id an operator's state is stored under in checkpoints:
// its UID, or "node-<id>" derived from its stream graph node id.
func OperatorID(n *graph.Node) string {
	if n.UID != "" {
		return n.UID
	}
	return fmt.Sprintf("node-%d", n.ID)
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
	// restore is the checkpoint the tasks start from, if any.
	restore *restored
	// jc is what the job keeps across attempts (local checkpoint
	// directories).
	jc *jobCheckpoints
	// restoreDir holds incremental state files downloaded for the
	// restore; the caller deletes it once the tasks ended.
	restoreDir string
}

// build creates the tasks of every vertex, their channels, and wires each
// chain. done aborts sends blocked on credit when the job is cancelled.
func build(jg *graph.JobGraph, opts Options, coordinators map[*graph.Node]graph.Coordinator, done <-chan struct{}, restore *restored, jc *jobCheckpoints) (deps []*Deployment, restoreDir string, err error) {
	x := &execution{jg: jg, opts: opts, done: done, tasks: map[*graph.Vertex][]*task.Task{}, coordinators: coordinators,
		out: map[*graph.Edge][][]any{}, in: map[*graph.Vertex][][][]any{}, restore: restore, jc: jc}
	for _, v := range jg.Vertices {
		ts := make([]*task.Task, v.Parallelism)
		inputs := make([][][]any, v.Parallelism)
		for i := range ts {
			ts[i] = task.New(v.Name, i, v.Parallelism, opts.Clock)
			ts[i].SetBufferTimeout(opts.BufferTimeoutMillis)
			ts[i].SetCheckpointingMode(opts.CheckpointingMode)
			opts.Checkpointing.setUnaligned(ts[i])
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
	for _, v := range jg.Vertices {
		for i, t := range x.tasks[v] {
			d := &Deployment{Task: t, Vertex: v, Subtask: i, SlotKey: fmt.Sprintf("%s/%d", v.SlotSharingGroup, i)}
			if err := x.wire(v, i, t, d); err != nil {
				d.closeState()
				for _, d := range deps {
					d.closeState()
				}
				return nil, x.restoreDir, fmt.Errorf("deploying %s: %w", t.DisplayName(), err)
			}
			if opts.NewCheckpointHandler != nil && opts.Checkpointing == nil {
				t.SetCheckpointHandler(opts.NewCheckpointHandler(d))
			}
			deps = append(deps, d)
		}
	}
	return deps, x.restoreDir, nil
}

// closeState closes the keyed state backends of the deployment's chain,
// once its task ended (or was never run).
func (d *Deployment) closeState() error {
	d.snapshots.Wait()
	var errs []error
	for _, k := range d.keyed {
		if err := k.backend.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the state backend of %q: %w", k.node.Name, err))
		}
	}
	return errors.Join(errs...)
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
func (x *execution) wire(v *graph.Vertex, i int, t *task.Task, d *Deployment) error {
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
			JobName:         x.opts.JobName,
			OperatorName:    n.Name,
			OperatorUID:     n.UID,
			TaskName:        t.DisplayName(),
			Subtask:         i,
			Parallelism:     n.Parallelism,
			MaxParallelism:  n.MaxParallelism,
			Clock:           x.opts.Clock,
			Timers:          t.Timers(),
			KeyGroups:       keygroup.RangeForSubtask(n.MaxParallelism, n.Parallelism, i),
			SideOutputs:     map[string]any{},
			FinalCheckpoint: x.opts.Checkpointing.finalCheckpoint(),
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
		store, err := x.operatorState(n, i)
		if err != nil {
			return graph.Instance{}, err
		}
		ctx.OperatorState = store
		d.opStates = append(d.opStates, opStateInstance{node: n, store: store})
		if n.Keyed {
			streams, restoring, err := x.keyedStreams(n, ctx.KeyGroups)
			if err != nil {
				return graph.Instance{}, err
			}
			dirs, incremental, err := x.incrementalDirs(n, ctx.KeyGroups)
			if err != nil {
				return graph.Instance{}, err
			}
			var b statebackend.Keyed
			switch {
			case incremental && len(streams) > 0:
				err = fmt.Errorf("restoring the state of %q: the checkpoint mixes full and incremental snapshots", n.Name)
			case incremental:
				if x.opts.RestoreKeyedBackendFromFiles == nil {
					return graph.Instance{}, fmt.Errorf("restoring the state of %q: its checkpoint is incremental, and the state backend restores none (use state.backend.type: lsm)", n.Name)
				}
				b, err = x.opts.RestoreKeyedBackendFromFiles(n.Name, ctx.KeyGroups, dirs)
			case restoring:
				if x.opts.RestoreKeyedBackend == nil {
					return graph.Instance{}, fmt.Errorf("restoring the state of %q: no RestoreKeyedBackend", n.Name)
				}
				b, err = x.opts.RestoreKeyedBackend(n.Name, ctx.KeyGroups, streams)
			default:
				b, err = x.opts.NewKeyedBackend(n.Name, ctx.KeyGroups)
			}
			if err != nil {
				return graph.Instance{}, fmt.Errorf("creating the state backend of %q: %w", n.Name, err)
			}
			ctx.Keyed = b
			d.keyed = append(d.keyed, keyedInstance{node: n, backend: b, kgRange: ctx.KeyGroups})
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
				if sn, ok := inst.Op.(source.Snapshotter); ok {
					d.source, d.srcOp = sn, n
				}
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
		if err := x.restoreChannelState(v, i, t); err != nil {
			return err
		}
	}
	return nil
}

// keyedStreams returns the keyed-state streams of the checkpoint being
// restored for operator n's subtask with key groups r: those of every old
// subtask whose range intersects r. restoring is false when there is no
// checkpoint or it has no state for n.
func (x *execution) keyedStreams(n *graph.Node, r keygroup.Range) (streams []io.Reader, restoring bool, err error) {
	if x.restore == nil {
		return nil, false, nil
	}
	op, ok := x.restore.meta.Operator(OperatorID(n))
	if !ok {
		return nil, false, nil
	}
	if op.MaxParallelism != n.MaxParallelism {
		return nil, false, fmt.Errorf("restoring operator %q (%s): the checkpoint has max parallelism %d, the job %d",
			n.Name, OperatorID(n), op.MaxParallelism, n.MaxParallelism)
	}
	for _, st := range op.Subtasks {
		if st.KeyedState == nil || st.KeyGroups[1] < r.Start || st.KeyGroups[0] > r.End {
			continue
		}
		data, ok := x.restore.files[st.KeyedState.Name]
		if !ok {
			return nil, false, fmt.Errorf("restoring operator %q: state file %s was not loaded", n.Name, st.KeyedState.Name)
		}
		streams = append(streams, bytes.NewReader(data))
	}
	return streams, true, nil
}

// operatorState returns the operator state of operator n's subtask i: empty
// for a fresh start, else redistributed from the old subtasks' states in the
// checkpoint being restored (opstate.Redistribute).
func (x *execution) operatorState(n *graph.Node, i int) (*opstate.Store, error) {
	if x.restore == nil {
		return opstate.NewStore(), nil
	}
	var old [][]byte
	if st, ok := x.restore.meta.Operator(OperatorID(n)); ok {
		old = make([][]byte, st.Parallelism)
		for _, sub := range st.Subtasks {
			if sub.OperatorState != nil && sub.Subtask >= 0 && sub.Subtask < st.Parallelism {
				old[sub.Subtask] = sub.OperatorState
			}
		}
	}
	if len(old) == 0 {
		old = [][]byte{nil}
	}
	s, err := opstate.Redistribute(old, n.Parallelism, i)
	if err != nil {
		return nil, fmt.Errorf("restoring the operator state of %q: %w", n.Name, err)
	}
	return s, nil
}
