package task

import (
	"context"
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
)

// CheckpointHandler is the task's snapshot hook, set by the builder. It is
// called on the task goroutine, except as noted.
type CheckpointHandler interface {
	// Snapshot is called when the task takes checkpoint b.ID: after every
	// operator prepared (operator.PreBarrier) and the barrier went out on
	// every output, before the task handles anything else. It snapshots the
	// operators' state synchronously and acknowledges the checkpoint when
	// the snapshot is written, asynchronously. An error declines the
	// checkpoint; it does not fail the task.
	Snapshot(b event.Barrier) error
	// Decline reports that the task will not take checkpoint id, with the
	// reason: an operator failed to prepare, Snapshot failed, a newer
	// barrier subsumed it during alignment (exchange.ErrSubsumed), or a
	// trigger reached a task that is not running or not a source
	// (ErrNotRunning, ErrNotSource). For a trigger that reaches a task
	// after it exited, Decline runs on the goroutine that called
	// TriggerCheckpoint.
	//
	// With b.Unaligned the task took b unaligned: the acknowledgement
	// waits for its channel state (ChannelStateHandler).
	Decline(id int64, err error)
	// Finished is called once the task finished its operators and ended
	// its outputs, when it waits for a final checkpoint
	// (SetFinalCheckpoint): from now on it takes checkpoints only when
	// triggered, snapshotting its finished state.
	Finished()
}

// ErrNotRunning is the cause of declining a checkpoint triggered at a task
// that ended its input, finished, failed or was cancelled.
var ErrNotRunning = errors.New("task is not running")

// ErrNotSource is the cause of declining a checkpoint triggered at a task
// that has inputs: checkpoints reach such tasks as barriers.
var ErrNotSource = errors.New("checkpoints are triggered at source tasks only")

// SetCheckpointHandler sets the task's snapshot hook. Without one the task
// still forwards barriers but takes no snapshot.
func (t *Task) SetCheckpointHandler(h CheckpointHandler) { t.checkpoints = h }

// SetFinalCheckpoint makes the task, once it finished (its input ended and
// its operators finished), wait before it ends until a checkpoint it took
// after finishing completed (Flink's FLIP-147): the checkpoints after some
// tasks finished go on, and what the operators did in Finish (a sink's
// last pre-commit) is committed by a checkpoint. Set it when the job
// checkpoints.
func (t *Task) SetFinalCheckpoint(on bool) { t.finalCheckpoint = on }

// SetCheckpointingMode sets how the task aligns barriers over its input
// channels (execution.checkpointing.mode); exactly-once by default.
func (t *Task) SetCheckpointingMode(m exchange.CheckpointingMode) { t.mode = m }

// TriggerCheckpoint starts checkpoint b at a source task. It may be called
// from any goroutine: the checkpoint runs on the task goroutine through the
// mailbox, between two polls of the source. A task that ended its input or
// is not running, or that is not a source, declines it.
func (t *Task) TriggerCheckpoint(b event.Barrier) {
	t.mailbox.put(func() {
		switch {
		case b.ID <= t.lastCheckpoint:
			// Taken already: a finished task triggered again for a
			// checkpoint whose barrier reached it before it finished.
		case t.finished:
			t.checkpointFinished(b)
		case t.source == nil:
			t.decline(b.ID, fmt.Errorf("task %s: %w", t.DisplayName(), ErrNotSource))
		case t.inputEnded:
			t.decline(b.ID, fmt.Errorf("task %s ended its input: %w", t.DisplayName(), ErrNotRunning))
		default:
			t.checkpoint(b)
		}
	}, func() {
		t.decline(b.ID, fmt.Errorf("task %s: %w", t.DisplayName(), ErrNotRunning))
	})
}

// NotifyCheckpointComplete tells the task's operators (through the mailbox)
// that checkpoint id completed. An operator's error fails the task.
func (t *Task) NotifyCheckpointComplete(id int64) {
	t.mailbox.Put(func() {
		t.notifyCheckpoint(id, true)
		if t.finalSnapshot != 0 && id >= t.finalSnapshot {
			t.finalDone = true
		}
	})
}

// NotifyCheckpointAborted tells the task (through the mailbox) that
// checkpoint id will not complete: an alignment waiting for it is given up
// and its channels unblocked, and the operators are notified. An
// operator's error fails the task.
func (t *Task) NotifyCheckpointAborted(id int64) {
	t.mailbox.Put(func() {
		if t.aligner != nil {
			t.aligner.Abort(id)
		}
		if t.suspendedFor == id {
			t.suspendedFor = 0 // the stop-with-savepoint failed: go on
		}
		t.notifyCheckpoint(id, false)
	})
}

// setupAlignment creates the aligner over the channels of every gate.
func (t *Task) setupAlignment() {
	if t.aligner != nil {
		return
	}
	defer t.setupUnaligned()
	if len(t.gates) == 0 {
		return
	}
	n := 0
	for _, g := range t.gates {
		n += g.NumChannels()
	}
	t.aligner = exchange.NewAligner(n, t.mode)
	off := 0
	for _, g := range t.gates {
		g.Align(t.aligner, off, t.onAlignment)
		off += g.NumChannels()
	}
}

// onAlignment acts on a decision of the aligner, inside a gate's Poll, in
// order with the input.
func (t *Task) onAlignment(a exchange.Alignment) {
	switch a.Kind {
	case exchange.Aligned:
		t.checkpoint(a.Barrier)
	case exchange.AlignmentAborted:
		t.decline(a.Barrier.ID, fmt.Errorf("task %s: %w", t.DisplayName(), a.Err))
	case exchange.UnalignedStarted:
		t.startUnaligned(a.Barrier)
	case exchange.ChannelStateComplete:
		t.channelStateComplete(a)
	}
}

// checkpoint takes checkpoint b: the operators prepare (head first), the
// barrier goes out on every output, and the handler snapshots. The barrier
// is forwarded also when an operator failed to prepare, so the tasks after
// this one do not wait for it (the coordinator aborts the checkpoint on the
// decline).
func (t *Task) checkpoint(b event.Barrier) { t.checkpointWith(b, false) }

// checkpointWith takes checkpoint b; withChannelState: it is unaligned and
// the task records channel state for it (startUnaligned).
func (t *Task) checkpointWith(b event.Barrier, withChannelState bool) {
	if b.ID <= t.lastCheckpoint {
		return // an older barrier than one taken (see checkpointFinished)
	}
	t.lastCheckpoint = b.ID
	prev := t.cur
	var err error
	for i, op := range t.opImpls {
		p, ok := op.(operator.PreBarrier)
		if !ok {
			continue
		}
		t.cur = i
		if perr := p.PrepareSnapshotPreBarrier(b.ID); perr != nil {
			err = t.wrap(i, fmt.Errorf("preparing checkpoint %d: %w", b.ID, perr), "")
			break
		}
	}
	t.cur = prev
	if err != nil {
		t.decline(b.ID, err)
	}
	out := b
	out.Unaligned = t.outgoingUnaligned(b)
	for _, w := range t.writers {
		w.EmitBarrier(out)
	}
	b.Unaligned = withChannelState
	if b.Stop && t.source != nil {
		t.suspendedFor = b.ID
	}
	if err != nil || t.checkpoints == nil {
		return
	}
	if serr := t.checkpoints.Snapshot(b); serr != nil {
		t.decline(b.ID, fmt.Errorf("task %s: snapshotting checkpoint %d: %w", t.DisplayName(), b.ID, serr))
	}
}

// checkpointFinished takes checkpoint b in a finished task: its outputs
// ended, so no barrier goes out; the operators' state is what Finish left.
func (t *Task) checkpointFinished(b event.Barrier) {
	t.lastCheckpoint = b.ID
	if t.finalSnapshot == 0 {
		t.finalSnapshot = b.ID
	}
	if serr := t.checkpoints.Snapshot(b); serr != nil {
		t.decline(b.ID, fmt.Errorf("task %s: snapshotting checkpoint %d after finishing: %w", t.DisplayName(), b.ID, serr))
	}
}

// awaitFinalCheckpoint serves the mailbox of a finished task until a
// checkpoint it took after finishing completed.
func (t *Task) awaitFinalCheckpoint(ctx context.Context) error {
	t.finished = true
	t.checkpoints.Finished()
	for {
		t.mailbox.drain()
		if t.finalDone {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.mailbox.notify:
		}
	}
}

func (t *Task) decline(id int64, err error) {
	if t.checkpoints != nil {
		t.checkpoints.Decline(id, err)
	}
}

// notifyCheckpoint calls every operator that is a CheckpointListener, head
// first.
func (t *Task) notifyCheckpoint(id int64, complete bool) {
	prev := t.cur
	for i, op := range t.opImpls {
		l, ok := op.(operator.CheckpointListener)
		if !ok {
			continue
		}
		t.cur = i
		if complete {
			if err := l.NotifyCheckpointComplete(id); err != nil {
				operator.Fail(fmt.Errorf("notifying checkpoint %d complete: %w", id, err))
			}
		} else if err := l.NotifyCheckpointAborted(id); err != nil {
			operator.Fail(fmt.Errorf("notifying checkpoint %d aborted: %w", id, err))
		}
	}
	t.cur = prev
}
