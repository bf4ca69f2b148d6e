package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/internal/checkpoint"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/source"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/task"
)

// CheckpointOptions turn on periodic checkpoints.
type CheckpointOptions struct {
	// Config holds the execution.checkpointing.* and
	// state.checkpoints.num-retained options.
	Config checkpoint.Config
	// Storage is where checkpoints go (state.checkpoints.dir); they are
	// written under "<JobID>/chk-<n>/".
	Storage storage.Blob
	// JobID names the job's folder in Storage.
	JobID string
}

// restored is a loaded checkpoint: its metadata and state files.
type restored struct {
	dir   string
	meta  *storage.Metadata
	files map[string][]byte
}

// LoadCheckpoint loads a retained checkpoint from a local path
// (execution.savepoint.path): either a checkpoint folder ".../chk-<n>",
// which must be complete and intact, or a job's checkpoint folder, of
// which the latest intact complete checkpoint is taken (falling back to an
// older one when a newer one is corrupted). It returns the checkpoint's id.
func LoadCheckpoint(path string) (int64, error) {
	r, err := loadPath(path)
	if err != nil {
		return 0, err
	}
	return r.meta.CheckpointID, nil
}

func loadPath(path string) (*restored, error) {
	path = filepath.Clean(path)
	blob := storage.NewLocal(filepath.Dir(path))
	base := filepath.Base(path)
	if _, err := os.Stat(filepath.Join(path, storage.MetadataFile)); err == nil {
		m, files, err := storage.Load(blob, base)
		if err != nil {
			return nil, err
		}
		return &restored{dir: path, meta: m, files: files}, nil
	}
	ids, err := storage.Completed(blob, base)
	if err != nil {
		return nil, fmt.Errorf("listing checkpoints in %s: %w", path, err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("execution.savepoint.path %s: no complete checkpoint (no %s file)", path, storage.MetadataFile)
	}
	return loadLatest(blob, base, ids)
}

// loadLatest loads the newest intact checkpoint of ids (increasing).
func loadLatest(blob storage.Blob, jobID string, ids []int64) (*restored, error) {
	var errs []error
	for i := len(ids) - 1; i >= 0; i-- {
		dir := storage.CheckpointDir(jobID, ids[i])
		m, files, err := storage.Load(blob, dir)
		if err == nil {
			return &restored{dir: dir, meta: m, files: files}, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no intact checkpoint to restore from: %w", errors.Join(errs...))
}

// restoreCoordinators gives the source coordinators their readers' splits.
func restoreCoordinators(r *restored, coordinators map[*graph.Node]graph.Coordinator) error {
	for n, c := range coordinators {
		op, ok := r.meta.Operator(OperatorID(n))
		if !ok {
			continue
		}
		rc, ok := c.(interface {
			RestoreReaders(map[int]source.ReaderState) error
		})
		if !ok {
			return fmt.Errorf("restoring %q: its coordinator cannot restore readers", n.Name)
		}
		if op.Parallelism != n.Parallelism {
			return fmt.Errorf("restoring source %q: checkpointed at parallelism %d, now %d (rescaling sources is not supported yet)", n.Name, op.Parallelism, n.Parallelism)
		}
		states := map[int]source.ReaderState{}
		for _, st := range op.Subtasks {
			if st.Source != nil {
				states[st.Subtask] = source.ReaderState{Splits: st.Source.Splits, NoMoreSplits: st.Source.NoMoreSplits}
			}
		}
		if err := rc.RestoreReaders(states); err != nil {
			return fmt.Errorf("restoring source %q: %w", n.Name, err)
		}
	}
	return nil
}

// jobCheckpoints is what the job master keeps across attempts.
type jobCheckpoints struct {
	mu           sync.Mutex
	retained     []int64 // complete checkpoints, oldest first
	maxTriggered int64
}

// driver runs the checkpoint coordinator of one attempt.
type driver struct {
	opts  *CheckpointOptions
	jc    *jobCheckpoints
	coord *checkpoint.Coordinator
	deps  []*Deployment
	names map[*Deployment]string

	mu     sync.Mutex
	inbox  []checkpoint.Message
	notify chan struct{}
	closed bool // under mu: no new writes start
	writes sync.WaitGroup

	triggered map[int64]bool // not completed yet
}

// taskAck is a task's acknowledged state: its part of the metadata and
// the files it wrote.
type taskAck struct {
	id     int64
	pieces []piece
	paths  []string
}

type piece struct {
	op  storage.OperatorState // without subtasks
	sub storage.SubtaskState
}

func newDriver(opts *CheckpointOptions, jc *jobCheckpoints, deps []*Deployment) (*driver, error) {
	d := &driver{opts: opts, jc: jc, deps: deps, names: map[*Deployment]string{}, notify: make(chan struct{}, 1), triggered: map[int64]bool{}}
	var names []string
	for _, dep := range deps {
		name := fmt.Sprintf("%s [v%d]", dep.Task.DisplayName(), dep.Vertex.ID)
		d.names[dep] = name
		names = append(names, name)
	}
	jc.mu.Lock()
	last := jc.maxTriggered
	jc.mu.Unlock()
	for _, dep := range deps {
		if dep.source != nil {
			if err := dep.source.CheckSnapshots(); err != nil {
				return nil, fmt.Errorf("checkpointing %q: %w", dep.srcOp.Name, err)
			}
		}
	}
	c, err := checkpoint.New(opts.Config, names, last)
	if err != nil {
		return nil, err
	}
	d.coord = c
	for _, dep := range deps {
		dep.Task.SetCheckpointHandler(&handler{d: d, dep: dep})
	}
	return d, nil
}

func (d *driver) post(m checkpoint.Message) {
	d.mu.Lock()
	d.inbox = append(d.inbox, m)
	d.mu.Unlock()
	select {
	case d.notify <- struct{}{}:
	default:
	}
}

// run steps the coordinator until ctx is done; an error fails the job.
func (d *driver) run(ctx context.Context) (err error) {
	defer d.shutdown()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		d.coord.Tick(time.Now().UnixMilli())
		d.mu.Lock()
		msgs := d.inbox
		d.inbox = nil
		d.mu.Unlock()
		for _, m := range msgs {
			if err := d.coord.Step(m); err != nil {
				return err
			}
		}
		if err := d.handle(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-d.notify:
		}
	}
}

// shutdown waits for the writes in flight and deletes the checkpoints that
// did not complete.
func (d *driver) shutdown() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.writes.Wait()
	for id := range d.triggered {
		d.opts.Storage.Delete(storage.CheckpointDir(d.opts.JobID, id))
	}
}

func (d *driver) handle() error {
	r := d.coord.Ready()
	d.coord.Advance()
	for _, t := range r.Triggers {
		d.triggered[t.ID] = true
		d.jc.mu.Lock()
		d.jc.maxTriggered = max(d.jc.maxTriggered, t.ID)
		d.jc.mu.Unlock()
		b := event.Barrier{ID: t.ID, Timestamp: t.Timestamp, Savepoint: t.Kind == checkpoint.Savepoint}
		for _, dep := range d.deps {
			if dep.Vertex.Head.IsSource {
				dep.Task.TriggerCheckpoint(b)
			}
		}
	}
	for _, c := range r.Completed {
		if err := d.complete(c); err != nil {
			return err
		}
	}
	for _, a := range r.Aborted {
		delete(d.triggered, a.ID)
		for _, dep := range d.deps {
			dep.Task.NotifyCheckpointAborted(a.ID)
		}
		d.opts.Storage.Delete(storage.CheckpointDir(d.opts.JobID, a.ID))
	}
	for _, h := range r.Discarded {
		// An acknowledgement of a checkpoint that aborted (or never
		// was): its whole folder is garbage.
		if a, ok := h.(*taskAck); ok {
			d.opts.Storage.Delete(storage.CheckpointDir(d.opts.JobID, a.id))
		}
	}
	return r.Failure
}

// complete writes the metadata of checkpoint c (making it visible),
// notifies the tasks and deletes the checkpoints no longer retained.
func (d *driver) complete(c checkpoint.Completed) error {
	delete(d.triggered, c.ID)
	m := &storage.Metadata{JobID: d.opts.JobID, CheckpointID: c.ID, Kind: c.Kind.String(), Timestamp: c.Timestamp}
	ops := map[string]*storage.OperatorState{}
	for _, st := range c.States {
		a, ok := st.(*taskAck)
		if !ok {
			continue
		}
		for _, p := range a.pieces {
			op, ok := ops[p.op.ID]
			if !ok {
				cp := p.op
				op = &cp
				ops[p.op.ID] = op
			}
			op.Subtasks = mergeSubtask(op.Subtasks, p.sub)
		}
	}
	for _, op := range ops {
		m.Operators = append(m.Operators, *op)
	}
	data, err := storage.EncodeMetadata(m)
	if err != nil {
		return fmt.Errorf("encoding the metadata of checkpoint %d: %w", c.ID, err)
	}
	dir := storage.CheckpointDir(d.opts.JobID, c.ID)
	if err := d.opts.Storage.Put(dir+"/"+storage.MetadataFile, data); err != nil {
		// Not visible: as a failed checkpoint.
		d.opts.Storage.Delete(dir)
		for _, dep := range d.deps {
			dep.Task.NotifyCheckpointAborted(c.ID)
		}
		return nil
	}
	for _, dep := range d.deps {
		dep.Task.NotifyCheckpointComplete(c.ID)
	}
	if c.Kind == checkpoint.Savepoint {
		return nil
	}
	d.jc.mu.Lock()
	d.jc.retained = append(d.jc.retained, c.ID)
	var drop []int64
	for len(d.jc.retained) > d.opts.Config.Retained {
		drop = append(drop, d.jc.retained[0])
		d.jc.retained = d.jc.retained[1:]
	}
	d.jc.mu.Unlock()
	for _, id := range drop {
		d.opts.Storage.Delete(storage.CheckpointDir(d.opts.JobID, id))
	}
	return nil
}

// mergeSubtask adds sub to subs, merging it into the entry of the same
// subtask if there is one (an operator with keyed and operator state).
func mergeSubtask(subs []storage.SubtaskState, sub storage.SubtaskState) []storage.SubtaskState {
	for i := range subs {
		s := &subs[i]
		if s.Subtask != sub.Subtask {
			continue
		}
		if sub.KeyedState != nil {
			s.KeyedState, s.KeyGroups = sub.KeyedState, sub.KeyGroups
		}
		if sub.Source != nil {
			s.Source = sub.Source
		}
		if sub.OperatorState != nil {
			s.OperatorState = sub.OperatorState
		}
		return subs
	}
	return append(subs, sub)
}

// handler is a task's CheckpointHandler.
type handler struct {
	d   *driver
	dep *Deployment
}

// Snapshot takes the snapshots of the chain's keyed backends and source
// synchronously and writes them in a goroutine.
func (h *handler) Snapshot(b event.Barrier) error {
	dep := h.dep
	var snaps []statebackend.Snapshot
	release := func() {
		for _, s := range snaps {
			s.Release()
		}
	}
	for _, k := range dep.keyed {
		sn, ok := k.backend.(statebackend.Snapshotter)
		if !ok {
			release()
			return fmt.Errorf("the state backend %T of %q takes no snapshots", k.backend, k.node.Name)
		}
		s, err := sn.Snapshot(b.ID)
		if err != nil {
			release()
			return fmt.Errorf("snapshotting %q: %w", k.node.Name, err)
		}
		snaps = append(snaps, s)
	}
	ack := &taskAck{id: b.ID}
	if dep.source != nil {
		st, err := dep.source.SnapshotReader()
		if err != nil {
			release()
			return fmt.Errorf("snapshotting %q: %w", dep.srcOp.Name, err)
		}
		n := dep.srcOp
		ack.pieces = append(ack.pieces, piece{
			op:  storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism},
			sub: storage.SubtaskState{Subtask: dep.Subtask, Source: &storage.SourceState{Splits: st.Splits, NoMoreSplits: st.NoMoreSplits}},
		})
	}
	for _, o := range dep.opStates {
		data, err := o.op.SnapshotOperatorState(b.ID)
		if err != nil {
			release()
			return fmt.Errorf("snapshotting the operator state of %q: %w", o.node.Name, err)
		}
		if data == nil {
			data = []byte{}
		}
		n := o.node
		ack.pieces = append(ack.pieces, piece{
			op:  storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism},
			sub: storage.SubtaskState{Subtask: dep.Subtask, OperatorState: data},
		})
	}
	d := h.d
	name := d.names[dep]
	dir := storage.CheckpointDir(d.opts.JobID, b.ID)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		release()
		return fmt.Errorf("the job's checkpointing stopped")
	}
	d.writes.Add(1)
	d.mu.Unlock()
	go func() {
		defer d.writes.Done()
		var err error
		for i, s := range snaps {
			k := dep.keyed[i]
			var buf bytes.Buffer
			if err = s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
				err = fmt.Errorf("writing the state of %q: %w", k.node.Name, err)
				break
			}
			file := fmt.Sprintf("%s-%d", fileSafe(OperatorID(k.node)), dep.Subtask)
			p := dir + "/" + file
			if err = d.opts.Storage.Put(p, buf.Bytes()); err != nil {
				break
			}
			ack.paths = append(ack.paths, p)
			r := s.KeyGroupRange()
			ack.pieces = append(ack.pieces, piece{
				op: storage.OperatorState{ID: OperatorID(k.node), Name: k.node.Name, Parallelism: k.node.Parallelism, MaxParallelism: k.node.MaxParallelism},
				sub: storage.SubtaskState{Subtask: dep.Subtask, KeyGroups: [2]int{r.Start, r.End},
					KeyedState: &storage.FileRef{Name: file, Size: int64(buf.Len()), CRC32: crc32.ChecksumIEEE(buf.Bytes())}},
			})
		}
		if len(snaps) > 0 {
			dep.Task.Mailbox().Put(release)
		}
		if err != nil {
			for _, p := range ack.paths {
				d.opts.Storage.Delete(p)
			}
			d.post(checkpoint.Decline{ID: b.ID, Task: name, Reason: err.Error()})
			return
		}
		d.post(checkpoint.Ack{ID: b.ID, Task: name, State: ack})
	}()
	return nil
}

// Decline reports the task's refusal of checkpoint id.
func (h *handler) Decline(id int64, err error) {
	h.d.post(checkpoint.Decline{ID: id, Task: h.d.names[h.dep], Reason: err.Error(),
		NotRunning: errors.Is(err, task.ErrNotRunning)})
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// unrecoverable marks a failure that a restart cannot fix (a job that
// cannot be checkpointed or restored as configured).
type unrecoverable struct{ err error }

func (u unrecoverable) Error() string { return u.err.Error() }
func (u unrecoverable) Unwrap() error { return u.err }
