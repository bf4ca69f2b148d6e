package datastream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/internal/operator"
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

	restored     bool
	writerStates [][]byte
}

type pendingCommittable struct {
	checkpoint int64
	c          connector.Committable
}

func (o *twoPhaseSinkOp[T]) Open(ctx *operator.Context) error {
	o.ctx = ctx
	var w connector.SinkWriter[T]
	var err error
	if rs, ok := o.sink.(connector.StatefulSink[T]); ok && o.restored {
		w, err = rs.RestoreWriter(sinkContext{ctx}, o.writerStates)
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
	return o.commitUpTo(1<<63 - 1)
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

// Finish pre-commits the last data and commits everything.
func (o *twoPhaseSinkOp[T]) Finish() error {
	if err := o.prepare(1<<63-1, true); err != nil {
		return err
	}
	return o.commitUpTo(1<<63 - 1)
}

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

// stateMagic starts the operator state of a two-phase-commit sink
// (docs/format/checkpoint-metadata.md).
const stateMagic = "EDDY2PC1"

func (o *twoPhaseSinkOp[T]) SnapshotOperatorState(checkpointID int64) ([]byte, error) {
	codec, ok := o.sink.(connector.CommittableCodec)
	if !ok && len(o.pending) > 0 {
		return nil, fmt.Errorf("sink %T has no connector.CommittableCodec: its committables cannot be checkpointed", o.sink)
	}
	var b bytes.Buffer
	b.WriteString(stateMagic)
	if sw, ok := o.writer.(connector.StatefulSinkWriter[T]); ok {
		st, err := sw.SnapshotState(checkpointID)
		if err != nil {
			return nil, fmt.Errorf("snapshotting the writer: %w", err)
		}
		b.Write(binary.AppendUvarint(nil, 1))
		b.Write(binary.AppendUvarint(nil, uint64(len(st))))
		b.Write(st)
	} else {
		b.Write(binary.AppendUvarint(nil, 0))
	}
	b.Write(binary.AppendUvarint(nil, uint64(len(o.pending))))
	for _, p := range o.pending {
		data, err := codec.EncodeCommittable(p.c)
		if err != nil {
			return nil, fmt.Errorf("encoding a committable: %w", err)
		}
		b.Write(binary.AppendVarint(nil, p.checkpoint))
		b.Write(binary.AppendUvarint(nil, uint64(len(data))))
		b.Write(data)
	}
	return b.Bytes(), nil
}

func (o *twoPhaseSinkOp[T]) RestoreOperatorState(data [][]byte) error {
	o.restored = true
	codec, _ := o.sink.(connector.CommittableCodec)
	for _, d := range data {
		rest, ok := bytes.CutPrefix(d, []byte(stateMagic))
		if !ok {
			return errors.New("two-phase-commit sink state: bad magic")
		}
		r := bytes.NewReader(rest)
		bad := errors.New("two-phase-commit sink state: truncated or corrupted")
		readBytes := func() ([]byte, error) {
			n, err := binary.ReadUvarint(r)
			if err != nil || n > uint64(r.Len()) {
				return nil, bad
			}
			b := make([]byte, n)
			r.Read(b)
			return b, nil
		}
		has, err := binary.ReadUvarint(r)
		if err != nil {
			return bad
		}
		if has == 1 {
			st, err := readBytes()
			if err != nil {
				return err
			}
			o.writerStates = append(o.writerStates, st)
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			return bad
		}
		for range n {
			id, err := binary.ReadVarint(r)
			if err != nil {
				return bad
			}
			b, err := readBytes()
			if err != nil {
				return err
			}
			if codec == nil {
				return fmt.Errorf("sink %T has no connector.CommittableCodec: cannot restore its committables", o.sink)
			}
			c, err := codec.DecodeCommittable(b)
			if err != nil {
				return fmt.Errorf("decoding a committable: %w", err)
			}
			o.pending = append(o.pending, pendingCommittable{id, c})
		}
		if r.Len() != 0 {
			return bad
		}
	}
	return nil
}
