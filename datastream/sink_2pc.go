package datastream

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
)

// twoPhaseSinkOp runs a connector.TwoPhaseCommittingSink, as Flink's
// SinkV2 writer and committer operators in one:
//
//   - before a checkpoint barrier n leaves the task it flushes the writer
//     and pre-commits: the committables of everything written since the
//     last barrier are kept as those of checkpoint n;
//   - its operator state in checkpoint n holds the writer's state (if the
//     writer is a connector.StatefulSinkWriter) and every committable not
//     committed yet;
//   - when checkpoint n completes it commits the committables of every
//     checkpoint up to n; an aborted checkpoint changes nothing (its
//     committables are committed with the next completed one);
//   - restored from checkpoint n, it commits the committables in its state
//     again (Commit is idempotent) before it writes anything;
//   - at the end of input it pre-commits the rest and commits everything
//     (with checkpointing off this is the only commit).
type twoPhaseSinkOp[T any] struct {
	sinkOp[T]
	tp        connector.TwoPhaseCommittingSink[T]
	committer connector.Committer

	pending []pendingCommittable
	// writerState is the writer's state taken at the current snapshot.
	writerState []byte
}

type pendingCommittable struct {
	checkpoint int64
	c          connector.Committable
}

func (o *twoPhaseSinkOp[T]) Open(ctx *operator.Context) error {
	o.ctx = ctx
	store := ctx.OperatorStateStore()
	writerStates, err := store.Register(writerStateName, opstate.Split, "[]uint8", o.encodeWriterState)
	if err != nil {
		return err
	}
	committables, err := store.Register(committablesName, opstate.Split, "connector.Committable", o.encodeCommittables)
	if err != nil {
		return err
	}
	if err := o.decodeCommittables(committables); err != nil {
		return err
	}
	store.OnSnapshot(o.snapshotWriter)
	var w connector.SinkWriter[T]
	if rs, ok := o.sink.(connector.StatefulSink[T]); ok && store.IsRestored() {
		w, err = rs.RestoreWriter(sinkContext{ctx}, writerStates)
	} else {
		w, err = o.sink.CreateWriter(sinkContext{ctx})
	}
	if err != nil {
		return fmt.Errorf("creating sink writer: %w", err)
	}
	o.writer = w
	if _, ok := w.(connector.PrecommittingWriter[T]); !ok {
		return fmt.Errorf("the writer %T of a two-phase-commit sink has no PrepareCommit", w)
	}
	if o.committer, err = o.tp.CreateCommitter(); err != nil {
		return fmt.Errorf("creating sink committer: %w", err)
	}
	// Committables of the restored checkpoint: it completed, so they are
	// committed (again, perhaps).
	return o.commitUpTo(afterFinish)
}

func (o *twoPhaseSinkOp[T]) prepare(checkpointID int64, endOfInput bool) error {
	if err := o.writer.Flush(endOfInput); err != nil {
		return fmt.Errorf("flushing: %w", err)
	}
	cs, err := o.writer.(connector.PrecommittingWriter[T]).PrepareCommit()
	if err != nil {
		return fmt.Errorf("pre-committing: %w", err)
	}
	for _, c := range cs {
		o.pending = append(o.pending, pendingCommittable{checkpointID, c})
	}
	return nil
}

func (o *twoPhaseSinkOp[T]) commitUpTo(checkpointID int64) error {
	var cs []connector.Committable
	keep := o.pending[:0]
	for _, p := range o.pending {
		if p.checkpoint <= checkpointID {
			cs = append(cs, p.c)
		} else {
			keep = append(keep, p)
		}
	}
	if len(cs) == 0 {
		return nil
	}
	if err := o.committer.Commit(cs); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	clear(o.pending[len(keep):])
	o.pending = keep
	return nil
}

func (o *twoPhaseSinkOp[T]) PrepareSnapshotPreBarrier(checkpointID int64) error {
	return o.prepare(checkpointID, false)
}

func (o *twoPhaseSinkOp[T]) NotifyCheckpointComplete(checkpointID int64) error {
	return o.commitUpTo(checkpointID)
}

// NotifyCheckpointAborted does nothing, as Flink: the committables of an
// aborted checkpoint are committed with the next completed one.
func (o *twoPhaseSinkOp[T]) NotifyCheckpointAborted(int64) error { return nil }

// Finish pre-commits the last data. With periodic checkpoints the task
// then waits for a final checkpoint, which takes these committables over
// and commits them when it completes (so a restore from an older checkpoint
// cannot repeat committed data); without, it commits everything now.
func (o *twoPhaseSinkOp[T]) Finish() error {
	if err := o.prepare(afterFinish, true); err != nil {
		return err
	}
	if o.ctx.FinalCheckpoint {
		return nil
	}
	return o.commitUpTo(afterFinish)
}

// afterFinish tags the committables of Finish until the first checkpoint
// after it takes them over.
const afterFinish = 1<<63 - 1

func (o *twoPhaseSinkOp[T]) Close() error {
	var errs []error
	if o.writer != nil {
		errs = append(errs, o.writer.Close())
	}
	if o.committer != nil {
		errs = append(errs, o.committer.Close())
	}
	return errors.Join(errs...)
}

// The operator states of a two-phase-commit sink (list states, so they are
// dealt among the subtasks when the parallelism changes): the writer's state
// (one element per old subtask, if the writer is a
// connector.StatefulSinkWriter) and the committables not committed yet, each
// a varint checkpoint id followed by the committable's encoding
// (docs/format/checkpoint-metadata.md).
const (
	writerStateName  = "sink-writer-state"
	committablesName = "sink-committables"
)

// snapshotWriter takes the writer's state for checkpoint checkpointID, after
// the pre-commit of PrepareSnapshotPreBarrier.
func (o *twoPhaseSinkOp[T]) snapshotWriter(checkpointID int64) error {
	for i := range o.pending {
		if o.pending[i].checkpoint == afterFinish {
			o.pending[i].checkpoint = checkpointID
		}
	}
	o.writerState = nil
	if sw, ok := o.writer.(connector.StatefulSinkWriter[T]); ok {
		st, err := sw.SnapshotState(checkpointID)
		if err != nil {
			return fmt.Errorf("snapshotting the writer: %w", err)
		}
		o.writerState = st
	}
	return nil
}

func (o *twoPhaseSinkOp[T]) encodeWriterState() ([][]byte, error) {
	if o.writerState == nil {
		return nil, nil
	}
	return [][]byte{o.writerState}, nil
}

func (o *twoPhaseSinkOp[T]) encodeCommittables() ([][]byte, error) {
	if len(o.pending) == 0 {
		return nil, nil
	}
	codec, ok := o.sink.(connector.CommittableCodec)
	if !ok {
		return nil, fmt.Errorf("sink %T has no connector.CommittableCodec: its committables cannot be checkpointed", o.sink)
	}
	out := make([][]byte, len(o.pending))
	for i, p := range o.pending {
		data, err := codec.EncodeCommittable(p.c)
		if err != nil {
			return nil, fmt.Errorf("encoding a committable: %w", err)
		}
		out[i] = append(binary.AppendVarint(nil, p.checkpoint), data...)
	}
	return out, nil
}

func (o *twoPhaseSinkOp[T]) decodeCommittables(elems [][]byte) error {
	if len(elems) == 0 {
		return nil
	}
	codec, ok := o.sink.(connector.CommittableCodec)
	if !ok {
		return fmt.Errorf("sink %T has no connector.CommittableCodec: cannot restore its committables", o.sink)
	}
	for _, e := range elems {
		id, n := binary.Varint(e)
		if n <= 0 {
			return errors.New("two-phase-commit sink state: a committable without checkpoint id")
		}
		c, err := codec.DecodeCommittable(e[n:])
		if err != nil {
			return fmt.Errorf("decoding a committable: %w", err)
		}
		o.pending = append(o.pending, pendingCommittable{id, c})
	}
	return nil
}
