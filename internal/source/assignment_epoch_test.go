package source

import (
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/task"
)

// pullSource hands out the splits "s0", "s1", … one per request, and
// snapshots how many it handed out: a stateful enumerator whose readers
// pull, as the filesystem source's.
type pullSource struct{ next *int }

func (s pullSource) Boundedness() connector.Boundedness { return connector.Unbounded }
func (s pullSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &pullEnum{ctx: ctx, next: s.next}, nil
}
func (s pullSource) CreateReader(connector.ReaderContext) (connector.Reader[int], error) {
	return &pullReader{}, nil
}
func (s pullSource) EncodeSplit(sp connector.Split) ([]byte, error) { return []byte(sp.SplitID()), nil }
func (s pullSource) DecodeSplit(b []byte) (connector.Split, error)  { return split(string(b)), nil }

type pullEnum struct {
	ctx  connector.EnumeratorContext
	next *int
}

func (e *pullEnum) Start() error  { return nil }
func (e *pullEnum) AddReader(int) {}
func (e *pullEnum) HandleSplitRequest(sub int) {
	e.ctx.Assign(sub, split("s"+string(rune('0'+*e.next))))
	*e.next++
}
func (e *pullEnum) AddSplitsBack([]connector.Split, int) {}
func (e *pullEnum) Close() error                         { return nil }
func (e *pullEnum) SnapshotState(int64) ([]byte, error)  { return []byte{byte(*e.next)}, nil }

type pullReader struct{ splits []connector.Split }

func (r *pullReader) Start() error                  { return nil }
func (r *pullReader) AddSplits(s []connector.Split) { r.splits = append(r.splits, s...) }
func (r *pullReader) NotifyNoMoreSplits()           {}
func (r *pullReader) Poll(connector.ReaderOutput[int]) (connector.InputStatus, error) {
	return connector.NothingAvailable, nil
}
func (r *pullReader) Available() <-chan struct{}                 { return nil }
func (r *pullReader) Close() error                               { return nil }
func (r *pullReader) SnapshotSplits() ([]connector.Split, error) { return r.splits, nil }

// A split assigned after the enumerator's snapshot for a checkpoint is in
// that snapshot (not handed out yet), so the reader's snapshot for the
// same checkpoint must not have it, even when it reaches the reader's
// inbox before the checkpoint reaches the reader (the trigger only queues
// the snapshot on the reader's task); a split assigned before must be
// there, delivered or not. And a delivery queued before the checkpoint
// hands over its own assignment only, not later ones.
func TestAssignmentsAfterEnumeratorSnapshot(t *testing.T) {
	next := 0
	src := pullSource{next: &next}
	coord, err := NewCoordinator[int](src, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	tk := task.New("Source", 0, 1, wallClock{})
	op := NewOperator[int](src, eventtime.ForMonotonousTimestamps[int](), 0, coord, tk.Mailbox(), &recorder[int]{})
	if err := op.Open(&operator.Context{OperatorName: "Source", Subtask: 0, Parallelism: 1, Clock: wallClock{}, Timers: tk.Timers()}); err != nil {
		t.Fatal(err)
	}
	coord.requestSplit(0) // s0, before the snapshot, not delivered yet
	if _, has, err := coord.SnapshotEnumerator(1); err != nil || !has {
		t.Fatal(err)
	}
	coord.OpenValve()
	coord.requestSplit(0) // s1, after it
	// The delivery queued for s0 runs before the checkpoint's snapshot:
	// it must not take s1 along.
	op.deliver(1, 1<<62)
	st, err := op.SnapshotReader(1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range st.Splits {
		got = append(got, string(b))
	}
	if !slices.Equal(got, []string{"s0"}) {
		t.Errorf("the reader's snapshot for checkpoint 1 has %v, want [s0] (s1 is in the enumerator's)", got)
	}
	// The next checkpoint's snapshot takes s1, still undelivered.
	st, err = op.SnapshotReader(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Splits) != 2 {
		t.Errorf("the reader's snapshot for checkpoint 2 has %d splits, want 2", len(st.Splits))
	}
}
