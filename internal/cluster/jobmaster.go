package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/internal/checkpoint"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/graph"
)

// SlotsNeeded returns the number of slots a job graph needs: for each slot
// sharing group, the highest parallelism among its vertices (Flink's rule).
func SlotsNeeded(jg *graph.JobGraph) int {
	perGroup := map[string]int{}
	for _, v := range jg.Vertices {
		perGroup[v.SlotSharingGroup] = max(perGroup[v.SlotSharingGroup], v.Parallelism)
	}
	n := 0
	for _, p := range perGroup {
		n += p
	}
	return n
}

// assignSlots maps each deployment's slot key to a slot index.
func assignSlots(jg *graph.JobGraph) map[string]int {
	perGroup := map[string]int{}
	for _, v := range jg.Vertices {
		perGroup[v.SlotSharingGroup] = max(perGroup[v.SlotSharingGroup], v.Parallelism)
	}
	groups := make([]string, 0, len(perGroup))
	for g := range perGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	slots := map[string]int{}
	next := 0
	for _, g := range groups {
		for i := range perGroup[g] {
			slots[fmt.Sprintf("%s/%d", g, i)] = next
			next++
		}
	}
	return slots
}

// Run executes a job graph on tm until every task finished, one failed, or
// ctx is cancelled. On a failure every other task is cancelled, and Run
// returns only after all of them exited, with the failure as its error.
//
// With opts.Checkpointing the job takes periodic checkpoints; with a
// restart strategy (opts.Restart; by default, with checkpointing, fixed
// delay with unlimited attempts) a failed attempt is followed by a new one
// that restores every task from the latest complete checkpoint. With
// opts.RestorePath the first attempt starts from a retained checkpoint.
func Run(ctx context.Context, jg *graph.JobGraph, opts Options, tm TaskExecutor) (err error) {
	// Coordinators run user code (split enumerators) on this goroutine: a
	// panic there fails the job instead of crashing the process. (Tasks
	// recover their own panics.)
	defer func() {
		if r := recover(); r != nil {
			perr, ok := r.(error)
			if !ok {
				perr = fmt.Errorf("%v", r)
			}
			err = fmt.Errorf("job master: panic: %w\n%s", perr, debug.Stack())
		}
	}()
	if need := SlotsNeeded(jg); need > tm.NumSlots() {
		return fmt.Errorf("the job needs %d slots but the task manager offers %d (taskmanager.numberOfTaskSlots)", need, tm.NumSlots())
	}
	if err := opts.Restart.Validate(); err != nil {
		return err
	}
	if c := opts.Checkpointing; c != nil {
		if c.Storage == nil || c.JobID == "" {
			return fmt.Errorf("checkpointing needs a storage (state.checkpoints.dir) and a job id")
		}
		if err := c.Config.Validate(); err != nil {
			return err
		}
		if err := c.validateUnaligned(opts.CheckpointingMode); err != nil {
			return err
		}
	}
	var from *restored
	if opts.RestorePath != "" {
		if from, err = loadPath(opts.RestorePath); err != nil {
			return fmt.Errorf("execution.savepoint.path: %w", err)
		}
		defer closeBlob(from.blob)
	}
	if from != nil {
		if err := checkClaimed(jg, from, opts.AllowNonRestoredState); err != nil {
			return fmt.Errorf("execution.savepoint.path %s: %w", opts.RestorePath, err)
		}
	}
	jc := &jobCheckpoints{shared: newSharedFiles()}
	if from != nil {
		jc.maxTriggered = from.meta.CheckpointID
		// The job does not own the files of the checkpoint it starts
		// from: its shared files are never deleted.
		jc.shared.pin(sharedKeys(from.meta))
	}
	if c := opts.Checkpointing; c != nil {
		// Never reuse the id of a checkpoint folder the job's folder
		// already holds (a job started again under the same id).
		paths, lerr := c.Storage.List(c.JobID)
		if lerr != nil {
			return fmt.Errorf("listing the checkpoints of job %s in %s: %w", c.JobID, c.Storage, lerr)
		}
		for _, p := range paths {
			parts := strings.Split(p, "/")
			if len(parts) >= 2 {
				if id, ok := storage.ParseCheckpointDir(parts[1]); ok {
					jc.maxTriggered = max(jc.maxTriggered, id)
				}
			}
		}
	}
	rs := newRestarter(opts.Restart, opts.Checkpointing != nil)
	var rec *recovery
	for attempt := 0; ; attempt++ {
		var failedAt time.Time
		err := runAttempt(ctx, jg, opts, tm, from, jc, rec, &failedAt)
		if err == nil || ctx.Err() != nil {
			return err
		}
		var u unrecoverable
		if errors.As(err, &u) {
			return u.err
		}
		delay, ok := rs.next(time.Now())
		if !ok {
			if rs.restarts == 0 && (rs.s.Type == "" || rs.s.Type == "none" || rs.s.Type == "disable" || rs.s.Type == "off") {
				return err
			}
			return fmt.Errorf("%s (after %d restarts); last failure: %w", rs.describe(), rs.restarts, err)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		if c := opts.Checkpointing; c != nil {
			jc.mu.Lock()
			ids := slices.Clone(jc.retained)
			jc.mu.Unlock()
			if len(ids) > 0 {
				r, lerr := loadLatest(c.Storage, c.JobID, ids)
				if lerr != nil {
					return fmt.Errorf("recovering from %v: %w", err, lerr)
				}
				from = r
			}
		}
		rec = nil
		if opts.OnRestart != nil {
			if failedAt.IsZero() {
				failedAt = time.Now()
			}
			rec = &recovery{failedAt: failedAt, stat: RestartStat{Attempt: attempt + 1}}
			if from != nil {
				rec.stat.CheckpointID = from.meta.CheckpointID
			}
		}
	}
}

// recovery measures how long an attempt after a failure takes to run again.
type recovery struct {
	failedAt time.Time
	stat     RestartStat
}

// runAttempt runs one execution of the job, from checkpoint from if set.
// With rec set (an attempt after a failure), opts.OnRestart is called once
// every task opened its operators. The time the attempt's failure was
// observed is stored in failedAt.
func runAttempt(ctx context.Context, jg *graph.JobGraph, opts Options, tm TaskExecutor, from *restored, jc *jobCheckpoints, rec *recovery, failedAt *time.Time) (err error) {
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	coordinators := map[*graph.Node]graph.Coordinator{}
	defer func() {
		for _, c := range coordinators {
			if cerr := c.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	for _, v := range jg.Vertices {
		for _, n := range v.Nodes {
			if n.NewCoordinator == nil {
				continue
			}
			c, cerr := n.NewCoordinator(n.Parallelism)
			if cerr != nil {
				return fmt.Errorf("creating the coordinator of %q: %w", n.Name, cerr)
			}
			coordinators[n] = c
		}
	}
	if from != nil {
		if err := restoreCoordinators(from, coordinators); err != nil {
			return unrecoverable{fmt.Errorf("restoring checkpoint %d: %w", from.meta.CheckpointID, err)}
		}
	}

	deps, restoreDir, err := build(jg, opts, coordinators, jobCtx.Done(), from, jc)
	if restoreDir != "" {
		// Downloaded incremental state: the restored databases hold their
		// own links or copies.
		defer os.RemoveAll(restoreDir)
	}
	if err != nil {
		if from != nil {
			err = fmt.Errorf("restoring checkpoint %d (%s): %w", from.meta.CheckpointID, from.where, err)
		}
		return unrecoverable{err}
	}
	var drv *driver
	var stopped atomic.Bool
	if opts.Checkpointing != nil {
		if drv, err = newDriver(opts.Checkpointing, jc, deps, coordinators); err != nil {
			return unrecoverable{err}
		}
	} else if opts.Savepoints != nil {
		// No periodic checkpoints: the driver runs for savepoints only
		// (when every source can snapshot its readers).
		co := &CheckpointOptions{Config: checkpoint.DefaultConfig(), JobID: opts.JobName}
		d, derr := newDriver(co, jc, deps, coordinators)
		if derr != nil {
			go refuseSavepoints(opts.Savepoints, jobCtx.Done(), fmt.Errorf("the job cannot take savepoints: %w", derr))
		} else {
			drv = d
		}
	}
	if drv != nil {
		drv.requests = opts.Savepoints
		drv.stop = func() {
			stopped.Store(true)
			cancel()
		}
	}
	if rec != nil && len(deps) > 0 {
		var pending atomic.Int64
		pending.Store(int64(len(deps)))
		for _, d := range deps {
			d.Task.SetOnOpened(func() {
				if pending.Add(-1) == 0 {
					st := rec.stat
					st.RecoveryMs = time.Since(rec.failedAt).Milliseconds()
					opts.OnRestart(st)
				}
			})
		}
	}
	if drv != nil {
		drv.onCheckpoint = opts.OnCheckpoint
	}
	if opts.deployed != nil {
		opts.deployed(deps)
	}
	for n, c := range coordinators {
		if serr := c.Start(); serr != nil {
			return fmt.Errorf("starting the coordinator of %q: %w", n.Name, serr)
		}
	}
	slots := assignSlots(jg)
	results := make(chan error, len(deps))
	submitted := 0
	var failure error
	for _, d := range deps {
		if serr := tm.Submit(jobCtx, slots[d.SlotKey], d, func(err error) { results <- err }); serr != nil {
			failure = fmt.Errorf("deploying %s: %w", d.Task.DisplayName(), serr)
			cancel()
			break
		}
		submitted++
	}
	var drvDone chan error
	drvCtx, stopDriver := context.WithCancel(jobCtx)
	defer stopDriver()
	if drv != nil && failure == nil {
		drvDone = make(chan error, 1)
		go func() { drvDone <- drv.run(drvCtx) }()
	}
	drvErrs := drvDone
	for submitted > 0 {
		var r error
		select {
		case r = <-results:
			submitted--
		case derr := <-drvErrs:
			drvErrs = nil
			drvDone = nil
			r = derr
			if r != nil {
				r = fmt.Errorf("checkpointing: %w", r)
			}
		}
		if r == nil {
			continue
		}
		if failedAt.IsZero() {
			*failedAt = time.Now()
		}
		if failure == nil || (isCancellation(failure) && !isCancellation(r)) {
			failure = r
		}
		cancel()
	}
	stopDriver()
	if drvDone != nil {
		if derr := <-drvDone; derr != nil && failure == nil {
			failure = fmt.Errorf("checkpointing: %w", derr)
		}
	}
	if stopped.Load() && ctx.Err() == nil && (failure == nil || isCancellation(failure)) {
		return nil // stopped with a savepoint
	}
	if failure != nil && isCancellation(failure) && ctx.Err() != nil {
		return ctx.Err()
	}
	return failure
}

func isCancellation(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// checkClaimed refuses a checkpoint with state for an operator the job does
// not have (matched by OperatorID: UID, or node id), unless allowed, and
// one whose max parallelism differs from the operator's.
func checkClaimed(jg *graph.JobGraph, from *restored, allowNonRestored bool) error {
	nodes := map[string]*graph.Node{}
	for _, v := range jg.Vertices {
		for _, n := range v.Nodes {
			nodes[OperatorID(n)] = n
		}
	}
	for _, op := range from.meta.Operators {
		n, ok := nodes[op.ID]
		if !ok {
			if allowNonRestored {
				continue
			}
			return fmt.Errorf("%s %d has state for operator %s (%q), which the job does not have; "+
				"set execution.savepoint.ignore-unclaimed-state (--allow-non-restored-state) to skip it",
				from.meta.Kind, from.meta.CheckpointID, op.ID, op.Name)
		}
		keyed := false
		for _, st := range op.Subtasks {
			keyed = keyed || st.KeyedState != nil
		}
		if keyed && op.MaxParallelism != n.MaxParallelism {
			return fmt.Errorf("operator %s (%q): the %s has max parallelism %d, the job %d; they must match",
				op.ID, op.Name, from.meta.Kind, op.MaxParallelism, n.MaxParallelism)
		}
	}
	return nil
}
