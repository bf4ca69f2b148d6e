package task

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
)

// recHandler is a CheckpointHandler that journals its calls.
type recHandler struct {
	j           *journal
	snapshotErr error

	mu       sync.Mutex
	declines map[int64]error
}

func newRecHandler(j *journal) *recHandler {
	return &recHandler{j: j, declines: map[int64]error{}}
}

func (h *recHandler) Snapshot(b event.Barrier) error {
	sp := ""
	if b.Savepoint {
		sp = " savepoint"
	}
	h.j.add(fmt.Sprintf("snapshot %d%s", b.ID, sp))
	return h.snapshotErr
}

func (h *recHandler) Decline(id int64, err error) {
	h.j.add(fmt.Sprintf("decline %d", id))
	h.mu.Lock()
	h.declines[id] = err
	h.mu.Unlock()
}

func (h *recHandler) Finished() { h.j.add("finished") }

func (h *recHandler) declined(id int64) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.declines[id]
}

// ckOp is a testOp that takes part in checkpoints.
type ckOp struct {
	*testOp
	prepErr   error
	prepEmit  bool // emit a record -id when preparing
	notifyErr error
}

func (o *ckOp) PrepareSnapshotPreBarrier(id int64) error {
	o.j.add(fmt.Sprintf("prepare %s %d", o.name, id))
	if o.prepEmit {
		o.out.Collect(operator.Record[int]{Value: int(-id), Timestamp: event.NoTimestamp})
	}
	return o.prepErr
}

func (o *ckOp) NotifyCheckpointComplete(id int64) error {
	o.j.add(fmt.Sprintf("complete %s %d", o.name, id))
	return o.notifyErr
}

func (o *ckOp) NotifyCheckpointAborted(id int64) error {
	o.j.add(fmt.Sprintf("aborted %s %d", o.name, id))
	return o.notifyErr
}

// ckSource is a testSource that takes part in checkpoints.
type ckSource struct {
	*testSource
	prepEmit bool
}

func (s *ckSource) PrepareSnapshotPreBarrier(id int64) error {
	s.j.add(fmt.Sprintf("prepare Source %d", id))
	if s.prepEmit {
		s.out.Collect(operator.Record[int]{Value: int(-id), Timestamp: event.NoTimestamp})
	}
	return nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (j *journal) has(s string) bool { return slices.Contains(j.get(), s) }

func (j *journal) count(s string) int {
	n := 0
	for _, c := range j.get() {
		if c == s {
			n++
		}
	}
	return n
}

// before reports whether a occurs in calls, and before b if b does.
func before(calls []string, a, b string) bool {
	ia, ib := slices.Index(calls, a), slices.Index(calls, b)
	return ia >= 0 && (ib < 0 || ia < ib)
}

func rec(vs ...int) exchange.Buffer[int] {
	b := exchange.Buffer[int]{Kind: event.Data}
	for _, v := range vs {
		b.Records = append(b.Records, operator.Record[int]{Value: v, Timestamp: event.NoTimestamp})
	}
	return b
}

func bar(id int64) exchange.Buffer[int] {
	return exchange.Buffer[int]{Kind: event.CheckpointBarrier, Barrier: event.Barrier{ID: id, Timestamp: 1000 + id}}
}

var endOfPartition = exchange.Buffer[int]{Kind: event.EndOfPartition}

// inputTask is a sink task with two input channels, A and B: one gate over
// both (a union) or one gate each (two inputs). Records, barriers going
// out, snapshots and declines are journaled in the order the task does
// them.
type inputTask struct {
	tk     *Task
	a, b   *exchange.Channel[int]
	j      *journal
	h      *recHandler
	sink   *ckOp
	result chan error
	done   chan struct{}
}

func newInputTask(twoGates bool, mode exchange.CheckpointingMode) *inputTask {
	j := &journal{}
	tk := New("Sink", 0, 1, wallClock{})
	tk.SetCheckpointingMode(mode)
	it := &inputTask{tk: tk, j: j, h: newRecHandler(j), done: make(chan struct{}), result: make(chan error, 1)}
	it.a = exchange.NewChannel[int](4, tk.Notify())
	it.b = exchange.NewChannel[int](4, tk.Notify())
	it.sink = &ckOp{testOp: &testOp{name: "Sink", j: j}}
	it.sink.process = func(v int) { j.add(fmt.Sprintf("rec %d", v)) }
	tk.AddOperator(it.sink, &operator.Context{OperatorName: "Sink"})
	in := operator.Input[int](it.sink)
	if twoGates {
		tk.AddGate(exchange.NewGate([]*exchange.Channel[int]{it.a}, in))
		tk.AddGate(exchange.NewGate([]*exchange.Channel[int]{it.b}, in))
	} else {
		tk.AddGate(exchange.NewGate([]*exchange.Channel[int]{it.a, it.b}, in))
	}
	tk.AddWriter(&fakeWriter{j: j})
	tk.SetCheckpointHandler(it.h)
	return it
}

func (it *inputTask) send(ch *exchange.Channel[int], bufs ...exchange.Buffer[int]) {
	for _, b := range bufs {
		ch.Send(it.done, b)
	}
}

func (it *inputTask) start() { go func() { it.result <- it.tk.Run(context.Background()) }() }

func (it *inputTask) wait(t *testing.T) []string {
	t.Helper()
	select {
	case err := <-it.result:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("task did not end")
	}
	return it.j.get()
}

func layouts(t *testing.T, fn func(t *testing.T, twoGates bool)) {
	t.Run("union", func(t *testing.T) { fn(t, false) })
	t.Run("two-gates", func(t *testing.T) { fn(t, true) })
}

func TestExactlyOnceHoldsRecordsAfterBarrierUntilAligned(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it := newInputTask(twoGates, exchange.ExactlyOnce)
		it.send(it.a, rec(1), bar(1), rec(2))
		it.start()
		waitFor(t, "rec 1", func() bool { return it.j.has("rec 1") })
		// Record 2 follows barrier 1 on A: it stays in the channel while B
		// has not delivered barrier 1.
		time.Sleep(30 * time.Millisecond)
		if it.j.has("rec 2") || it.a.Queued() != 1 {
			t.Fatalf("record after the barrier processed before alignment: %q", it.j.get())
		}
		it.send(it.b, rec(3), bar(1), rec(4), endOfPartition)
		it.send(it.a, endOfPartition)
		calls := it.wait(t)
		if it.j.count("snapshot 1") != 1 || it.j.count("barrier 1") != 1 {
			t.Fatalf("calls %q: want one barrier and one snapshot", calls)
		}
		for _, order := range [][2]string{{"rec 1", "barrier 1"}, {"rec 3", "barrier 1"}, {"barrier 1", "snapshot 1"},
			{"snapshot 1", "rec 2"}, {"snapshot 1", "rec 4"}, {"rec 2", "end writer"}, {"rec 4", "end writer"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
		if it.h.declined(1) != nil {
			t.Fatalf("declined: %v", it.h.declined(1))
		}
	})
}

func TestAtLeastOnceDoesNotBlock(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it := newInputTask(twoGates, exchange.AtLeastOnce)
		it.send(it.a, rec(1), bar(1), rec(2))
		it.start()
		// Record 2 is processed before barrier 1 arrived on B.
		waitFor(t, "rec 2", func() bool { return it.j.has("rec 2") })
		if it.j.has("snapshot 1") || it.j.has("barrier 1") {
			t.Fatalf("checkpoint taken before the last barrier: %q", it.j.get())
		}
		it.send(it.b, rec(3), bar(1), rec(4), endOfPartition)
		it.send(it.a, endOfPartition)
		calls := it.wait(t)
		if it.j.count("snapshot 1") != 1 || it.j.count("barrier 1") != 1 {
			t.Fatalf("calls %q: want one barrier and one snapshot", calls)
		}
		for _, order := range [][2]string{{"rec 2", "barrier 1"}, {"rec 3", "barrier 1"}, {"barrier 1", "snapshot 1"}, {"snapshot 1", "rec 4"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
	})
}

func TestNewerBarrierAbortsAlignment(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it := newInputTask(twoGates, exchange.ExactlyOnce)
		// B never delivers barrier 1 (its producer declined it): barrier 2
		// on B subsumes it.
		it.send(it.a, bar(1), rec(10), bar(2), endOfPartition)
		it.send(it.b, rec(20), bar(2), rec(21), endOfPartition)
		it.start()
		calls := it.wait(t)
		if it.j.has("snapshot 1") || it.j.has("barrier 1") || it.j.count("decline 1") != 1 || it.j.count("snapshot 2") != 1 {
			t.Fatalf("calls %q", calls)
		}
		if err := it.h.declined(1); !errors.Is(err, exchange.ErrSubsumed) || !strings.Contains(err.Error(), "Sink (1/1)") {
			t.Fatalf("decline reason %v", err)
		}
		for _, order := range [][2]string{{"rec 20", "decline 1"}, {"decline 1", "rec 10"}, {"rec 10", "barrier 2"}, {"barrier 2", "snapshot 2"}, {"snapshot 2", "rec 21"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
	})
}

func TestEndedChannelCompletesAlignment(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it := newInputTask(twoGates, exchange.ExactlyOnce)
		it.send(it.a, rec(1), bar(1), rec(2), endOfPartition)
		it.start()
		waitFor(t, "rec 1", func() bool { return it.j.has("rec 1") })
		it.send(it.b, rec(3), endOfPartition)
		calls := it.wait(t)
		if it.j.count("snapshot 1") != 1 {
			t.Fatalf("calls %q", calls)
		}
		for _, order := range [][2]string{{"rec 3", "barrier 1"}, {"barrier 1", "snapshot 1"}, {"snapshot 1", "rec 2"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
		// A channel that ended before a checkpoint does not count.
		it = newInputTask(twoGates, exchange.ExactlyOnce)
		it.send(it.b, rec(3), endOfPartition)
		it.start()
		waitFor(t, "rec 3", func() bool { return it.j.has("rec 3") })
		time.Sleep(10 * time.Millisecond) // B's end is handled
		it.send(it.a, bar(1), rec(2), endOfPartition)
		calls = it.wait(t)
		if !before(calls, "snapshot 1", "rec 2") || it.j.count("snapshot 1") != 1 {
			t.Fatalf("calls %q", calls)
		}
	})
}

func TestCheckpointAbortNotificationUnblocks(t *testing.T) {
	it := newInputTask(false, exchange.ExactlyOnce)
	it.send(it.a, bar(1), rec(7))
	it.start()
	waitFor(t, "A blocked", func() bool { return it.a.Queued() == 1 })
	time.Sleep(10 * time.Millisecond)
	if it.j.has("rec 7") {
		t.Fatal("blocked record processed")
	}
	it.tk.NotifyCheckpointAborted(1)
	waitFor(t, "rec 7", func() bool { return it.j.has("rec 7") })
	// Barrier 1 arriving late on B is ignored; checkpoint 2 aligns.
	it.send(it.b, bar(1), bar(2), endOfPartition)
	it.send(it.a, bar(2), endOfPartition)
	calls := it.wait(t)
	want := []string{"aborted Sink 1", "rec 7", "prepare Sink 2", "barrier 2", "snapshot 2", "finish Sink", "end writer", "close Sink"}
	calls = slices.DeleteFunc(calls, func(s string) bool { return strings.HasPrefix(s, "open") })
	if !slices.Equal(calls, want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
}

// sourceTask builds Source -> Map -> Sink with checkpointing operators and
// a journaling writer.
func sourceTask(n int) (*Task, *ckSource, []*ckOp, *journal, *recHandler) {
	tk, src, ops, j := chain(0, 1, n, "Map", "Sink")
	cs := &ckSource{testSource: src}
	tk.opImpls[0] = cs
	tk.SetSource(cs)
	cks := make([]*ckOp, len(ops))
	for i, op := range ops {
		cks[i] = &ckOp{testOp: op}
		tk.opImpls[i+1] = cks[i]
	}
	tk.AddWriter(&fakeWriter{j: j})
	h := newRecHandler(j)
	tk.SetCheckpointHandler(h)
	return tk, cs, cks, j, h
}

func TestTriggerCheckpointPreparesEmitsThenSnapshots(t *testing.T) {
	tk, _, ops, j, h := sourceTask(-1)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- tk.Run(ctx) }()
	tk.TriggerCheckpoint(event.Barrier{ID: 5, Timestamp: 77})
	waitFor(t, "snapshot 5", func() bool { return j.has("snapshot 5") })
	// Preparing fails in the sink: declined, the barrier still goes out,
	// no snapshot; the task keeps running.
	sentinel := errors.New("cannot flush")
	tk.Mailbox().Put(func() { ops[1].prepErr = sentinel })
	tk.TriggerCheckpoint(event.Barrier{ID: 6})
	waitFor(t, "decline 6", func() bool { return j.has("decline 6") })
	// A failing snapshot declines too.
	tk.Mailbox().Put(func() { ops[1].prepErr = nil; h.snapshotErr = sentinel })
	tk.TriggerCheckpoint(event.Barrier{ID: 7, Savepoint: true})
	waitFor(t, "decline 7", func() bool { return j.has("decline 7") })
	tk.Mailbox().Put(func() { h.snapshotErr = nil })
	tk.TriggerCheckpoint(event.Barrier{ID: 8})
	waitFor(t, "snapshot 8", func() bool { return j.has("snapshot 8") })
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("task ended with %v", err)
	}
	var got []string
	for _, c := range j.get() {
		if !strings.HasPrefix(c, "open") && !strings.HasPrefix(c, "close") {
			got = append(got, c)
		}
	}
	want := []string{
		"prepare Source 5", "prepare Map 5", "prepare Sink 5", "barrier 5", "snapshot 5",
		"prepare Source 6", "prepare Map 6", "prepare Sink 6", "decline 6", "barrier 6",
		"prepare Source 7", "prepare Map 7", "prepare Sink 7", "barrier 7", "snapshot 7 savepoint", "decline 7",
		"prepare Source 8", "prepare Map 8", "prepare Sink 8", "barrier 8", "snapshot 8",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("calls\n%q\nwant\n%q", got, want)
	}
	var te *Error
	if err := h.declined(6); !errors.Is(err, sentinel) || !errors.As(err, &te) || te.Operator != "Sink" || !strings.Contains(err.Error(), "preparing checkpoint 6") {
		t.Fatalf("decline 6: %v", err)
	}
	if err := h.declined(7); !errors.Is(err, sentinel) || !strings.Contains(err.Error(), "snapshotting checkpoint 7") {
		t.Fatalf("decline 7: %v", err)
	}
}

// The barrier of a triggered checkpoint goes out in order with the
// source's records, after what PrepareSnapshotPreBarrier emitted.
func TestSourceBarrierPositionInOutput(t *testing.T) {
	j := &journal{}
	tk := New("Source", 0, 1, wallClock{})
	ch := exchange.NewChannel[int](1<<10, make(chan struct{}, 1))
	w := exchange.NewWriter([]*exchange.Channel[int]{ch}, exchange.NewSelector[int](exchange.Forward, 0, 1), 7, make(chan struct{}))
	src := &ckSource{testSource: &testSource{testOp: testOp{name: "Source", j: j, out: w}, n: 1000}, prepEmit: true}
	src.poll = func(i int) {
		if i == 250 {
			// Runs after this Poll returned (it emits 100 records): the
			// barrier follows record 299.
			tk.TriggerCheckpoint(event.Barrier{ID: 3})
		}
	}
	tk.AddOperator(src, &operator.Context{OperatorName: "Source"})
	tk.SetSource(src)
	tk.AddWriter(w)
	h := newRecHandler(j)
	tk.SetCheckpointHandler(h)
	tk.TriggerCheckpoint(event.Barrier{ID: 2}) // before anything is read
	if err := runWithTimeout(t, tk, context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []int
	var barriers []string
	for {
		b, ok := ch.TryReceive()
		if !ok {
			break
		}
		switch b.Kind {
		case event.Data:
			for _, r := range b.Records {
				got = append(got, r.Value)
			}
		case event.CheckpointBarrier:
			barriers = append(barriers, fmt.Sprintf("%d@%d", b.Barrier.ID, len(got)))
		}
	}
	// Barrier 2 follows only the record its preparation emitted (-2);
	// barrier 3 follows -2, 0..299 and -3.
	if want := []string{"2@1", "3@302"}; !slices.Equal(barriers, want) {
		t.Fatalf("barriers at %v, want %v", barriers, want)
	}
	if got[0] != -2 || got[1] != 0 || got[300] != 299 || got[301] != -3 || got[302] != 300 || len(got) != 1002 {
		t.Fatalf("records around the barriers: %v … %v", got[:3], got[298:304])
	}
	if j.count("snapshot 2") != 1 || j.count("snapshot 3") != 1 {
		t.Fatalf("calls %q", j.get())
	}
}

func TestTriggerAfterEndOfInputIsDeclined(t *testing.T) {
	tk, _, _, j, h := sourceTask(10)
	if err := runWithTimeout(t, tk, context.Background()); err != nil {
		t.Fatal(err)
	}
	tk.TriggerCheckpoint(event.Barrier{ID: 4})
	if err := h.declined(4); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("decline %v, calls %q", err, j.get())
	}
	if j.has("prepare Source 4") || j.has("snapshot 4") {
		t.Fatalf("calls %q", j.get())
	}

	// A trigger queued while the source reaches its end is declined when
	// the task exits.
	tk, src, _, j, h := sourceTask(950)
	src.poll = func(i int) {
		if i == 949 {
			tk.TriggerCheckpoint(event.Barrier{ID: 9})
		}
	}
	if err := runWithTimeout(t, tk, context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.declined(9); !errors.Is(err, ErrNotRunning) || j.has("snapshot 9") {
		t.Fatalf("decline %v, calls %q", err, j.get())
	}

	// A task with inputs is not triggered: barriers reach it.
	it := newInputTask(false, exchange.ExactlyOnce)
	it.start()
	it.tk.TriggerCheckpoint(event.Barrier{ID: 1})
	waitFor(t, "decline", func() bool { return it.h.declined(1) != nil })
	if err := it.h.declined(1); !errors.Is(err, ErrNotSource) {
		t.Fatalf("decline %v", err)
	}
	it.send(it.a, endOfPartition)
	it.send(it.b, endOfPartition)
	it.wait(t)
}

func TestCheckpointNotificationsReachEveryOperator(t *testing.T) {
	tk, _, ops, j, _ := sourceTask(-1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- tk.Run(ctx) }()
	tk.NotifyCheckpointComplete(3)
	tk.NotifyCheckpointAborted(4)
	waitFor(t, "aborted Sink 4", func() bool { return j.has("aborted Sink 4") })
	var got []string
	for _, c := range j.get() {
		if strings.HasPrefix(c, "complete") || strings.HasPrefix(c, "aborted") {
			got = append(got, c)
		}
	}
	// The source (a testSource) is no listener; Map and Sink are, head first.
	if want := []string{"complete Map 3", "complete Sink 3", "aborted Map 4", "aborted Sink 4"}; !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	// An error in a notification fails the task and names the operator.
	sentinel := errors.New("commit failed")
	tk.Mailbox().Put(func() { ops[1].notifyErr = sentinel })
	tk.NotifyCheckpointComplete(5)
	var err error
	select {
	case err = <-res:
	case <-time.After(10 * time.Second):
		t.Fatal("task did not fail")
	}
	var te *Error
	if !errors.Is(err, sentinel) || !errors.As(err, &te) || te.Operator != "Sink" || !strings.Contains(err.Error(), "notifying checkpoint 5 complete") {
		t.Fatalf("error %v", err)
	}
}

// With a final checkpoint (FLIP-147) a task that finished waits: a trigger
// snapshots its finished state without preparing or emitting a barrier, a
// trigger for a checkpoint it took is ignored, and the task ends once a
// checkpoint taken after it finished completes.
func TestFinalCheckpoint(t *testing.T) {
	tk, _, _, j, h := sourceTask(10)
	tk.SetFinalCheckpoint(true)
	res := make(chan error, 1)
	go func() { res <- tk.Run(context.Background()) }()
	waitFor(t, "finished", func() bool { return j.has("finished") })
	tk.NotifyCheckpointComplete(3) // no checkpoint after finishing yet
	tk.TriggerCheckpoint(event.Barrier{ID: 4})
	waitFor(t, "snapshot 4", func() bool { return j.has("snapshot 4") })
	tk.TriggerCheckpoint(event.Barrier{ID: 4})
	tk.TriggerCheckpoint(event.Barrier{ID: 5})
	waitFor(t, "snapshot 5", func() bool { return j.has("snapshot 5") })
	select {
	case err := <-res:
		t.Fatalf("the task ended before its final checkpoint completed: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	tk.NotifyCheckpointComplete(4)
	select {
	case err := <-res:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the task did not end after its final checkpoint")
	}
	if j.count("snapshot 4") != 1 || j.has("prepare Source 4") || h.declined(4) != nil || h.declined(5) != nil {
		t.Fatalf("calls %q", j.get())
	}
}
