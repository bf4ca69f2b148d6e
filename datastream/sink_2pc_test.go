package datastream

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
)

// fake2PC pre-commits the records written since the last PrepareCommit as
// one committable (their sum) and records commits.
type fake2PC struct {
	committed []int64
	commits   int
}

func (s *fake2PC) CreateWriter(connector.SinkContext) (connector.SinkWriter[int64], error) {
	return &fake2PCWriter{}, nil
}
func (s *fake2PC) CreateCommitter() (connector.Committer, error) { return fakeCommitter{s}, nil }
func (s *fake2PC) EncodeCommittable(c connector.Committable) ([]byte, error) {
	return binary.AppendVarint(nil, c.(int64)), nil
}
func (s *fake2PC) DecodeCommittable(b []byte) (connector.Committable, error) {
	v, n := binary.Varint(b)
	if n != len(b) {
		return nil, errors.New("bad")
	}
	return v, nil
}

type fake2PCWriter struct{ sum, n int64 }

func (w *fake2PCWriter) Write(v int64, _ int64) error { w.sum += v; w.n++; return nil }
func (w *fake2PCWriter) Flush(bool) error             { return nil }
func (w *fake2PCWriter) Close() error                 { return nil }
func (w *fake2PCWriter) PrepareCommit() ([]connector.Committable, error) {
	if w.n == 0 {
		return nil, nil
	}
	s := w.sum
	w.sum, w.n = 0, 0
	return []connector.Committable{s}, nil
}

type fakeCommitter struct{ s *fake2PC }

func (c fakeCommitter) Commit(cs []connector.Committable) error {
	c.s.commits++
	for _, x := range cs {
		c.s.committed = append(c.s.committed, x.(int64))
	}
	return nil
}
func (c fakeCommitter) Abort([]connector.Committable) error { return nil }
func (c fakeCommitter) Close() error                        { return nil }

func new2PCOp(t *testing.T, s *fake2PC, restore []byte) *twoPhaseSinkOp[int64] {
	t.Helper()
	op, err := open2PCOp(s, restore)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// open2PCOp opens a two-phase-commit sink operator, restored from the
// operator state snapshot restore if it is not nil.
func open2PCOp(s *fake2PC, restore []byte) (*twoPhaseSinkOp[int64], error) {
	op := &twoPhaseSinkOp[int64]{sinkOp: sinkOp[int64]{sink: s}, tp: s}
	ctx := &operator.Context{Parallelism: 1, Clock: wallClock{}}
	if restore != nil {
		store, err := opstate.Redistribute([][]byte{restore}, 1, 0)
		if err != nil {
			return nil, err
		}
		ctx.OperatorState = store
	}
	return op, op.Open(ctx)
}

func write(op *twoPhaseSinkOp[int64], vs ...int64) {
	for _, v := range vs {
		op.ProcessElement(operator.Record[int64]{Value: v})
	}
}

// Committables are committed when their checkpoint (or a later one)
// completes; an aborted checkpoint's are committed with the next completed
// one; a restore commits the checkpointed ones again; Finish commits the
// rest.
func TestTwoPhaseCommitSink(t *testing.T) {
	s := &fake2PC{}
	op := new2PCOp(t, s, nil)
	write(op, 1, 2)
	must(t, op.PrepareSnapshotPreBarrier(1))
	write(op, 10)
	must(t, op.PrepareSnapshotPreBarrier(2))
	must(t, op.NotifyCheckpointAborted(2))
	write(op, 100)
	must(t, op.PrepareSnapshotPreBarrier(3))
	if len(s.committed) != 0 {
		t.Fatalf("committed before any completion: %v", s.committed)
	}
	must(t, op.NotifyCheckpointComplete(1))
	if !slices.Equal(s.committed, []int64{3}) {
		t.Fatalf("after checkpoint 1: %v", s.committed)
	}
	state, err := op.ctx.OperatorState.Snapshot(3)
	must(t, err)
	must(t, op.NotifyCheckpointComplete(3)) // 2 was aborted: committed now
	if !slices.Equal(s.committed, []int64{3, 10, 100}) {
		t.Fatalf("after checkpoint 3: %v", s.committed)
	}
	write(op, 1000)
	must(t, op.Finish())
	if !slices.Equal(s.committed, []int64{3, 10, 100, 1000}) {
		t.Fatalf("after Finish: %v", s.committed)
	}
	must(t, op.Close())

	// Restored from checkpoint 3: its pending committables (10, 100) are
	// committed again.
	s2 := &fake2PC{}
	op2 := new2PCOp(t, s2, state)
	if !slices.Equal(s2.committed, []int64{10, 100}) {
		t.Fatalf("after restore: %v", s2.committed)
	}
	must(t, op2.Finish())
	if s2.commits != 1 {
		t.Errorf("%d commits, want 1 (nothing to commit at Finish)", s2.commits)
	}
	if _, err := open2PCOp(&fake2PC{}, state[:len(state)-1]); err == nil {
		t.Error("truncated state restored")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
