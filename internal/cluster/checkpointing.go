package cluster

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	// AfterTasksFinish is
	// execution.checkpointing.checkpoints-after-tasks-finish.enabled: with
	// periodic checkpoints, finished tasks wait for a final checkpoint
	// (task.SetFinalCheckpoint) and take part in the checkpoints until
	// they end; ended ones count as finished with empty state.
	AfterTasksFinish bool
	// Incremental is execution.checkpointing.incremental: keyed backends
	// that can (lsm) upload only the files the previous checkpoints did
	// not have; savepoints stay full.
	Incremental bool
	// Unaligned is execution.checkpointing.unaligned.enabled and
	// AlignedCheckpointTimeout execution.checkpointing.aligned-checkpoint-timeout
	// (exactly-once only; see channelstate.go).
	Unaligned                bool
	AlignedCheckpointTimeout time.Duration
	// Storage is where checkpoints go (state.checkpoints.dir); they are
	// written under "<JobID>/chk-<n>/".
	Storage storage.Blob
	// JobID names the job's folder in Storage.
	JobID string
}

// SavepointRequest asks a running job for a savepoint in Dir (a local
// folder): it is written to "<Dir>/savepoint-<id>-<random>/". With Stop the
// job stops once the savepoint completed and its sinks committed what it
// covers; the job then ends without error.
type SavepointRequest struct {
	Dir   string
	Stop  bool
	Reply chan<- SavepointResult // buffered (1)
}

// SavepointResult is the savepoint's folder, or why it failed.
type SavepointResult struct {
	Path string
	Err  error
}

// spTarget is where a savepoint in progress goes.
type spTarget struct {
	blob   storage.Blob
	folder string
	path   string
	req    SavepointRequest
}

// restored is a loaded checkpoint: its metadata and state files. blob is
// its storage, for the incremental checkpoint files read when tasks
// restore; dir is the checkpoint's folder in it.
type restored struct {
	dir   string
	meta  *storage.Metadata
	files map[string][]byte
	blob  storage.Blob
	// where names the checkpoint in messages.
	where string
}

// LoadCheckpoint loads a retained checkpoint from a local path or a URL of
// the checkpoint storage (execution.savepoint.path): either a checkpoint folder ".../chk-<n>",
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
	blob, base, err := storage.OpenParent(path)
	if err != nil {
		return nil, fmt.Errorf("execution.savepoint.path %s: %w", path, err)
	}
	// The storage stays open (the restored checkpoint's close) for the
	// incremental state files.
	fail := func(err error) (*restored, error) {
		closeBlob(blob)
		return nil, err
	}
	if _, err := blob.Get(base + "/" + storage.MetadataFile); err == nil {
		m, files, err := storage.Load(blob, base)
		if err != nil {
			return fail(err)
		}
		return &restored{dir: base, meta: m, files: files, blob: blob, where: path}, nil
	}
	ids, err := storage.Completed(blob, base)
	if err != nil {
		return fail(fmt.Errorf("listing checkpoints in %s: %w", path, err))
	}
	if len(ids) == 0 {
		return fail(fmt.Errorf("execution.savepoint.path %s: no complete checkpoint (no %s file)", path, storage.MetadataFile))
	}
	r, err := loadLatest(blob, base, ids)
	if err != nil {
		return fail(err)
	}
	return r, nil
}

// loadLatest loads the newest intact checkpoint of ids (increasing).
func loadLatest(blob storage.Blob, jobID string, ids []int64) (*restored, error) {
	var errs []error
	for i := len(ids) - 1; i >= 0; i-- {
		dir := storage.CheckpointDir(jobID, ids[i])
		m, files, err := storage.Load(blob, dir)
		if err == nil {
			return &restored{dir: dir, meta: m, files: files, blob: blob, where: fmt.Sprintf("%s/%s", blob, dir)}, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no intact checkpoint to restore from: %w", errors.Join(errs...))
}

// coordinatorState is a source enumerator's state in a checkpoint.
type coordinatorState struct {
	node  *graph.Node
	state []byte
}

// enumeratorSnapshotter is a source coordinator whose enumerator may have
// state (source.Coordinator).
type enumeratorSnapshotter interface {
	SnapshotEnumerator(checkpointID int64) ([]byte, bool, error)
	OpenValve()
}

// snapshotCoordinators snapshots the split enumerators that have state,
// before the checkpoint is triggered at the readers; their assignments wait
// until openValves.
func (d *driver) snapshotCoordinators(id int64) ([]coordinatorState, error) {
	var out []coordinatorState
	for n, c := range d.coordinators {
		s, ok := c.(enumeratorSnapshotter)
		if !ok {
			continue
		}
		state, has, err := s.SnapshotEnumerator(id)
		if err != nil {
			return out, fmt.Errorf("%q: %w", n.Name, err)
		}
		if has {
			out = append(out, coordinatorState{node: n, state: state})
		}
	}
	return out, nil
}

func (d *driver) openValves() {
	for _, c := range d.coordinators {
		if s, ok := c.(enumeratorSnapshotter); ok {
			s.OpenValve()
		}
	}
}

// restoreCoordinators gives the source coordinators their readers' splits
// and their enumerators' state.
func restoreCoordinators(r *restored, coordinators map[*graph.Node]graph.Coordinator) error {
	for n, c := range coordinators {
		op, ok := r.meta.Operator(OperatorID(n))
		if !ok {
			continue
		}
		if op.CoordinatorState != nil {
			ec, ok := c.(interface{ RestoreEnumerator([]byte) error })
			if !ok {
				return fmt.Errorf("restoring %q: its coordinator cannot restore an enumerator", n.Name)
			}
			if err := ec.RestoreEnumerator(op.CoordinatorState); err != nil {
				return fmt.Errorf("restoring %q: %w", n.Name, err)
			}
		}
		rc, ok := c.(interface {
			RestoreReaders(map[int]source.ReaderState) error
		})
		if !ok {
			return fmt.Errorf("restoring %q: its coordinator cannot restore readers", n.Name)
		}
		states := map[int]source.ReaderState{}
		if op.Parallelism == n.Parallelism {
			for _, st := range op.Subtasks {
				if st.Source != nil {
					states[st.Subtask] = source.ReaderState{Splits: st.Source.Splits, NoMoreSplits: st.Source.NoMoreSplits}
				}
			}
		} else {
			// Rescaling: the union of the old readers' splits, dealt
			// round robin to the new readers.
			var all [][]byte
			noMore, found := true, false
			for _, st := range op.Subtasks {
				if st.Source != nil {
					found = true
					all = append(all, st.Source.Splits...)
					noMore = noMore && st.Source.NoMoreSplits
				}
			}
			if found {
				for i := range n.Parallelism {
					states[i] = source.ReaderState{NoMoreSplits: noMore}
				}
				for k, sp := range all {
					st := states[k%n.Parallelism]
					st.Splits = append(st.Splits, sp)
					states[k%n.Parallelism] = st
				}
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

	shared *sharedFiles // the shared files of incremental checkpoints
	local  localDirs    // local checkpoint directories (local recovery)
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

	triggered map[int64]event.Barrier // not completed yet
	// coordinators are the job's source coordinators; coordStates the
	// enumerator states of the checkpoints in progress.
	coordinators map[*graph.Node]graph.Coordinator
	coordStates  map[int64][]coordinatorState
	// finished are the tasks that finished and wait for a final
	// checkpoint: they are triggered directly, as sources are (FLIP-147);
	// newlyFinished, under mu, are those not handled yet.
	finished      map[*Deployment]bool
	newlyFinished []*Deployment

	requests <-chan SavepointRequest
	targets  map[int64]*spTarget // savepoints in progress, under mu
	// stop ends the job (stop-with-savepoint).
	stop func()
	// onCheckpoint, if set, is called after each completed checkpoint.
	onCheckpoint func(CheckpointStat)
}

// blobFor returns where checkpoint or savepoint id is written.
func (d *driver) blobFor(id int64) (storage.Blob, string) {
	d.mu.Lock()
	t, ok := d.targets[id]
	d.mu.Unlock()
	if ok {
		return t.blob, t.folder
	}
	return d.opts.Storage, storage.CheckpointDir(d.opts.JobID, id)
}

func (d *driver) deleteFolder(id int64) {
	b, dir := d.blobFor(id)
	if b != nil {
		b.Delete(dir)
	}
}

// request starts a savepoint for req.
func (d *driver) request(req SavepointRequest) error {
	blob, pathOf, err := savepointStorage(req.Dir)
	if err != nil {
		req.Reply <- SavepointResult{Err: fmt.Errorf("savepoint directory %s: %w", req.Dir, err)}
		return nil
	}
	if err := d.coord.Step(checkpoint.RequestSavepoint{}); err != nil {
		closeBlob(blob)
		req.Reply <- SavepointResult{Err: err}
		return nil
	}
	tr := d.coord.Ready().Triggers
	if len(tr) == 0 || tr[len(tr)-1].Kind != checkpoint.Savepoint {
		closeBlob(blob)
		req.Reply <- SavepointResult{Err: fmt.Errorf("the savepoint was not triggered")}
		return nil
	}
	id := tr[len(tr)-1].ID
	var rb [4]byte
	crand.Read(rb[:])
	folder := fmt.Sprintf("savepoint-%d-%s", id, hex.EncodeToString(rb[:]))
	t := &spTarget{blob: blob, folder: folder, path: pathOf(folder), req: req}
	d.mu.Lock()
	d.targets[id] = t
	d.mu.Unlock()
	return nil
}

// savepointStorage opens the storage of a savepoint directory: a local
// directory (made absolute and created) or a URL of a registered scheme
// (s3://…). It returns the storage and a function that names a savepoint
// folder in it as a path or URL that execution.savepoint.path takes.
func savepointStorage(dir string) (storage.Blob, func(folder string) string, error) {
	b, err := storage.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if l, ok := b.(*storage.Local); ok {
		abs, err := filepath.Abs(l.Dir)
		if err == nil {
			err = os.MkdirAll(abs, 0o755)
		}
		if err != nil {
			return nil, nil, err
		}
		return storage.NewLocal(abs), func(folder string) string { return filepath.Join(abs, folder) }, nil
	}
	loc, query, hasQuery := strings.Cut(dir, "?")
	return b, func(folder string) string {
		u := strings.TrimRight(loc, "/") + "/" + folder
		if hasQuery {
			u += "?" + query
		}
		return u
	}, nil
}

func closeBlob(b storage.Blob) {
	if c, ok := b.(io.Closer); ok {
		c.Close()
	}
}

// refuseSavepoints answers the savepoint requests of an attempt that has
// no checkpoint driver with err, until done.
func refuseSavepoints(requests <-chan SavepointRequest, done <-chan struct{}, err error) {
	for {
		select {
		case <-done:
			return
		case req := <-requests:
			req.Reply <- SavepointResult{Err: err}
		}
	}
}

// finishSavepoint answers the request of savepoint id.
func (d *driver) finishSavepoint(id int64, err error) {
	d.mu.Lock()
	t, ok := d.targets[id]
	delete(d.targets, id)
	d.mu.Unlock()
	if !ok {
		return
	}
	if err != nil {
		t.blob.Delete(t.folder)
	}
	closeBlob(t.blob)
	if t.req.Reply == nil {
		return
	}
	if err != nil {
		t.req.Reply <- SavepointResult{Err: err}
		return
	}
	if !t.req.Stop {
		t.req.Reply <- SavepointResult{Path: t.path}
		return
	}
	// Stop: once every task handled the completion (sinks committed),
	// end the job.
	var waits []chan struct{}
	for _, dep := range d.deps {
		ch := make(chan struct{})
		var once sync.Once
		done := func() { once.Do(func() { close(ch) }) }
		dep.Task.Mailbox().PutOrDrop(done, done)
		waits = append(waits, ch)
	}
	go func() {
		timeout := time.After(10 * time.Second)
	wait:
		for _, ch := range waits {
			select {
			case <-ch:
			case <-timeout:
				break wait
			}
		}
		if d.stop != nil {
			d.stop()
		}
		t.req.Reply <- SavepointResult{Path: t.path}
	}()
}

// taskAck is a task's acknowledged state: its part of the metadata and
// the files it wrote.
type taskAck struct {
	id     int64
	pieces []piece
	paths  []string
	// incrementalBytes counts the bytes of incremental checkpoint files
	// this checkpoint uploaded.
	incrementalBytes int64
}

type piece struct {
	op  storage.OperatorState // without subtasks
	sub storage.SubtaskState
}

func newDriver(opts *CheckpointOptions, jc *jobCheckpoints, deps []*Deployment, coordinators map[*graph.Node]graph.Coordinator) (*driver, error) {
	d := &driver{opts: opts, jc: jc, deps: deps, coordinators: coordinators, coordStates: map[int64][]coordinatorState{}, names: map[*Deployment]string{}, notify: make(chan struct{}, 1), triggered: map[int64]event.Barrier{}, finished: map[*Deployment]bool{}, targets: map[int64]*spTarget{}}
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
		dep.Task.SetFinalCheckpoint(opts.finalCheckpoint())
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
		if err := d.handleFinished(); err != nil {
			return err
		}
		if err := d.handle(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-d.notify:
		case req := <-d.requests:
			if err := d.request(req); err != nil {
				return err
			}
			if err := d.handle(); err != nil {
				return err
			}
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
		d.deleteFolder(id)
		d.finishSavepoint(id, fmt.Errorf("the job ended before savepoint %d completed", id))
	}
}

// handleFinished takes note of the tasks that finished: they take part in
// the pending checkpoints (they may have missed the barriers) and in the
// next ones directly, and the next checkpoint is brought forward so that
// they can end.
func (d *driver) handleFinished() error {
	d.mu.Lock()
	deps := d.newlyFinished
	d.newlyFinished = nil
	d.mu.Unlock()
	if len(deps) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(d.triggered))
	for _, dep := range deps {
		d.finished[dep] = true
		for _, id := range ids {
			dep.Task.TriggerCheckpoint(d.triggered[id])
		}
	}
	return d.coord.Step(checkpoint.Hurry{})
}

func (d *driver) handle() error {
	r := d.coord.Ready()
	d.coord.Advance()
	for _, t := range r.Triggers {
		d.jc.mu.Lock()
		d.jc.maxTriggered = max(d.jc.maxTriggered, t.ID)
		d.jc.mu.Unlock()
		b := event.Barrier{ID: t.ID, Timestamp: t.Timestamp, Savepoint: t.Kind == checkpoint.Savepoint}
		d.mu.Lock()
		if sp, ok := d.targets[t.ID]; ok && b.Savepoint {
			b.Stop = sp.req.Stop
		}
		d.mu.Unlock()
		d.triggered[t.ID] = b
		states, err := d.snapshotCoordinators(t.ID)
		if err != nil {
			d.post(checkpoint.Decline{ID: t.ID, Task: "source coordinator", Reason: err.Error()})
		}
		d.coordStates[t.ID] = states
		for _, dep := range d.deps {
			if dep.Vertex.Head.IsSource || d.finished[dep] {
				dep.Task.TriggerCheckpoint(b)
			}
		}
		d.openValves()
	}
	for _, c := range r.Completed {
		if err := d.complete(c); err != nil {
			return err
		}
	}
	for _, a := range r.Aborted {
		delete(d.triggered, a.ID)
		delete(d.coordStates, a.ID)
		d.releaseShared(a.ID)
		d.jc.local.drop(a.ID, false)
		for _, dep := range d.deps {
			dep.Task.NotifyCheckpointAborted(a.ID)
		}
		d.deleteFolder(a.ID)
		d.finishSavepoint(a.ID, fmt.Errorf("savepoint %d failed: %s", a.ID, a.Reason))
	}
	for _, h := range r.Discarded {
		// An acknowledgement of a checkpoint that aborted (or never
		// was): its whole folder is garbage.
		if a, ok := h.(*taskAck); ok {
			d.deleteFolder(a.id)
		}
	}
	return r.Failure
}

// releaseShared drops the references of checkpoint id to shared files and
// deletes the files nothing references any more.
func (d *driver) releaseShared(id int64) {
	for _, key := range d.jc.shared.release(id) {
		d.opts.Storage.Delete(d.opts.JobID + "/" + sharedDir + "/" + key)
	}
}

// complete writes the metadata of checkpoint c (making it visible),
// notifies the tasks and deletes the checkpoints no longer retained.
func (d *driver) complete(c checkpoint.Completed) error {
	delete(d.triggered, c.ID)
	coordStates := d.coordStates[c.ID]
	delete(d.coordStates, c.ID)
	m := &storage.Metadata{JobID: d.opts.JobID, CheckpointID: c.ID, Kind: c.Kind.String(), Timestamp: c.Timestamp}
	ops := map[string]*storage.OperatorState{}
	var size int64
	for _, st := range c.States {
		a, ok := st.(*taskAck)
		if !ok {
			continue
		}
		size += a.incrementalBytes
		for _, p := range a.pieces {
			if p.sub.KeyedState != nil {
				size += p.sub.KeyedState.Size
			}
			if p.sub.ChannelState != nil {
				size += p.sub.ChannelState.Size
			}
			size += int64(len(p.sub.OperatorState))
			op, ok := ops[p.op.ID]
			if !ok {
				cp := p.op
				op = &cp
				ops[p.op.ID] = op
			}
			op.Subtasks = mergeSubtask(op.Subtasks, p.sub)
		}
	}
	for _, cs := range coordStates {
		n := cs.node
		op, ok := ops[OperatorID(n)]
		if !ok {
			op = &storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism}
			ops[op.ID] = op
		}
		op.CoordinatorState = cs.state
		size += int64(len(cs.state))
	}
	for _, op := range ops {
		m.Operators = append(m.Operators, *op)
	}
	data, err := storage.EncodeMetadata(m)
	if err != nil {
		return fmt.Errorf("encoding the metadata of checkpoint %d: %w", c.ID, err)
	}
	blob, dir := d.blobFor(c.ID)
	if err := blob.Put(dir+"/"+storage.MetadataFile, data); err != nil {
		// Not visible: as a failed checkpoint.
		blob.Delete(dir)
		for _, dep := range d.deps {
			dep.Task.NotifyCheckpointAborted(c.ID)
		}
		d.finishSavepoint(c.ID, fmt.Errorf("writing the metadata of savepoint %d: %w", c.ID, err))
		return nil
	}
	for _, dep := range d.deps {
		dep.Task.NotifyCheckpointComplete(c.ID)
	}
	if c.Kind == checkpoint.Savepoint {
		d.finishSavepoint(c.ID, nil)
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
		d.releaseShared(id)
	}
	d.jc.local.drop(c.ID, true)
	if d.onCheckpoint != nil {
		d.onCheckpoint(CheckpointStat{ID: c.ID, DurationMs: c.Duration, Bytes: size + int64(len(data))})
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
		if sub.IncrementalState != nil {
			s.IncrementalState, s.KeyGroups = sub.IncrementalState, sub.KeyGroups
		}
		if sub.Source != nil {
			s.Source = sub.Source
		}
		if sub.ChannelState != nil {
			s.ChannelState = sub.ChannelState
		}
		if sub.OperatorState != nil {
			s.OperatorState = sub.OperatorState
		}
		return subs
	}
	return append(subs, sub)
}

// finalCheckpoint reports whether finished tasks wait for a final
// checkpoint.
func (o *CheckpointOptions) finalCheckpoint() bool {
	return o != nil && o.AfterTasksFinish && o.Config.Interval > 0
}

// handler is a task's CheckpointHandler.
type handler struct {
	d   *driver
	dep *Deployment
	// finished is set once the task finished (Finished).
	finished atomic.Bool
	// unaligned joins the snapshot and the channel state of the task's
	// unaligned checkpoints (channelstate.go).
	unaligned channelJoin
}

// Snapshot takes the snapshots of the chain's keyed backends and source
// synchronously and writes them in a goroutine.
func (h *handler) Snapshot(b event.Barrier) error {
	dep := h.dep
	var snaps []statebackend.Snapshot
	var snapped []keyedInstance // the keyed instance of each of snaps
	var incs []*incrementalWrite
	release := func() {
		for _, s := range snaps {
			s.Release()
		}
	}
	for _, k := range dep.keyed {
		if ib, ok := k.backend.(incrementalBackend); ok && h.d.opts.Incremental && !b.Savepoint {
			w, err := h.snapshotIncremental(b.ID, k, ib)
			if err != nil {
				release()
				return err
			}
			incs = append(incs, w)
			continue
		}
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
		snapped = append(snapped, k)
	}
	ack := &taskAck{id: b.ID}
	if dep.source != nil {
		st, err := dep.source.SnapshotReader(b.ID)
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
		data, err := o.store.Snapshot(b.ID)
		if err != nil {
			release()
			return fmt.Errorf("snapshotting the operator state of %q: %w", o.node.Name, err)
		}
		if data == nil {
			continue
		}
		n := o.node
		ack.pieces = append(ack.pieces, piece{
			op:  storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism},
			sub: storage.SubtaskState{Subtask: dep.Subtask, OperatorState: data},
		})
	}
	d := h.d
	name := d.names[dep]
	blob, dir := d.blobFor(b.ID)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		release()
		return fmt.Errorf("the job's checkpointing stopped")
	}
	d.writes.Add(1)
	d.mu.Unlock()
	if len(snaps) > 0 {
		dep.snapshots.Add(1) // closeState waits for the release
	}
	go func() {
		defer d.writes.Done()
		var err error
		for _, w := range incs {
			var p piece
			var paths []string
			p, paths, err = w.write(blob, d.opts.JobID, dir, dep.Subtask, d.jc.shared)
			ack.paths = append(ack.paths, paths...)
			if err != nil {
				err = fmt.Errorf("writing the incremental checkpoint of %q: %w", w.k.node.Name, err)
				break
			}
			for _, f := range p.sub.IncrementalState.Files {
				if !f.Shared || w.upload[f.Path[len(sharedDir)+1:]] {
					ack.incrementalBytes += f.Size
				}
			}
			ack.pieces = append(ack.pieces, p)
		}
		for i, s := range snaps {
			if err != nil {
				break
			}
			k := snapped[i]
			var buf bytes.Buffer
			if err = s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
				err = fmt.Errorf("writing the state of %q: %w", k.node.Name, err)
				break
			}
			file := fmt.Sprintf("%s-%d", fileSafe(OperatorID(k.node)), dep.Subtask)
			p := dir + "/" + file
			if err = blob.Put(p, buf.Bytes()); err != nil {
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
			// On the task goroutine; after the task ended, here, before
			// its backends close (closeState waits).
			done := func() {
				release()
				dep.snapshots.Done()
			}
			dep.Task.Mailbox().PutOrDrop(done, done)
		}
		if err != nil {
			for _, p := range ack.paths {
				blob.Delete(p)
			}
			h.unaligned.fail(b.ID)
			d.post(checkpoint.Decline{ID: b.ID, Task: name, Reason: err.Error()})
			return
		}
		if b.Unaligned {
			h.snapshotWritten(b.ID, ack) // the ack waits for the channel state
			return
		}
		d.post(checkpoint.Ack{ID: b.ID, Task: name, State: ack})
	}()
	return nil
}

// finishedState is the acknowledged state of a task that ended after its
// final checkpoint.
func (h *handler) finishedState(id int64) *taskAck {
	ack := &taskAck{id: id}
	if h.dep.source != nil {
		n := h.dep.srcOp
		ack.pieces = append(ack.pieces, piece{
			op:  storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism},
			sub: storage.SubtaskState{Subtask: h.dep.Subtask, Source: &storage.SourceState{NoMoreSplits: true}},
		})
	}
	return ack
}

// Finished reports a task that finished and waits for a final checkpoint.
func (h *handler) Finished() {
	h.finished.Store(true)
	d := h.d
	d.mu.Lock()
	d.newlyFinished = append(d.newlyFinished, h.dep)
	d.mu.Unlock()
	select {
	case d.notify <- struct{}{}:
	default:
	}
}

// Decline reports the task's refusal of checkpoint id.
func (h *handler) Decline(id int64, err error) {
	h.unaligned.fail(id)
	if h.finished.Load() && errors.Is(err, task.ErrNotRunning) {
		// The task ended after its final checkpoint: its operators are
		// finished and have no state left to restore (as Flink's
		// finished subtask states); a source's readers restore as ended.
		h.d.post(checkpoint.Ack{ID: id, Task: h.d.names[h.dep], State: h.finishedState(id)})
		return
	}
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
